package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// indexName is fixed: the proxy exposes exactly /registry-events/_search.
const indexName = "registry-events"

// indexBody maps the fields the search page filters and sorts on as
// keywords (exact, wildcard and prefix matches) and the timestamp with
// nanoseconds, so events within one millisecond still sort newest first.
// dynamic:false keeps every other field in _source without indexing it,
// so odd annotations can never break the mapping.
const indexBody = `{
  "settings": {"number_of_shards": 1, "number_of_replicas": 0},
  "mappings": {
    "dynamic": false,
    "properties": {
      "id":        {"type": "keyword"},
      "timestamp": {"type": "date_nanos"},
      "action":    {"type": "keyword"},
      "target": {"properties": {
        "mediaType":  {"type": "keyword"},
        "digest":     {"type": "keyword"},
        "repository": {"type": "keyword"},
        "tag":        {"type": "keyword"},
        "size":       {"type": "long"},
        "length":     {"type": "long"}
      }},
      "request": {"properties": {
        "id":        {"type": "keyword"},
        "addr":      {"type": "keyword"},
        "host":      {"type": "keyword"},
        "method":    {"type": "keyword"},
        "useragent": {"type": "keyword"}
      }},
      "actor":  {"properties": {"name": {"type": "keyword"}}},
      "source": {"properties": {"addr": {"type": "keyword"}, "instanceID": {"type": "keyword"}}}
    }
  }
}`

// permanentError is an answer that a retry cannot change (a 4xx other than
// 408/429): retrying it would block the queue forever.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

type elastic struct {
	base   string
	client *http.Client
}

// ensureIndex creates the index with its mapping; an existing index is fine.
func (es *elastic) ensureIndex(ctx context.Context) error {
	status, body, err := es.do(ctx, http.MethodPut, "/"+indexName, []byte(indexBody))
	if err != nil {
		return err
	}
	if status/100 == 2 {
		return nil
	}
	if status == http.StatusBadRequest && strings.Contains(string(body), "resource_already_exists_exception") {
		return nil
	}
	return classify(status, body, "create index")
}

// index writes the event under its own id, so the registry resending an
// envelope, or the pump retrying after a lost answer, rewrites one document.
func (es *elastic) index(ctx context.Context, ev event) error {
	path := "/" + indexName + "/_doc/" + url.PathEscape(ev.ID)
	status, body, err := es.do(ctx, http.MethodPut, path, ev.raw)
	if err != nil {
		return err
	}
	if status/100 == 2 {
		return nil
	}
	return classify(status, body, "index event")
}

func (es *elastic) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(es.base, "/")+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, &permanentError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := es.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, answer, nil
}

func classify(status int, body []byte, what string) error {
	err := fmt.Errorf("%s: elasticsearch answered %d: %s", what, status, summary(body))
	if status/100 == 4 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests {
		return &permanentError{err}
	}
	return err
}

// summary picks the error reason out of an Elasticsearch error body.
func summary(body []byte) string {
	var e struct {
		Error struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Type != "" {
		return e.Error.Type + ": " + e.Error.Reason
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
