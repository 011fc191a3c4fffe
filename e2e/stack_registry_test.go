package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/image"
)

// distribution drives a running distribution stack from outside, as its users
// do: the docker CLI with a throw-away configuration, and HTTPS to the proxy
// trusting the certificate the stack made.
type distribution struct {
	// t is the running (sub)test; cleanups go to the test that made d
	t, owner       *testing.T
	project, port  string
	user, password string
	config         string // DOCKER_CONFIG of this test only
	repo           string // the test's own repository in the registry
	client         *http.Client
}

func newDistribution(t *testing.T, project, port, user, password string) *distribution {
	d := &distribution{t: t, owner: t, project: project, port: port, user: user, password: password,
		config: t.TempDir(), repo: "e2e/" + project + "/app"}
	d.trust()
	return d
}

// trust reads the stack's certificate from its volume: every HTTPS request of
// the test verifies it (for localhost) instead of skipping verification.
func (d *distribution) trust() {
	d.t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(volumeFile(d.t, d.project, "certs", "tls.crt")) {
		d.t.Fatal("the certs volume holds no PEM certificate")
	}
	d.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		// a fresh connection each time: a recreated proxy must be seen afresh
		DisableKeepAlives: true,
	}}
}

func (d *distribution) url(path string) string { return "https://localhost:" + d.port + path }

func (d *distribution) ref(tag string) string {
	return "localhost:" + d.port + "/" + d.repo + ":" + tag
}

// docker runs the docker CLI with the test's configuration directory.
func (d *distribution) docker(stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"--config", d.config}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (d *distribution) mustDocker(stdin string, args ...string) string {
	d.t.Helper()
	out, err := d.docker(stdin, args...)
	if err != nil {
		d.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (d *distribution) login() {
	d.t.Helper()
	out := d.mustDocker(d.password+"\n", "login", "-u", d.user, "--password-stdin", "localhost:"+d.port)
	if !strings.Contains(out, "Login Succeeded") {
		d.t.Fatalf("docker login: %s", out)
	}
}

var pushDigest = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// push tags the test image as repo:tag and pushes it; the tag is removed
// from the engine when the test ends. It returns the manifest digest.
func (d *distribution) push(tag string) string {
	d.t.Helper()
	d.tag(tag)
	out := d.mustDocker("", "push", d.ref(tag))
	m := pushDigest.FindStringSubmatch(out)
	if m == nil {
		d.t.Fatalf("docker push %s printed no digest:\n%s", d.ref(tag), out)
	}
	return m[1]
}

func (d *distribution) tag(tag string) {
	d.t.Helper()
	ref := d.ref(tag)
	if err := docker(d.t).ImageTag(context.Background(), testapp, ref); err != nil {
		d.t.Fatal(err)
	}
	d.owner.Cleanup(func() { _, _ = docker(d.owner).ImageRemove(context.Background(), ref, image.RemoveOptions{}) })
}

// pull removes the local tag and pulls it back from the registry.
func (d *distribution) pull(tag string) {
	d.t.Helper()
	ref := d.ref(tag)
	if _, err := docker(d.t).ImageRemove(context.Background(), ref, image.RemoveOptions{}); err != nil {
		d.t.Fatal(err)
	}
	out := d.mustDocker("", "pull", ref)
	if !imageExists(d.t, ref) {
		d.t.Fatalf("docker pull %s left no image:\n%s", ref, out)
	}
}

// event is the part of a registry notification the tests look at.
type event struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	Target struct {
		MediaType  string `json:"mediaType"`
		Digest     string `json:"digest"`
		Repository string `json:"repository"`
		Tag        string `json:"tag"`
	} `json:"target"`
	Actor struct {
		Name string `json:"name"`
	} `json:"actor"`
}

// events searches the proxy's /search for the test repository's events with
// that action (and tag, unless empty), as the search page does; ok is false
// while the search itself fails (Elasticsearch stopped or starting).
func (d *distribution) events(action, tag string) (list []event, ok bool) {
	filter := []any{
		map[string]any{"term": map[string]any{"target.repository": d.repo}},
		map[string]any{"term": map[string]any{"action": action}},
	}
	if tag != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"target.tag": tag}})
	}
	body, _ := json.Marshal(map[string]any{
		"query": map[string]any{"bool": map[string]any{"filter": filter}},
		"sort":  []any{map[string]any{"timestamp": map[string]any{"order": "desc"}}},
		"size":  100,
	})
	req, _ := http.NewRequest(http.MethodPost, d.url("/search"), bytes.NewReader(body))
	req.SetBasicAuth(d.user, d.password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false
	}
	var result struct {
		Hits struct {
			Hits []struct {
				Source event `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&result); err != nil {
		d.t.Fatalf("search answer: %v", err)
	}
	for _, h := range result.Hits.Hits {
		list = append(list, h.Source)
	}
	return list, true
}

// waitEvent waits for an event of the test repository with action and tag.
func (d *distribution) waitEvent(timeout time.Duration, action, tag string) event {
	d.t.Helper()
	var found event
	eventually(d.t, timeout, fmt.Sprintf("a %s event of %s:%s through %s", action, d.repo, tag, d.url("/search")), func() bool {
		list, ok := d.events(action, tag)
		if ok && len(list) > 0 {
			found = list[0]
			return true
		}
		return false
	})
	return found
}

// status is the HTTP status of an unauthenticated (or wrongly authenticated)
// request to the proxy, and the headers it answered with.
func (d *distribution) status(method, path, user, password string) (int, http.Header) {
	d.t.Helper()
	req, _ := http.NewRequest(method, d.url(path), nil)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// certFingerprint is the SHA-256 of the certificate the proxy presents.
func (d *distribution) certFingerprint() string {
	d.t.Helper()
	conn, err := tls.Dial("tcp", "localhost:"+d.port, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close()
	sum := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].Raw)
	return hex.EncodeToString(sum[:])
}

// verifyImage fetches repo:tag's manifest and every blob it names through
// the proxy and checks each against its digest: the registry's data, not
// only what the engine has cached.
func (d *distribution) verifyImage(tag, wantDigest string) {
	d.t.Helper()
	manifest := d.get("/v2/"+d.repo+"/manifests/"+tag, "application/vnd.docker.distribution.manifest.v2+json")
	if got := digestOf(manifest); got != wantDigest {
		d.t.Fatalf("manifest of %s: digest %s, pushed %s", tag, got, wantDigest)
	}
	var m struct {
		Config struct{ Digest string }   `json:"config"`
		Layers []struct{ Digest string } `json:"layers"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil || m.Config.Digest == "" || len(m.Layers) == 0 {
		d.t.Fatalf("manifest of %s: %v\n%s", tag, err, manifest)
	}
	digests := []string{m.Config.Digest}
	for _, l := range m.Layers {
		digests = append(digests, l.Digest)
	}
	for _, digest := range digests {
		if got := digestOf(d.get("/v2/"+d.repo+"/blobs/"+digest, "")); got != digest {
			d.t.Fatalf("blob %s: content has digest %s", digest, got)
		}
	}
}

func (d *distribution) get(path, accept string) []byte {
	d.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.url(path), nil)
	req.SetBasicAuth(d.user, d.password)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		d.t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	return body
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
