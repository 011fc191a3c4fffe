package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every config fixture must also load in docker-compose v1 (1.29.2), the tool
// whose files envctl promises to read, unless the fixture says in its
// v1-incompatible file why not (keys v1 does not know). For those v1 must
// really fail, so that the list stays honest.
func TestConfigFixturesLoadInComposeV1(t *testing.T) {
	v1, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose (v1) is not on PATH")
	}
	dirs := configFixtureDirs(t)
	var incompatible []string
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "v1-incompatible")); err == nil {
			incompatible = append(incompatible, filepath.Base(dir))
		}
	}
	if len(incompatible) > 2 {
		t.Errorf("v1-incompatible: %v; keep the keys v1 does not know together in few fixtures", incompatible)
	}
	for _, dir := range dirs {
		dir := dir
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			reason, err := os.ReadFile(filepath.Join(dir, "v1-incompatible"))
			want := err != nil
			if !want {
				if r := strings.TrimSpace(string(reason)); r == "" || strings.Contains(r, "\n") {
					t.Errorf("v1-incompatible must hold a one-line reason, has %q", reason)
				}
			}
			args := []string{"--project-directory", dir}
			for _, f := range v1Files(t, dir) {
				args = append(args, "-f", f)
			}
			cmd := exec.Command(v1, append(args, "config", "-q")...)
			cmd.Env = v1Env(fixtureEnv(t, dir))
			out, err := cmd.CombinedOutput()
			switch {
			case want && err != nil:
				t.Errorf("docker-compose v1 does not load it (%v):\n%s", err, out)
			case !want && err == nil:
				t.Errorf("v1-incompatible says %q, but docker-compose v1 loads it: delete the file", strings.TrimSpace(string(reason)))
			case !want:
				t.Logf("v1 fails as expected: %s", strings.TrimSpace(string(out)))
			}
		})
	}
}

// v1Files are the files envctl finds in the fixture: compose.yaml and its
// override, or a legacy docker-compose.yml.
func v1Files(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, name := range []string{"compose.yaml", "compose.override.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			files = append(files, filepath.Join(dir, name))
		}
	}
	if len(files) == 0 {
		files = []string{filepath.Join(dir, "docker-compose.yml")}
	}
	return files
}

// v1Env is the fixture's environment plus what python needs to start, and no
// COMPOSE_* or DOCKER_* setting of the machine running the tests.
func v1Env(fixture []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "HOME" || k == "LANG" || k == "LC_ALL" {
			env = append(env, kv)
		}
	}
	return append(env, fixture...)
}
