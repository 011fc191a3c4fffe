package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type client struct {
	t   *testing.T
	url string
}

func newStandin(t *testing.T, dir string) (*client, *store) {
	t.Helper()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&server{store: st, maxBody: 1 << 20}).routes())
	t.Cleanup(func() { srv.Close(); st.close() })
	return &client{t: t, url: srv.URL}, st
}

func (c *client) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			c.t.Fatalf("%s %s: answer is not JSON: %s", method, path, b)
		}
	}
	return resp.StatusCode, out
}

func errorType(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["type"].(string)
	return s
}

func ids(t *testing.T, body map[string]any) []string {
	t.Helper()
	hits, ok := body["hits"].(map[string]any)
	if !ok {
		t.Fatalf("no hits in %v", body)
	}
	var out []string
	for _, h := range hits["hits"].([]any) {
		out = append(out, h.(map[string]any)["_id"].(string))
	}
	return out
}

func event(id, ts, action, repo, tag, user, addr string) string {
	return fmt.Sprintf(`{"id":%q,"timestamp":%q,"action":%q,"target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s0000","size":529,"repository":%q,"tag":%q},"request":{"addr":%q,"method":"PUT"},"actor":{"name":%q}}`,
		id, ts, action, id, repo, tag, addr, user)
}

func seed(t *testing.T, c *client) {
	t.Helper()
	docs := []string{
		event("e1", "2025-03-01T10:00:00.5Z", "push", "team/app", "v1", "alice", "172.18.0.1"),
		event("e2", "2025-03-01T10:00:00.000000002Z", "pull", "team/app", "v1", "bob", "10.0.0.7"),
		event("e3", "2025-03-01T10:00:01Z", "push", "other/tool", "latest", "alice", "172.18.0.1"),
		event("e4", "2025-03-01T09:59:59.999999999+00:00", "push", "team/app-web", "v2", "carol", "172.18.0.9"),
	}
	for i, d := range docs {
		if code, body := c.do(http.MethodPut, fmt.Sprintf("/registry-events/_doc/e%d", i+1), d); code != http.StatusCreated {
			t.Fatalf("put e%d = %d %v", i+1, code, body)
		}
	}
}

func TestCreateIndexAndExisting(t *testing.T) {
	c, _ := newStandin(t, t.TempDir())
	code, body := c.do(http.MethodPut, "/registry-events", `{"mappings":{"properties":{"timestamp":{"type":"date_nanos"}}}}`)
	if code != http.StatusOK || body["acknowledged"] != true {
		t.Fatalf("create = %d %v", code, body)
	}
	code, body = c.do(http.MethodPut, "/registry-events", "")
	if code != http.StatusBadRequest || errorType(body) != "resource_already_exists_exception" {
		t.Fatalf("create again = %d %v, want 400 resource_already_exists_exception as Elasticsearch answers", code, body)
	}
	if code, _ := c.do(http.MethodHead, "/registry-events", ""); code != http.StatusOK {
		t.Fatalf("HEAD existing index = %d", code)
	}
	if code, body := c.do(http.MethodPut, "/Bad_Index", ""); code != http.StatusBadRequest || errorType(body) != "invalid_index_name_exception" {
		t.Fatalf("bad index name = %d %v", code, body)
	}
}

func TestUpsertByID(t *testing.T) {
	c, _ := newStandin(t, t.TempDir())
	code, body := c.do(http.MethodPut, "/registry-events/_doc/abc", `{"action":"push"}`)
	if code != http.StatusCreated || body["result"] != "created" || body["_version"] != 1.0 {
		t.Fatalf("first put = %d %v", code, body)
	}
	code, body = c.do(http.MethodPost, "/registry-events/_doc/abc", `{"action":"pull"}`)
	if code != http.StatusOK || body["result"] != "updated" || body["_version"] != 2.0 {
		t.Fatalf("second put = %d %v", code, body)
	}
	code, body = c.do(http.MethodGet, "/registry-events/_doc/abc", "")
	if code != http.StatusOK || body["_source"].(map[string]any)["action"] != "pull" {
		t.Fatalf("get = %d %v", code, body)
	}
	_, body = c.do(http.MethodPost, "/registry-events/_search", `{"query":{"match_all":{}}}`)
	if got := ids(t, body); len(got) != 1 {
		t.Fatalf("one id, two writes: %v documents", got)
	}
	code, body = c.do(http.MethodPut, "/registry-events/_doc/abc?op_type=create", `{"action":"push"}`)
	if code != http.StatusConflict {
		t.Fatalf("op_type=create on existing = %d %v", code, body)
	}
	if code, body := c.do(http.MethodPut, "/registry-events/_doc/x", `[1,2]`); code != http.StatusBadRequest || errorType(body) != "document_parsing_exception" {
		t.Fatalf("array document = %d %v", code, body)
	}
}

// The queries below are the ones page/app.js builds; keep them in step.
func TestSearchAsThePageDoes(t *testing.T) {
	c, _ := newStandin(t, t.TempDir())
	seed(t, c)
	sortDesc := `"sort":[{"timestamp":{"order":"desc"}}],"size":50`
	cases := []struct {
		name, body string
		want       []string
	}{
		{"newest first", `{"query":{"match_all":{}},` + sortDesc + `}`, []string{"e3", "e1", "e2", "e4"}},
		{"repository substring", `{"query":{"bool":{"filter":[{"wildcard":{"target.repository":{"value":"*app*"}}}]}},` + sortDesc + `}`, []string{"e1", "e2", "e4"}},
		{"tag", `{"query":{"bool":{"filter":[{"term":{"target.tag":"v1"}}]}},` + sortDesc + `}`, []string{"e1", "e2"}},
		{"action and user", `{"query":{"bool":{"filter":[{"term":{"action":"push"}},{"term":{"actor.name":"alice"}}]}},` + sortDesc + `}`, []string{"e3", "e1"}},
		{"digest prefix", `{"query":{"bool":{"filter":[{"prefix":{"target.digest":"sha256:e2"}}]}},` + sortDesc + `}`, []string{"e2"}},
		{"client address prefix", `{"query":{"bool":{"filter":[{"prefix":{"request.addr":"172.18.0."}}]}},` + sortDesc + `}`, []string{"e3", "e1", "e4"}},
		{"case insensitive wildcard", `{"query":{"bool":{"filter":[{"wildcard":{"target.repository":{"value":"*TOOL*","case_insensitive":true}}}]}}}`, []string{"e3"}},
		{"must_not and should", `{"query":{"bool":{"must_not":[{"term":{"action":"pull"}}],"should":[{"term":{"actor.name":"carol"}},{"term":{"target.tag":"latest"}}]}},` + sortDesc + `}`, []string{"e3", "e4"}},
		{"terms", `{"query":{"terms":{"actor.name":["bob","carol"]}},"sort":["timestamp"]}`, []string{"e4", "e2"}},
		{"size and from", `{"query":{"match_all":{}},"sort":[{"timestamp":"desc"}],"size":2,"from":1}`, []string{"e1", "e2"}},
		{"numbers", `{"query":{"term":{"target.size":529}},"sort":"_doc","size":1}`, []string{"e1"}},
		{"empty body is match_all in write order", ``, []string{"e1", "e2", "e3", "e4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := c.do(http.MethodPost, "/registry-events/_search", tc.body)
			if code != http.StatusOK {
				t.Fatalf("search = %d %v", code, body)
			}
			if got := ids(t, body); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("hits = %v, want %v", got, tc.want)
			}
		})
	}
	_, body := c.do(http.MethodGet, "/registry-events/_search?size=1&sort=timestamp:desc", "")
	if got := ids(t, body); len(got) != 1 || got[0] != "e3" {
		t.Fatalf("URL size/sort: %v", got)
	}
	total := body["hits"].(map[string]any)["total"].(map[string]any)
	if total["value"] != 4.0 || total["relation"] != "eq" {
		t.Fatalf("total = %v", total)
	}
}

func TestSearchErrors(t *testing.T) {
	c, _ := newStandin(t, t.TempDir())
	if code, body := c.do(http.MethodPost, "/registry-events/_search", `{}`); code != http.StatusNotFound || errorType(body) != "index_not_found_exception" {
		t.Fatalf("search of a missing index = %d %v", code, body)
	}
	seed(t, c)
	for _, q := range []string{
		`{"query":{"fuzzy":{"target.repository":"app"}}}`,
		`{"query":{"match":{"target.repository":"app"}}}`,
		`{"aggs":{"x":{"terms":{"field":"action"}}}}`,
		`{"query":{"term":{"a":"b","c":"d"}}}`,
		`{"sort":[{"timestamp":"sideways"}]}`,
		`{"size":"ten"}`,
		`{"query":`,
	} {
		if code, body := c.do(http.MethodPost, "/registry-events/_search", q); code != http.StatusBadRequest {
			t.Errorf("%s = %d %v, want 400", q, code, body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, c.url+"/registry-events/_search", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotAcceptable {
		t.Fatalf("text/plain body = %d, want 406 as Elasticsearch 8 answers", resp.StatusCode)
	}
	if code, body := c.do(http.MethodDelete, "/registry-events", ""); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "stand-in") {
		t.Fatalf("unimplemented endpoint = %d %v", code, body)
	}
}

func TestDocumentsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	c, st := newStandin(t, dir)
	c.do(http.MethodPut, "/registry-events", `{"settings":{"number_of_replicas":0}}`)
	seed(t, c)
	c.do(http.MethodPut, "/registry-events/_doc/e1", event("e1", "2025-03-01T12:00:00Z", "push", "team/app", "v9", "alice", "1.2.3.4"))
	st.close()

	// A write cut short by a crash leaves a partial last line.
	f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"op":"put","index":"registry-events","id":"half`)
	f.Close()

	c2, _ := newStandin(t, dir)
	code, body := c2.do(http.MethodPost, "/registry-events/_search", `{"sort":[{"timestamp":{"order":"desc"}}]}`)
	if code != http.StatusOK {
		t.Fatalf("search after restart = %d %v", code, body)
	}
	if got := strings.Join(ids(t, body), ","); got != "e1,e3,e2,e4" {
		t.Fatalf("after restart: %s, want e1 (updated),e3,e2,e4", got)
	}
	_, doc := c2.do(http.MethodGet, "/registry-events/_doc/e1", "")
	if doc["_version"] != 2.0 || doc["_source"].(map[string]any)["target"].(map[string]any)["tag"] != "v9" {
		t.Fatalf("e1 after restart: %v", doc)
	}
	if code, body := c2.do(http.MethodPut, "/registry-events", ""); code != http.StatusBadRequest {
		t.Fatalf("index not remembered across restart: %d %v", code, body)
	}
	b, _ := os.ReadFile(filepath.Join(dir, journalName))
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Fatalf("journal not compacted on start: %d lines", n)
	}
}

func TestInfoAndHealthSayStandin(t *testing.T) {
	c, _ := newStandin(t, "")
	code, body := c.do(http.MethodGet, "/", "")
	if code != http.StatusOK || !strings.Contains(body["tagline"].(string), "stand-in") {
		t.Fatalf("GET / = %d %v", code, body)
	}
	code, body = c.do(http.MethodGet, "/_cluster/health?wait_for_status=yellow&timeout=5s", "")
	if code != http.StatusOK || body["status"] != "green" {
		t.Fatalf("health = %d %v", code, body)
	}
	if probe(c.url+"/_cluster/health") != 0 || probe("http://127.0.0.1:1/") != 1 {
		t.Fatal("probe")
	}
}

func TestWildcard(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*app*", "team/app-web", true},
		{"team/*", "team/app", true},
		{"team/*", "other/app", false},
		{"t?am/app", "team/app", true},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{"*", "", true},
		{"**a**", "bab", true},
	}
	for _, c := range cases {
		if got := wildcardMatch(c.pattern, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}
