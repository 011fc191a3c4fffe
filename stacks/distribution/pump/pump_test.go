package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	dockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	ociManifest    = "application/vnd.oci.image.manifest.v1+json"
	ociIndex       = "application/vnd.oci.image.index.v1+json"
)

// registryEvent is shaped like the events distribution v3 sends.
func registryEvent(id, action, mediaType, repo string) map[string]any {
	return map[string]any{
		"id":        id,
		"timestamp": "2025-03-01T10:00:00.123456789Z",
		"action":    action,
		"target": map[string]any{
			"mediaType":  mediaType,
			"digest":     "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
			"size":       529,
			"length":     529,
			"repository": repo,
			"url":        "https://localhost/v2/" + repo + "/manifests/sha256:4f53",
			"tag":        "v1",
		},
		"request": map[string]any{"id": "req-" + id, "addr": "172.18.0.1", "host": "localhost:8443", "method": "PUT", "useragent": "docker/20.10"},
		"actor":   map[string]any{"name": "alice"},
		"source":  map[string]any{"addr": "registry:5000", "instanceID": "abc"},
	}
}

func envelope(t *testing.T, evs ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"events": evs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fakeES stores documents by path and can be switched down (503) and up.
type fakeES struct {
	mu       sync.Mutex
	docs     map[string][]byte
	puts     []string
	down     atomic.Bool
	attempts atomic.Int64
	index    bool
}

func newFakeES(t *testing.T) (*fakeES, *httptest.Server) {
	f := &fakeES{docs: map[string][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.attempts.Add(1)
		if f.down.Load() {
			http.Error(w, `{"error":{"type":"unavailable","reason":"down"},"status":503}`, http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/"+indexName:
			if f.index {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":{"type":"resource_already_exists_exception","reason":"exists"},"status":400}`)
				return
			}
			f.index = true
			fmt.Fprint(w, `{"acknowledged":true}`)
		case r.Method == http.MethodPut && strings.HasPrefix(r.URL.EscapedPath(), "/"+indexName+"/_doc/"):
			f.puts = append(f.puts, r.URL.EscapedPath())
			f.docs[r.URL.EscapedPath()] = body
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"result":"created"}`)
		default:
			http.Error(w, `{"error":{"type":"illegal_argument_exception","reason":"unexpected"}}`, http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeES) docCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.docs)
}

type pump struct {
	queue   *queue
	handler http.Handler
}

func startPump(t *testing.T, esURL string, queueSize int, deliver bool) *pump {
	t.Helper()
	q := newQueue(queueSize)
	s := &server{queue: q, log: quietLog(), maxBody: 8 << 20}
	if deliver {
		d := &deliverer{queue: q, es: &elastic{base: esURL, client: &http.Client{Timeout: 2 * time.Second}},
			log: quietLog(), minBackoff: 5 * time.Millisecond, maxBackoff: 40 * time.Millisecond}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return &pump{queue: q, handler: s.routes()}
}

func (p *pump) post(t *testing.T, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/events", body)
	req.Header.Set("Content-Type", "application/vnd.docker.distribution.events.v2+json")
	p.handler.ServeHTTP(rec, req)
	return rec
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestKeepFiltersByActionAndMediaType(t *testing.T) {
	cases := []struct {
		action, mediaType string
		want              bool
	}{
		{"push", dockerManifest, true},
		{"push", dockerList, true},
		{"push", ociManifest, true},
		{"pull", ociIndex, true},
		{"pull", dockerManifest, true},
		{"pull", ociManifest + "; charset=utf-8", true},
		{"push", "application/octet-stream", false},
		{"pull", "application/vnd.docker.image.rootfs.diff.tar.gzip", false},
		{"push", "application/vnd.docker.container.image.v1+json", false},
		{"delete", dockerManifest, false},
		{"mount", ociManifest, false},
		{"push", "", false},
	}
	for _, c := range cases {
		evs, err := parseEnvelope(envelope(t, registryEvent("e1", c.action, c.mediaType, "r")))
		if err != nil {
			t.Fatal(err)
		}
		if got, why := keep(evs[0]); got != c.want {
			t.Errorf("keep(%s %q) = %v (%s), want %v", c.action, c.mediaType, got, why, c.want)
		}
	}
}

func TestEventsIndexedUnderTheirIDAndRetriesAreIdempotent(t *testing.T) {
	es, srv := newFakeES(t)
	p := startPump(t, srv.URL, 100, true)
	body := envelope(t,
		registryEvent("id-1", "push", ociManifest, "team/app"),
		registryEvent("blob", "push", "application/octet-stream", "team/app"),
		registryEvent("id/2", "pull", dockerManifest, "team/app"),
	)
	for range 2 { // the registry resends an envelope it got no answer for
		if rec := p.post(t, bytes.NewReader(body)); rec.Code != http.StatusOK {
			t.Fatalf("POST /events = %d %s", rec.Code, rec.Body)
		}
	}
	waitFor(t, "4 deliveries", func() bool { es.mu.Lock(); defer es.mu.Unlock(); return len(es.puts) == 4 })
	if n := es.docCount(); n != 2 {
		t.Fatalf("documents = %d, want 2 (same id rewrites the same document)", n)
	}
	es.mu.Lock()
	defer es.mu.Unlock()
	doc, ok := es.docs["/registry-events/_doc/id-1"]
	if !ok {
		t.Fatalf("no document at /registry-events/_doc/id-1; have %v", es.puts)
	}
	if _, ok := es.docs["/registry-events/_doc/id%2F2"]; !ok {
		t.Fatalf("id with a slash not path-escaped; have %v", es.puts)
	}
	var got map[string]any
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if got["target"].(map[string]any)["repository"] != "team/app" || got["source"].(map[string]any)["instanceID"] != "abc" {
		t.Fatalf("document is not the event as sent: %s", doc)
	}
}

func TestQueueHoldsEventsWhileElasticsearchIsDown(t *testing.T) {
	es, srv := newFakeES(t)
	es.down.Store(true)
	p := startPump(t, srv.URL, 100, true)
	for i := range 3 {
		rec := p.post(t, bytes.NewReader(envelope(t, registryEvent(fmt.Sprint("ev", i), "push", dockerManifest, "r"))))
		if rec.Code != http.StatusOK {
			t.Fatalf("POST while ES down = %d, want 200 (the pump answers at once)", rec.Code)
		}
	}
	waitFor(t, "several failed attempts", func() bool { return es.attempts.Load() >= 3 })
	if n := es.docCount(); n != 0 {
		t.Fatalf("documents while down = %d", n)
	}
	if n := p.queue.len(); n != 3 {
		t.Fatalf("queued while down = %d, want 3", n)
	}
	es.down.Store(false)
	waitFor(t, "all 3 events delivered", func() bool { return es.docCount() == 3 })
	waitFor(t, "queue empty", func() bool { return p.queue.len() == 0 })
}

func TestIndexMadeAgainAfterAnOutage(t *testing.T) {
	es, srv := newFakeES(t)
	p := startPump(t, srv.URL, 10, true)
	p.post(t, bytes.NewReader(envelope(t, registryEvent("before", "push", ociManifest, "r"))))
	waitFor(t, "first event", func() bool { return es.docCount() == 1 })
	// Elasticsearch goes away and comes back empty, as with a new volume.
	es.down.Store(true)
	es.mu.Lock()
	es.index, es.docs = false, map[string][]byte{}
	es.mu.Unlock()
	p.post(t, bytes.NewReader(envelope(t, registryEvent("after", "push", ociManifest, "r"))))
	waitFor(t, "a failed attempt", func() bool { return es.attempts.Load() >= 4 })
	es.down.Store(false)
	waitFor(t, "second event", func() bool { return es.docCount() == 1 })
	es.mu.Lock()
	defer es.mu.Unlock()
	if !es.index {
		t.Fatal("the index and its mapping were not made again before the write")
	}
}

func TestFullQueueAnswers503(t *testing.T) {
	p := startPump(t, "http://127.0.0.1:1", 2, false)
	two := envelope(t, registryEvent("a", "push", dockerManifest, "r"), registryEvent("b", "push", dockerManifest, "r"))
	if rec := p.post(t, bytes.NewReader(two)); rec.Code != http.StatusOK {
		t.Fatalf("first envelope = %d", rec.Code)
	}
	rec := p.post(t, bytes.NewReader(envelope(t, registryEvent("c", "pull", dockerManifest, "r"))))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("envelope into a full queue = %d, want 503", rec.Code)
	}
	if p.queue.len() != 2 {
		t.Fatalf("queue = %d after refusal, want 2", p.queue.len())
	}
	// Ignored events need no room, so they are still acknowledged.
	if rec := p.post(t, bytes.NewReader(envelope(t, registryEvent("d", "push", "application/octet-stream", "r")))); rec.Code != http.StatusOK {
		t.Fatalf("envelope of ignored events = %d, want 200", rec.Code)
	}
}

func TestEnvelopeIsAllOrNothing(t *testing.T) {
	p := startPump(t, "http://127.0.0.1:1", 2, false)
	three := envelope(t, registryEvent("a", "push", dockerManifest, "r"), registryEvent("b", "push", dockerManifest, "r"), registryEvent("c", "push", dockerManifest, "r"))
	if rec := p.post(t, bytes.NewReader(three)); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("3 events into a queue of 2 = %d, want 503", rec.Code)
	}
	if p.queue.len() != 0 {
		t.Fatalf("partial enqueue: %d", p.queue.len())
	}
}

// eofReader records whether the handler read the body to its end.
type eofReader struct {
	r    io.Reader
	read int
	eof  bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.read += n
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

func TestWholeBodyIsRead(t *testing.T) {
	p := startPump(t, "http://127.0.0.1:1", 10, false)
	ev := registryEvent("late", "push", ociIndex, "big/repo")
	ev["padding"] = strings.Repeat("x", 3<<20)
	body := envelope(t, registryEvent("blob", "push", "application/octet-stream", "big/repo"), ev)
	body = append(body, bytes.Repeat([]byte(" \n"), 1<<16)...)
	r := &eofReader{r: bytes.NewReader(body)}
	if rec := p.post(t, r); rec.Code != http.StatusOK {
		t.Fatalf("POST = %d %s", rec.Code, rec.Body)
	}
	if !r.eof || r.read != len(body) {
		t.Fatalf("read %d of %d bytes (eof %v)", r.read, len(body), r.eof)
	}
	if p.queue.len() != 1 {
		t.Fatalf("event after a 3 MiB event was not queued")
	}
}

func TestBadRequests(t *testing.T) {
	p := startPump(t, "http://127.0.0.1:1", 10, false)
	if rec := p.post(t, strings.NewReader(`{"events":[`)); rec.Code != http.StatusBadRequest {
		t.Errorf("truncated JSON = %d, want 400", rec.Code)
	}
	s := &server{queue: newQueue(1), log: quietLog(), maxBody: 10}
	rec := httptest.NewRecorder()
	s.routes().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(`{"events":[]}      `)))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body = %d, want 413", rec.Code)
	}
	rec = httptest.NewRecorder()
	p.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/events", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /events = %d, want 405", rec.Code)
	}
}

func TestPermanentErrorDropsEventAndMovesOn(t *testing.T) {
	var puts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"type":"document_parsing_exception","reason":"nope"},"status":400}`)
			return
		}
		puts.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	p := startPump(t, srv.URL, 10, true)
	p.post(t, bytes.NewReader(envelope(t, registryEvent("bad", "push", ociManifest, "r"), registryEvent("good", "push", ociManifest, "r"))))
	waitFor(t, "queue drained past the rejected event", func() bool { return p.queue.len() == 0 })
	if puts.Load() < 2 { // index creation and the good event
		t.Fatalf("good event not delivered after a rejected one")
	}
}

func TestHealthzAndProbe(t *testing.T) {
	p := startPump(t, "http://127.0.0.1:1", 10, false)
	srv := httptest.NewServer(p.handler)
	defer srv.Close()
	if code := probe(srv.URL + "/healthz"); code != 0 {
		t.Fatalf("probe of healthy pump = %d", code)
	}
	if code := probe(srv.URL + "/nothing-here"); code != 1 {
		t.Fatalf("probe of a 404 = %d, want 1", code)
	}
	if code := probe("http://127.0.0.1:1/healthz"); code != 1 {
		t.Fatalf("probe of a closed port = %d, want 1", code)
	}
}

func TestBackoffGrowsToTheCap(t *testing.T) {
	d := &deliverer{minBackoff: 250 * time.Millisecond, maxBackoff: 2 * time.Second}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second}
	for i, w := range want {
		if got := d.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"PUMP_QUEUE_SIZE": "5", "PUMP_ES_URL": "http://es:9200", "PUMP_MAX_BACKOFF": "2s", "PUMP_LOG_LEVEL": "debug"}
	c, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil || c.queueSize != 5 || c.esURL != "http://es:9200" || c.maxBackoff != 2*time.Second || c.logLevel != slog.LevelDebug || c.listen != ":8080" {
		t.Fatalf("config = %+v, %v", c, err)
	}
	for _, bad := range []map[string]string{{"PUMP_QUEUE_SIZE": "0"}, {"PUMP_MAX_BACKOFF": "soon"}, {"PUMP_LOG_LEVEL": "loud"}} {
		if _, err := configFromEnv(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("config %v accepted", bad)
		}
	}
}
