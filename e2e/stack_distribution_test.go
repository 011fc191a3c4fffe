package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// distributionServices are the long-running services of stacks/distribution
// (init is a one-shot).
var distributionServices = []string{"elasticsearch", "proxy", "pump", "redis", "registry"}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// The shipped stack with its offline override, run as its README says
// (envctl up -d --wait with both files), then used as its users would: docker
// login, push and pull through the TLS proxy, events searched through the
// proxy and on the search page in a browser, Elasticsearch stopped under a
// push, and the whole project taken down and up again.
func TestStackDistributionOffline(t *testing.T) {
	t.Parallel()
	offlineImages(t, "distribution")
	e := newEnv(t, nil)
	copyTree(t, filepath.Join(repo, "stacks", "distribution"), e.dir)
	port, user, password := freePort(t), "e2e-"+randomHex(3), randomHex(16)
	e.write(map[string]string{".env": "REGISTRY_PORT=" + port + "\nREGISTRY_USER=" + user +
		"\nREGISTRY_PASSWORD=" + password + "\nREGISTRY_HTTP_SECRET=" + randomHex(32) +
		"\nREDIS_PASSWORD=" + randomHex(16) + "\nPUMP_LOG_LEVEL=debug\n"})
	files := []string{"-f", "compose.yaml", "-f", "compose.offline.yaml"}
	up := func() {
		t.Helper()
		e.must(append(files, "up", "-d", "--wait")...)
		checkDistributionReady(t, e.project)
	}

	up()
	d := newDistribution(t, e.project, port, user, password)
	var v1 string

	t.Run("unauthenticated push is refused with 401", func(t *testing.T) {
		d.t = t
		code, h := d.status(http.MethodPost, "/v2/"+d.repo+"/blobs/uploads/", "", "")
		if code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") ||
			h.Get("Docker-Distribution-Api-Version") != "registry/2.0" {
			t.Errorf("upload without credentials: %d, headers %v", code, h)
		}
		if code, _ := d.status(http.MethodPost, "/v2/"+d.repo+"/blobs/uploads/", user, "wrong"); code != http.StatusUnauthorized {
			t.Errorf("upload with a wrong password: %d", code)
		}
		d.tag("refused")
		out, err := d.docker("", "push", d.ref("refused"))
		if err == nil || !regexp.MustCompile(`no basic auth credentials|unauthorized|401`).MatchString(out) {
			t.Errorf("docker push without login: %v\n%s", err, out)
		}
	})

	t.Run("login and push through TLS and auth", func(t *testing.T) {
		d.t = t
		d.login()
		v1 = d.push("v1")
	})
	if v1 == "" {
		t.FailNow()
	}

	t.Run("push event found through search within 10s", func(t *testing.T) {
		d.t = t
		ev := d.waitEvent(10*time.Second, "push", "v1")
		if ev.Target.Digest != v1 || ev.Actor.Name != user ||
			ev.Target.MediaType != "application/vnd.docker.distribution.manifest.v2+json" {
			t.Errorf("push event %+v, pushed %s as %s", ev, v1, user)
		}
	})

	t.Run("pull creates a pull event", func(t *testing.T) {
		d.t = t
		before, _ := d.events("pull", "v1")
		d.pull("v1")
		eventually(t, 10*time.Second, "a pull event of v1", func() bool {
			after, _ := d.events("pull", "v1")
			return len(after) > len(before)
		})
	})

	t.Run("search page in headless Chromium lists the repository", func(t *testing.T) {
		d.t = t
		png := filepath.Join(t.TempDir(), "search-page.png")
		dom := chromium(t, "https://"+user+":"+password+"@localhost:"+port+"/", png)
		t.Logf("screenshot of the search page: %s", png)
		shot, err := os.ReadFile(png)
		if err != nil || !bytes.HasPrefix(shot, []byte("\x89PNG\r\n\x1a\n")) || len(shot) < 10000 {
			t.Errorf("screenshot %s: %d bytes, %v", png, len(shot), err)
		}
		checkSearchPage(t, dom, d.repo)
	})

	t.Run("event pushed while Elasticsearch is stopped arrives after its start", func(t *testing.T) {
		d.t = t
		e.must(append(files, "stop", "elasticsearch")...)
		if _, ok := d.events("push", ""); ok {
			t.Fatal("search still answers with Elasticsearch stopped")
		}
		held := d.push("held")
		// The pump answered the registry and holds the event: nothing to find yet.
		if list, ok := d.events("push", "held"); ok || len(list) > 0 {
			t.Fatalf("search answered while Elasticsearch is stopped: %v", list)
		}
		e.must(append(files, "start", "elasticsearch")...)
		// the pump retries with a backoff of up to 30s
		ev := d.waitEvent(90*time.Second, "push", "held")
		if ev.Target.Digest != held {
			t.Errorf("event %+v, pushed %s", ev, held)
		}
	})

	t.Run("down and up keep images, certificate and account", func(t *testing.T) {
		d.t = t
		cert, key := volumeFile(t, e.project, "certs", "tls.crt"), volumeFile(t, e.project, "certs", "tls.key")
		htpasswd := volumeFile(t, e.project, "auth", "htpasswd")
		fingerprint := d.certFingerprint()
		before := byName(t, e.project)

		e.must(append(files, "down")...)
		if left := containers(t, e.project); len(left) != 0 {
			t.Fatalf("down left %d containers", len(left))
		}
		up()
		if again := byName(t, e.project); sameIDs(before, again) {
			t.Fatal("down and up kept the containers: nothing was recreated")
		}

		if got := d.certFingerprint(); got != fingerprint {
			t.Errorf("the proxy presents another certificate: %s, was %s", got, fingerprint)
		}
		if !bytes.Equal(volumeFile(t, e.project, "certs", "tls.crt"), cert) ||
			!bytes.Equal(volumeFile(t, e.project, "certs", "tls.key"), key) {
			t.Error("the certificate or its key was regenerated")
		}
		if !bytes.Equal(volumeFile(t, e.project, "auth", "htpasswd"), htpasswd) {
			t.Error("the htpasswd file was regenerated")
		}
		d.login()
		d.pull("v1")
		d.verifyImage("v1", v1)
		// the event history is on a volume too
		if list, ok := d.events("push", "v1"); !ok || len(list) != 1 {
			t.Errorf("push events of v1 after down and up: %d (search ok %v)", len(list), ok)
		}
	})
}

// checkDistributionReady: after up --wait, init has exited 0 and every other
// service is healthy.
func checkDistributionReady(t *testing.T, project string) {
	t.Helper()
	ids := byName(t, project)
	if st := inspect(t, ids[project+"-init-1"]).State; st.Status != "exited" || st.ExitCode != 0 {
		t.Fatalf("init: %s, exit %d", st.Status, st.ExitCode)
	}
	for _, s := range distributionServices {
		st := inspect(t, ids[project+"-"+s+"-1"]).State
		if st.Health == nil || st.Health.Status != "healthy" {
			t.Fatalf("%s is not healthy after up --wait: %+v", s, st)
		}
	}
}

var pageStatus = regexp.MustCompile(`<p id="status"[^>]*>(\d+) events?\. Click a row`)

// checkSearchPage: the page's own script ran, found the events and put the
// repository in a row of its table.
func checkSearchPage(t *testing.T, dom, repository string) {
	t.Helper()
	if !strings.Contains(dom, "<h1>Registry events</h1>") {
		t.Fatalf("not the search page:\n%s", dom)
	}
	if !pageStatus.MatchString(dom) {
		t.Errorf("the page's status line does not count events:\n%s", dom)
	}
	row := regexp.MustCompile(`<tr[^>]*class="action-push"[^>]*>.*?<td[^>]*>` + regexp.QuoteMeta(repository) + `</td>`)
	if !row.MatchString(dom) {
		t.Errorf("no push row for %s on the page:\n%s", repository, dom)
	}
}
