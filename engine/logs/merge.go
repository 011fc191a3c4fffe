package logs

import (
	"container/heap"
	"sync"
	"time"
)

// Merger interleaves the lines of several sources by the engine's timestamps.
// A line is printed once every open source has a line waiting or has ended,
// so the output is in timestamp order; a source that stays quiet longer than
// the patience delay while following is passed over, so a follow never stalls
// on an idle container (its later lines are still printed in its own order).
type Merger struct {
	p        *Printer
	mu       sync.Mutex
	cond     *sync.Cond
	queues   map[*Source][]stamped
	open     map[*Source]bool
	lastSeen map[*Source]time.Time
	patience time.Duration
	err      error
	stopped  bool
}

type stamped struct {
	ts   string
	line []byte
	seq  int
}

// NewMerger merges for printer p. patience 0 waits for every source forever,
// right for a finite `logs` run.
func NewMerger(p *Printer, patience time.Duration) *Merger {
	m := &Merger{p: p, queues: map[*Source][]stamped{}, open: map[*Source]bool{}, lastSeen: map[*Source]time.Time{}, patience: patience}
	m.cond = sync.NewCond(&m.mu)
	return m
}

// Add routes a source's lines through the merger. The source must carry
// timestamps.
func (m *Merger) Add(s *Source) {
	m.mu.Lock()
	m.open[s] = true
	m.lastSeen[s] = time.Now()
	m.mu.Unlock()
	seq := 0
	s.sink = func(ts string, line []byte) {
		m.mu.Lock()
		seq++
		m.queues[s] = append(m.queues[s], stamped{ts: ts, line: line, seq: seq})
		m.lastSeen[s] = time.Now()
		m.mu.Unlock()
		m.cond.Broadcast()
	}
}

// Done marks a source ended (after its Close).
func (m *Merger) Done(s *Source) {
	m.mu.Lock()
	delete(m.open, s)
	m.mu.Unlock()
	m.cond.Broadcast()
}

// Run prints merged lines until Stop, then drains what is queued.
func (m *Merger) Run() error {
	var tick *time.Ticker
	if m.patience > 0 {
		tick = time.NewTicker(m.patience / 2)
		defer tick.Stop()
		go func() {
			for range tick.C {
				m.cond.Broadcast()
				m.mu.Lock()
				stopped := m.stopped
				m.mu.Unlock()
				if stopped {
					return
				}
			}
		}()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		s, ok := m.next()
		if ok {
			q := m.queues[s]
			item := q[0]
			m.queues[s] = q[1:]
			m.mu.Unlock()
			err := m.p.writeLine(s, item.line)
			m.mu.Lock()
			if err != nil && m.err == nil {
				m.err = err
			}
			continue
		}
		if m.stopped && m.empty() {
			return m.err
		}
		m.cond.Wait()
	}
}

// Stop ends Run once every queued line is printed.
func (m *Merger) Stop() {
	m.mu.Lock()
	m.stopped = true
	for s := range m.open {
		delete(m.open, s)
	}
	m.mu.Unlock()
	m.cond.Broadcast()
}

func (m *Merger) empty() bool {
	for _, q := range m.queues {
		if len(q) > 0 {
			return false
		}
	}
	return true
}

// next picks the source holding the oldest line, if it is safe to print: no
// open source without a queued line may still send an older one.
func (m *Merger) next() (*Source, bool) {
	h := &lineHeap{}
	for s, q := range m.queues {
		if len(q) > 0 {
			heap.Push(h, head{s: s, ts: q[0].ts})
		}
	}
	if h.Len() == 0 {
		return nil, false
	}
	now := time.Now()
	for s := range m.open {
		if len(m.queues[s]) == 0 && (m.patience == 0 || now.Sub(m.lastSeen[s]) < m.patience) {
			return nil, false
		}
	}
	return heap.Pop(h).(head).s, true
}

type head struct {
	s  *Source
	ts string
}

// lineHeap orders by timestamp; RFC 3339 with fixed nanoseconds compares as text.
type lineHeap []head

func (h lineHeap) Len() int           { return len(h) }
func (h lineHeap) Less(i, j int) bool { return h[i].ts < h[j].ts }
func (h lineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *lineHeap) Push(x any)        { *h = append(*h, x.(head)) }
func (h *lineHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
