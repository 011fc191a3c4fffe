package logs

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func stampAt(n int) string {
	return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Microsecond).Format("2006-01-02T15:04:05.000000000Z07:00")
}

// feed writes lines "name n" stamped at the given times, in random pieces.
func feed(s *Source, name string, times []int, seed int64) {
	var text bytes.Buffer
	for i, at := range times {
		fmt.Fprintf(&text, "%s %s %d\n", stampAt(at), name, i+1)
	}
	r := rand.New(rand.NewSource(seed))
	b := text.Bytes()
	for len(b) > 0 {
		k := min(len(b), 1+r.Intn(200))
		s.Write(b[:k])
		b = b[k:]
	}
	s.Close()
}

type mergedLine struct {
	ts, name string
	n        int
}

func parseMerged(t *testing.T, out string) []mergedLine {
	t.Helper()
	var lines []mergedLine
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		_, body, _ := strings.Cut(l, " | ")
		f := strings.Fields(body)
		if len(f) != 3 {
			t.Fatalf("broken line %q", l)
		}
		n, _ := strconv.Atoi(f[2])
		lines = append(lines, mergedLine{f[0], f[1], n})
	}
	return lines
}

// checkMerged: sorted by timestamp, each name's lines once each, in order.
func checkMerged(t *testing.T, lines []mergedLine, want map[string]int) {
	t.Helper()
	if !sort.SliceIsSorted(lines, func(i, j int) bool { return lines[i].ts < lines[j].ts }) {
		t.Error("output not sorted by timestamp")
	}
	next := map[string]int{}
	for _, l := range lines {
		if next[l.name]+1 != l.n {
			t.Fatalf("%s: line %d after %d", l.name, l.n, next[l.name])
		}
		next[l.name] = l.n
	}
	for name, n := range want {
		if next[name] != n {
			t.Errorf("%s: %d lines, want %d", name, next[name], n)
		}
	}
}

func TestMergeSortsAcrossLanes(t *testing.T) {
	var buf bytes.Buffer
	o := quiet
	o.Timestamps = true
	p := NewPrinter(&buf, o, nil)
	m := NewMerger(p, 0)
	m.limit = 16 // exercise the full-queue wait
	done := make(chan error)
	go func() { done <- m.Run() }()
	r := rand.New(rand.NewSource(1))
	want := map[string]int{}
	var wg sync.WaitGroup
	// every lane is open before any line flows, as the engine does
	lanes := make([]*Lane, 5)
	for i := range lanes {
		lanes[i] = m.Lane()
	}
	for i := range 5 {
		name := fmt.Sprintf("c%d", i)
		// increasing times, interleaved with the other lanes'
		var times []int
		at := 0
		for range 2000 {
			at += 1 + r.Intn(10)
			times = append(times, at)
		}
		want[name] = len(times)
		lane := lanes[i]
		s := p.Source(name, name, true)
		lane.Attach(s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 3 {
				time.Sleep(20 * time.Millisecond) // a late starter is waited for
			}
			feed(s, name, times, int64(i))
			lane.Done()
		}()
	}
	wg.Wait()
	m.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkMerged(t, parseMerged(t, printed(t, p, &buf)), want)
}

// stdout and stderr of one container share a lane and one writing
// goroutine: a full queue on one must not wait for the other.
func TestMergeStdoutAndStderrShareALane(t *testing.T) {
	var buf bytes.Buffer
	o := quiet
	o.Timestamps = true
	p := NewPrinter(&buf, o, nil)
	m := NewMerger(p, 0)
	m.limit = 4
	done := make(chan error)
	go func() { done <- m.Run() }()
	lane, other := m.Lane(), m.Lane()
	out, errs := p.Source("a", "a", true), p.Source("a", "a", true)
	lane.Attach(out)
	lane.Attach(errs)
	b := p.Source("b", "b", true)
	other.Attach(b)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for i := 1; i <= 500; i++ {
			w := out
			if i%3 == 0 {
				w = errs
			}
			fmt.Fprintf(w, "%s a %d\n", stampAt(2*i), i)
		}
		lane.Done()
	}()
	var times []int
	for i := 1; i <= 500; i++ {
		times = append(times, 2*i+1)
	}
	feed(b, "b", times, 3)
	other.Done()
	// Stop is for when every source has ended: wait for a's writer too
	select {
	case <-time.After(time.Minute):
		t.Fatal("merge stalled")
	case <-wrote:
	}
	select {
	case <-time.After(time.Minute):
		t.Fatal("merge stalled")
	case <-waitStop(m, done):
	}
	checkMerged(t, parseMerged(t, printed(t, p, &buf)), map[string]int{"a": 500, "b": 500})
}

func waitStop(m *Merger, done chan error) chan struct{} {
	ch := make(chan struct{})
	go func() {
		// every lane is done: Run prints everything and waits for Stop
		m.Stop()
		<-done
		close(ch)
	}()
	return ch
}

// Following, a quiet container does not hold back the others' lines.
func TestMergePatiencePassesOverQuietLane(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	o := Options{Timestamps: true, FlushDelay: time.Millisecond}
	p := NewPrinter(lockedWriter{&mu, &buf}, o, nil)
	m := NewMerger(p, 20*time.Millisecond)
	done := make(chan error)
	go func() { done <- m.Run() }()
	quietLane := m.Lane()
	busy := m.Lane()
	s := p.Source("busy", "busy", true)
	busy.Attach(s)
	feed(s, "busy", []int{1, 2, 3}, 1)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := strings.Count(buf.String(), "\n")
		mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lines held back by a quiet lane")
		}
		time.Sleep(5 * time.Millisecond)
	}
	q := p.Source("quiet", "quiet", true)
	quietLane.Attach(q)
	feed(q, "quiet", []int{4}, 1)
	quietLane.Done()
	busy.Done()
	m.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Flush()
	mu.Lock()
	defer mu.Unlock()
	checkMerged(t, parseMerged(t, buf.String()), map[string]int{"busy": 3, "quiet": 1})
}

func TestMergeStripsTimestampsUnlessAsked(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(&buf, quiet, nil)
	m := NewMerger(p, 0)
	done := make(chan error)
	go func() { done <- m.Run() }()
	la, lb := m.Lane(), m.Lane()
	a, b := p.Source("a", "a", true), p.Source("b", "b", true)
	la.Attach(a)
	lb.Attach(b)
	feed(b, "b", []int{2}, 1)
	feed(a, "a", []int{1, 3}, 1)
	la.Done()
	lb.Done()
	m.Stop()
	<-done
	if got, want := printed(t, p, &buf), "a | a 1\nb | b 1\na | a 2\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

// A status line lands at its engine time among the lines, without a stamp.
func TestMergeStatusAtItsTime(t *testing.T) {
	var buf bytes.Buffer
	o := quiet
	o.Timestamps = true
	p := NewPrinter(&buf, o, nil)
	m := NewMerger(p, 0)
	done := make(chan error)
	go func() { done <- m.Run() }()
	la := m.Lane()
	a := p.Source("a", "a", true)
	la.Attach(a)
	m.Status(p.Source("a", "a", true), stampAt(2), "a exited with code 0")
	feed(a, "a", []int{1, 3}, 1)
	la.Done()
	m.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "a | " + stampAt(1) + " a 1\na | a exited with code 0\na | " + stampAt(3) + " a 2\n"
	if got := printed(t, p, &buf); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
