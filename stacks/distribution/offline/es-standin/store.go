package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// store keeps every index in memory and makes each change durable by
// appending it to a journal before answering. On start the journal is
// replayed and rewritten compactly.
type store struct {
	mu      sync.RWMutex
	indices map[string]*index
	seq     int64
	journal *os.File
}

type index struct {
	settings json.RawMessage
	docs     map[string]*document
}

type document struct {
	id      string
	source  json.RawMessage
	parsed  any
	version int64
	seq     int64
}

type record struct {
	Op     string          `json:"op"`
	Index  string          `json:"index"`
	ID     string          `json:"id,omitempty"`
	Source json.RawMessage `json:"source,omitempty"`
}

const journalName = "es-standin.jsonl"

func openStore(dir string) (*store, error) {
	s := &store{indices: map[string]*index{}}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, journalName)
	if err := s.replay(path); err != nil {
		return nil, err
	}
	if err := s.compact(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	s.journal = f
	return s, nil
}

func (s *store) replay(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// A last line without its newline was cut short by a crash
			// before it was acknowledged: dropping it loses nothing promised.
			return nil
		}
		if err != nil {
			return err
		}
		var rec record
		if err := json.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if err := s.apply(rec); err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
}

func (s *store) compact(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for name, idx := range s.indices {
		err = writeRecord(w, record{Op: "create", Index: name, Source: idx.settings})
		for _, d := range sortedDocs(idx) {
			if err == nil {
				err = writeRecord(w, record{Op: "put", Index: name, ID: d.id, Source: d.source})
			}
		}
		if err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeRecord(w io.Writer, rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// apply changes memory only; callers hold the lock or own the store.
func (s *store) apply(rec record) error {
	switch rec.Op {
	case "create":
		if _, ok := s.indices[rec.Index]; !ok {
			s.indices[rec.Index] = &index{settings: rec.Source, docs: map[string]*document{}}
		}
	case "put":
		idx, ok := s.indices[rec.Index]
		if !ok {
			idx = &index{docs: map[string]*document{}}
			s.indices[rec.Index] = idx
		}
		parsed, err := decode(rec.Source)
		if err != nil {
			return err
		}
		s.seq++
		// A new value each time: searches read documents outside the lock.
		var version int64 = 1
		if old := idx.docs[rec.ID]; old != nil {
			version = old.version + 1
		}
		idx.docs[rec.ID] = &document{id: rec.ID, source: rec.Source, parsed: parsed, version: version, seq: s.seq}
	default:
		return fmt.Errorf("unknown journal op %q", rec.Op)
	}
	return nil
}

func (s *store) persist(rec record) error {
	if s.journal == nil {
		return nil
	}
	if err := writeRecord(s.journal, rec); err != nil {
		return err
	}
	return s.journal.Sync()
}

// createIndex reports false when the index already exists.
func (s *store) createIndex(name string, body json.RawMessage) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.indices[name]; ok {
		return false, nil
	}
	rec := record{Op: "create", Index: name, Source: body}
	if err := s.persist(rec); err != nil {
		return false, err
	}
	return true, s.apply(rec)
}

func (s *store) hasIndex(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.indices[name]
	return ok
}

// put upserts a document and returns its new version and sequence number.
func (s *store) put(indexName, id string, source json.RawMessage) (version, seq int64, err error) {
	var compacted bytes.Buffer
	err = json.Compact(&compacted, source)
	if err == nil {
		_, err = decode(compacted.Bytes())
	}
	if err != nil {
		return 0, 0, &esError{status: 400, typ: "document_parsing_exception", reason: err.Error(), index: indexName}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := record{Op: "put", Index: indexName, ID: id, Source: compacted.Bytes()}
	if err := s.persist(rec); err != nil {
		return 0, 0, storageError(err)
	}
	if err := s.apply(rec); err != nil {
		return 0, 0, err
	}
	d := s.indices[indexName].docs[id]
	return d.version, d.seq, nil
}

func (s *store) get(indexName, id string) (*document, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.indices[indexName]
	if !ok {
		return nil, false
	}
	d, ok := idx.docs[id]
	return d, ok
}

// snapshot returns the documents of an index in write order.
func (s *store) snapshot(indexName string) ([]*document, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.indices[indexName]
	if !ok {
		return nil, false
	}
	return sortedDocs(idx), true
}

func (s *store) close() error {
	if s.journal == nil {
		return nil
	}
	return s.journal.Close()
}

func decode(raw json.RawMessage) (any, error) {
	v, err := decodeAny(raw)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("document source must be a JSON object")
	}
	return v, nil
}

func sortedDocs(idx *index) []*document {
	docs := make([]*document, 0, len(idx.docs))
	for _, d := range idx.docs {
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b *document) int { return cmp.Compare(a.seq, b.seq) })
	return docs
}
