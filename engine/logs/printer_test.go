package logs

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// quiet never flushes on its own: tests flush when they read.
var quiet = Options{FlushDelay: time.Hour}

func printed(t *testing.T, p *Printer, buf *bytes.Buffer) string {
	t.Helper()
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPrefixPaddedToLongestNameAndWidensLater(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, []string{"web-1", "db-1"})
	db := p.Source("db-1", "db", false)
	web := p.Source("web-1", "web", false)
	fmt.Fprint(db, "a\n")
	fmt.Fprint(web, "b\n")
	worker := p.Source("worker-10", "worker", false)
	fmt.Fprint(db, "c\n")
	fmt.Fprint(worker, "d\n")
	p.Status("web-1", "web", "web-1 exited with code 0")
	want := "db-1  | a\n" +
		"web-1 | b\n" +
		"db-1      | c\n" +
		"worker-10 | d\n" +
		"web-1     | web-1 exited with code 0\n"
	if got := printed(t, p, &buf); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestNoPrefix(t *testing.T) {
	var buf bytes.Buffer
	o := quiet
	o.NoPrefix = true
	p := NewPrinter(&buf, o, []string{"web-1"})
	fmt.Fprint(p.Source("web-1", "web", false), "a\nb\n")
	if got := printed(t, p, &buf); got != "a\nb\n" {
		t.Errorf("got %q", got)
	}
}

func TestColourOnOff(t *testing.T) {
	var on, on2, off bytes.Buffer
	o := quiet
	o.Color = true
	p := NewPrinter(&on, o, nil)
	fmt.Fprint(p.Source("web-1", "web", false), "x\n")
	fmt.Fprint(p.Source("db-1", "db", false), "y\n")
	got := printed(t, p, &on)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "\x1b[") || !strings.HasSuffix(lines[0], "\x1b[0m x") {
		t.Fatalf("no colour: %q", got)
	}
	if lines[0][:5] == lines[1][:5] {
		t.Errorf("web and db have the same colour: %q", got)
	}
	// the same service gets the same colour in another run
	p2 := NewPrinter(&on2, o, nil)
	fmt.Fprint(p2.Source("web-1", "web", false), "x\n")
	if l := strings.TrimSuffix(printed(t, p2, &on2), "\n"); l != lines[0] {
		t.Errorf("colour of web changed: %q vs %q", l, lines[0])
	}

	p3 := NewPrinter(&off, quiet, nil)
	fmt.Fprint(p3.Source("web-1", "web", false), "x\n")
	p3.Status("web-1", "web", "restarted")
	if got := printed(t, p3, &off); strings.Contains(got, "\x1b") || got != "web-1 | x\nweb-1 | restarted\n" {
		t.Errorf("colour off: %q", got)
	}
}

func TestPartialLinesJoined(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, nil)
	s := p.Source("a", "a", false)
	for _, part := range []string{"hel", "lo\nwor", "ld\n", "", "one\ntwo\nthr", "ee\n"} {
		fmt.Fprint(s, part)
	}
	text := "byte by byte\nis fine too\n"
	for i := range len(text) {
		s.Write([]byte{text[i]})
	}
	want := "a | hello\na | world\na | one\na | two\na | three\na | byte by byte\na | is fine too\n"
	if got := printed(t, p, &buf); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCRLFLineEnds(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, nil)
	s := p.Source("a", "a", false)
	fmt.Fprint(s, "one\r\ntwo\r")
	fmt.Fprint(s, "\nthree\rstill three\r\n")
	want := "a | one\na | two\na | three\rstill three\n"
	if got := printed(t, p, &buf); got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestCloseFlushesLastPartialLine(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, nil)
	s := p.Source("a", "a", false)
	fmt.Fprint(s, "done\nno newline at the end")
	if got := printed(t, p, &buf); got != "a | done\n" {
		t.Fatalf("partial line printed early: %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := printed(t, p, &buf); got != "a | done\na | no newline at the end\n" {
		t.Errorf("got %q", got)
	}
	s.Close()
	if got := printed(t, p, &buf); got != "a | done\na | no newline at the end\n" {
		t.Errorf("second Close printed again: %q", got)
	}
}

func TestMultiMegabyteLineArrivesWhole(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, nil)
	s := p.Source("a", "a", false)
	line := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
	chunk := 32 << 10
	// growing the pending line is amortised: no copy of it per chunk
	allocs := testing.AllocsPerRun(1, func() {
		for i := 0; i < len(line); i += chunk {
			s.Write(line[i:min(i+chunk, len(line))])
		}
		s.Write([]byte("\nnext\n"))
	})
	if allocs > 64 {
		t.Errorf("%v allocations for one %d-byte line in %d chunks", allocs, len(line), len(line)/chunk)
	}
	got := printed(t, p, &buf)
	want := "a | " + string(line) + "\na | next\n"
	// AllocsPerRun runs the function twice (warm-up)
	if got != want+want {
		t.Fatalf("long line not whole: got %d bytes, want %d", len(got), 2*len(want))
	}
}

const ts1 = "2026-12-01T10:00:00.000000001Z"
const ts2 = "2026-12-01T10:00:00.000000002Z"
const ts3 = "2026-12-01T10:00:00.000000003Z"

func TestTimestampsStrippedUnlessAsked(t *testing.T) {
	for _, keep := range []bool{false, true} {
		var buf bytes.Buffer
		o := quiet
		o.Timestamps = keep
		p := NewPrinter(&buf, o, nil)
		s := p.Source("a", "a", true)
		fmt.Fprint(s, ts1+" hello world\n"+ts2+" \n")
		want := "a | hello world\na | \n"
		if keep {
			want = "a | " + ts1 + " hello world\na | " + ts2 + " \n"
		}
		if got := printed(t, p, &buf); got != want {
			t.Errorf("timestamps=%v: got %q want %q", keep, got, want)
		}
		if s.LastTimestamp() != ts2 {
			t.Errorf("last timestamp %q", s.LastTimestamp())
		}
	}
}

// The engine stores a line longer than 16 KiB as several messages, each
// with its own timestamp; the line must come out whole, stamped once.
func TestFramedContinuationLosesItsTimestamp(t *testing.T) {
	for _, keep := range []bool{false, true} {
		var buf bytes.Buffer
		o := quiet
		o.Timestamps = keep
		p := NewPrinter(&buf, o, nil)
		s := p.Source("a", "a", true)
		s.Framed = true
		fmt.Fprint(s, ts1+" aaaa")
		fmt.Fprint(s, ts2+" bbbb")
		fmt.Fprint(s, ts3+" cc\n")
		fmt.Fprint(s, ts3+" "+ts1+" text that starts like a stamp\n")
		want := "a | aaaabbbbcc\na | " + ts1 + " text that starts like a stamp\n"
		if keep {
			want = "a | " + ts1 + " aaaabbbbcc\na | " + ts3 + " " + ts1 + " text that starts like a stamp\n"
		}
		if got := printed(t, p, &buf); got != want {
			t.Errorf("timestamps=%v: got %q want %q", keep, got, want)
		}
	}
}

// A TTY container's stream has no frames: the message boundaries are found
// from the engine's 16 KiB split.
func TestUnframedStreamFindsContinuations(t *testing.T) {
	long := strings.Repeat("a", PartialSize) + strings.Repeat("b", PartialSize) + "tail"
	stream := ts1 + " " + long[:PartialSize] + ts2 + " " + long[PartialSize:2*PartialSize] + ts3 + " tail\r\n" +
		ts3 + " short\r\n" + ts3 + " \r\n" + ts3 + " last"
	for _, chunk := range []int{1, 7, 100, 4096, 1 << 20} {
		var buf bytes.Buffer
		p := NewPrinter(&buf, quiet, nil)
		s := p.Source("a", "a", true)
		w := s.Unframed()
		for i := 0; i < len(stream); i += chunk {
			w.Write([]byte(stream[i:min(i+chunk, len(stream))]))
		}
		s.Close()
		want := "a | " + long + "\na | short\na | \na | last\n"
		if got := printed(t, p, &buf); got != want {
			t.Errorf("chunk %d: got %d bytes %q..., want %d", chunk, len(got), got[:min(len(got), 60)], len(want))
		}
	}
}

// Each source's lines come out in order and whole, whatever the writes of
// the others.
func TestConcurrentSourcesNeverInterleaveMidLine(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, Options{FlushDelay: time.Millisecond}, nil)
	const sources, lines = 8, 3000
	var wg sync.WaitGroup
	for i := range sources {
		name := fmt.Sprintf("src-%d", i)
		s := p.Source(name, name, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var text bytes.Buffer
			for n := 1; n <= lines; n++ {
				fmt.Fprintf(&text, "%s line %d %s\n", name, n, strings.Repeat("x", n%200))
			}
			r := rand.New(rand.NewSource(int64(i)))
			b := text.Bytes()
			for len(b) > 0 {
				k := min(len(b), 1+r.Intn(300))
				s.Write(b[:k])
				b = b[k:]
			}
		}()
	}
	wg.Wait()
	next := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(printed(t, p, &buf), "\n"), "\n") {
		prefix, body, ok := strings.Cut(l, " | ")
		f := strings.Fields(body)
		if !ok || len(f) < 3 || f[0] != prefix {
			t.Fatalf("broken line %q", l)
		}
		n, _ := strconv.Atoi(f[2])
		if next[prefix]+1 != n {
			t.Fatalf("%s: line %d after %d", prefix, n, next[prefix])
		}
		if len(f) == 4 && len(f[3]) != n%200 || len(f) == 3 && n%200 != 0 {
			t.Fatalf("line cut: %q", l)
		}
		next[prefix] = n
	}
	for i := range sources {
		if n := next[fmt.Sprintf("src-%d", i)]; n != lines {
			t.Errorf("src-%d: %d lines", i, n)
		}
	}
}

type countingWriter struct {
	writes int
	bytes.Buffer
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(b)
}

// The engine sends one frame per line; printing must not cost a write(2)
// or an allocation per line.
func TestOneLinePerWriteIsBufferedWithoutAllocations(t *testing.T) {
	var w countingWriter
	p := NewPrinter(&w, quiet, []string{"web-1"})
	s := p.Source("web-1", "web", true)
	s.Framed = true
	line := []byte(ts1 + " some log line of ordinary length\n")
	const n = 10000
	allocs := testing.AllocsPerRun(n, func() { s.Write(line) })
	if allocs != 0 {
		t.Errorf("%v allocations per line", allocs)
	}
	p.Flush()
	total := (n + 1) * len("web-1 | some log line of ordinary length\n")
	if w.Len() != total {
		t.Fatalf("printed %d bytes, want %d", w.Len(), total)
	}
	if max := total/(64<<10) + 2; w.writes > max {
		t.Errorf("%d writes for %d lines (want at most %d)", w.writes, n, max)
	}
}

func TestBufferedLinesAreFlushedSoon(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	p := NewPrinter(lockedWriter{&mu, &buf}, Options{FlushDelay: 5 * time.Millisecond}, nil)
	fmt.Fprint(p.Source("a", "a", false), "hello\n")
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := buf.String()
		mu.Unlock()
		if got == "a | hello\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("line never flushed: %q", got)
		}
		time.Sleep(time.Millisecond)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
