package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

// a and b turn healthy about a second after they start, at their first probe
// (every 4s); each of b and c waits for the one before it to be healthy.
const healthyChain = `services:
  a:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-ready-file", "/tmp/ready", "-ready-after", "1s"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/tmp/ready"], interval: 4s, retries: 3}
  b:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-ready-file", "/tmp/ready", "-ready-after", "1s"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/tmp/ready"], interval: 4s, retries: 3}
    depends_on: {a: {condition: service_healthy}}
  c:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    depends_on: {b: {condition: service_healthy}}
`

// healthyAt is when a container's first successful probe ended (when the
// engine turned it healthy), and when the probe after that began, if any.
func healthyAt(t *testing.T, info container.InspectResponse) (healthy time.Time, next time.Time) {
	t.Helper()
	if info.State.Health == nil {
		t.Fatalf("%s has no health state", info.Name)
	}
	log := info.State.Health.Log
	for i, probe := range log {
		if probe.ExitCode == 0 {
			if i+1 < len(log) {
				next = log[i+1].Start
			}
			return probe.End, next
		}
	}
	t.Fatalf("%s: no successful probe in %+v", info.Name, log)
	return
}

func TestDependsOnHealthyChainStartsInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": healthyChain})
	e.must("up", "-d")
	ids := byName(t, e.project)
	a := inspect(t, ids[e.project+"-a-1"])
	b := inspect(t, ids[e.project+"-b-1"])
	c := inspect(t, ids[e.project+"-c-1"])
	aHealthy, aNext := healthyAt(t, a)
	bHealthy, bNext := healthyAt(t, b)
	bStart := engineTime(t, b.State.StartedAt)
	cStart := engineTime(t, c.State.StartedAt)
	if !engineTime(t, a.State.StartedAt).Before(aHealthy) || !aHealthy.Before(bStart) || !bStart.Before(bHealthy) || !bHealthy.Before(cStart) {
		t.Errorf("order: a started %s, healthy %s; b started %s, healthy %s; c started %s",
			a.State.StartedAt, aHealthy, b.State.StartedAt, bHealthy, c.State.StartedAt)
	}
	// started on the health_status event, not on a later look: before the
	// dependency's next probe (4s on)
	if !aNext.IsZero() && !bStart.Before(aNext) {
		t.Errorf("b started %s, after a's next probe at %s", bStart, aNext)
	}
	if !bNext.IsZero() && !cStart.Before(bNext) {
		t.Errorf("c started %s, after b's next probe at %s", cStart, bNext)
	}
	// every container is created at once, before any dependency is healthy
	for _, info := range []container.InspectResponse{b, c} {
		if created := engineTime(t, info.Created); !created.Before(aHealthy) {
			t.Errorf("%s created %s, after a turned healthy at %s", info.Name, created, aHealthy)
		}
	}
}

func TestDependsOnCompletedSuccessfullyGates(t *testing.T) {
	t.Parallel()
	// the dependents read what the one-shot writes: started too early, they fail
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  init:
    image: envctl-test/testapp:latest
    command: ["sleep", "2", "+", "write", "/shared/done", "ok"]
    volumes: ["shared:/shared"]
  app:
    image: envctl-test/testapp:latest
    command: ["read", "/shared/done", "+", "sleep", "-term", "trap"]
    volumes: ["shared:/shared"]
    depends_on: {init: {condition: service_completed_successfully}}
  worker:
    image: envctl-test/testapp:latest
    command: ["read", "/shared/done", "+", "sleep", "-term", "trap"]
    volumes: ["shared:/shared"]
    depends_on: {init: {condition: service_completed_successfully}}
volumes:
  shared: {}
`})
	e.must("up", "-d")
	ids := byName(t, e.project)
	init := inspect(t, ids[e.project+"-init-1"])
	if init.State.Running || init.State.ExitCode != 0 {
		t.Fatalf("init: running %v, exit %d", init.State.Running, init.State.ExitCode)
	}
	finished := engineTime(t, init.State.FinishedAt)
	for _, s := range []string{"app", "worker"} {
		info := inspect(t, ids[e.project+"-"+s+"-1"])
		if !engineTime(t, info.State.StartedAt).After(finished) {
			t.Errorf("%s started %s, before init finished %s", s, info.State.StartedAt, init.State.FinishedAt)
		}
		if !info.State.Running {
			t.Errorf("%s is %s (exit %d)", s, info.State.Status, info.State.ExitCode)
		}
	}
	// a second up finds init completed and starts nothing again
	e.must("up", "-d")
	if again := byName(t, e.project); !sameIDs(ids, again) {
		t.Errorf("second up changed containers: %v -> %v", ids, again)
	}
}

func TestDependsOnFailureStopsUp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, failed, says string
	}{
		{"exits", `services:
  init:
    image: envctl-test/testapp:latest
    command: ["exit", "3", "-after", "500ms"]
  app:
    image: envctl-test/testapp:latest
    depends_on: {init: {condition: service_completed_successfully}}
`, "init", "exited with code 3"},
		{"unhealthy", `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/never"], interval: 500ms, retries: 2}
  app:
    image: envctl-test/testapp:latest
    depends_on: {db: {condition: service_healthy}}
`, "db", "unhealthy"},
		{"dies-before-healthy", `services:
  db:
    image: envctl-test/testapp:latest
    command: ["exit", "4", "-after", "500ms"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/never"], interval: 10s}
  app:
    image: envctl-test/testapp:latest
    depends_on: {db: {condition: service_healthy}}
`, "db", "exited with code 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, map[string]string{"compose.yaml": tc.file})
			r := e.run("up", "-d")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
			}
			last := lastLine(r.stderr)
			if !strings.Contains(last, "dependency "+tc.failed+" of service app failed") || !strings.Contains(last, tc.says) {
				t.Errorf("error %q does not name %s and say %q", last, tc.failed, tc.says)
			}
			if s := states(t, e.project)[e.project+"-app-1"]; s != "created" {
				t.Errorf("app is %q, want created and never started", s)
			}
		})
	}
}

func TestDependsOnOptionalMissingIsFine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  app:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    depends_on:
      ghost: {condition: service_started, required: false}
      tool: {condition: service_healthy, required: false}
  tool:
    image: envctl-test/testapp:latest
    profiles: [tools]
`})
	r := e.must("up", "-d")
	if got := states(t, e.project); len(got) != 1 || got[e.project+"-app-1"] != "running" {
		t.Errorf("containers %v, want app running alone\n%s", got, r.stderr)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
