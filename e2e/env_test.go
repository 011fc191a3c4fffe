package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testapp is the image most tests run; see testdata/images/testapp/README.md.
const testapp = "envctl-test/testapp:latest"

// env is one test's project: a directory with its files and a unique name.
type env struct {
	t       *testing.T
	dir     string
	project string
	// extra environment for every envctl run
	vars []string
}

var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

// newEnv writes files into a fresh directory and names a project after the
// test; everything the project leaves on the engine is removed at the end.
func newEnv(t *testing.T, files map[string]string) *env {
	t.Helper()
	suffix := make([]byte, 3)
	rand.Read(suffix)
	name := unsafe.ReplaceAllString(strings.ToLower(t.Name()), "")
	if len(name) > 24 {
		name = name[:24]
	}
	e := &env{t: t, dir: t.TempDir(), project: "e2e" + name + hex.EncodeToString(suffix)}
	e.write(files)
	t.Cleanup(func() { purge(t, e.project) })
	return e
}

func (e *env) write(files map[string]string) {
	e.t.Helper()
	for name, content := range files {
		path := filepath.Join(e.dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

// result is what one envctl run did.
type result struct {
	code   int
	stdout string
	stderr string
	took   time.Duration
}

// run runs envctl in the project directory with -p project.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runIn(context.Background(), "", args...)
}

func (e *env) runIn(ctx context.Context, stdin string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := e.command(ctx, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("envctl %v: %v", args, err)
	}
	return r
}

// command prepares envctl without running it, for tests that signal it.
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, append([]string{"-p", e.project, "--progress", "plain"}, args...)...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), e.vars...)
	return cmd
}

// must runs envctl and fails the test unless it exits 0.
func (e *env) must(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("envctl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// eventually retries check until it passes or the timeout ends.
func eventually(t *testing.T, timeout time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if check() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}
