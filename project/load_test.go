package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// write creates files under a new temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, o Options) *Project {
	t.Helper()
	p, err := Load(context.Background(), o)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return p
}

func TestDiscoveryPrefersComposeYAMLAndAppliesOverride(t *testing.T) {
	dir := write(t, map[string]string{
		"compose.yaml":                "services:\n  web:\n    image: web:1\n",
		"docker-compose.yml":          "services:\n  other:\n    image: other\n",
		"compose.override.yaml":       "services:\n  web:\n    image: web:2\n",
		"docker-compose.override.yml": "services:\n  web:\n    image: web:3\n",
	})
	p := load(t, Options{ProjectDir: dir})
	if got := p.Services["web"].Image; got != "web:2" {
		t.Errorf("image %q, want the compose.override.yaml value web:2", got)
	}
	if _, ok := p.Services["other"]; ok {
		t.Error("docker-compose.yml was loaded although compose.yaml exists")
	}
}

func TestDiscoverySearchesParentDirectories(t *testing.T) {
	dir := write(t, map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: web\n",
		"sub/deeper/.keep":   "",
	})
	t.Chdir(filepath.Join(dir, "sub", "deeper"))
	p := load(t, Options{})
	if _, ok := p.Services["web"]; !ok {
		t.Fatal("service from the parent directory's file not loaded")
	}
	if p.WorkingDir != dir {
		t.Errorf("working dir %s, want %s", p.WorkingDir, dir)
	}
	if p.Name != strings.ToLower(filepath.Base(dir)) {
		t.Errorf("project name %q from directory %q", p.Name, filepath.Base(dir))
	}
}

func TestNoConfigFile(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := Load(context.Background(), Options{})
	if !errors.Is(err, ErrNoConfig) {
		t.Fatalf("err %v, want ErrNoConfig", err)
	}
}

func TestDotEnvAndEnvFilesInterpolate(t *testing.T) {
	dir := write(t, map[string]string{
		"compose.yaml": "services:\n  web:\n    image: \"app:${TAG}\"\n    environment:\n      MODE: ${MODE:-dev}\n      NAME: ${NAME:?NAME is required}\n",
		".env":         "TAG=from-dotenv\nNAME=dot\n",
		"prod.env":     "TAG=from-prod\nMODE=prod\nNAME=prod\n",
	})
	p := load(t, Options{ProjectDir: dir})
	web := p.Services["web"]
	if web.Image != "app:from-dotenv" || *web.Environment["MODE"] != "dev" {
		t.Errorf(".env: image %q MODE %q", web.Image, *web.Environment["MODE"])
	}
	p = load(t, Options{ProjectDir: dir, EnvFiles: []string{filepath.Join(dir, "prod.env")}})
	web = p.Services["web"]
	if web.Image != "app:from-prod" || *web.Environment["MODE"] != "prod" {
		t.Errorf("--env-file: image %q MODE %q", web.Image, *web.Environment["MODE"])
	}
	// the process environment wins over .env, as in docker compose
	p = load(t, Options{ProjectDir: dir, Env: []string{"TAG=from-shell"}})
	if got := p.Services["web"].Image; got != "app:from-shell" {
		t.Errorf("shell variable: image %q", got)
	}
}

func TestRequiredVariableMessage(t *testing.T) {
	dir := write(t, map[string]string{
		"compose.yaml": "services:\n  web:\n    image: app\n    environment:\n      NAME: ${NAME:?NAME is required}\n",
	})
	_, err := Load(context.Background(), Options{ProjectDir: dir, Cwd: dir})
	want := "compose.yaml: services.web.environment.NAME: required variable NAME is missing a value: NAME is required"
	if err == nil || err.Error() != want {
		t.Fatalf("err %v\nwant %s", err, want)
	}
}

func TestNoInterpolateKeepsVariables(t *testing.T) {
	dir := write(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: \"app:${TAG:-1}\"\n"})
	p := load(t, Options{ProjectDir: dir, NoInterpolate: true})
	if got := p.Services["web"].Image; got != "app:${TAG:-1}" {
		t.Errorf("image %q", got)
	}
}

func TestProfiles(t *testing.T) {
	dir := write(t, map[string]string{"compose.yaml": `services:
  web: {image: web}
  debug: {image: debug, profiles: [dev]}
  jobs: {image: jobs, profiles: [batch]}
`})
	names := func(p *Project) []string { return p.ServiceNames() }
	if got := names(load(t, Options{ProjectDir: dir})); !slices.Equal(got, []string{"web"}) {
		t.Errorf("no profile: %v", got)
	}
	if got := names(load(t, Options{ProjectDir: dir, Profiles: []string{"dev"}})); !slices.Equal(got, []string{"debug", "web"}) {
		t.Errorf("--profile dev: %v", got)
	}
	if got := names(load(t, Options{ProjectDir: dir, Env: []string{"COMPOSE_PROFILES=dev,batch"}})); !slices.Equal(got, []string{"debug", "jobs", "web"}) {
		t.Errorf("COMPOSE_PROFILES: %v", got)
	}
}

func TestExtendsAndInclude(t *testing.T) {
	dir := write(t, map[string]string{
		"compose.yaml": `include:
  - db/compose.yaml
services:
  web:
    extends: {file: base.yaml, service: app}
    environment: {ROLE: web}
`,
		"base.yaml":       "services:\n  app:\n    image: app:1\n    environment: {LOG: debug}\n",
		"db/compose.yaml": "services:\n  db:\n    image: postgres\n",
	})
	p := load(t, Options{ProjectDir: dir})
	web := p.Services["web"]
	if web.Image != "app:1" || *web.Environment["LOG"] != "debug" || *web.Environment["ROLE"] != "web" {
		t.Errorf("extends: %+v", web)
	}
	if _, ok := p.Services["db"]; !ok {
		t.Error("include: db missing")
	}
}

func TestProjectNameRules(t *testing.T) {
	dir := write(t, map[string]string{"My.App/compose.yaml": "services:\n  web: {image: web}\n"})
	p := load(t, Options{ProjectDir: filepath.Join(dir, "My.App")})
	if p.Name != "myapp" {
		t.Errorf("from directory My.App: %q", p.Name)
	}
	p = load(t, Options{ProjectDir: filepath.Join(dir, "My.App"), ProjectName: "explicit"})
	if p.Name != "explicit" {
		t.Errorf("explicit: %q", p.Name)
	}
	p = load(t, Options{ProjectDir: filepath.Join(dir, "My.App"), Env: []string{"COMPOSE_PROJECT_NAME=fromenv"}})
	if p.Name != "fromenv" {
		t.Errorf("COMPOSE_PROJECT_NAME: %q", p.Name)
	}
	_, err := Load(context.Background(), Options{ProjectDir: filepath.Join(dir, "My.App"), ProjectName: "Bad Name"})
	if err == nil || !strings.Contains(err.Error(), `invalid project name "Bad Name"`) {
		t.Errorf("invalid explicit name: %v", err)
	}
}

func TestStdin(t *testing.T) {
	dir := t.TempDir()
	p := load(t, Options{Files: []string{"-"}, ProjectDir: dir, Stdin: strings.NewReader("services:\n  web: {image: fromstdin}\n")})
	if p.Services["web"].Image != "fromstdin" {
		t.Errorf("stdin: %+v", p.Services["web"])
	}
}

func TestComposeFileVariable(t *testing.T) {
	dir := write(t, map[string]string{
		"a.yaml": "services:\n  web: {image: a}\n",
		"b.yaml": "services:\n  web: {image: b}\n  db: {image: db}\n",
	})
	p := load(t, Options{ProjectDir: dir, Env: []string{"COMPOSE_FILE=" + filepath.Join(dir, "a.yaml") + ":" + filepath.Join(dir, "b.yaml")}})
	if p.Services["web"].Image != "b" || len(p.Services) != 2 {
		t.Errorf("COMPOSE_FILE path list not merged in order: %v", p.Services)
	}
}

func TestErrorNamesTheOverrideFile(t *testing.T) {
	dir := write(t, map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: app\n",
		"compose.override.yaml": "services:\n  web:\n    restart: sometimes\n",
	})
	_, err := Load(context.Background(), Options{ProjectDir: dir, Cwd: dir})
	var e *Error
	if !errors.As(err, &e) || e.File != "compose.override.yaml" || e.Path != "services.web.restart" {
		t.Fatalf("err %#v", err)
	}
}
