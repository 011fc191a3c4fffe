package e2e

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const interopStack = `services:
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    ports: ["8080"]
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
`

// tool runs another program in the project directory; its lines, sorted.
func (e *env) tool(name string, args ...string) []string {
	e.t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		e.t.Skipf("%s not on PATH", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = e.dir
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		e.t.Fatalf("%s %v: %v\n%s%s", name, args, err, out, stderr)
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	sort.Strings(lines)
	return lines
}

func sortedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func sortedKeysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestDockerPsAndComposeV1SeeEnvctlContainers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, file string }{
		{"spec", interopStack},
		{"legacy", "version: \"2.4\"\n" + interopStack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, map[string]string{"compose.yaml": tc.file})
			e.must("up", "-d")
			ids := byName(t, e.project)
			if len(ids) != 2 {
				t.Fatalf("containers %v", ids)
			}
			names := e.tool("docker", "ps", "--filter", "label=com.docker.compose.project="+e.project, "--format", "{{.Names}}")
			if strings.Join(names, " ") != strings.Join(sortedKeysOf(ids), " ") {
				t.Errorf("docker ps lists %v, want %v", names, sortedKeysOf(ids))
			}
			// v1 finds containers by label; -p gives it the same project name
			if got := e.tool("docker-compose", "-p", e.project, "ps", "-q"); strings.Join(got, " ") != strings.Join(sortedValues(ids), " ") {
				t.Errorf("docker-compose ps -q lists %v, want %v", got, sortedValues(ids))
			}
			if got := e.tool("docker-compose", "-p", e.project, "ps", "--services", "--filter", "status=running"); strings.Join(got, " ") != "db web" {
				t.Errorf("docker-compose ps --services: %v", got)
			}
		})
	}
}

func TestEnvctlSeesComposeV1Containers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": interopStack})
	e.tool("docker-compose", "-p", e.project, "up", "-d")
	v1 := byName(t, e.project)
	if _, ok := v1[e.project+"_web_1"]; !ok || len(v1) != 2 {
		t.Fatalf("docker-compose v1 made %v", v1)
	}
	got := strings.Fields(e.must("ps", "-q").stdout)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(sortedValues(v1), " ") {
		t.Errorf("envctl ps -q lists %v, want %v", got, sortedValues(v1))
	}
	r := e.must("--dry-run", "up", "-d")
	if !strings.Contains(r.stdout, "[was "+e.project+"_web_1]") {
		t.Errorf("plan for v1's containers:\n%s", r.stdout)
	}
	// envctl takes them over: one container per service, envctl's names
	e.must("up", "-d")
	after := byName(t, e.project)
	if len(after) != 2 || after[e.project+"-web-1"] == "" || after[e.project+"-db-1"] == "" {
		t.Errorf("after envctl up: %v", after)
	}
	e.must("down")
	if left := containers(t, e.project); len(left) != 0 {
		t.Errorf("down left %d containers", len(left))
	}
	if n := networks(t, e.project); len(n) != 0 {
		t.Errorf("down left networks %v (v1 made the default network)", n)
	}
}

// Two projects with the same service, network and volume names: every
// command on one leaves the other's objects as they were.
func TestProjectsWithSameNamesAreIsolated(t *testing.T) {
	t.Parallel()
	file := bootsStack + `networks:
  back: {}
`
	file = strings.Replace(file, `volumes: ["data:/named", "/anon"]`, `volumes: ["data:/named", "/anon"]
    networks: [default, back]`, 1)
	a := newEnv(t, map[string]string{"compose.yaml": file})
	b := newEnv(t, map[string]string{"compose.yaml": file})
	a.must("up", "-d")
	b.must("up", "-d")
	ids, nets, vols := byName(t, b.project), networks(t, b.project), volumes(t, b.project)
	psB := strings.Fields(b.must("ps", "-q").stdout)
	unchanged := func(step string) {
		t.Helper()
		if got := byName(t, b.project); !sameIDs(ids, got) {
			t.Errorf("%s on A changed B's containers: %v -> %v", step, ids, got)
		}
		for n, s := range states(t, b.project) {
			if s != "running" {
				t.Errorf("%s on A: B's %s is %s", step, n, s)
			}
		}
		if got := networks(t, b.project); strings.Join(got, " ") != strings.Join(nets, " ") {
			t.Errorf("%s on A: B's networks %v -> %v", step, nets, got)
		}
		if got := volumes(t, b.project); strings.Join(got, " ") != strings.Join(vols, " ") {
			t.Errorf("%s on A: B's volumes %v -> %v", step, vols, got)
		}
	}
	for _, id := range strings.Fields(a.must("ps", "-q", "-a").stdout) {
		for _, other := range psB {
			if id == other {
				t.Errorf("A's ps lists B's container %s", id)
			}
		}
	}
	steps := [][]string{
		{"up", "-d", "--force-recreate", "-V"},
		{"up", "-d", "--scale", "app=3"},
		{"pause"}, {"unpause"}, {"restart"}, {"kill", "-s", "SIGTERM"}, {"stop"}, {"start"},
		{"rm", "-s", "-f", "-v"},
		{"up", "-d", "--remove-orphans"},
		{"down", "-v", "--remove-orphans"},
	}
	for _, step := range steps {
		a.must(step...)
		unchanged(strings.Join(step, " "))
	}
	if left := containers(t, a.project); len(left) != 0 {
		t.Errorf("A's down left %d containers", len(left))
	}
}
