package main

import (
	"context"
	"sync"
)

// queue is a bounded FIFO with one consumer. The head stays in the queue
// while it is being delivered, so an event is never lost between a failed
// attempt and the next.
type queue struct {
	mu    sync.Mutex
	items []event
	limit int
	wake  chan struct{}
}

func newQueue(limit int) *queue {
	return &queue{limit: limit, wake: make(chan struct{}, 1)}
}

// offer enqueues all events or none: the registry resends the whole
// envelope after a refusal, so a partial enqueue would only duplicate work.
func (q *queue) offer(evs []event) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items)+len(evs) > q.limit {
		return false
	}
	q.items = append(q.items, evs...)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// peek waits for the head of the queue without removing it.
func (q *queue) peek(ctx context.Context) (event, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			ev := q.items[0]
			q.mu.Unlock()
			return ev, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			return event{}, false
		}
	}
}

// pop removes the head once it has been dealt with.
func (q *queue) pop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return
	}
	q.items[0] = event{}
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = nil
	}
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
