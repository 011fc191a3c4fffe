package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// started is an envctl process whose stderr lines a test can wait for.
type started struct {
	t     *testing.T
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	seen  chan string
	done  chan struct{}
	code  int
	out   strings.Builder
}

// start runs envctl in the background, reading its stderr line by line.
func (e *env) start(args ...string) *started {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	e.t.Cleanup(cancel)
	s := &started{t: e.t, cmd: e.command(ctx, args...), seen: make(chan string, 1024), done: make(chan struct{})}
	s.cmd.Stdout = &lockedWriter{mu: &s.mu, w: &s.out}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, sc.Text())
			s.mu.Unlock()
			select {
			case s.seen <- sc.Text():
			default:
			}
		}
		err := s.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			s.code = ee.ExitCode()
			if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
				s.code = 128 + int(st.Signal())
			}
		}
		close(s.done)
	}()
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// waitLine blocks until a stderr line matches, failing if envctl ends first.
func (s *started) waitLine(re string) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	s.mu.Lock()
	for _, l := range s.lines {
		if rx.MatchString(l) {
			s.mu.Unlock()
			return l
		}
	}
	s.mu.Unlock()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case l := <-s.seen:
			if rx.MatchString(l) {
				return l
			}
		case <-s.done:
			// lines may still be queued
			for {
				select {
				case l := <-s.seen:
					if rx.MatchString(l) {
						return l
					}
				default:
					s.t.Fatalf("envctl ended (exit %d) before a line matched %q:\n%s", s.code, re, s.stderr())
				}
			}
		case <-timeout:
			s.t.Fatalf("no line matched %q:\n%s", re, s.stderr())
		}
	}
}

func (s *started) stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

func (s *started) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

func (s *started) wait() int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(3 * time.Minute):
		s.t.Fatalf("envctl did not end:\n%s", s.stderr())
	}
	return s.code
}

const attachedStack = `services:
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    depends_on: [db]
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
  worker:
    image: envctl-test/testapp:latest
    command: ["lines", "3", "-prefix", "tick-", "-then", "sleep", "-term", "trap"]
    deploy: {replicas: 2}
`

func TestAttachedUpStopsEverythingOnCtrlC(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": attachedStack})
	s := e.start("up")
	eventually(t, time.Minute, "4 running containers", func() bool {
		st := states(t, e.project)
		n := 0
		for _, v := range st {
			if v == "running" {
				n++
			}
		}
		return n == 4
	})
	// each container traps SIGTERM only once it printed ready
	eventually(t, 30*time.Second, "every service ready in the attached output", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return strings.Count(s.out.String(), "ready") >= 4
	})
	s.signal(syscall.SIGINT)
	if code := s.wait(); code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, s.stderr())
	}
	for n, id := range byName(t, e.project) {
		info := inspect(t, id)
		if info.State.Running {
			t.Errorf("%s still running after Ctrl-C", n)
		}
		// the trap exits 0: they were stopped gracefully, not killed
		if info.State.ExitCode != 0 {
			t.Errorf("%s exited %d, want 0 (graceful stop)", n, info.State.ExitCode)
		}
	}
	s.mu.Lock()
	out := s.out.String()
	s.mu.Unlock()
	if !strings.Contains(out, "tick-1") || !strings.Contains(out, "got SIGTERM") {
		t.Errorf("attached output lacks the services' lines:\n%s", out)
	}
}

func TestAttachedUpSecondCtrlCKills(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  stubborn:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "ignore"]
    stop_grace_period: 2m
`})
	s := e.start("up")
	eventually(t, time.Minute, "stubborn running", func() bool {
		return states(t, e.project)[e.project+"-stubborn-1"] == "running"
	})
	eventually(t, 30*time.Second, "stubborn ready", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return strings.Contains(s.out.String(), "ready")
	})
	s.signal(syscall.SIGINT)
	s.waitLine("Gracefully stopping")
	s.waitLine("stubborn-1 Stopping")
	s.signal(syscall.SIGINT)
	if code := s.wait(); code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, s.stderr())
	}
	if !strings.Contains(s.stderr(), "Killing") {
		t.Errorf("second Ctrl-C did not kill:\n%s", s.stderr())
	}
	info := inspect(t, byName(t, e.project)[e.project+"-stubborn-1"])
	if info.State.Running || info.State.ExitCode != 137 {
		t.Errorf("stubborn: running %v, exit %d, want killed (137)", info.State.Running, info.State.ExitCode)
	}
}

// onePerReplica checks that every replica has exactly one container, with
// its proper name, running.
func onePerReplica(t *testing.T, project string, want map[string]int) {
	t.Helper()
	list := containers(t, project)
	got := map[string]int{}
	for _, c := range list {
		got[c.Labels["com.docker.compose.service"]]++
		if c.State != "running" {
			t.Errorf("%s is %s", name(c), c.State)
		}
	}
	for svc, n := range want {
		if got[svc] != n {
			t.Errorf("service %s has %d containers, want %d", svc, got[svc], n)
		}
		for i := 1; i <= n; i++ {
			if _, ok := byName(t, project)[fmt.Sprintf("%s-%s-%d", project, svc, i)]; !ok {
				t.Errorf("%s-%s-%d missing", project, svc, i)
			}
		}
	}
	if len(list) != sum(want) {
		var names []string
		for _, c := range list {
			names = append(names, name(c))
		}
		t.Errorf("containers %v, want %v", names, want)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// app needs work after create (a second network, a config copied in), which
// a kill can interrupt.
const slowHealthStack = `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-ready-file", "/tmp/ready", "-ready-after", "3s"]
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/tmp/ready"], interval: 1s}
  app:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap", "-term-delay", "1s"]
    depends_on: {db: {condition: service_healthy}}
    deploy: {replicas: 2}
    networks: [default, back]
    configs: [appconf]
networks:
  back: {}
configs:
  appconf: {content: "conf-ok"}
`

// appComplete checks that every app container got what comes after create.
func appComplete(t *testing.T, project string) {
	t.Helper()
	for n, id := range byName(t, project) {
		if !strings.Contains(n, "-app-") {
			continue
		}
		info := inspect(t, id)
		for _, net := range []string{project + "_default", project + "_back"} {
			if _, ok := info.NetworkSettings.Networks[net]; !ok {
				t.Errorf("%s is not on %s", n, net)
			}
		}
		if got := readContainerFile(t, id, "/appconf"); got != "conf-ok" {
			t.Errorf("%s: /appconf is %q", n, got)
		}
	}
}

func TestKillDuringHealthWaitThenUpConverges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": slowHealthStack})
	s := e.start("up", "-d")
	s.waitLine(`db-1 Waiting`)
	s.signal(syscall.SIGKILL)
	s.wait()
	e.must("up", "-d")
	onePerReplica(t, e.project, map[string]int{"db": 1, "app": 2})
	appComplete(t, e.project)
}

// A --force-recreate killed at each step of replacing containers leaves
// renamed old containers or unstarted new ones; the next up sorts them out.
func TestKillDuringRecreateThenUpConverges(t *testing.T) {
	t.Parallel()
	for _, step := range []string{`app-1 Creating`, `db-1 Created`, `app-2 Created`, `_\S*app-1 Stopping`, `app-1 Starting`, `_\S*app-1 Removing`} {
		t.Run(strings.Trim(regexp.MustCompile(`\W+`).ReplaceAllString(step, "-"), "-"), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, map[string]string{"compose.yaml": slowHealthStack})
			e.must("up", "-d")
			s := e.start("up", "-d", "--force-recreate")
			s.waitLine(step)
			s.signal(syscall.SIGKILL)
			s.wait()
			e.must("up", "-d")
			onePerReplica(t, e.project, map[string]int{"db": 1, "app": 2})
			appComplete(t, e.project)
		})
	}
}

func TestConcurrentUpsBothSucceed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": webStack})
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.run("up", "-d")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("up %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	onePerReplica(t, e.project, map[string]int{"db": 1, "web": 1, "sidecar": 1, "worker": 2})
}
