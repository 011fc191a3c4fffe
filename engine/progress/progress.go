// Package progress reports what the engine package is doing, on stderr, in
// the forms of --progress: live lines on a terminal, one line per event, JSON
// lines, or nothing.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Event is one step of one resource.
type Event struct {
	ID     string // e.g. "Container shop-web-1", "Network shop_default"
	Status string // e.g. "Creating", "Created", "Waiting", "Healthy"
	Text   string // details, may be empty
	Done   bool   // the resource reached a final state for this command
	Error  bool
}

// Writer receives events from concurrent goroutines.
type Writer interface {
	Event(Event)
	// Close flushes; no events may follow.
	Close()
}

// New returns the writer for a --progress mode; "auto" must be resolved by
// the caller (it depends on whether w is a terminal).
func New(mode string, w io.Writer, color bool) (Writer, error) {
	switch mode {
	case "plain":
		return &plain{w: w}, nil
	case "json":
		return &jsonWriter{enc: json.NewEncoder(w)}, nil
	case "quiet":
		return Quiet{}, nil
	case "tty":
		return newTTY(w, color), nil
	}
	return nil, fmt.Errorf("unknown progress mode %q", mode)
}

// Quiet drops every event.
type Quiet struct{}

func (Quiet) Event(Event) {}
func (Quiet) Close()      {}

type plain struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *plain) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := e.ID + " " + e.Status
	if e.Text != "" {
		line += " " + e.Text
	}
	fmt.Fprintln(p.w, line)
}

func (p *plain) Close() {}

type jsonWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

type jsonEvent struct {
	Time   string `json:"time"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Text   string `json:"text,omitempty"`
	Done   bool   `json:"done,omitempty"`
	Error  bool   `json:"error,omitempty"`
}

func (j *jsonWriter) Event(e Event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = j.enc.Encode(jsonEvent{Time: time.Now().UTC().Format(time.RFC3339Nano), ID: e.ID, Status: e.Status, Text: e.Text, Done: e.Done, Error: e.Error})
}

func (j *jsonWriter) Close() {}
