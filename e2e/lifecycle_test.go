package e2e

import (
	"strings"
	"testing"
)

const webStack = `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    environment: {MODE: prod}
    depends_on: [db]
  sidecar:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    network_mode: service:web
  worker:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    deploy: {replicas: 2}
`

func TestUpConvergesAndRecreatesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": webStack})
	e.must("up", "-d")
	first := byName(t, e.project)
	want := []string{e.project + "-db-1", e.project + "-sidecar-1", e.project + "-web-1", e.project + "-worker-1", e.project + "-worker-2"}
	for _, n := range want {
		if first[n] == "" {
			t.Fatalf("container %s missing: %v", n, first)
		}
		if s := states(t, e.project)[n]; s != "running" {
			t.Errorf("%s is %s", n, s)
		}
	}
	if len(first) != len(want) {
		t.Errorf("containers %v", first)
	}

	e.must("up", "-d")
	if again := byName(t, e.project); !sameIDs(first, again) {
		t.Fatalf("second up changed containers:\n%v\n%v", first, again)
	}

	e.write(map[string]string{"compose.yaml": strings.Replace(webStack, "MODE: prod", "MODE: debug", 1)})
	r := e.must("--dry-run", "up", "-d")
	if !strings.Contains(r.stdout, "recreate (config hash changed: environment)") {
		t.Errorf("dry run does not give the reason:\n%s", r.stdout)
	}
	if !sameIDs(first, byName(t, e.project)) {
		t.Fatal("--dry-run changed containers")
	}
	e.must("up", "-d")
	after := byName(t, e.project)
	for n, id := range after {
		changed := first[n] != id
		wantChanged := strings.HasSuffix(n, "-web-1") || strings.HasSuffix(n, "-sidecar-1")
		if changed != wantChanged {
			t.Errorf("%s recreated=%v, want %v", n, changed, wantChanged)
		}
	}
	if env := inspect(t, after[e.project+"-web-1"]).Config.Env; !contains(env, "MODE=debug") {
		t.Errorf("web env %v", env)
	}

	e.must("up", "-d", "--force-recreate")
	forced := byName(t, e.project)
	for n, id := range forced {
		if after[n] == id {
			t.Errorf("--force-recreate kept %s", n)
		}
	}
	if len(forced) != len(want) {
		t.Errorf("containers after force-recreate: %v", forced)
	}
}

func TestDownRemovesOnlyTheProject(t *testing.T) {
	t.Parallel()
	a := newEnv(t, map[string]string{"compose.yaml": webStack})
	b := newEnv(t, map[string]string{"compose.yaml": webStack})
	a.must("up", "-d")
	b.must("up", "-d")
	idsB := byName(t, b.project)
	r := a.must("--dry-run", "down")
	if !strings.Contains(r.stdout, "network "+a.project+"_default: remove") || len(byName(t, a.project)) != 5 {
		t.Fatalf("dry run down:\n%s", r.stdout)
	}
	a.must("down")
	if left := containers(t, a.project); len(left) != 0 {
		t.Errorf("down left %d containers", len(left))
	}
	if n := networks(t, a.project); len(n) != 0 {
		t.Errorf("down left networks %v", n)
	}
	if !sameIDs(idsB, byName(t, b.project)) {
		t.Error("down of one project touched the other, which has the same service names")
	}
	for n, s := range states(t, b.project) {
		if s != "running" {
			t.Errorf("%s of the other project is %s", n, s)
		}
	}
}

func sameIDs(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
