package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestCpRoundTripsBytesBothWays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	e.must("up", "-d", "--scale", "db=2", "db")
	data := make([]byte, 3<<20+17)
	rand.Read(data)
	src := filepath.Join(e.dir, "random.bin")
	if err := os.WriteFile(src, data, 0o640); err != nil {
		t.Fatal(err)
	}
	if r := e.must("--dry-run", "cp", "random.bin", "db:/tmp/random.bin"); !strings.Contains(r.stdout, "copy random.bin to "+e.project+"-db-1:/tmp/random.bin") {
		t.Errorf("--dry-run cp: %q", r.stdout)
	}
	if r := e.run("exec", "db", "/testapp", "read", "/tmp/random.bin"); r.code == 0 {
		t.Fatal("--dry-run cp copied")
	}
	e.must("cp", "random.bin", "db:/tmp/random.bin")
	// it is in the container, byte for byte
	if r := e.must("exec", "db", "/testapp", "read", "/tmp/random.bin"); r.stdout != string(data) {
		t.Fatalf("in the container: %d bytes, want %d", len(r.stdout), len(data))
	}
	e.must("cp", "db:/tmp/random.bin", "back.bin")
	if got, err := os.ReadFile(filepath.Join(e.dir, "back.bin")); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("copied back: %d bytes, %v", len(got), err)
	}
	// --index picks the replica; the other one has no such file
	e.must("cp", "--index", "2", "random.bin", "db:/tmp/only-in-2")
	if r := e.run("exec", "--index", "1", "db", "/testapp", "read", "/tmp/only-in-2"); r.code == 0 {
		t.Error("--index 2 copied into replica 1")
	}
	if r := e.must("exec", "--index", "2", "db", "/testapp", "read", "/tmp/only-in-2"); r.stdout != string(data) {
		t.Error("--index 2: content differs")
	}
	// directories, and - as a tar stream on stdout
	e.write(map[string]string{"tree/a.txt": "A\n", "tree/sub/b.txt": "B\n"})
	e.must("cp", "tree", "db:/tmp/tree")
	e.must("cp", "db:/tmp/tree", "out")
	for name, want := range map[string]string{"out/a.txt": "A\n", "out/sub/b.txt": "B\n"} {
		if got, _ := os.ReadFile(filepath.Join(e.dir, name)); string(got) != want {
			t.Errorf("%s: %q", name, got)
		}
	}
	r := e.must("cp", "db:/tmp/tree/sub", "-")
	tr := tar.NewReader(strings.NewReader(r.stdout))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if strings.Join(names, ",") != "sub/,sub/b.txt" {
		t.Errorf("tar from cp -: %v", names)
	}
	// -L copies what a link points to; without it, the link
	if err := os.Symlink(src, filepath.Join(e.dir, "link.bin")); err != nil {
		t.Fatal(err)
	}
	e.must("cp", "-L", "link.bin", "db:/tmp/followed")
	if r := e.must("exec", "db", "/testapp", "read", "/tmp/followed"); r.stdout != string(data) {
		t.Error("cp -L did not copy the link's target")
	}
	e.must("cp", "link.bin", "db:/tmp/link")
	if r := e.run("exec", "db", "/testapp", "read", "/tmp/link"); r.code == 0 {
		t.Error("cp without -L followed the link")
	}
	if r := e.run("cp", "random.bin", "nosuch:/tmp"); r.code != 2 {
		t.Errorf("cp to an unknown service: exit %d %s", r.code, r.stderr)
	}
}

// As docker cp: the host's owner goes with the files, and -a gives them to
// the container's user instead.
func TestCpArchiveGivesFilesToTheContainersUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  deb:
    image: envctl-test/debian:latest
    command: ["sleep", "infinity"]
    user: nobody
`})
	e.write(map[string]string{"owned": "by 4321\n"})
	if err := os.Chown(filepath.Join(e.dir, "owned"), 4321, 4321); err != nil {
		t.Skipf("cannot chown: %v", err)
	}
	e.must("up", "-d")
	e.must("cp", "-a", "owned", "deb:/tmp/archive")
	e.must("cp", "owned", "deb:/tmp/plain")
	for file, uid := range map[string]int{"/tmp/archive": 65534, "/tmp/plain": 4321} {
		h, err := tar.NewReader(strings.NewReader(e.must("cp", "deb:"+file, "-").stdout)).Next()
		if err != nil || h.Uid != uid {
			t.Errorf("%s: owner %v (%v), want %d", file, h, err, uid)
		}
	}
}

func TestTopPortImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	e.must("up", "-d", "web")
	r := e.must("top")
	for _, want := range []string{e.project + "-db-1\n", e.project + "-web-1\n", "/testapp serve -term trap", "/testapp sleep -term trap", "PID"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("top lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := e.must("top", "db"); strings.Contains(r.stdout, "serve") {
		t.Errorf("top db shows web:\n%s", r.stdout)
	}

	addr := strings.TrimSpace(e.must("port", "web", "8080").stdout)
	b := inspect(t, byName(t, e.project)[e.project+"-web-1"]).NetworkSettings.Ports["8080/tcp"]
	if len(b) == 0 || addr != b[0].HostIP+":"+b[0].HostPort || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("port web 8080: %q, engine %v", addr, b)
	}
	resp, err := http.Get("http://" + addr + "/health")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("GET on the printed port: %v %v", resp, err)
	}
	e.must("up", "-d", "--scale", "web=2", "web")
	for n := 1; n <= 2; n++ {
		b := inspect(t, byName(t, e.project)[fmt.Sprintf("%s-web-%d", e.project, n)]).NetworkSettings.Ports["8080/tcp"]
		if got := strings.TrimSpace(e.must("port", "--index", fmt.Sprint(n), "web", "8080").stdout); len(b) == 0 || got != b[0].HostIP+":"+b[0].HostPort {
			t.Errorf("port --index %d: %q, engine %v", n, got, b)
		}
	}
	if r := e.run("port", "--protocol", "udp", "web", "8080"); r.code != 1 || !strings.Contains(r.stderr, "no published port 8080/udp") {
		t.Errorf("unpublished port: exit %d %q", r.code, r.stderr)
	}
	if r := e.run("port", "web", "http"); r.code != 2 {
		t.Errorf("bad port: exit %d", r.code)
	}

	img, _, err := docker(t).ImageInspectWithRaw(context.Background(), testapp)
	if err != nil {
		t.Fatal(err)
	}
	e.must("up", "-d", "--scale", "web=1", "web")
	r = e.must("images")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	short := strings.TrimPrefix(img.ID, "sha256:")[:12]
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "CONTAINER") {
		t.Fatalf("images:\n%s", r.stdout)
	}
	for i, svc := range []string{"db", "web"} {
		f := strings.Fields(lines[i+1])
		if len(f) < 6 || f[0] != e.project+"-"+svc+"-1" || f[1] != "envctl-test/testapp" || f[2] != "latest" || f[4] != short {
			t.Errorf("images line %q", lines[i+1])
		}
	}
	if r := e.must("images", "-q", "web"); strings.TrimSpace(r.stdout) != img.ID {
		t.Errorf("images -q: %q, want %s", r.stdout, img.ID)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(e.must("images", "--format", "json", "db").stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["ContainerName"] != e.project+"-db-1" || list[0]["ID"] != img.ID || list[0]["Size"].(float64) != float64(img.Size) {
		t.Errorf("images --format json: %v", list)
	}
	if r := e.run("images", "--format", "yaml"); r.code != 2 {
		t.Errorf("bad --format: exit %d", r.code)
	}
}

func TestEventsOnlyThisProjectsAndService(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": workStack})
	other := newEnv(t, map[string]string{"compose.yaml": workStack})
	e.must("up", "-d", "web")
	other.must("up", "-d", "db")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := e.command(ctx, "events", "--json", "db")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	events := make(chan map[string]any, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var ev map[string]any
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = map[string]any{"bad": sc.Text()}
			}
			events <- ev
		}
		close(events)
	}()
	// the subscription is up once an event of ours comes through
	eventually(t, time.Minute, "events to flow", func() bool {
		e.must("exec", "db", "/testapp", "echo")
		select {
		case ev := <-events:
			return ev["service"] == "db"
		case <-time.After(2 * time.Second):
			return false
		}
	})
	other.must("restart", "db")
	e.must("restart", "web")
	e.must("restart", "db")
	var seen []string
	deadline := time.After(time.Minute)
	for !containsAll(seen, "die", "start") {
		select {
		case ev := <-events:
			attrs, _ := ev["attributes"].(map[string]any)
			if ev["service"] != "db" || ev["type"] != "container" || attrs["name"] != e.project+"-db-1" {
				t.Fatalf("event from elsewhere: %v", ev)
			}
			seen = append(seen, fmt.Sprint(ev["action"]))
		case <-deadline:
			t.Fatalf("no die and start events for db; saw %v", seen)
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("events after Ctrl-C: %v", err)
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		if !contains(list, w) {
			return false
		}
	}
	return true
}

func TestWaitReturnsFirstExitCodeAndDownProject(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  quick:
    image: envctl-test/testapp:latest
    command: ["exit", "3", "-after", "2s"]
  slow:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
`})
	e.must("up", "-d")
	if r := e.run("wait", "quick", "slow"); r.code != 3 {
		t.Errorf("wait: exit %d, want 3 (%s)", r.code, r.stderr)
	}
	if st := states(t, e.project)[e.project+"-slow-1"]; st != "running" {
		t.Errorf("slow is %s", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, "wait", "--down-project", "slow")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// wait is subscribed once its engine call is in; kill until it returns
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(time.Second)
	e.must("kill", "slow")
	err := <-done
	if ee, ok := err.(interface{ ExitCode() int }); !ok || ee.ExitCode() != 137 {
		t.Errorf("wait --down-project after kill: %v, want exit 137", err)
	}
	if n := len(containers(t, e.project)); n != 0 {
		t.Errorf("--down-project left %v", states(t, e.project))
	}
	if r := e.run("wait", "slow"); r.code != 1 || !strings.Contains(r.stderr, "no containers") {
		t.Errorf("wait without containers: exit %d %q", r.code, r.stderr)
	}
}

func TestAttachStreamsAndReturnsExitCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  counter:
    image: envctl-test/testapp:latest
    command: ["lines", "100", "-every", "100ms", "-prefix", "c", "+", "exit", "3"]
  echo:
    image: envctl-test/testapp:latest
    command: ["cat"]
    stdin_open: true
`})
	e.must("up", "-d")
	r := e.run("attach", "--no-stdin", "counter")
	if r.code != 3 {
		t.Fatalf("attach: exit %d, want 3 (%s)", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	first := 0
	fmt.Sscanf(lines[0], "c%d", &first)
	for i, l := range lines {
		if l != fmt.Sprintf("c%d", first+i) {
			t.Fatalf("attach output line %d: %q (from c%d)", i, l, first)
		}
	}
	if lines[len(lines)-1] != "c100" {
		t.Errorf("attach output ends with %q", lines[len(lines)-1])
	}

	// stdin goes in; ctrl-p ctrl-q detaches and leaves the container running
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, "attach", "echo")
	in, _ := cmd.StdinPipe()
	var out lockedBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	eventually(t, time.Minute, "the echo of stdin", func() bool {
		io.WriteString(in, "through attach\n")
		time.Sleep(200 * time.Millisecond)
		return strings.Contains(out.String(), "through attach\n")
	})
	io.WriteString(in, "\x10\x11")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("detach: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("ctrl-p ctrl-q did not detach")
	}
	if st := states(t, e.project)[e.project+"-echo-1"]; st != "running" {
		t.Errorf("after detach echo is %s", st)
	}
	if r := e.run("attach", "counter"); r.code != 1 || !strings.Contains(r.stderr, "not running") {
		t.Errorf("attach to a stopped service: exit %d %q", r.code, r.stderr)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
