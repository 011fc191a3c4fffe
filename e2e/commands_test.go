package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
)

// opsStack: web waits for db; both trap SIGTERM and exit 0.
const opsStack = `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    depends_on: [db]
    ports: ["8080"]
`

// dieCodes collects the exit code of every container of the project that
// died between since and now, by container ID.
func dieCodes(t *testing.T, project string, since time.Time) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := filters.NewArgs(filters.Arg("type", "container"), filters.Arg("event", "die"), filters.Arg("label", "com.docker.compose.project="+project))
	msgs, errs := docker(t).Events(ctx, events.ListOptions{
		Since: since.Add(-time.Second).Format(time.RFC3339Nano), Until: time.Now().Add(time.Second).Format(time.RFC3339Nano), Filters: f,
	})
	out := map[string]string{}
	for {
		select {
		case m := <-msgs:
			out[m.Actor.ID] = m.Actor.Attributes["exitCode"]
		case err := <-errs:
			if err != nil && err.Error() != "EOF" {
				t.Logf("events: %v", err)
			}
			return out
		case <-ctx.Done():
			t.Fatal("event stream did not end")
		}
	}
}

func TestCreateStartStopRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	db, web := e.project+"-db-1", e.project+"-web-1"
	e.must("create")
	if st := states(t, e.project); st[db] != "created" || st[web] != "created" || len(st) != 2 {
		t.Fatalf("after create: %v", st)
	}
	if out := e.must("ps", "-q").stdout; out != "" {
		t.Errorf("ps without -a lists created containers: %q", out)
	}
	created := byName(t, e.project)
	e.must("create")
	if !sameIDs(created, byName(t, e.project)) {
		t.Error("second create recreated")
	}

	e.must("start", "db")
	if st := states(t, e.project); st[db] != "running" || st[web] != "created" {
		t.Errorf("start db: %v", st)
	}
	e.must("start")
	for n, s := range states(t, e.project) {
		if s != "running" {
			t.Errorf("after start %s is %s", n, s)
		}
	}
	ids := byName(t, e.project)
	before := inspect(t, ids[web]).State.StartedAt
	e.must("restart", "web")
	if inspect(t, ids[web]).State.StartedAt == before || !sameIDs(ids, byName(t, e.project)) {
		t.Error("restart web did not restart the same container")
	}

	since := time.Now()
	e.must("stop")
	codes := dieCodes(t, e.project, since)
	for n, id := range ids {
		if states(t, e.project)[n] != "exited" || codes[id] != "0" {
			t.Errorf("stop: %s is %s, exit %q (want a graceful 0)", n, states(t, e.project)[n], codes[id])
		}
	}
}

// -t 0 kills at once a container that would take 30s to stop gracefully.
func TestTimeoutFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  slow:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-term-delay", "30s"]
    stop_grace_period: 1m
`})
	slow := e.project + "-slow-1"
	killed := func(step string, since time.Time, id string) {
		t.Helper()
		if code := dieCodes(t, e.project, since)[id]; code != "137" {
			t.Errorf("%s: exit %q, want 137 (killed without waiting)", step, code)
		}
	}
	e.must("up", "-d")
	for _, args := range [][]string{{"stop", "-t", "0"}, {"restart", "-t", "0"}, {"up", "-d", "--force-recreate", "-t", "0"}, {"down", "-t", "0"}} {
		id := byName(t, e.project)[slow]
		if args[0] == "stop" || args[0] == "restart" {
			// stop needs a running container; restart one that is stopped too
			e.must("start")
		}
		eventually(t, 20*time.Second, "slow ready", func() bool {
			return strings.Contains(e.must("logs", "slow").stdout, "ready")
		})
		since := time.Now()
		e.must(args...)
		killed(strings.Join(args, " "), since, id)
		if args[0] == "stop" {
			e.must("start")
		}
	}
}

func TestKillPauseUnpause(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	db, web := e.project+"-db-1", e.project+"-web-1"
	e.must("up", "-d")
	ids := byName(t, e.project)
	eventually(t, 20*time.Second, "services ready", func() bool {
		return strings.Count(e.must("logs").stdout, "ready") >= 2
	})

	e.must("pause")
	if st := states(t, e.project); st[db] != "paused" || st[web] != "paused" {
		t.Errorf("pause: %v", st)
	}
	if got := strings.Fields(e.must("ps", "-q", "--status", "paused").stdout); len(got) != 2 {
		t.Errorf("ps --status paused: %v", got)
	}
	e.must("unpause", "web")
	if st := states(t, e.project); st[db] != "paused" || st[web] != "running" {
		t.Errorf("unpause web: %v", st)
	}
	e.must("unpause")

	since := time.Now()
	e.must("kill", "-s", "SIGTERM", "web")
	eventually(t, 20*time.Second, "web to exit", func() bool { return states(t, e.project)[web] == "exited" })
	e.must("kill", "db")
	eventually(t, 20*time.Second, "db to exit", func() bool { return states(t, e.project)[db] == "exited" })
	codes := dieCodes(t, e.project, since)
	if codes[ids[web]] != "0" || codes[ids[db]] != "137" {
		t.Errorf("kill -s SIGTERM web exit %q (want 0, trapped), kill db exit %q (want 137)", codes[ids[web]], codes[ids[db]])
	}
	if !strings.Contains(e.must("logs", "web").stdout, "got SIGTERM") {
		t.Error("web did not get SIGTERM")
	}
}

func TestRmAsksAndHonoursFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	db, web := e.project+"-db-1", e.project+"-web-1"
	e.must("up", "-d")
	r := e.must("rm", "-f")
	if !strings.Contains(r.stderr, "No stopped containers") || len(byName(t, e.project)) != 2 {
		t.Errorf("rm -f of running containers removed something or said %q", r.stderr)
	}
	e.must("stop", "db")
	if r := e.runIn(context.Background(), "n\n", "rm"); r.code != 0 || !strings.Contains(r.stderr, "Going to remove "+db) {
		t.Errorf("rm answered n: exit %d, %q", r.code, r.stderr)
	}
	if _, ok := byName(t, e.project)[db]; !ok {
		t.Fatal("rm answered n removed db")
	}
	if r := e.runIn(context.Background(), "y\n", "rm"); r.code != 0 {
		t.Errorf("rm answered y: exit %d, %q", r.code, r.stderr)
	}
	if got := byName(t, e.project); len(got) != 1 || got[web] == "" {
		t.Errorf("rm answered y left %v, want only the running web", got)
	}
	e.must("rm", "-s", "-f", "web")
	if got := byName(t, e.project); len(got) != 0 {
		t.Errorf("rm -s -f web left %v", got)
	}
	if r := e.run("rm", "-f", "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "no such service: nosuch") {
		t.Errorf("rm nosuch: exit %d, %q", r.code, r.stderr)
	}
}

func TestPsFlagsAndFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	e.must("up", "-d")
	ids := byName(t, e.project)
	db, web := e.project+"-db-1", e.project+"-web-1"
	e.must("stop", "db")

	table := e.must("ps").stdout
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[1], web) || !strings.Contains(lines[1], "->8080/tcp") {
		t.Errorf("ps table:\n%s", table)
	}
	if all := e.must("ps", "-a").stdout; !strings.Contains(all, db) || !strings.Contains(all, web) {
		t.Errorf("ps -a:\n%s", all)
	}
	if q := strings.Fields(e.must("ps", "-q").stdout); len(q) != 1 || q[0] != ids[web] {
		t.Errorf("ps -q: %v", q)
	}
	if q := strings.Fields(e.must("ps", "-a", "-q").stdout); len(q) != 2 {
		t.Errorf("ps -a -q: %v", q)
	}
	if s := e.must("ps", "-a", "--services").stdout; s != "db\nweb\n" {
		t.Errorf("ps -a --services: %q", s)
	}
	if s := strings.Fields(e.must("ps", "-q", "--status", "exited").stdout); len(s) != 1 || s[0] != ids[db] {
		t.Errorf("ps --status exited: %v", s)
	}
	if s := strings.Fields(e.must("ps", "-q", "--filter", "status=running").stdout); len(s) != 1 || s[0] != ids[web] {
		t.Errorf("ps --filter status=running: %v", s)
	}
	if s := strings.Fields(e.must("ps", "-q", "-a", "web").stdout); len(s) != 1 || s[0] != ids[web] {
		t.Errorf("ps web: %v", s)
	}
	if r := e.run("ps", "--filter", "name=x"); r.code != 2 {
		t.Errorf("ps --filter name=x: exit %d, want 2 (usage)", r.code)
	}

	out := e.must("ps", "-a", "--format", "json").stdout
	seen := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var c map[string]any
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("ps --format json line %q: %v", line, err)
		}
		seen[c["Name"].(string)] = c
	}
	if seen[web]["State"] != "running" || seen[db]["State"] != "exited" || seen[web]["Service"] != "web" || seen[web]["Project"] != e.project {
		t.Errorf("ps json: %v", seen)
	}
	if pubs, _ := seen[web]["Publishers"].([]any); len(pubs) == 0 {
		t.Errorf("ps json has no publishers for web: %v", seen[web])
	}
	if got := e.must("ps", "-a", "--format", "{{.Service}}={{.State}}").stdout; got != "db=exited\nweb=running\n" {
		t.Errorf("ps --format template: %q", got)
	}
}

func TestLsFlagsAndFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	e.must("up", "-d")
	filter := []string{"--filter", "name=" + e.project}
	find := func(args ...string) string {
		t.Helper()
		for _, l := range strings.Split(e.must(append(args, filter...)...).stdout, "\n") {
			if strings.HasPrefix(l, e.project+" ") || l == e.project {
				return l
			}
		}
		return ""
	}
	if l := find("ls"); !strings.Contains(l, "running(2)") || !strings.Contains(l, "compose.yaml") {
		t.Errorf("ls line %q", l)
	}
	if l := find("ls", "-q"); l != e.project {
		t.Errorf("ls -q: %q", l)
	}
	var list []map[string]string
	if err := json.Unmarshal([]byte(e.must(append([]string{"ls", "--format", "json"}, filter...)...).stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["Name"] != e.project || list[0]["Status"] != "running(2)" {
		t.Errorf("ls --format json: %v", list)
	}
	e.must("stop")
	if l := find("ls"); l != "" {
		t.Errorf("ls lists a stopped project: %q", l)
	}
	if l := find("ls", "-a"); !strings.Contains(l, "exited(2)") {
		t.Errorf("ls -a: %q", l)
	}
}

func TestDownFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	// --rmi all removes every image the services use: only this test's tag
	img := tagCopy(t, testapp, "envctl-test/rmi-"+e.project+":latest")
	stack := strings.ReplaceAll(opsStack, testapp, img)
	e.write(map[string]string{"compose.yaml": stack + "  extra:\n    image: " + img + "\n"})
	e.must("up", "-d")
	// extra leaves the file: its container is an orphan
	e.write(map[string]string{"compose.yaml": stack})
	orphan := e.project + "-extra-1"
	r := e.must("up", "-d")
	if !strings.Contains(r.stderr, "orphan containers ("+orphan+")") {
		t.Errorf("up does not warn about the orphan:\n%s", r.stderr)
	}
	r = e.must("down", "--rmi", "local")
	if !strings.Contains(r.stderr, "orphan container "+orphan+" kept") {
		t.Errorf("down does not say it keeps the orphan:\n%s", r.stderr)
	}
	if got := byName(t, e.project); len(got) != 1 || got[orphan] == "" {
		t.Errorf("down left %v, want only the orphan", got)
	}
	if !haveImage(t, img) {
		t.Error("down --rmi local removed an image envctl did not build")
	}
	e.must("up", "-d")
	e.must("down", "--remove-orphans", "--rmi", "all")
	if got := byName(t, e.project); len(got) != 0 {
		t.Errorf("down --remove-orphans left %v", got)
	}
	if haveImage(t, img) {
		t.Error("down --rmi all kept the image")
	}
	if r := e.run("down", "--rmi", "some"); r.code != 2 {
		t.Errorf("down --rmi some: exit %d, want 2", r.code)
	}
}
