package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestPlainOneLinePerEvent(t *testing.T) {
	var b bytes.Buffer
	w, _ := New("plain", &b, false)
	w.Event(Event{ID: "Container p-web-1", Status: "Creating"})
	w.Event(Event{ID: "Container p-web-1", Status: "Created", Done: true})
	w.Event(Event{ID: "Network p_default", Status: "Created", Text: "bridge", Done: true})
	w.Close()
	want := "Container p-web-1 Creating\nContainer p-web-1 Created\nNetwork p_default Created bridge\n"
	if b.String() != want {
		t.Errorf("got %q", b.String())
	}
}

func TestJSONLines(t *testing.T) {
	var b bytes.Buffer
	w, _ := New("json", &b, false)
	w.Event(Event{ID: "Container p-web-1", Status: "Started", Done: true})
	w.Event(Event{ID: "Container p-db-1", Status: "Error", Text: "boom", Error: true})
	w.Close()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines %q", lines)
	}
	var e jsonEvent
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
		t.Fatal(err)
	}
	if e.ID != "Container p-db-1" || e.Status != "Error" || e.Text != "boom" || !e.Error || e.Time == "" {
		t.Errorf("decoded %+v", e)
	}
}

func TestQuietWritesNothing(t *testing.T) {
	w, _ := New("quiet", nil, false)
	w.Event(Event{ID: "x", Status: "y"})
	w.Close()
}

func TestTTYRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	w, _ := New("tty", &b, false)
	w.Event(Event{ID: "Container p-web-1", Status: "Creating"})
	w.Event(Event{ID: "Container p-db-1", Status: "Creating"})
	w.Event(Event{ID: "Container p-web-1", Status: "Started", Done: true})
	w.Close()
	out := b.String()
	// the third draw moves up over the two lines drawn before
	if !strings.Contains(out, "\x1b[2A") {
		t.Errorf("no cursor-up redraw in %q", out)
	}
	last := out[strings.LastIndex(out, "\x1b[2A"):]
	if !strings.Contains(last, "✔ Container p-web-1 Started") || !strings.Contains(last, "Container p-db-1  Creating") {
		t.Errorf("final frame %q", last)
	}
	if strings.Contains(out, "\x1b[3") {
		t.Errorf("colour codes with colour off: %q", out)
	}
}

func TestUnknownMode(t *testing.T) {
	if _, err := New("fancy", nil, false); err == nil {
		t.Error("no error for unknown mode")
	}
}
