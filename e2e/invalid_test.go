package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
)

// Every project under testdata/invalid fails `config` and `up -d` with the
// one line in its expected.txt, exit 1, and leaves the engine as it was.
// Not parallel: it compares the whole engine before and after.
func TestInvalidProjectsChangeNothing(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repo, "testdata/invalid/*"))
	if err != nil || len(dirs) < 30 {
		t.Fatalf("invalid fixtures: %d, %v", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--project-directory", dir, "--progress", "plain"}
			if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args = append(args, strings.Fields(string(extra))...)
			}
			for _, cmd := range [][]string{{"config"}, {"up", "-d"}} {
				before := labelledSnapshot(t)
				code, stdout, stderr := runFixture(t, dir, append(append([]string{}, args...), cmd...)...)
				after := labelledSnapshot(t)
				got := strings.ReplaceAll(stderr, dir+string(filepath.Separator), "")
				if code != 1 {
					t.Errorf("%s: exit %d, want 1", cmd[0], code)
				}
				if got != string(want) {
					t.Errorf("%s: stderr\n got: %q\nwant: %q", cmd[0], got, want)
				}
				if stdout != "" {
					t.Errorf("%s: stdout %q", cmd[0], stdout)
				}
				if diff := snapshotDiff(before, after, fixtureProject(dir), true); diff != "" {
					t.Errorf("%s changed the engine:\n%s", cmd[0], diff)
				}
			}
		})
	}
}

// runFixture runs envctl with only what it needs from the environment, so
// that no variable of the machine satisfies a fixture by chance.
func runFixture(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "shell-env")); err == nil {
		cmd.Env = append(cmd.Env, strings.Fields(string(b))...)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// labelledSnapshot is every container, network and volume on the engine
// with the compose project it belongs to, if any.
func labelledSnapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := docker(t)
	out := map[string]string{}
	list, err := c.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range list {
		out["container "+ct.ID+" "+name(ct)] = ct.Labels["com.docker.compose.project"]
	}
	nets, err := c.NetworkList(ctx, network.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets {
		out["network "+n.ID+" "+n.Name] = n.Labels["com.docker.compose.project"]
	}
	vols, err := c.VolumeList(ctx, volume.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Volumes {
		out["volume "+v.Name] = v.Labels["com.docker.compose.project"]
	}
	return out
}

// fixtureProject says whether a compose project name could be the fixture's:
// its directory's name, or a name written in its files or args.
func fixtureProject(dir string) func(string) bool {
	text := filepath.Base(dir)
	entries, _ := os.ReadDir(dir)
	for _, f := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, f.Name())); err == nil {
			text += "\n" + string(b)
		}
	}
	return func(project string) bool { return project != "" && strings.Contains(text, project) }
}

// snapshotDiff lists what appeared or went between two snapshots: objects
// with no project, or the fixture's. Other projects' objects (tests of other
// developers sharing the engine) are not this run's doing.
// unlabelled says whether objects of no project count as ours too (only
// safe in a test that runs alone).
func snapshotDiff(before, after map[string]string, ours func(string) bool, unlabelled bool) string {
	var diff []string
	mine := func(project string) bool { return project == "" && unlabelled || ours(project) }
	for k, p := range after {
		if _, ok := before[k]; !ok && mine(p) {
			diff = append(diff, "+ "+k+" (project "+p+")")
		}
	}
	for k, p := range before {
		if _, ok := after[k]; !ok && mine(p) {
			diff = append(diff, "- "+k+" (project "+p+")")
		}
	}
	sort.Strings(diff)
	return strings.Join(diff, "\n")
}
