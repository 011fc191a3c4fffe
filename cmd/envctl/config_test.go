package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Each directory under testdata/config is a project whose canonical model
// (`envctl config`) is kept in expected.yaml, and for some in expected.json.
// An optional shell-env file holds the process environment (KEY=VALUE lines);
// an optional expected.stderr holds the warnings the load prints.
const configFixtures = "../../testdata/config"

// jsonGoldens are the fixtures that also keep their --format json output.
var jsonGoldens = []string{"ports", "secrets-configs", "modern", "legacy"}

func configFixtureDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(configFixtures)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dir, err := filepath.Abs(filepath.Join(configFixtures, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) < 18 {
		t.Fatalf("only %d config fixtures", len(dirs))
	}
	return dirs
}

// fixtureEnv is the process environment a fixture is loaded with: nothing from
// the machine running the tests, so that the goldens do not depend on it.
func fixtureEnv(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "shell-env"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// configIn runs `envctl --project-directory DIR -p NAME ARGS...` on a fixture
// and returns its output with the fixture's directory replaced by ${FIXTURE}.
func configIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	full := append([]string{"--project-directory", dir, "-p", filepath.Base(dir)}, args...)
	code, out, stderr := run(t, fixtureEnv(t, dir), "", full...)
	return code, placeholder(out, dir), placeholder(stderr, dir)
}

func placeholder(s, dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		s = strings.ReplaceAll(s, real, "${FIXTURE}")
	}
	return strings.ReplaceAll(s, dir, "${FIXTURE}")
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) && got == "" {
		return
	}
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (rerun with -update to accept):\n--- got\n%s\n--- want\n%s", filepath.Base(path), got, want)
	}
}

func TestConfigGolden(t *testing.T) {
	for _, dir := range configFixtureDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			code, out, stderr := configIn(t, dir, "config")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkGolden(t, filepath.Join(dir, "expected.yaml"), out)
			checkGolden(t, filepath.Join(dir, "expected.stderr"), stderr)
			if !slices.Contains(jsonGoldens, name) {
				return
			}
			code, out, stderr = configIn(t, dir, "config", "--format", "json")
			if code != exitOK {
				t.Fatalf("json: exit %d: %s", code, stderr)
			}
			checkGolden(t, filepath.Join(dir, "expected.json"), out)
		})
	}
}

// The output of config is itself a Compose file: loading it again must give
// the same model, byte for byte.
func TestConfigRoundTrip(t *testing.T) {
	for _, dir := range configFixtureDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			env := fixtureEnv(t, dir)
			code, first, stderr := run(t, env, "", "--project-directory", dir, "-p", name, "config")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			again := t.TempDir()
			if err := os.WriteFile(filepath.Join(again, "compose.yaml"), []byte(first), 0o644); err != nil {
				t.Fatal(err)
			}
			code, second, stderr := run(t, env, "", "--project-directory", again, "-p", name, "config")
			if code != exitOK {
				t.Fatalf("reloading the output: exit %d: %s", code, stderr)
			}
			if second != first {
				t.Errorf("reloaded output differs:\n--- reloaded\n%s\n--- first\n%s", second, first)
			}
		})
	}
}

// The yaml and json renderings are two spellings of one model.
func TestConfigJSONMatchesYAML(t *testing.T) {
	for _, dir := range configFixtureDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			env := fixtureEnv(t, dir)
			_, y, _ := run(t, env, "", "--project-directory", dir, "-p", name, "config")
			_, j, stderr := run(t, env, "", "--project-directory", dir, "-p", name, "config", "--format", "json")
			if !json.Valid([]byte(j)) {
				t.Fatalf("json output does not parse:\n%s%s", j, stderr)
			}
			// JSON is YAML: load the json output again and render it as yaml
			tmp := t.TempDir()
			if err := os.WriteFile(filepath.Join(tmp, "compose.yaml"), []byte(j), 0o644); err != nil {
				t.Fatal(err)
			}
			code, fromJSON, stderr := run(t, env, "", "--project-directory", tmp, "-p", name, "config")
			if code != exitOK {
				t.Fatalf("reloading the json output: exit %d: %s", code, stderr)
			}
			if fromJSON != y {
				t.Errorf("json output, reloaded, renders differently:\n--- from json\n%s\n--- yaml\n%s", fromJSON, y)
			}
		})
	}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(configFixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// configOK runs config on a fixture, expects exit 0 and an empty stderr.
func configOK(t *testing.T, fixtureName string, args ...string) string {
	t.Helper()
	code, out, stderr := configIn(t, fixture(t, fixtureName), append([]string{"config"}, args...)...)
	if code != exitOK || stderr != "" {
		t.Fatalf("config %v: exit %d, stderr %q", args, code, stderr)
	}
	return out
}

func TestConfigListFlags(t *testing.T) {
	cases := []struct {
		fixture string
		args    []string
		want    string
	}{
		{"links", []string{"--services"}, "cache\ndb\nweb\n"},
		{"volumes", []string{"--volumes"}, "cache\nlocal-opts\nnamed\nshared\n"},
		{"networks", []string{"--networks"}, "back\ncorp\nfront\n"},
		{"minimal", []string{"--networks"}, "default\n"},
		{"minimal", []string{"--volumes"}, ""},
		{"build", []string{"--images"}, "example/long:dev\nbuild-short\nbuild-tools\n"},
		{"profiles", []string{"--profiles"}, "ci\ndebug\ntools\n"},
		{"profiles", []string{"--services"}, "web\n"},
		{"profiles", []string{"--services", "--profile", "tools"}, "seed\nweb\n"},
		{"profiles", []string{"--services", "--profile", "debug", "--profile", "ci"}, "debug\nseed\nweb\n"},
		{"depends-on", []string{"--services", "migrate"}, "db\nmigrate\n"},
		{"depends-on", []string{"--services", "web"}, "api\ncache\ndb\nmigrate\nweb\n"},
		{"depends-on", []string{"--services", "db", "cache"}, "cache\ndb\n"},
	}
	for _, c := range cases {
		t.Run(c.fixture+strings.Join(c.args, "_"), func(t *testing.T) {
			if got := configOK(t, c.fixture, c.args...); got != c.want {
				t.Errorf("config %v = %q, want %q", c.args, got, c.want)
			}
		})
	}
	// the legacy format names built images project_service, as v1 did
	code, out, _ := configIn(t, fixture(t, "legacy"), "config", "--images")
	if code != exitOK || out != "elasticsearch:1.7\nlegacy_pump\nlegacy_registry\n" {
		t.Errorf("legacy --images: exit %d, %q", code, out)
	}
}

func TestConfigProfileEnablesService(t *testing.T) {
	out := configOK(t, "profiles")
	if strings.Contains(out, "debug:") {
		t.Errorf("debug is in an inactive profile but is in the model:\n%s", out)
	}
	out = configOK(t, "profiles", "--profile", "debug")
	if !strings.Contains(out, "  debug:\n    profiles:\n      - debug\n    image: busybox:1.36\n") {
		t.Errorf("--profile debug did not enable debug:\n%s", out)
	}
	code, out, stderr := run(t, []string{"COMPOSE_PROFILES=tools"}, "", "--project-directory", fixture(t, "profiles"), "config", "--services")
	if code != exitOK || out != "seed\nweb\n" {
		t.Errorf("COMPOSE_PROFILES=tools: exit %d, %q, %s", code, out, stderr)
	}
}

func TestConfigRestrictToServices(t *testing.T) {
	out := configOK(t, "depends-on", "migrate")
	for _, want := range []string{"\n  db:\n", "\n  migrate:\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("config migrate lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"\n  web:\n", "\n  api:\n", "\n  cache:\n"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("config migrate has %q:\n%s", unwanted, out)
		}
	}
	code, out, stderr := configIn(t, fixture(t, "depends-on"), "config", "nope")
	if code != exitError || out != "" || stderr != "envctl: no such service: nope\n" {
		t.Errorf("config nope: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

var hashLine = regexp.MustCompile(`^([a-z0-9_.-]+) ([0-9a-f]{64})$`)

func parseHashes(t *testing.T, out string) map[string]string {
	t.Helper()
	hashes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := hashLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("hash line %q is not `name <64 hex>`", line)
		}
		hashes[m[1]] = m[2]
	}
	return hashes
}

func TestConfigHashFormat(t *testing.T) {
	web := parseHashes(t, configOK(t, "links", "--hash", "web"))
	if len(web) != 1 || web["web"] == "" {
		t.Fatalf("--hash web = %v", web)
	}
	out := configOK(t, "links", "--hash", "*")
	if names := regexp.MustCompile(`(?m) .*$`).ReplaceAllString(out, ""); names != "cache\ndb\nweb\n" {
		t.Errorf("--hash '*' names, in order = %q", names)
	}
	all := parseHashes(t, out)
	if all["web"] != web["web"] {
		t.Errorf("--hash '*' gives web %s, --hash web gives %s", all["web"], web["web"])
	}
	if all["db"] == all["cache"] {
		t.Errorf("db and cache have one hash: %v", all)
	}
	two := parseHashes(t, configOK(t, "links", "--hash", "db,cache"))
	if len(two) != 2 || two["db"] != all["db"] || two["cache"] != all["cache"] {
		t.Errorf("--hash db,cache = %v, want the ones of --hash '*' %v", two, all)
	}
	code, _, stderr := configIn(t, fixture(t, "links"), "config", "--hash", "nope")
	if code != exitError || stderr != "envctl: no such service: nope\n" {
		t.Errorf("--hash nope: exit %d, %q", code, stderr)
	}
}

// hashOf writes a one-file project and returns web's config hash.
func hashOf(t *testing.T, compose string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"compose.yaml": compose, "Dockerfile": "FROM busybox:1.36\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]string{"--project-directory", dir, "-p", "hash"}, extra...)
	code, out, stderr := run(t, nil, "", append(args, "config", "--hash", "web")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, compose)
	}
	return parseHashes(t, out)["web"]
}

func TestConfigHashChangesExactlyWithTheContainer(t *testing.T) {
	const base = `services:
  web:
    image: nginx:1.25
    environment:
      MODE: a
    deploy:
      replicas: 1
  db:
    image: postgres:16
`
	h := hashOf(t, base)
	changed := map[string]string{
		"environment value": strings.Replace(base, "MODE: a", "MODE: b", 1),
		"environment added": strings.Replace(base, "MODE: a", "MODE: a\n      EXTRA: x", 1),
		"image":             strings.Replace(base, "nginx:1.25", "nginx:1.27", 1),
		"command":           strings.Replace(base, "    environment:", "    command: [sleep, \"1\"]\n    environment:", 1),
	}
	for what, compose := range changed {
		if hashOf(t, compose) == h {
			t.Errorf("hash unchanged when the %s changes", what)
		}
	}
	same := map[string]string{
		"scale":           strings.Replace(base, "    deploy:", "    scale: 1\n    deploy:", 1),
		"deploy.replicas": strings.Replace(base, "replicas: 1", "replicas: 3", 1),
		"depends_on":      strings.Replace(base, "    deploy:", "    depends_on: [db]\n    deploy:", 1),
		"depends_on long": strings.Replace(base, "    deploy:", "    depends_on:\n      db:\n        condition: service_healthy\n    deploy:", 1),
		"build":           strings.Replace(base, "    deploy:", "    build: .\n    deploy:", 1),
		"pull_policy":     strings.Replace(base, "    deploy:", "    pull_policy: always\n    deploy:", 1),
	}
	for what, compose := range same {
		if got := hashOf(t, compose); got != h {
			t.Errorf("hash changed when only %s changed: %s -> %s", what, h, got)
		}
	}
	profiled := strings.Replace(base, "    deploy:", "    profiles: [extra]\n    deploy:", 1)
	if got := hashOf(t, profiled, "--profile", "extra"); got != h {
		t.Errorf("hash changed when only profiles changed: %s -> %s", h, got)
	}
	// as in docker compose, a deploy block that holds only replicas still
	// counts as a (empty) deploy block: adding one where there was none changes
	// the hash, and keeping the same definition keeps both tools' hashes equal
	noDeploy := strings.Replace(base, "    deploy:\n      replicas: 1\n", "", 1)
	if hashOf(t, noDeploy) == h {
		t.Errorf("dropping the deploy block left the hash as it was: the definition changed, check docker compose's")
	}
}

func TestConfigNoInterpolate(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"compose.yaml": "services:\n  app:\n    image: example/app:${TAG:-latest}\n    environment:\n      HOME_DIR: $$HOME\n",
		".env":         "TAG=1.2\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, raw, stderr := run(t, nil, "", "--project-directory", dir, "-p", "noint", "config", "--no-interpolate")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"image: example/app:${TAG:-latest}\n", "HOME_DIR: $$HOME\n"} {
		if !strings.Contains(raw, want) {
			t.Errorf("--no-interpolate output lacks %q:\n%s", want, raw)
		}
	}
	_, interpolated, _ := run(t, nil, "", "--project-directory", dir, "-p", "noint", "config")
	for _, want := range []string{"image: example/app:1.2\n", "HOME_DIR: $$HOME\n"} {
		if !strings.Contains(interpolated, want) {
			t.Errorf("interpolated output lacks %q:\n%s", want, interpolated)
		}
	}
}

func TestConfigQuietAndOutputFile(t *testing.T) {
	code, out, stderr := configIn(t, fixture(t, "ports"), "config", "-q")
	if code != exitOK || out != "" || stderr != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	dir := fixture(t, "ports")
	want := configOK(t, "ports")
	for _, format := range []string{"yaml", "json"} {
		file := filepath.Join(t.TempDir(), "model."+format)
		code, out, stderr = configIn(t, dir, "config", "--format", format, "-o", file)
		if code != exitOK || out != "" || stderr != "" {
			t.Errorf("-o: exit %d, stdout %q, stderr %q", code, out, stderr)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if format == "json" {
			want = configOK(t, "ports", "--format", "json")
			if !json.Valid(b) {
				t.Errorf("--format json -o: not JSON:\n%s", b)
			}
		}
		if got := placeholder(string(b), dir); got != want {
			t.Errorf("-o %s wrote\n%s\nwhile stdout has\n%s", format, got, want)
		}
	}
	code, _, stderr = configIn(t, dir, "config", "--format", "toml")
	if code != exitUsage || !strings.Contains(stderr, `invalid --format "toml"`) {
		t.Errorf("--format toml: exit %d, %q", code, stderr)
	}
}

func TestConfigFormatJSON(t *testing.T) {
	out := configOK(t, "depends-on", "--format", "json")
	var model struct {
		Name     string
		Services map[string]struct {
			DependsOn map[string]struct{ Condition string } `json:"depends_on"`
		}
	}
	if err := json.Unmarshal([]byte(out), &model); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out)
	}
	if model.Name != "depends-on" || len(model.Services) != 5 {
		t.Errorf("name %q, %d services", model.Name, len(model.Services))
	}
	if c := model.Services["web"].DependsOn["migrate"].Condition; c != "service_completed_successfully" {
		t.Errorf("web depends on migrate with %q", c)
	}
}

// docker compose enables the profiles of the services named on the command
// line (cmd/compose/compose.go: project.WithServicesEnabled(services...)), so
// `docker compose config debug` prints debug although its profile is off.
func TestConfigNamedServiceEnablesItsProfile(t *testing.T) {
	code, out, stderr := configIn(t, fixture(t, "profiles"), "config", "--services", "debug")
	if code != exitOK || out != "debug\n" {
		t.Errorf("config --services debug: exit %d, stdout %q, stderr %q; want debug", code, out, stderr)
	}
}

// compose-go splits a string command with go-shellwords, which stops at the
// first unquoted ; & | < or >: `command: echo hi && sleep 1` is loaded as
// [echo, hi] and the rest is dropped without a word. docker-compose v1 kept
// every word; envctl must either keep them or refuse the file with a message.
func TestConfigStringCommandIsNotTruncated(t *testing.T) {
	dir := t.TempDir()
	compose := "services:\n  web:\n    image: busybox:1.36\n    command: echo hi && sleep 1\n"
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, nil, "", "--project-directory", dir, "-p", "cmd", "config")
	if code == exitOK && !strings.Contains(out, "sleep") {
		t.Errorf("command silently truncated:\n%s", out)
	}
	if code != exitOK && !strings.Contains(stderr, "services.web.command") {
		t.Errorf("refused without naming the key: %s", stderr)
	}
}
