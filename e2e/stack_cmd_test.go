package e2e

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stackEnv is a test project run through `envctl stack`: an empty working
// directory, and a data directory of its own where envctl writes the stack.
func stackEnv(t *testing.T, vars ...string) (*env, string) {
	e := newEnv(t, nil)
	data := t.TempDir()
	// ENVCTL_STACK_OFFLINE empty: envctl asks the engine whether the official
	// images can be pulled, as it does for users.
	e.vars = append([]string{"XDG_DATA_HOME=" + data, "ENVCTL_STACK_OFFLINE="}, vars...)
	return e, filepath.Join(data, "envctl", "stacks")
}

// readEnvFile parses the KEY=VALUE lines of a .env file.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out
}

// checkGeneratedEnv: the stack's .env was made from .env.example with every
// placeholder replaced, readable by its owner only.
func checkGeneratedEnv(t *testing.T, path string, secrets ...string) map[string]string {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v", path, st.Mode().Perm())
	}
	vars := readEnvFile(t, path)
	for _, k := range secrets {
		if len(vars[k]) < 32 || strings.Contains(vars[k], "change-me") {
			t.Errorf("%s: %s=%q is not a generated password", path, k, vars[k])
		}
	}
	return vars
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	if list, _ := os.ReadDir(dir); len(list) != 0 {
		t.Errorf("envctl wrote into the working directory: %v", list)
	}
}

// `envctl stack up distribution` from an empty directory: the stack comes out
// of the binary, gets a .env with generated passwords, and, the official images
// being out of reach here, runs on the offline images it builds itself.
func TestStackUpDistributionFromEmptyDir(t *testing.T) {
	t.Parallel()
	// Built beforehand (shared with the other tests) so that stack up's own
	// run of build.sh finds them cached and stays within the harness's timeout.
	offlineImages(t, "distribution")
	port := freePort(t)
	e, root := stackEnv(t, "REGISTRY_PORT="+port)
	dir := filepath.Join(root, "distribution")

	r := e.must("stack", "up", "distribution", "-d", "--wait")
	envPath := filepath.Join(dir, ".env")
	for _, want := range []string{
		"settings and generated passwords are in " + envPath,
		"the official images cannot be pulled",
		"using the offline images of compose.offline.yaml",
		"envctl-offline/distribution-registry:h-", // build.sh's own report
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stack up does not say %q:\n%s", want, r.stderr)
		}
	}
	emptyDir(t, e.dir)
	vars := checkGeneratedEnv(t, envPath, "REGISTRY_PASSWORD", "REGISTRY_HTTP_SECRET", "REDIS_PASSWORD")
	checkDistributionReady(t, e.project)
	for n, id := range byName(t, e.project) {
		if img := inspect(t, id).Config.Image; !strings.HasPrefix(img, "envctl-offline/distribution-") {
			t.Errorf("%s runs %s, not an offline image", n, img)
		}
	}

	d := newDistribution(t, e.project, port, vars["REGISTRY_USER"], vars["REGISTRY_PASSWORD"])
	d.login()
	digest := d.push("v1")
	if ev := d.waitEvent(10*time.Second, "push", "v1"); ev.Target.Digest != digest {
		t.Errorf("push event %+v, pushed %s", ev, digest)
	}

	images := e.must("stack", "config", "distribution", "--images").stdout
	if !strings.Contains(images, "envctl-offline/distribution-registry:latest") {
		t.Errorf("stack config does not show the offline images up used:\n%s", images)
	}

	envBefore, _ := os.ReadFile(envPath)
	ids := byName(t, e.project)
	r = e.must("stack", "up", "distribution", "-d", "--wait")
	if strings.Contains(r.stderr, "generated passwords") {
		t.Errorf("second up made a .env again:\n%s", r.stderr)
	}
	if envAfter, _ := os.ReadFile(envPath); !bytes.Equal(envBefore, envAfter) {
		t.Error("second up changed .env")
	}
	if !sameIDs(ids, byName(t, e.project)) {
		t.Error("second stack up recreated containers")
	}

	e.must("stack", "down", "distribution", "-v")
	if left := containers(t, e.project); len(left) != 0 {
		t.Errorf("stack down left %d containers", len(left))
	}
	if left := volumes(t, e.project); len(left) != 0 {
		t.Errorf("stack down -v left volumes %v", left)
	}
	if _, err := os.Stat(envPath); err != nil {
		t.Errorf("stack down removed .env: %v", err)
	}
	emptyDir(t, e.dir)
}

func TestStackLsAndBadNames(t *testing.T) {
	t.Parallel()
	e, _ := stackEnv(t)
	out := e.must("stack", "ls").stdout
	for _, want := range []string{"distribution", "wordpress"} {
		if !strings.Contains(out, want) {
			t.Errorf("stack ls does not list %s:\n%s", want, out)
		}
	}
	// other tests run alongside: look only at objects of projects these
	// commands could have made
	suspects := func(project string) bool {
		return project == e.project || project == "nosuch" || project == "wordpress" || project == "distribution"
	}
	before := labelledSnapshot(t)
	for _, args := range [][]string{
		{"stack", "up", "nosuch", "-d"},
		{"stack", "up"},
		{"-f", "compose.yaml", "stack", "config", "wordpress"},
	} {
		r := e.run(args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("envctl %v: exit %d, want 2 and one line:\n%s", args, r.code, r.stderr)
		}
	}
	if diff := snapshotDiff(before, labelledSnapshot(t), suspects, false); diff != "" {
		t.Errorf("a refused stack command changed the engine:\n%s", diff)
	}
}

// The onboarding stack: WordPress's installer page, which WordPress serves
// only once it can reach its database.
func TestStackWordpressServesInstaller(t *testing.T) {
	t.Parallel()
	offlineImages(t, "wordpress")
	port := freePort(t)
	e, root := stackEnv(t, "WORDPRESS_PORT="+port)
	r := e.must("stack", "up", "wordpress", "-d", "--wait")
	for _, want := range []string{"the official images cannot be pulled", "envctl-offline/wordpress-web:h-"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stack up does not say %q:\n%s", want, r.stderr)
		}
	}
	checkGeneratedEnv(t, filepath.Join(root, "wordpress", ".env"), "WORDPRESS_DB_PASSWORD", "MARIADB_ROOT_PASSWORD")
	ids := byName(t, e.project)
	for _, s := range []string{"db", "wordpress"} {
		st := inspect(t, ids[e.project+"-"+s+"-1"]).State
		if st.Health == nil || st.Health.Status != "healthy" {
			t.Fatalf("%s is not healthy after up --wait: %+v", s, st)
		}
	}
	for _, v := range []string{e.project + "_db-data", e.project + "_wordpress-data"} {
		if !contains(volumes(t, e.project), v) {
			t.Errorf("volume %s missing: %v", v, volumes(t, e.project))
		}
	}

	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	base := "http://localhost:" + port
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != base+"/wp-admin/install.php" {
		t.Errorf("GET /: %s to %q, want a redirect to the installer", resp.Status, resp.Header.Get("Location"))
	}
	resp, err = client.Get(base + "/wp-admin/install.php?step=1")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"<title>WordPress &rsaquo; Installation</title>", `name="weblog_title"`, `name="admin_password"`} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), want) {
			t.Fatalf("installer page: %s, no %q:\n%s", resp.Status, want, page)
		}
	}

	e.must("stack", "down", "wordpress", "-v")
	if left := volumes(t, e.project); len(left) != 0 {
		t.Errorf("stack down -v left volumes %v", left)
	}
}
