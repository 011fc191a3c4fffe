// Package logs prints the output of many containers as one stream: each line
// whole, prefixed with its container's name, one colour per service. It knows
// nothing of the engine; callers feed it bytes.
package logs

import (
	"bytes"
	"hash/fnv"
	"io"
	"strings"
	"sync"

	"github.com/fatih/color"
)

// Options shape the printed lines.
type Options struct {
	Color      bool
	NoPrefix   bool
	Timestamps bool // keep the engine's timestamp at the start of each line
}

// Printer writes whole lines from concurrent sources to one writer.
type Printer struct {
	mu    sync.Mutex
	w     io.Writer
	o     Options
	width int
}

// NewPrinter returns a printer whose prefixes are padded to the longest of
// names; a longer name seen later widens the padding from then on.
func NewPrinter(w io.Writer, o Options, names []string) *Printer {
	p := &Printer{w: w, o: o}
	for _, n := range names {
		p.width = max(p.width, len(n))
	}
	return p
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

// Source is one stream (stdout or stderr of one container). It is an
// io.Writer that may receive any split of the bytes; it prints whole lines.
type Source struct {
	p       *Printer
	name    string
	color   *color.Color
	pending []byte
	// LastTimestamp is the engine timestamp of the last whole line, when the
	// stream carries timestamps: a follower resumes after it.
	LastTimestamp string
	// Lines counts whole lines written.
	Lines int
	// sink, when set, receives lines instead of the printer (--merge).
	sink func(ts string, line []byte)
	// stamped: the stream carries the engine's timestamps.
	stamped bool
}

// Source starts a stream for container name of service. stamped says the
// bytes carry the engine's timestamps, which are stripped unless Timestamps.
func (p *Printer) Source(name, service string, stamped bool) *Source {
	p.mu.Lock()
	p.width = max(p.width, len(name))
	p.mu.Unlock()
	return &Source{p: p, name: name, color: colorOf(service, p.o.Color), stamped: stamped}
}

// Write implements io.Writer.
func (s *Source) Write(b []byte) (int, error) {
	n := len(b)
	if len(s.pending) > 0 {
		s.pending = append(s.pending, b...)
		b = s.pending
	}
	end := bytes.LastIndexByte(b, '\n')
	if end < 0 {
		s.keep(b)
		return n, nil
	}
	if err := s.emit(b[:end+1]); err != nil {
		return 0, err
	}
	s.keep(b[end+1:])
	return n, nil
}

func (s *Source) keep(rest []byte) {
	if len(rest) == 0 {
		s.pending = s.pending[:0]
		return
	}
	// copy: rest may alias the caller's buffer or pending itself
	s.pending = append(s.pending[:0:0], rest...)
}

// Close prints a last line that had no newline.
func (s *Source) Close() error {
	if len(s.pending) == 0 {
		return nil
	}
	line := append(s.pending, '\n')
	s.pending = nil
	return s.emit(line)
}

// emit prints complete lines (the block ends with a newline) in one write.
func (s *Source) emit(block []byte) error {
	p := s.p
	var out bytes.Buffer
	p.mu.Lock()
	prefix := s.prefix(p.width)
	p.mu.Unlock()
	out.Grow(len(block) + 64)
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		line := block[:i]
		block = block[i+1:]
		ts := ""
		if s.stamped {
			if sp := bytes.IndexByte(line, ' '); sp > 0 {
				ts = string(line[:sp])
				s.LastTimestamp = ts
				if !p.o.Timestamps {
					line = line[sp+1:]
				}
			}
		}
		s.Lines++
		if s.sink != nil {
			s.sink(ts, append(append([]byte(nil), line...), '\n'))
			continue
		}
		out.WriteString(prefix)
		out.Write(line)
		out.WriteByte('\n')
	}
	if out.Len() == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.w.Write(out.Bytes())
	return err
}

func (s *Source) prefix(width int) string {
	if s.p.o.NoPrefix {
		return ""
	}
	return s.color.Sprint(s.name+strings.Repeat(" ", width-len(s.name))+" |") + " "
}

// Status prints a line about a container rather than from it, such as
// "web-1 exited with code 0".
func (p *Printer) Status(name, service, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := colorOf(service, p.o.Color)
	line := msg + "\n"
	if !p.o.NoPrefix {
		line = c.Sprint(name+strings.Repeat(" ", max(0, p.width-len(name)))+" |") + " " + line
	}
	io.WriteString(p.w, line)
}

// WriteLine prints one already-prefixed-free line for a source, used by the
// merger, which orders lines before they are printed.
func (p *Printer) writeLine(s *Source, line []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []byte
	out = append(out, s.prefix(p.width)...)
	out = append(out, line...)
	_, err := p.w.Write(out)
	return err
}
