package e2e

import (
	"strings"
	"testing"
)

func TestUpNoDepsNoStartNoRecreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	db, web := e.project+"-db-1", e.project+"-web-1"

	e.must("up", "-d", "--no-deps", "web")
	if st := states(t, e.project); len(st) != 1 || st[web] != "running" {
		t.Fatalf("up --no-deps web: %v", st)
	}
	e.must("up", "-d", "--no-start")
	if st := states(t, e.project); st[db] != "created" || st[web] != "running" {
		t.Errorf("up --no-start: %v (db created, web left running)", st)
	}
	e.must("up", "-d")
	ids := byName(t, e.project)

	changed := strings.Replace(opsStack, `command: ["serve", "-term", "trap"]`, `command: ["serve", "-term", "trap"]
    environment: {CHANGED: "1"}`, 1)
	e.write(map[string]string{"compose.yaml": changed})
	e.must("up", "-d", "--no-recreate")
	if !sameIDs(ids, byName(t, e.project)) {
		t.Error("--no-recreate recreated a changed service")
	}
	// web alone: db, unchanged, is kept unless --always-recreate-deps
	e.must("up", "-d", "web")
	after := byName(t, e.project)
	if after[db] != ids[db] || after[web] == ids[web] {
		t.Errorf("up web: db kept %v (want true), web recreated %v (want true)", after[db] == ids[db], after[web] != ids[web])
	}
	e.must("up", "-d", "--always-recreate-deps", "web")
	deps := byName(t, e.project)
	if deps[db] == after[db] {
		t.Error("--always-recreate-deps kept db")
	}
	if deps[web] != after[web] {
		t.Error("--always-recreate-deps recreated web, which is up to date")
	}
	if r := e.run("up", "-d", "--force-recreate", "--no-recreate"); r.code != 2 {
		t.Errorf("--force-recreate --no-recreate: exit %d, want 2", r.code)
	}
	if r := e.run("up", "-d", "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "no such service: nosuch") {
		t.Errorf("up nosuch: exit %d, %q", r.code, r.stderr)
	}
}

func TestUpRemoveOrphans(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": opsStack})
	e.must("up", "-d")
	e.write(map[string]string{"compose.yaml": strings.Replace(opsStack, "    depends_on: [db]\n", "", 1)[:strings.Index(opsStack, "  web:")]})
	web := e.project + "-web-1"
	r := e.must("up", "-d")
	if !strings.Contains(r.stderr, "found orphan containers ("+web+")") {
		t.Errorf("no orphan warning:\n%s", r.stderr)
	}
	if states(t, e.project)[web] != "running" {
		t.Error("up without --remove-orphans touched the orphan")
	}
	r = e.must("--dry-run", "up", "-d", "--remove-orphans")
	if !strings.Contains(r.stdout, "container "+web+": remove (orphan") {
		t.Errorf("dry run does not plan the orphan's removal:\n%s", r.stdout)
	}
	e.must("up", "-d", "--remove-orphans")
	if got := byName(t, e.project); len(got) != 1 || got[web] != "" {
		t.Errorf("--remove-orphans left %v", got)
	}
}

func TestUpWaitAndWaitTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-ready-file", "/tmp/ready", "-ready-after", "1s"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/tmp/ready"], interval: 500ms}
  init:
    image: envctl-test/testapp:latest
    command: ["sleep", "1s"]
  app:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    depends_on: {init: {condition: service_completed_successfully}}
  never:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/never"], interval: 500ms, retries: 1000}
    profiles: [slow]
`})
	e.must("up", "-d", "--wait")
	ids := byName(t, e.project)
	if h := inspect(t, ids[e.project+"-db-1"]).State.Health; h == nil || h.Status != "healthy" {
		t.Errorf("up --wait returned before db was healthy: %+v", h)
	}
	if s := inspect(t, ids[e.project+"-init-1"]).State; s.Running || s.ExitCode != 0 {
		t.Errorf("up --wait returned before init completed: %+v", s)
	}
	r := e.run("--profile", "slow", "up", "-d", "--wait", "--wait-timeout", "3")
	if r.code != 1 || !strings.Contains(lastLine(r.stderr), "not ready after 3s") {
		t.Errorf("--wait-timeout 3 on a never-healthy service: exit %d, %q", r.code, lastLine(r.stderr))
	}
}

const abortStack = `services:
  short:
    image: envctl-test/testapp:latest
    command: ["exit", "3", "-after", "3s"]
  ok:
    image: envctl-test/testapp:latest
    # not at once: long must have its SIGTERM trap in place before an abort stops it
    command: ["exit", "0", "-after", "2s"]
  long:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
`

func TestUpAbortAndExitCodeFrom(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		code int
		drop string // a service to leave out
	}{
		// as docker compose: the exit code of the container that stopped first
		{"abort-on-container-exit", []string{"--abort-on-container-exit"}, 3, "ok"},
		{"abort-on-container-exit-first-ok", []string{"--abort-on-container-exit"}, 0, ""},
		// ok's exit 0 does not abort; short's 3 does
		{"abort-on-container-failure", []string{"--abort-on-container-failure"}, 3, ""},
		// ok's exit would abort first and stop short: leave it out
		{"exit-code-from", []string{"--exit-code-from", "short"}, 3, "ok"},
		// long is stopped by the abort; it traps SIGTERM and exits 0
		{"exit-code-from-long", []string{"--exit-code-from", "long"}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stack := abortStack
			if tc.drop != "" {
				stack = dropService(stack, tc.drop)
			}
			e := newEnv(t, map[string]string{"compose.yaml": stack})
			r := e.run(append([]string{"up"}, tc.args...)...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "Aborting on container exit") {
				t.Errorf("no abort message:\n%s", r.stderr)
			}
			if st := states(t, e.project)[e.project+"-long-1"]; st != "exited" {
				t.Errorf("long is %s after the abort", st)
			}
		})
	}
	e := newEnv(t, map[string]string{"compose.yaml": abortStack})
	if r := e.run("up", "-d", "--abort-on-container-exit"); r.code != 2 {
		t.Errorf("-d with --abort-on-container-exit: exit %d, want 2", r.code)
	}
}

// Without abort flags, attached up ends when every attached container has
// exited; --attach and --no-attach choose whose lines are printed.
func TestUpAttachAndNoAttach(t *testing.T) {
	t.Parallel()
	stack := `services:
  a:
    image: envctl-test/testapp:latest
    command: ["lines", "2", "-prefix", "from-a-"]
  b:
    image: envctl-test/testapp:latest
    command: ["lines", "2", "-prefix", "from-b-"]
  c:
    image: envctl-test/testapp:latest
    command: ["lines", "2", "-prefix", "from-c-"]
    attach: false
`
	for _, tc := range []struct {
		name      string
		args      []string
		want, not []string
	}{
		{"default", nil, []string{"from-a-1", "from-b-2"}, []string{"from-c-"}},
		{"attach", []string{"--attach", "b"}, []string{"from-b-1"}, []string{"from-a-", "from-c-"}},
		{"no-attach", []string{"--no-attach", "a"}, []string{"from-b-1"}, []string{"from-a-", "from-c-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, map[string]string{"compose.yaml": stack})
			r := e.must(append([]string{"up"}, tc.args...)...)
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(r.stdout, n) {
					t.Errorf("output has %q:\n%s", n, r.stdout)
				}
			}
			// every service ran, attached or not
			if st := states(t, e.project); len(st) != 3 {
				t.Errorf("containers %v", st)
			}
		})
	}
}

// dropService removes one service from a file whose services are indented
// by two spaces and their keys by four.
func dropService(file, name string) string {
	var out []string
	skip := false
	for _, l := range strings.Split(file, "\n") {
		switch {
		case l != "" && !strings.HasPrefix(l, " "):
			skip = false
		case strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   "):
			skip = l == "  "+name+":"
		}
		if !skip {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
