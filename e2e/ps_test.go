package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

// As with docker compose, `-p NAME ps` lists NAME's containers without
// reading a compose file: from a directory that has none, and past a file
// that would not load.
func TestPsByProjectNameNeedsNoFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: " + testapp + "\n"})
	e.must("up", "-d")
	e.write(map[string]string{"compose.yaml": "services:\n  web:\n    image: [not, a, string]\n"})
	for _, dir := range []string{t.TempDir(), e.dir} {
		cmd := e.command(context.Background(), "ps")
		cmd.Dir = dir
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("ps in %s: %v\n%s", dir, err, errOut.String())
		}
		if !strings.Contains(out.String(), e.project+"-web-1") {
			t.Errorf("ps in %s does not list %s-web-1:\n%s", dir, e.project, out.String())
		}
	}
	// a service argument still needs the file, to check the name
	if r := e.run("ps", "web"); r.code != 1 || !strings.Contains(r.stderr, "compose.yaml") {
		t.Errorf("ps web with a broken file: exit %d, stderr %q", r.code, r.stderr)
	}
	cmd := exec.Command(bin, "-p", "Bad_Name", "ps")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), `invalid project name "Bad_Name"`) {
		t.Errorf("-p Bad_Name ps: %v %q", err, out)
	}
}
