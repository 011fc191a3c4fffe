// Package logs prints the output of many containers as one stream: each line
// whole, prefixed with its container's name, one colour per service. It knows
// nothing of the engine; callers feed it bytes.
package logs

import (
	"bufio"
	"bytes"
	"hash/fnv"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
)

// Options shape the printed lines.
type Options struct {
	Color      bool
	NoPrefix   bool
	Timestamps bool // keep the engine's timestamp at the start of each line
	// FlushDelay bounds how long a printed line may sit in the output
	// buffer; 0 means 10ms. Buffering is what keeps the engine's one-line
	// log frames from becoming one write(2) each.
	FlushDelay time.Duration
}

// Printer writes whole lines from concurrent sources to one writer.
type Printer struct {
	mu      sync.Mutex
	bw      *bufio.Writer
	o       Options
	width   int
	timer   *time.Timer
	pending bool // timer armed
}

// NewPrinter returns a printer whose prefixes are padded to the longest of
// names; a longer name seen later widens the padding from then on.
func NewPrinter(w io.Writer, o Options, names []string) *Printer {
	if o.FlushDelay <= 0 {
		o.FlushDelay = 10 * time.Millisecond
	}
	p := &Printer{bw: bufio.NewWriterSize(w, 64<<10), o: o}
	for _, n := range names {
		p.width = max(p.width, len(n))
	}
	p.timer = time.AfterFunc(time.Hour, func() { p.Flush() })
	p.timer.Stop()
	return p
}

// Flush writes out everything printed so far.
func (p *Printer) Flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = false
	return p.bw.Flush()
}

// scheduleFlush arms the flush timer once per batch, not per line. Called
// with mu held.
func (p *Printer) scheduleFlush() {
	if !p.pending && p.bw.Buffered() > 0 {
		p.pending = true
		p.timer.Reset(p.o.FlushDelay)
	}
}

var palette = []color.Attribute{color.FgCyan, color.FgYellow, color.FgGreen, color.FgMagenta, color.FgBlue, color.FgRed,
	color.FgHiCyan, color.FgHiYellow, color.FgHiGreen, color.FgHiMagenta, color.FgHiBlue, color.FgHiRed}

// colorOf gives a service the same colour in every run.
func colorOf(service string, enabled bool) *color.Color {
	h := fnv.New32a()
	h.Write([]byte(service))
	c := color.New(palette[h.Sum32()%uint32(len(palette))])
	// per colour, never fatih/color's global switch
	if enabled {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return c
}

func (p *Printer) prefixOf(c *color.Color, name string) string {
	if p.o.NoPrefix {
		return ""
	}
	return c.Sprint(name+strings.Repeat(" ", max(0, p.width-len(name)))+" |") + " "
}

// Source is one stream (stdout or stderr of one container). It is an
// io.Writer that may receive any split of the bytes; it prints whole lines.
// One goroutine writes to a Source; several Sources may write at once.
type Source struct {
	p       *Printer
	name    string
	color   *color.Color
	pending []byte
	// prefix is cached for the padding width it was made for.
	prefix      string
	prefixWidth int
	last        []byte
	// Lines counts whole lines written.
	Lines int
	// sink, when set, receives each raw line (timestamp included, no
	// newline) instead of the printer; tsLen is the timestamp's length.
	sink func(raw []byte, tsLen int)
	// stamped: the stream carries the engine's timestamps.
	stamped bool
	// Framed says each Write is one engine log message, as
	// stdcopy.StdCopy writes them; see Unframed for a TTY's raw stream.
	Framed bool
}

// Source starts a stream for container name of service. stamped says the
// bytes carry the engine's timestamps, which are stripped unless Timestamps.
func (p *Printer) Source(name, service string, stamped bool) *Source {
	p.mu.Lock()
	p.width = max(p.width, len(name))
	p.mu.Unlock()
	return &Source{p: p, name: name, color: colorOf(service, p.o.Color), stamped: stamped, prefixWidth: -1}
}

// LastTimestamp is the engine timestamp of the last whole line, when the
// stream carries timestamps: a follower resumes after it.
func (s *Source) LastTimestamp() string { return string(s.last) }

// Write implements io.Writer. Unless Framed, b may be any piece of the
// stream.
func (s *Source) Write(b []byte) (int, error) {
	if err := s.write(b, s.Framed); err != nil {
		return 0, err
	}
	return len(b), nil
}

// write takes the next bytes; msgStart says they begin an engine log
// message. The engine stores a line longer than its buffer as several
// messages, each with its own timestamp: a message that continues a line
// loses its timestamp here, so the line arrives whole.
func (s *Source) write(b []byte, msgStart bool) error {
	if msgStart && s.stamped && len(s.pending) > 0 {
		if sp := bytes.IndexByte(b, ' '); sp > 0 && looksLikeTimestamp(b[:sp]) {
			b = b[sp+1:]
		}
	}
	if len(s.pending) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			s.pending = append(s.pending, b...)
			return nil
		}
		s.pending = append(s.pending, b[:i+1]...)
		err := s.emit(s.pending)
		s.release()
		if err != nil {
			return err
		}
		b = b[i+1:]
	}
	if end := bytes.LastIndexByte(b, '\n'); end >= 0 {
		if err := s.emit(b[:end+1]); err != nil {
			return err
		}
		b = b[end+1:]
	}
	if len(b) > 0 {
		// copy: b is the caller's buffer
		s.pending = append(s.pending, b...)
	}
	return nil
}

// release empties pending, dropping a buffer a very long line left behind.
func (s *Source) release() {
	if cap(s.pending) > 1<<20 {
		s.pending = nil
		return
	}
	s.pending = s.pending[:0]
}

// Close prints a last line that had no newline.
func (s *Source) Close() error {
	if len(s.pending) == 0 {
		return nil
	}
	s.pending = append(s.pending, '\n')
	err := s.emit(s.pending)
	s.pending = nil
	return err
}

// emit prints complete lines (the block ends with a newline), all under one
// lock so no other source's line lands inside them.
func (s *Source) emit(block []byte) error {
	p := s.p
	if s.sink == nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		if s.prefixWidth != p.width {
			s.prefix, s.prefixWidth = p.prefixOf(s.color, s.name), p.width
		}
		defer p.scheduleFlush()
	}
	var lastTS []byte
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		line := block[:i]
		block = block[i+1:]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		tsLen := 0
		if s.stamped {
			if sp := bytes.IndexByte(line, ' '); sp > 0 {
				tsLen = sp
			} else if looksLikeTimestamp(line) {
				// an empty line: the engine sends the timestamp alone
				tsLen = len(line)
			}
			if tsLen > 0 {
				lastTS = line[:tsLen]
			}
		}
		s.Lines++
		if s.sink != nil {
			s.sink(line, tsLen)
			continue
		}
		if tsLen > 0 && !p.o.Timestamps {
			line = line[min(tsLen+1, len(line)):]
		}
		p.bw.WriteString(s.prefix)
		p.bw.Write(line)
		if err := p.bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	if lastTS != nil {
		s.last = append(s.last[:0], lastTS...)
	}
	return nil
}

// looksLikeTimestamp tells the engine's RFC 3339 timestamp from text.
func looksLikeTimestamp(b []byte) bool {
	if len(b) < 20 || len(b) > 35 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}

// Status prints a line about a container rather than from it, such as
// "web-1 exited with code 0".
func (p *Printer) Status(name, service, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bw.WriteString(p.prefixOf(colorOf(service, p.o.Color), name))
	p.bw.WriteString(msg)
	p.bw.WriteByte('\n')
	p.scheduleFlush()
}

// writeLine prints one raw line of a source, for the merger, which orders
// lines before they are printed.
func (p *Printer) writeLine(s *Source, raw []byte, tsLen int, status bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.prefixWidth != p.width {
		s.prefix, s.prefixWidth = p.prefixOf(s.color, s.name), p.width
	}
	if tsLen > 0 && (!p.o.Timestamps || status) {
		raw = raw[min(tsLen+1, len(raw)):]
	}
	p.bw.WriteString(s.prefix)
	p.bw.Write(raw)
	err := p.bw.WriteByte('\n')
	p.scheduleFlush()
	return err
}
