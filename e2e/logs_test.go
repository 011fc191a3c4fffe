package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitExited waits until the project has n containers and all have exited.
func waitExited(t *testing.T, e *env, n int) {
	t.Helper()
	eventually(t, 2*time.Minute, fmt.Sprintf("%d containers to exit", n), func() bool {
		st := states(t, e.project)
		if len(st) != n {
			return false
		}
		for _, s := range st {
			if s != "exited" {
				return false
			}
		}
		return true
	})
}

// prefixed splits a logs line into container name and text.
func prefixed(t *testing.T, line string) (string, string) {
	t.Helper()
	name, text, ok := strings.Cut(line, " | ")
	if !ok {
		t.Fatalf("line without prefix: %q", line)
	}
	return strings.TrimRight(name, " "), text
}

func TestLogsMillionLinesEachOnceInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  chatty:
    image: envctl-test/testapp:latest
    command: ["lines", "200000", "-prefix", "n"]
    deploy: {replicas: 5}
`})
	e.must("up", "-d")
	waitExited(t, e, 5)
	r := e.must("logs", "--no-color")
	next := map[string]int{}
	total := 0
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		name, text := prefixed(t, line)
		n, err := strconv.Atoi(strings.TrimPrefix(text, "n"))
		if err != nil || !strings.HasPrefix(text, "n") {
			t.Fatalf("unexpected line %q", line)
		}
		if n != next[name]+1 {
			t.Fatalf("%s: line %d after line %d", name, n, next[name])
		}
		next[name] = n
		total++
	}
	if total != 1_000_000 {
		t.Errorf("%d lines, want 1000000", total)
	}
	for i := 1; i <= 5; i++ {
		if n := next[fmt.Sprintf("%s-chatty-%d", e.project, i)]; n != 200_000 {
			t.Errorf("chatty-%d: %d lines", i, n)
		}
	}

	r = e.must("logs", "--no-color", "--tail", "10")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 50 {
		t.Fatalf("--tail 10: %d lines", len(lines))
	}
	want := map[string]int{}
	for _, line := range lines {
		name, text := prefixed(t, line)
		if want[name] == 0 {
			want[name] = 199_991
		}
		if text != "n"+strconv.Itoa(want[name]) {
			t.Fatalf("--tail 10: %s printed %q, want n%d", name, text, want[name])
		}
		want[name]++
	}

	r = e.must("logs", "--no-color", "--index", "2", "--tail", "1", "chatty")
	if want := e.project + "-chatty-2 | n200000\n"; r.stdout != want {
		t.Errorf("--index 2: %q, want %q", r.stdout, want)
	}
	r = e.must("logs", "--no-log-prefix", "--tail", "1", "--index", "3")
	if r.stdout != "n200000\n" {
		t.Errorf("--no-log-prefix: %q", r.stdout)
	}
}

func TestLogsMergeSortedByTimestamp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  a:
    image: envctl-test/testapp:latest
    command: ["lines", "200", "-every", "50ms", "-prefix", "a"]
  b:
    image: envctl-test/testapp:latest
    command: ["lines", "200", "-every", "50ms", "-prefix", "b", "-stderr"]
    deploy: {replicas: 2}
`})
	e.must("up", "-d")
	waitExited(t, e, 3)
	r := e.must("logs", "--merge", "-t", "--no-color")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 600 {
		t.Fatalf("%d lines, want 600:\n%s", len(lines), r.stdout)
	}
	var stamps []string
	next := map[string]int{}
	switches := 0
	prev := ""
	for _, line := range lines {
		name, text := prefixed(t, line)
		ts, body, _ := strings.Cut(text, " ")
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatalf("no timestamp in %q", line)
		}
		stamps = append(stamps, ts)
		n, _ := strconv.Atoi(body[1:])
		if n != next[name]+1 {
			t.Fatalf("%s: %q after line %d", name, body, next[name])
		}
		next[name] = n
		if name != prev {
			switches++
			prev = name
		}
	}
	if !sort.StringsAreSorted(stamps) {
		t.Error("--merge output is not sorted by timestamp")
	}
	// the containers ran at the same time (10 s each): merged, they alternate
	if switches < 20 {
		t.Errorf("only %d changes of container in merged output", switches)
	}
	r = e.must("logs", "-t", "--no-color")
	if n := strings.Count(r.stdout, "\n"); n != 600 {
		t.Errorf("without --merge: %d lines", n)
	}
	// --since and --until cut at a line's timestamp
	mid := stamps[300]
	since := strings.Count(e.must("logs", "--since", mid).stdout, "\n")
	until := strings.Count(e.must("logs", "--until", mid).stdout, "\n")
	if since < 290 || since > 310 || until < 290 || until > 310 || since+until < 600 || since+until > 602 {
		t.Errorf("--since %s: %d lines, --until: %d lines", mid, since, until)
	}
	if r := e.must("logs", "--since", "1h"); strings.Count(r.stdout, "\n") != 600 {
		t.Errorf("--since 1h: %d lines", strings.Count(r.stdout, "\n"))
	}
	// one colour per service, none on a pipe or with --no-color
	colours := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(e.must("--ansi", "always", "logs").stdout, "\n"), "\n") {
		esc, rest, ok := strings.Cut(l, "m")
		if !ok || !strings.HasPrefix(esc, "\x1b[") {
			t.Fatalf("no colour with --ansi always: %q", l)
		}
		service := strings.Fields(rest)[0]
		service = service[len(e.project)+1 : strings.LastIndexByte(service, '-')]
		if c, seen := colours[service]; seen && c != esc {
			t.Fatalf("service %s in two colours", service)
		}
		colours[service] = esc
	}
	if len(colours) != 2 || colours["a"] == colours["b"] {
		t.Errorf("colours per service: %q", colours)
	}
	if r := e.must("--ansi", "always", "logs", "--no-color"); strings.Contains(r.stdout, "\x1b") {
		t.Error("colour despite --no-color")
	}
	if strings.Contains(e.must("logs").stdout, "\x1b") {
		t.Error("colour on a pipe")
	}
}

func TestLogsLongLinesWholeWithAndWithoutTTY(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  tty:
    image: envctl-test/testapp:latest
    command: ["lines", "3", "-width", "100000", "-prefix", "T"]
    tty: true
  plain:
    image: envctl-test/testapp:latest
    command: ["lines", "3", "-width", "100000", "-prefix", "P", "-stderr"]
`})
	e.must("up", "-d")
	waitExited(t, e, 2)
	for _, stamps := range []bool{false, true} {
		args := []string{"logs", "--no-color"}
		if stamps {
			args = append(args, "-t")
		}
		r := e.must(args...)
		count := map[string]int{}
		for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
			name, text := prefixed(t, line)
			if stamps {
				ts, rest, _ := strings.Cut(text, " ")
				if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
					t.Fatalf("no timestamp: %.80q", line)
				}
				text = rest
			}
			if strings.Contains(text, "Z ") || strings.Contains(text, "\r") {
				t.Fatalf("%s: engine timestamps or CR inside the line: %.200q", name, text)
			}
			count[name]++
			service := strings.TrimPrefix(name, e.project+"-")
			want := map[string]string{"tty-1": "T", "plain-1": "P"}[service] + strconv.Itoa(count[name])
			if len(text) != 100000 || !strings.HasPrefix(text, want+"x") || strings.Trim(text[len(want):], "x") != "" {
				t.Fatalf("%s line %d: %d bytes, starts %.20q", name, count[name], len(text), text)
			}
		}
		if len(count) != 2 || count[e.project+"-tty-1"] != 3 || count[e.project+"-plain-1"] != 3 {
			t.Errorf("timestamps=%v: lines per container %v", stamps, count)
		}
	}
}

// follower runs `logs -f` and collects its lines as they come.
type follower struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan error
}

func (e *env) follow(ctx context.Context, args ...string) *follower {
	e.t.Helper()
	f := &follower{cmd: e.command(ctx, append([]string{"logs", "-f", "--no-color"}, args...)...), done: make(chan error, 1)}
	out, err := f.cmd.StdoutPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := f.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			f.mu.Lock()
			f.lines = append(f.lines, sc.Text())
			f.mu.Unlock()
		}
		f.done <- f.cmd.Wait()
	}()
	return f
}

func (f *follower) snapshot() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.lines...)
}

func (f *follower) has(pred func(string) bool) bool {
	for _, l := range f.snapshot() {
		if pred(l) {
			return true
		}
	}
	return false
}

func TestLogsFollowPicksUpScaleAndRestartAndEndsAfterStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  tick:
    image: envctl-test/testapp:latest
    command: ["lines", "1000000", "-every", "100ms", "-prefix", "t", "-term", "trap"]
`})
	e.must("up", "-d")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	f := e.follow(ctx)
	name := func(n int) string { return fmt.Sprintf("%s-tick-%d", e.project, n) }
	from := func(n int) func(string) bool {
		return func(l string) bool { return strings.HasPrefix(l, name(n)+" | t") }
	}
	eventually(t, time.Minute, "output of tick-1", func() bool { return f.has(from(1)) })

	// merged, following works the same; status lines come through the merger
	fm := e.follow(ctx, "--merge", "-t")
	// --tail 0 shows only new lines, but all of a container started later
	f0 := e.follow(ctx, "--tail", "0")
	eventually(t, time.Minute, "--tail 0 follow to print", func() bool { return f0.has(from(1)) })

	e.must("scale", "tick=3")
	eventually(t, time.Minute, "output of the new replicas", func() bool { return f.has(from(2)) && f.has(from(3)) })
	eventually(t, time.Minute, "the first line of a new replica with --tail 0", func() bool {
		return f0.has(func(l string) bool { return l == name(2)+" | t1" })
	})
	if f0.has(func(l string) bool { return l == name(1)+" | t1" }) {
		t.Error("--tail 0 printed an old line of tick-1")
	}

	e.must("restart", "-t", "10", "tick")
	defer func() {
		if t.Failed() {
			lines := f.snapshot()
			t.Logf("last lines of logs -f:\n%s", strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	}()
	eventually(t, time.Minute, "tick-1 restarted and printing again", func() bool {
		lines := f.snapshot()
		for i, l := range lines {
			if l == name(1)+" | "+name(1)+" restarted" {
				for _, after := range lines[i+1:] {
					if from(1)(after) {
						return true
					}
				}
			}
		}
		return false
	})

	eventually(t, time.Minute, "the merged follow to see the restart", func() bool {
		return fm.has(func(l string) bool { return l == name(1)+" | "+name(1)+" restarted" }) &&
			fm.has(func(l string) bool { return strings.HasPrefix(l, name(3)+" | 20") })
	})

	e.must("stop", "-t", "10")
	select {
	case err := <-f.done:
		if err != nil {
			t.Fatalf("logs -f: %v", err)
		}
	case <-time.After(time.Minute):
		f.cmd.Process.Kill()
		t.Fatal("logs -f did not end after stop")
	}
	for _, other := range []*follower{f0, fm} {
		select {
		case <-other.done:
		case <-time.After(time.Minute):
			other.cmd.Process.Kill()
			t.Fatalf("logs -f %v did not end after stop", other.cmd.Args[4:])
		}
	}
	lines := f.snapshot()
	for n := 1; n <= 3; n++ {
		// every run of a container counts up from 1; a replayed line
		// would show as a run that does not start after a status line
		runs, last, sawExit, restarted := 0, 0, false, false
		for _, l := range lines {
			if !strings.HasPrefix(l, name(n)+" ") {
				continue
			}
			_, text := prefixed(t, l)
			switch {
			case strings.HasPrefix(text, name(n)+" exited with code "):
				sawExit = true
				continue
			case text == name(n)+" restarted":
				restarted = true
				continue
			case !strings.HasPrefix(text, "t"):
				continue // got SIGTERM
			}
			v, err := strconv.Atoi(text[1:])
			if err != nil {
				t.Fatalf("bad line %q", l)
			}
			if v == 1 {
				if runs > 0 && !restarted {
					t.Fatalf("%s: output started over without a restart line: %v", name(n), lines)
				}
				restarted = false
				runs++
			} else if v != last+1 {
				t.Fatalf("%s: line t%d after t%d", name(n), v, last)
			}
			last = v
		}
		if runs != 2 || !sawExit {
			t.Errorf("%s: %d runs followed (want 2: before and after restart), exit line %v", name(n), runs, sawExit)
		}
	}
}
