package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// tty redraws one line per resource in place, with a spinner while a
// resource is busy and its elapsed time.
type tty struct {
	mu      sync.Mutex
	w       io.Writer
	color   bool
	order   []string
	lines   map[string]*line
	drawn   int
	frame   int
	stop    chan struct{}
	stopped chan struct{}
	now     func() time.Time
}

type line struct {
	ev      Event
	started time.Time
	ended   time.Time
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newTTY(w io.Writer, color bool) *tty {
	t := &tty{w: w, color: color, lines: map[string]*line{}, stop: make(chan struct{}), stopped: make(chan struct{}), now: time.Now}
	go t.tick()
	return t
}

func (t *tty) tick() {
	defer close(t.stopped)
	tk := time.NewTicker(100 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case <-tk.C:
			t.mu.Lock()
			t.frame++
			t.draw()
			t.mu.Unlock()
		case <-t.stop:
			return
		}
	}
}

func (t *tty) Event(e Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.lines[e.ID]
	if !ok {
		l = &line{started: t.now()}
		t.lines[e.ID] = l
		t.order = append(t.order, e.ID)
	}
	l.ev = e
	if e.Done || e.Error {
		l.ended = t.now()
	} else {
		l.ended = time.Time{}
	}
	t.draw()
}

func (t *tty) Close() {
	close(t.stop)
	<-t.stopped
	t.mu.Lock()
	defer t.mu.Unlock()
	t.draw()
}

// draw must be called with mu held.
func (t *tty) draw() {
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", t.drawn)
	}
	width := 0
	for _, id := range t.order {
		width = max(width, len(id))
	}
	for _, id := range t.order {
		l := t.lines[id]
		mark := spinner[t.frame%len(spinner)]
		end := t.now()
		switch {
		case l.ev.Error:
			mark = t.paint("31", "✘")
			end = l.ended
		case l.ev.Done:
			mark = t.paint("32", "✔")
			end = l.ended
		}
		text := l.ev.Status
		if l.ev.Text != "" {
			text += " " + l.ev.Text
		}
		fmt.Fprintf(&b, "\x1b[2K %s %-*s %s %s\n", mark, width, id, text, t.paint("2", fmt.Sprintf("%.1fs", end.Sub(l.started).Seconds())))
	}
	t.drawn = len(t.order)
	io.WriteString(t.w, b.String())
}

func (t *tty) paint(code, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
