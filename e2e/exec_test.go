package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	unsafe_ "unsafe"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
)

const workStack = `services:
  db:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    environment: {MODE: prod}
    depends_on: [db]
    ports: ["127.0.0.1::8080"]
  console:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    tty: true
    restart: always
`

func TestExecExitCodeEnvWorkdirUserIndex(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	e.must("up", "-d", "--scale", "db=2")
	for _, code := range []int{0, 7} {
		if r := e.run("exec", "web", "/testapp", "exit", fmt.Sprint(code)); r.code != code {
			t.Errorf("exec exit %d: envctl exited %d\n%s", code, r.code, r.stderr)
		}
	}
	r := e.must("exec", "-e", "EXTRA=1", "web", "/testapp", "env")
	if !strings.Contains(r.stdout, "EXTRA=1\n") || !strings.Contains(r.stdout, "MODE=prod\n") {
		t.Errorf("exec env:\n%s", r.stdout)
	}
	// flags after the command are the command's
	if r := e.must("exec", "web", "/testapp", "echo", "-d", "-T"); r.stdout != "-d -T\n" {
		t.Errorf("exec echo -d -T: %q", r.stdout)
	}
	e.must("exec", "-w", "/tmp", "web", "/testapp", "write", "relative", "written in /tmp")
	if r := e.must("exec", "web", "/testapp", "read", "/tmp/relative"); r.stdout != "written in /tmp\n" {
		t.Errorf("-w: %q", r.stdout)
	}
	if r := e.runIn(context.Background(), "through stdin\n", "exec", "-T", "web", "/testapp", "cat"); r.code != 0 || r.stdout != "through stdin\n" {
		t.Errorf("exec -T cat: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	// -d and -u: a background process of another user shows in top
	e.must("exec", "-d", "-u", "4321", "web", "/testapp", "sleep", "300")
	eventually(t, 30*time.Second, "the detached exec in top", func() bool {
		out := e.must("top", "web").stdout
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] == "4321" && strings.Contains(l, "/testapp sleep 300") {
				return true
			}
		}
		return false
	})
	ids := byName(t, e.project)
	for n := 1; n <= 2; n++ {
		want := inspect(t, ids[fmt.Sprintf("%s-db-%d", e.project, n)]).Config.Hostname
		if r := e.must("exec", "--index", fmt.Sprint(n), "db", "/testapp", "hostname"); r.stdout != want+"\n" {
			t.Errorf("--index %d: %q, want %q", n, r.stdout, want)
		}
	}

	if r := e.run("exec", "--index", "3", "db", "/testapp", "echo"); r.code != 1 || !strings.Contains(r.stderr, "service db has no container #3") {
		t.Errorf("exec --index 3: exit %d %q", r.code, r.stderr)
	}
	e.must("stop", "db")
	r = e.run("exec", "db", "/testapp", "echo")
	if r.code != 1 || !strings.Contains(r.stderr, "is not running") {
		t.Errorf("exec in a stopped service: exit %d %q", r.code, r.stderr)
	}
	if r := e.run("exec", "nosuch", "/testapp", "echo"); r.code != 1 || !strings.Contains(r.stderr, "no such service: nosuch") {
		t.Errorf("exec in an unknown service: exit %d %q", r.code, r.stderr)
	}
}

// openPTY opens a pseudo-terminal pair, so envctl sees a terminal on stdin.
func openPTY(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe_.Pointer(&n))); errno != 0 {
		t.Fatal(errno)
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe_.Pointer(&unlock))); errno != 0 {
		t.Fatal(errno)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// onTerminal runs envctl with a terminal as stdin and stdout and returns
// what it printed there, its stderr (a pipe) and its exit code.
func (e *env) onTerminal(args ...string) (string, string, int) {
	e.t.Helper()
	m, s := openPTY(e.t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, args...)
	cmd.Stdin, cmd.Stdout = s, s
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	out := make(chan string)
	go func() {
		var b []byte
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		out <- string(b)
	}()
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(interface{ ExitCode() int }); ok {
		code = ee.ExitCode()
	}
	s.Close() // the reader ends with the last open slave
	return <-out, stderr.String(), code
}

// A terminal on stdin gets a TTY in the container: its line discipline turns
// \n into \r\n, which a pipe never does.
func TestExecAndRunGetATTYWhenStdinIsATerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	e.must("up", "-d", "web")
	// the terminal is raw: \r\n comes from the container's TTY, and its
	// stderr is merged into it
	if out, _, code := e.onTerminal("exec", "web", "/testapp", "echo", "on a tty"); code != 0 || !strings.Contains(out, "on a tty\r\n") || strings.Contains(out, "\r\r") {
		t.Errorf("exec on a terminal: exit %d, %q", code, out)
	}
	if out, _, code := e.onTerminal("exec", "web", "/testapp", "lines", "1", "-prefix", "err", "-stderr"); code != 0 || !strings.Contains(out, "err1\r\n") {
		t.Errorf("exec on a terminal, stderr: exit %d, %q", code, out)
	}
	if out, errOut, code := e.onTerminal("exec", "-T", "web", "/testapp", "lines", "1", "-prefix", "err", "-stderr"); code != 0 || strings.Contains(out, "err1") || !strings.Contains(errOut, "err1\n") {
		t.Errorf("exec -T on a terminal: exit %d, terminal %q, stderr %q", code, out, errOut)
	}
	if _, _, code := e.onTerminal("exec", "web", "/testapp", "exit", "7"); code != 7 {
		t.Errorf("exec exit 7 on a tty: exit %d", code)
	}
	if out, _, code := e.onTerminal("run", "--rm", "--no-deps", "web", "echo", "run on a tty"); code != 0 || !strings.Contains(out, "run on a tty\r\n") || strings.Contains(out, "\r\r") {
		t.Errorf("run on a terminal: exit %d, %q", code, out)
	}
	// as in docker compose, tty: true needs a terminal on stdin too
	if r := e.must("run", "--rm", "--no-deps", "console", "echo", "tty service"); r.stdout != "tty service\n" {
		t.Errorf("run of a tty: true service without a terminal: %q", r.stdout)
	}
}

func oneOffs(t *testing.T, project string) []container.Summary {
	t.Helper()
	f := projectLabel(project)
	f.Add("label", "com.docker.compose.oneoff=True")
	list, err := docker(t).ContainerList(context.Background(), container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestRunOneOffExitCodeRmDepsAndDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	for _, code := range []int{0, 7} {
		if r := e.run("run", "--rm", "web", "exit", fmt.Sprint(code)); r.code != code {
			t.Errorf("run exit %d: envctl exited %d\n%s", code, r.code, r.stderr)
		}
	}
	if n := len(oneOffs(t, e.project)); n != 0 {
		t.Errorf("run --rm left %d containers", n)
	}
	// without --no-deps, db was started first; web itself was not
	st := states(t, e.project)
	if st[e.project+"-db-1"] != "running" || st[e.project+"-web-1"] != "" {
		t.Errorf("after run: %v", st)
	}

	r := e.must("run", "-d", "-l", "purpose=test", "-e", "EXTRA=2", "-p", "127.0.0.1::9090", "--use-aliases", "web", "serve", "-addr", ":9090")
	name := strings.TrimSpace(r.stdout)
	if !regexp.MustCompile("^" + e.project + `-web-run-[0-9a-f]{12}$`).MatchString(name) {
		t.Fatalf("run -d printed %q", r.stdout)
	}
	info := inspect(t, byName(t, e.project)[name])
	l := info.Config.Labels
	if l["com.docker.compose.oneoff"] != "True" || l["com.docker.compose.service"] != "web" || l["purpose"] != "test" {
		t.Errorf("labels %v", l)
	}
	if !contains(info.Config.Env, "EXTRA=2") || !contains(info.Config.Env, "MODE=prod") {
		t.Errorf("env %v", info.Config.Env)
	}
	if b := info.HostConfig.PortBindings["9090/tcp"]; len(b) != 1 || b[0].HostIP != "127.0.0.1" {
		t.Errorf("-p: %v", info.HostConfig.PortBindings)
	}
	if len(info.HostConfig.PortBindings["8080/tcp"]) != 0 {
		t.Errorf("the service's ports are published without -P: %v", info.HostConfig.PortBindings)
	}
	ep := info.NetworkSettings.Networks[e.project+"_default"]
	if ep == nil || !contains(ep.Aliases, "web") {
		t.Errorf("--use-aliases: %+v", ep)
	}
	r = e.must("run", "-d", "--name", e.project+"-named", "-P", "--no-deps", "web")
	if got := strings.TrimSpace(r.stdout); got != e.project+"-named" {
		t.Errorf("--name: printed %q", got)
	}
	if b := inspect(t, byName(t, e.project)[e.project+"-named"]).HostConfig.PortBindings["8080/tcp"]; len(b) != 1 {
		t.Errorf("-P did not publish 8080: %v", b)
	}

	// down removes what run left
	e.must("down")
	if n := len(containers(t, e.project)); n != 0 {
		t.Errorf("down left %d containers: %v", n, states(t, e.project))
	}
}

func TestRunOverridesAndNoDeps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	r := e.must("--dry-run", "run", "web", "echo")
	if !strings.Contains(r.stdout, "dry run: nothing was changed") || !strings.Contains(r.stdout, "container "+e.project+"-web-run-") ||
		!strings.Contains(r.stdout, e.project+"-db-1") {
		t.Errorf("--dry-run run:\n%s", r.stdout)
	}
	if len(containers(t, e.project)) != 0 || len(networks(t, e.project)) != 0 {
		t.Fatalf("--dry-run run changed the engine: %v %v", states(t, e.project), networks(t, e.project))
	}
	r = e.must("run", "--rm", "--no-deps", "-v", "./data:/data", "-w", "/data", "web", "write", "rel", "from run")
	if got, err := os.ReadFile(filepath.Join(e.dir, "data", "rel")); err != nil || string(got) != "from run\n" {
		t.Errorf("-v ./data and -w /data: %q %v (%s)", got, err, r.stderr)
	}
	if n := len(containers(t, e.project)); n != 0 {
		t.Errorf("--no-deps --rm left containers: %v", states(t, e.project))
	}
	if r := e.must("run", "--rm", "--no-deps", "--entrypoint", "/testapp echo", "web", "via", "entrypoint"); r.stdout != "via entrypoint\n" {
		t.Errorf("--entrypoint: %q", r.stdout)
	}
	if r := e.runIn(context.Background(), "piped in\n", "run", "--rm", "--no-deps", "-T", "web", "cat"); r.code != 0 || r.stdout != "piped in\n" {
		t.Errorf("run -T cat: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := e.run("run", "--rm", "--no-deps", "-v", "undeclared:/x", "web", "echo"); r.code != 1 || !strings.Contains(r.stderr, "volume undeclared is not declared") {
		t.Errorf("undeclared volume: exit %d %q", r.code, r.stderr)
	}
	f := filters.NewArgs(filters.Arg("label", "com.docker.compose.project="+e.project))
	if list, _ := docker(t).ContainerList(context.Background(), container.ListOptions{All: true, Filters: f}); len(list) != 0 {
		t.Errorf("containers left: %d", len(list))
	}
}
