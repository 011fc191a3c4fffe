package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/image"
)

// The book's chapter 11 example in the legacy format (testdata/book): `up -d`
// builds the registry and the pump from their directories, wires the links'
// aliases, and a docker push travels registry → webhookmonitor (the pump) →
// esnode (the Elasticsearch stand-in).
func TestBookLegacyExampleDeliversPushEvent(t *testing.T) {
	t.Parallel()
	offlineImages(t, "distribution") // the Elasticsearch stand-in
	e := newEnv(t, nil)
	copyTree(t, filepath.Join(repo, "testdata", "book"), e.dir)
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(e.dir, "pump", "pump"), "./stacks/distribution/pump")
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the pump: %v\n%s", err, out)
	}
	port := freePort(t)
	e.vars = append(e.vars, "BOOK_REGISTRY_PORT="+port)
	removeProjectImages(t, e.project)
	// cleanups run last first: the containers must be gone before their images
	t.Cleanup(func() { purge(t, e.project) })

	r := e.must("up", "-d")
	if !strings.Contains(r.stderr, "legacy Compose format") {
		t.Errorf("up does not say the file is in the legacy format:\n%s", r.stderr)
	}
	ids := byName(t, e.project)
	for _, s := range []string{"registry", "pump", "elasticsearch"} {
		id := ids[e.project+"_"+s+"_1"]
		if id == "" {
			t.Fatalf("no container %s_%s_1 (legacy names): %v", e.project, s, ids)
		}
		if st := inspect(t, id).State; !st.Running {
			t.Fatalf("%s is %s", s, st.Status)
		}
	}
	esPort := ""
	if b := inspect(t, ids[e.project+"_elasticsearch_1"]).NetworkSettings.Ports["9200/tcp"]; len(b) > 0 {
		esPort = b[0].HostPort
	}
	if esPort == "" {
		t.Fatal(`elasticsearch's "9200" got no host port`)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	registry := "localhost:" + port
	eventually(t, time.Minute, "the registry to answer on "+registry, func() bool {
		resp, err := client.Get("http://" + registry + "/v2/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	ref := registry + "/book/app:v1"
	if err := docker(t).ImageTag(context.Background(), testapp, ref); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = docker(t).ImageRemove(context.Background(), ref, image.RemoveOptions{}) })
	push := exec.Command("docker", "--config", t.TempDir(), "push", ref)
	out, err := push.CombinedOutput()
	if err != nil {
		t.Fatalf("docker push %s: %v\n%s", ref, err, out)
	}
	digest := pushDigest.FindStringSubmatch(string(out))
	if digest == nil {
		t.Fatalf("docker push printed no digest:\n%s", out)
	}

	query, _ := json.Marshal(map[string]any{"query": map[string]any{"bool": map[string]any{"filter": []any{
		map[string]any{"term": map[string]any{"target.repository": "book/app"}},
		map[string]any{"term": map[string]any{"action": "push"}},
	}}}})
	var hits []event
	eventually(t, 30*time.Second, "the push event in esnode", func() bool {
		resp, err := client.Post("http://localhost:"+esPort+"/registry-events/_search", "application/json", bytes.NewReader(query))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var result struct {
			Hits struct {
				Hits []struct {
					Source event `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&result) != nil {
			return false
		}
		hits = nil
		for _, h := range result.Hits.Hits {
			hits = append(hits, h.Source)
		}
		return len(hits) > 0
	})
	if len(hits) != 1 || hits[0].Target.Digest != digest[1] || hits[0].Target.Tag != "v1" {
		t.Errorf("events %+v, pushed %s", hits, digest[1])
	}
}
