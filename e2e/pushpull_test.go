package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/image"
)

// startRegistry runs the Distribution registry behind its own htpasswd basic
// auth (user/pass, a bcrypt file made by the tools image's htpasswd) on
// 127.0.0.1 and a free port: docker treats 127.0.0.0/8 registries as
// insecure, so plain HTTP works. It returns host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("docker", "run", "--rm", "envctl-test/tools:latest", "htpasswd", "-Bbn", "user", "pass").Output()
	if err != nil {
		t.Fatalf("htpasswd: %v", err)
	}
	reg := newEnv(t, map[string]string{
		"htpasswd": string(out),
		"compose.yaml": `
services:
  registry:
    image: envctl-test/registry:latest
    ports: ["127.0.0.1::5000"]
    environment:
      REGISTRY_AUTH: htpasswd
      REGISTRY_AUTH_HTPASSWD_REALM: envctl-test
      REGISTRY_AUTH_HTPASSWD_PATH: /auth/htpasswd
    volumes: ["./htpasswd:/auth/htpasswd:ro"]
`,
	})
	reg.must("up", "-d")
	info := inspect(t, byName(t, reg.project)[reg.project+"-registry-1"])
	b := info.NetworkSettings.Ports["5000/tcp"]
	if len(b) == 0 {
		t.Fatalf("registry port not published: %v", info.NetworkSettings.Ports)
	}
	host := "127.0.0.1:" + b[0].HostPort
	eventually(t, 30*time.Second, "the registry to answer", func() bool {
		resp, err := http.Get("http://" + host + "/v2/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusUnauthorized
	})
	return host
}

func TestPushPullThroughAuthenticatedRegistry(t *testing.T) {
	t.Parallel()
	host := startRegistry(t)
	e := newEnv(t, nil)
	ref := host + "/" + e.project + "/app:v1"
	e.write(map[string]string{
		"compose.yaml": "services:\n  app:\n    build: .\n    image: " + ref + "\n  other:\n    image: envctl-test/testapp:latest\n" +
			// another team's view of the image: it only pulls it
			"  consumer:\n    image: " + ref + "\n",
		"Dockerfile": "FROM envctl-test/testapp:latest\nCOPY payload /payload\n",
		"payload":    "round trip " + e.project + "\n",
	})
	removeProjectImages(t, e.project, ref)
	cfg := t.TempDir() // a throw-away DOCKER_CONFIG: no credentials yet
	e.vars = append(e.vars, "DOCKER_CONFIG="+cfg)
	e.must("build")

	// not logged in: both fail, naming image and registry and saying what to do
	for _, args := range [][]string{{"push", "app"}, {"pull", "consumer"}} {
		cmd := args[0]
		r := e.run(args...)
		if r.code == 0 {
			t.Fatalf("%s without login succeeded:\n%s", cmd, r.stderr)
		}
		for _, want := range []string{ref, "registry " + host, "docker login " + host} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s without login: stderr lacks %q:\n%s", cmd, want, r.stderr)
			}
		}
	}

	login := exec.Command("docker", "login", host, "-u", "user", "--password-stdin")
	login.Env = append(os.Environ(), "DOCKER_CONFIG="+cfg)
	login.Stdin = strings.NewReader("pass")
	if out, err := login.CombinedOutput(); err != nil {
		t.Fatalf("docker login: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(cfg, "config.json")); !strings.Contains(string(b), host) {
		t.Fatalf("docker login stored nothing for %s in %s/config.json", host, cfg)
	}

	r := e.must("build", "--push")
	if !strings.Contains(r.stderr, "Image "+ref+" Pushed sha256:") {
		t.Errorf("build --push progress:\n%s", r.stderr)
	}
	r = e.must("push")
	if !strings.Contains(r.stderr, "Image "+ref+" Pushed sha256:") {
		t.Errorf("push progress:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "envctl-test/testapp") {
		t.Errorf("push pushed a service that does not build:\n%s", r.stderr)
	}
	if _, err := docker(t).ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if imageExists(t, ref) {
		t.Fatal("image still present after removal")
	}
	r = e.must("pull", "consumer")
	if !strings.Contains(r.stderr, "Image "+ref+" Pulled") {
		t.Errorf("pull progress:\n%s", r.stderr)
	}
	// per-layer progress is one line per image: no layer IDs as event IDs
	for _, l := range strings.Split(r.stderr, "\n") {
		if l != "" && !strings.HasPrefix(l, "Image "+ref+" ") {
			t.Errorf("pull printed a line that is not the image's: %q", l)
		}
	}
	if out, code := inImage(t, ref, "read", "/payload"); code != 0 || out != "round trip "+e.project+"\n" {
		t.Errorf("pulled image: %q, exit %d", out, code)
	}
	// app and consumer share the image: one pull; -q prints nothing
	r = e.must("pull", "app", "consumer")
	if n := strings.Count(r.stderr, "Image "+ref+" Pulled"); n != 1 {
		t.Errorf("pulled %d times:\n%s", n, r.stderr)
	}
	if r = e.must("pull", "-q", "consumer"); r.stderr != "" || r.stdout != "" {
		t.Errorf("pull -q printed:\n%s%s", r.stdout, r.stderr)
	}
}

// blackHole accepts connections on 127.0.0.1 and never answers: a registry
// that hangs. It is closed when the test ends.
func blackHole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestPullUnreachableRegistry(t *testing.T) {
	t.Parallel()
	hole, closed := blackHole(t), closedPort(t)
	e := newEnv(t, nil)
	images := map[string]string{
		"silent":     hole + "/envctl-test/x:1",
		"refused":    closed + "/envctl-test/x:1",
		"unresolved": "registry.envctl-test.invalid:5000/x:1",
	}
	var yaml strings.Builder
	yaml.WriteString("services:\n")
	for svc, ref := range images {
		fmt.Fprintf(&yaml, "  %s:\n    image: %s\n", svc, ref)
	}
	e.write(map[string]string{"compose.yaml": yaml.String()})
	e.vars = append(e.vars, "DOCKER_CONFIG="+t.TempDir(), "ENVCTL_REGISTRY_TIMEOUT=3s")
	for svc, ref := range images {
		// a generous bound: without the silence timeout the black hole hangs forever
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		r := e.runIn(ctx, "", "pull", svc)
		hung := ctx.Err() != nil
		cancel()
		if hung {
			t.Fatalf("pull %s hung:\n%s", svc, r.stderr)
		}
		if r.code == 0 {
			t.Fatalf("pull %s succeeded:\n%s", svc, r.stderr)
		}
		host := ref[:strings.Index(ref, "/")]
		for _, want := range []string{"pull " + ref + " from registry " + host} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("pull %s: stderr lacks %q:\n%s", svc, want, r.stderr)
			}
		}
		if svc == "silent" && !strings.Contains(r.stderr, "no answer for 3s") {
			t.Errorf("pull from the black hole did not end by the silence timeout:\n%s", r.stderr)
		}
	}
	// up fails the same way, before creating anything
	r := e.run("up", "-d", "refused")
	if r.code == 0 || !strings.Contains(r.stderr, images["refused"]) {
		t.Errorf("up with an unpullable image: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(containers(t, e.project)); n != 0 {
		t.Errorf("up created %d containers though the image could not be pulled", n)
	}
}
