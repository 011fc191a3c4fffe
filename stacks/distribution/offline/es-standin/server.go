package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// esError is rendered the way Elasticsearch renders errors, so clients
// written against Elasticsearch read it the same way.
type esError struct {
	status int
	typ    string
	reason string
	index  string
}

func (e *esError) Error() string { return e.typ + ": " + e.reason }

func parsingError(reason string) *esError {
	return &esError{status: http.StatusBadRequest, typ: "parsing_exception", reason: reason}
}

func indexNotFound(name string) *esError {
	return &esError{status: http.StatusNotFound, typ: "index_not_found_exception", reason: "no such index [" + name + "]", index: name}
}

type server struct {
	store   *store
	maxBody int64
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.info)
	mux.HandleFunc("HEAD /{$}", s.info)
	mux.HandleFunc("GET /_cluster/health", s.health)
	mux.HandleFunc("PUT /{index}", s.createIndex)
	mux.HandleFunc("HEAD /{index}", s.indexExists)
	mux.HandleFunc("PUT /{index}/_doc/{id}", s.putDoc)
	mux.HandleFunc("POST /{index}/_doc/{id}", s.putDoc)
	mux.HandleFunc("GET /{index}/_doc/{id}", s.getDoc)
	mux.HandleFunc("GET /{index}/_search", s.search)
	mux.HandleFunc("POST /{index}/_search", s.search)
	mux.HandleFunc("POST /{index}/_refresh", s.refresh)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &esError{status: http.StatusBadRequest, typ: "illegal_argument_exception",
			reason: fmt.Sprintf("no handler found for uri [%s] and method [%s] in the Elasticsearch stand-in", r.URL.Path, r.Method)})
	})
	return mux
}

func (s *server) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"name":         "es-standin",
		"cluster_name": "es-standin",
		"version": map[string]any{
			"distribution": "envctl-es-standin",
			"number":       "0.1.0",
		},
		"tagline": "Elasticsearch stand-in: a small subset of the Elasticsearch REST API, not Elasticsearch",
	})
}

// health is always green: one node, one copy, nothing to allocate.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"cluster_name": "es-standin", "status": "green", "timed_out": false,
		"number_of_nodes": 1, "number_of_data_nodes": 1,
		"active_primary_shards": 0, "active_shards": 0, "unassigned_shards": 0,
	})
}

func (s *server) createIndex(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("index")
	if err := validIndexName(name); err != nil {
		writeError(w, err)
		return
	}
	body, err := s.readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = nil
	} else if _, err := decodeAny(body); err != nil {
		writeError(w, parsingError("request body is not valid JSON: "+err.Error()))
		return
	}
	created, err := s.store.createIndex(name, body)
	if err != nil {
		writeError(w, storageError(err))
		return
	}
	if !created {
		writeError(w, &esError{status: http.StatusBadRequest, typ: "resource_already_exists_exception",
			reason: "index [" + name + "] already exists", index: name})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name})
}

func (s *server) indexExists(w http.ResponseWriter, r *http.Request) {
	if s.store.hasIndex(r.PathValue("index")) {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusNotFound)
}

func (s *server) putDoc(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("index"), r.PathValue("id")
	if err := validIndexName(name); err != nil {
		writeError(w, err)
		return
	}
	if id == "" {
		writeError(w, &esError{status: http.StatusBadRequest, typ: "illegal_argument_exception", reason: "document id is empty"})
		return
	}
	body, err := s.readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if r.URL.Query().Get("op_type") == "create" {
		if _, exists := s.store.get(name, id); exists {
			writeError(w, &esError{status: http.StatusConflict, typ: "version_conflict_engine_exception",
				reason: "[" + id + "]: version conflict, document already exists", index: name})
			return
		}
	}
	version, seq, err := s.store.put(name, id, body)
	if err != nil {
		writeError(w, err)
		return
	}
	status, result := http.StatusOK, "updated"
	if version == 1 {
		status, result = http.StatusCreated, "created"
	}
	writeJSON(w, status, map[string]any{
		"_index": name, "_id": id, "_version": version, "result": result,
		"_shards": map[string]int{"total": 1, "successful": 1, "failed": 0},
		"_seq_no": seq, "_primary_term": 1,
	})
}

func (s *server) getDoc(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("index"), r.PathValue("id")
	if !s.store.hasIndex(name) {
		writeError(w, indexNotFound(name))
		return
	}
	d, ok := s.store.get(name, id)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"_index": name, "_id": id, "found": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"_index": name, "_id": id, "_version": d.version, "_seq_no": d.seq, "_primary_term": 1,
		"found": true, "_source": d.source,
	})
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("index")
	body, err := s.readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	req, err := parseSearch(body, r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	docs, ok := s.store.snapshot(name)
	if !ok {
		writeError(w, indexNotFound(name))
		return
	}
	writeJSON(w, http.StatusOK, runSearch(name, docs, req))
}

// refresh is a no-op: every write is searchable as soon as it is answered.
func (s *server) refresh(w http.ResponseWriter, r *http.Request) {
	if !s.store.hasIndex(r.PathValue("index")) {
		writeError(w, indexNotFound(r.PathValue("index")))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"_shards": map[string]int{"total": 1, "successful": 1, "failed": 0}})
}

// readBody insists on a JSON content type for a non-empty body, as
// Elasticsearch 8 does: a client or proxy that drops it fails here too.
func (s *server) readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &esError{status: http.StatusRequestEntityTooLarge, typ: "content_too_long", reason: "request body too large"}
		}
		return nil, &esError{status: http.StatusBadRequest, typ: "io_exception", reason: err.Error()}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		ct := r.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" && mt != "application/vnd.elasticsearch+json" {
			return nil, &esError{status: http.StatusNotAcceptable, typ: "media_type_header_exception",
				reason: "Content-Type header [" + ct + "] is not supported"}
		}
	}
	return body, nil
}

func validIndexName(name string) error {
	bad := name == "" || name == "." || name == ".." || strings.HasPrefix(name, "_") ||
		strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+") || name != strings.ToLower(name) ||
		strings.ContainsAny(name, `\/*?"<>| ,#:`)
	if bad {
		return &esError{status: http.StatusBadRequest, typ: "invalid_index_name_exception",
			reason: "Invalid index name [" + name + "]", index: name}
	}
	return nil
}

func storageError(err error) *esError {
	return &esError{status: http.StatusInternalServerError, typ: "storage_exception", reason: err.Error()}
}

func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func writeError(w http.ResponseWriter, err error) {
	var e *esError
	if !errors.As(err, &e) {
		e = storageError(err)
	}
	cause := map[string]any{"type": e.typ, "reason": e.reason}
	if e.index != "" {
		cause["index"] = e.index
	}
	writeJSON(w, e.status, map[string]any{
		"error":  map[string]any{"root_cause": []any{cause}, "type": e.typ, "reason": e.reason, "index": e.index},
		"status": e.status,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
