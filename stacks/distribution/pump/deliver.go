package main

import (
	"context"
	"log/slog"
	"time"
)

// deliverer drains the queue into Elasticsearch, one event at a time in
// arrival order, retrying with exponential backoff while Elasticsearch is
// unreachable or overloaded.
type deliverer struct {
	queue      *queue
	es         *elastic
	log        *slog.Logger
	minBackoff time.Duration
	maxBackoff time.Duration

	indexReady bool
}

func (d *deliverer) run(ctx context.Context) {
	for {
		ev, ok := d.queue.peek(ctx)
		if !ok {
			return
		}
		if !d.deliver(ctx, ev) {
			return
		}
		d.queue.pop()
	}
}

// deliver returns false only when ctx ends before the event is dealt with.
func (d *deliverer) deliver(ctx context.Context, ev event) bool {
	for attempt := 1; ; attempt++ {
		err := d.attempt(ctx, ev)
		switch {
		case err == nil:
			d.logEvent(slog.LevelInfo, "event indexed", ev, slog.Int("attempts", attempt))
			return true
		case isPermanent(err):
			d.logEvent(slog.LevelError, "event dropped", ev, slog.Int("attempts", attempt), slog.String("error", err.Error()))
			return true
		}
		// Elasticsearch may come back empty (a new volume): make the index
		// and its mapping again before the next write.
		d.indexReady = false
		wait := d.backoff(attempt)
		d.log.Warn("elasticsearch unavailable, will retry",
			slog.String("event_id", ev.ID), slog.Int("attempt", attempt),
			slog.Duration("retry_in", wait), slog.Int("queued", d.queue.len()),
			slog.String("error", err.Error()))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return false
		}
	}
}

func (d *deliverer) attempt(ctx context.Context, ev event) error {
	if !d.indexReady {
		if err := d.es.ensureIndex(ctx); err != nil {
			return err
		}
		d.indexReady = true
	}
	return d.es.index(ctx, ev)
}

func (d *deliverer) backoff(attempt int) time.Duration {
	wait := d.minBackoff
	for i := 1; i < attempt && wait < d.maxBackoff; i++ {
		wait *= 2
	}
	return min(wait, d.maxBackoff)
}

func (d *deliverer) logEvent(level slog.Level, msg string, ev event, extra ...slog.Attr) {
	attrs := append([]slog.Attr{
		slog.String("event_id", ev.ID),
		slog.String("action", ev.Action),
		slog.String("repository", ev.Target.Repository),
		slog.String("tag", ev.Target.Tag),
		slog.String("digest", ev.Target.Digest),
		slog.String("media_type", ev.Target.MediaType),
		slog.String("actor", ev.Actor.Name),
		slog.String("client_addr", ev.Request.Addr),
		slog.String("timestamp", ev.Timestamp),
	}, extra...)
	d.log.LogAttrs(context.Background(), level, msg, attrs...)
}
