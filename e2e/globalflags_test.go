package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// With one engine call at a time, up still converges: nothing waits on a
// slot that another waiter holds (event streams give theirs back at once).
func TestParallelOneConverges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": webStack + `  health:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-ready-file", "/tmp/ready", "-ready-after", "1s"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/tmp/ready"], interval: 500ms}
  after:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    depends_on: {health: {condition: service_healthy}}
`})
	e.must("--parallel", "1", "up", "-d", "--wait")
	onePerReplica(t, e.project, map[string]int{"db": 1, "web": 1, "sidecar": 1, "worker": 2, "health": 1, "after": 1})
	e.vars = append(e.vars, "COMPOSE_PARALLEL_LIMIT=1")
	e.must("up", "-d", "--force-recreate")
	onePerReplica(t, e.project, map[string]int{"db": 1, "web": 1, "sidecar": 1, "worker": 2, "health": 1, "after": 1})
	e.must("down")
	if left := containers(t, e.project); len(left) != 0 {
		t.Errorf("down --parallel 1 left %d containers", len(left))
	}
	if r := e.run("--parallel", "0", "ps"); r.code != 2 {
		t.Errorf("--parallel 0: exit %d, want 2", r.code)
	}
}

// --progress json: one JSON object per stderr line; stdout keeps only data.
func TestProgressJSONKeepsStdoutClean(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	jsonLines := func(what, s string) []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			if l == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Errorf("%s line is not JSON: %q", what, l)
				continue
			}
			out = append(out, m)
		}
		return out
	}
	r := e.must("--progress", "json", "up", "-d")
	if r.stdout != "" {
		t.Errorf("up -d wrote to stdout: %q", r.stdout)
	}
	events := jsonLines("up stderr", r.stderr)
	started := 0
	for _, ev := range events {
		if ev["status"] == "Started" && strings.HasPrefix(ev["id"].(string), "Container "+e.project) {
			started++
		}
	}
	if started != 2 {
		t.Errorf("%d Started events, want 2:\n%s", started, r.stderr)
	}
	r = e.must("--progress", "json", "ps", "--format", "json")
	if n := len(jsonLines("ps stdout", r.stdout)); n != 2 {
		t.Errorf("ps --format json gave %d objects:\n%s", n, r.stdout)
	}
	r = e.must("--progress", "json", "ps", "-q")
	if ids := strings.Fields(r.stdout); len(ids) != 2 {
		t.Errorf("ps -q with --progress json: %q", r.stdout)
	}
	r = e.must("--progress", "json", "down")
	if r.stdout != "" {
		t.Errorf("down wrote to stdout: %q", r.stdout)
	}
	jsonLines("down stderr", r.stderr)
	// warnings (here an orphan) are events too
	e.must("up", "-d")
	e.write(map[string]string{"compose.yaml": opsStack[:strings.Index(opsStack, "  web:")]})
	r = e.must("--progress", "json", "up", "-d")
	warned := false
	for _, ev := range jsonLines("up stderr with a warning", r.stderr) {
		if ev["status"] == "Warning" && strings.Contains(ev["text"].(string), "orphan containers") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no Warning event for the orphan:\n%s", r.stderr)
	}
	r = e.must("--progress", "quiet", "up", "-d", "--remove-orphans")
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("--progress quiet printed %q / %q", r.stdout, r.stderr)
	}
}
