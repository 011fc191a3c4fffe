package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const scaleStack = `services:
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    ports: ["8080"]
`

// hostPorts maps each container to the host port published for 8080/tcp.
func hostPorts(t *testing.T, ids map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for n, id := range ids {
		b := inspect(t, id).NetworkSettings.Ports["8080/tcp"]
		if len(b) == 0 || b[0].HostPort == "" || b[0].HostPort == "0" {
			t.Fatalf("%s publishes no host port: %v", n, b)
		}
		out[n] = b[0].HostPort
	}
	return out
}

// get fetches http://127.0.0.1:port/ (each replica answers with its hostname).
func get(t *testing.T, port string) string {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	var body string
	eventually(t, 20*time.Second, "port "+port+" to answer", func() bool {
		resp, err := client.Get("http://127.0.0.1:" + port + "/")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = strings.TrimSpace(string(b))
		return resp.StatusCode == 200
	})
	return body
}

func TestScaleKeepsSurvivorsAndPublishesRandomPorts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": scaleStack})
	web := func(n int) string { return fmt.Sprintf("%s-web-%d", e.project, n) }
	e.must("up", "-d")
	one := byName(t, e.project)

	e.must("scale", "web=5")
	five := byName(t, e.project)
	if len(five) != 5 {
		t.Fatalf("after scale web=5: %v", five)
	}
	if five[web(1)] != one[web(1)] {
		t.Error("scale up recreated web-1")
	}
	ports := hostPorts(t, five)
	seen := map[string]string{}
	for n, p := range ports {
		if other, dup := seen[p]; dup {
			t.Errorf("%s and %s both on host port %s", n, other, p)
		}
		seen[p] = n
		// the port leads to that very replica
		if host := get(t, p); host != inspect(t, five[n]).Config.Hostname {
			t.Errorf("port %s of %s answers %q", p, n, host)
		}
	}

	e.must("up", "-d", "--scale", "web=2")
	two := byName(t, e.project)
	if len(two) != 2 || two[web(1)] != five[web(1)] || two[web(2)] != five[web(2)] {
		t.Errorf("scale down to 2 did not keep web-1 and web-2 untouched:\n%v\n%v", five, two)
	}
	if after := hostPorts(t, two); after[web(1)] != ports[web(1)] || after[web(2)] != ports[web(2)] {
		t.Errorf("survivors' ports changed: %v -> %v", ports, after)
	}
	for n, s := range states(t, e.project) {
		if s != "running" {
			t.Errorf("%s is %s", n, s)
		}
	}
	// up without --scale goes back to the file's count, highest numbers first
	e.must("up", "-d")
	if back := byName(t, e.project); len(back) != 1 || back[web(1)] != one[web(1)] {
		t.Errorf("up after scale: %v", back)
	}
}

// Replicas that publish one port from a host range start one at a time, so
// each gets its own port from the range.
func TestScaleWithHostPortRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  web:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    ports: ["127.0.0.1:39140-39149:8080"]
    deploy: {replicas: 3}
`})
	e.must("up", "-d")
	ports := hostPorts(t, byName(t, e.project))
	seen := map[string]bool{}
	for n, p := range ports {
		if p < "39140" || p > "39149" || seen[p] {
			t.Errorf("%s on port %s: want a distinct port in 39140-39149 (%v)", n, p, ports)
		}
		seen[p] = true
		get(t, p)
	}
}
