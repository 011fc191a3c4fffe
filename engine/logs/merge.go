package logs

import (
	"bytes"
	"sync"
	"time"
)

// Merger interleaves the lines of several lanes (one per container) by the
// engine's timestamps. A line is printed once every open lane has a line
// waiting or has ended, so the output is in timestamp order; a lane that
// stays quiet longer than the patience delay while following is passed over,
// so a follow never stalls on an idle container (its later lines are still
// printed in its own order).
//
// A container's stdout and stderr share a lane: they come in one stream from
// the engine, already in order, and must not wait for each other.
type Merger struct {
	p        *Printer
	mu       sync.Mutex
	wake     *sync.Cond // the printing loop waits on it
	room     *sync.Cond // lanes with a full queue wait on it
	lanes    []*Lane
	patience time.Duration
	limit    int
	err      error
	stopped  bool
}

// Lane is one container's lines, in the order the engine sent them.
type Lane struct {
	m        *Merger
	q        []item
	head     int
	open     bool
	lastSeen time.Time
}

type item struct {
	src    *Source
	raw    []byte
	tsLen  int
	status bool // a line about the container, never shown with its stamp
}

// NewMerger merges for printer p. patience 0 waits for every lane forever,
// right for a finite `logs` run.
func NewMerger(p *Printer, patience time.Duration) *Merger {
	m := &Merger{p: p, patience: patience, limit: 4096}
	m.wake = sync.NewCond(&m.mu)
	m.room = sync.NewCond(&m.mu)
	return m
}

// Lane opens a lane. Open every lane of a finite run before any of them
// receives lines: a lane that does not exist yet cannot be waited for.
func (m *Merger) Lane() *Lane {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := &Lane{m: m, open: true, lastSeen: time.Now()}
	m.lanes = append(m.lanes, l)
	return l
}

// Attach routes a source's lines through the lane. The source must carry
// timestamps.
func (l *Lane) Attach(s *Source) {
	// one allocation per line: the source reuses its buffers
	s.sink = func(raw []byte, tsLen int) { l.push(item{src: s, raw: bytes.Clone(raw), tsLen: tsLen}) }
}

func (l *Lane) push(it item) {
	m := l.m
	m.mu.Lock()
	for len(l.q)-l.head >= m.limit && !m.stopped {
		m.room.Wait()
	}
	if l.head > 0 && (l.head == len(l.q) || l.head >= 1024 && l.head*2 >= len(l.q)) {
		// reuse the consumed front instead of growing forever
		n := copy(l.q, l.q[l.head:])
		clear(l.q[n:])
		l.q, l.head = l.q[:n], 0
	}
	l.q = append(l.q, it)
	l.lastSeen = time.Now()
	m.mu.Unlock()
	m.wake.Signal()
}

// Status queues a line about a container (it exited, it restarted) at the
// engine time ts, so it lands among the container's lines where it
// happened.
func (m *Merger) Status(s *Source, ts, msg string) {
	l := m.Lane()
	l.push(item{src: s, raw: []byte(ts + " " + msg), tsLen: len(ts), status: true})
	l.Done()
}

// Done marks the lane ended (after its sources' Close).
func (l *Lane) Done() {
	l.m.mu.Lock()
	l.open = false
	l.m.mu.Unlock()
	l.m.wake.Signal()
}

// Run prints merged lines until Stop, then drains what is queued.
func (m *Merger) Run() error {
	if m.patience > 0 {
		// wake the loop so that a lane quiet for too long is passed over
		tick := time.NewTicker(m.patience / 2)
		defer tick.Stop()
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-tick.C:
					m.wake.Signal()
				case <-done:
					return
				}
			}
		}()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		if l := m.next(); l != nil {
			it := l.q[l.head]
			l.q[l.head] = item{}
			l.head++
			m.mu.Unlock()
			m.room.Broadcast()
			err := m.p.writeLine(it.src, it.raw, it.tsLen, it.status)
			m.mu.Lock()
			if err != nil && m.err == nil {
				m.err = err
			}
			continue
		}
		if m.stopped && len(m.lanes) == 0 {
			return m.err
		}
		m.wake.Wait()
	}
}

// Stop ends Run once every queued line is printed: lanes still open are
// taken as ended.
func (m *Merger) Stop() {
	m.mu.Lock()
	m.stopped = true
	for _, l := range m.lanes {
		l.open = false
	}
	m.mu.Unlock()
	m.wake.Signal()
	m.room.Broadcast()
}

// next picks the lane holding the oldest line, if it is safe to print: no
// open lane without a queued line may still send an older one. Lanes ended
// and drained are dropped. Called with mu held.
func (m *Merger) next() *Lane {
	kept := m.lanes[:0]
	for _, l := range m.lanes {
		if l.open || l.head < len(l.q) {
			kept = append(kept, l)
		}
	}
	clear(m.lanes[len(kept):])
	m.lanes = kept
	var best *Lane
	var now time.Time
	for _, l := range m.lanes {
		if l.head == len(l.q) {
			if m.patience == 0 {
				return nil
			}
			if now.IsZero() {
				now = time.Now()
			}
			if now.Sub(l.lastSeen) < m.patience {
				return nil
			}
			continue
		}
		if best == nil || bytes.Compare(l.q[l.head].stamp(), best.q[best.head].stamp()) < 0 {
			best = l
		}
	}
	return best
}

// stamp is the line's timestamp; RFC 3339 with fixed nanoseconds compares as
// text.
func (it item) stamp() []byte { return it.raw[:it.tsLen] }
