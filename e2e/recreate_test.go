package e2e

import (
	"strings"
	"testing"
)

const namespaceStack = `services:
  base:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    environment: {GEN: "1"}
    volumes: ["/shared"]
  ipcjoin:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    ipc: service:base
  pidjoin:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    pid: service:base
  vf:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    volumes_from: [base]
  after:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    depends_on: [base]
`

// A changed service takes with it exactly the services that hold its
// container ID (ipc, pid, volumes_from); a mere dependent stays.
func TestRecreateFollowsNamespacesOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": namespaceStack})
	e.must("up", "-d")
	first := byName(t, e.project)
	e.write(map[string]string{"compose.yaml": strings.Replace(namespaceStack, `GEN: "1"`, `GEN: "2"`, 1)})
	r := e.must("--dry-run", "up", "-d")
	for _, want := range []string{
		"container " + e.project + "-ipcjoin-1: recreate (shares the IPC namespace of base, which is recreated)",
		"container " + e.project + "-pidjoin-1: recreate (shares the PID namespace of base, which is recreated)",
		"container " + e.project + "-vf-1: recreate (takes volumes from base, which is recreated)",
		"container " + e.project + "-after-1: keep (up to date)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	e.must("up", "-d")
	after := byName(t, e.project)
	for n, id := range after {
		changed := first[n] != id
		want := !strings.HasSuffix(n, "-after-1")
		if changed != want {
			t.Errorf("%s recreated=%v, want %v", n, changed, want)
		}
	}
	base := after[e.project+"-base-1"]
	if got := string(inspect(t, after[e.project+"-ipcjoin-1"]).HostConfig.IpcMode); got != "container:"+base {
		t.Errorf("ipcjoin joins %s, want the new base %s", got, base)
	}
	if got := inspect(t, after[e.project+"-vf-1"]).HostConfig.VolumesFrom; len(got) != 1 || got[0] != base {
		t.Errorf("vf takes volumes from %v, want the new base", got)
	}
	for n, s := range states(t, e.project) {
		if s != "running" {
			t.Errorf("%s is %s", n, s)
		}
	}
	// recreating one service on request leaves the others
	e.must("up", "-d", "--force-recreate", "--no-deps", "after")
	again := byName(t, e.project)
	for n, id := range again {
		if changed := after[n] != id; changed != strings.HasSuffix(n, "-after-1") {
			t.Errorf("--force-recreate after: %s recreated=%v", n, changed)
		}
	}
}
