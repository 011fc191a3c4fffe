package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"github.com/envctl/envctl/engine/convert"
)

// watcher fans the engine's container events for one project out to waiters,
// so that health and completion conditions react to events instead of polling.
type watcher struct {
	mu   sync.Mutex
	subs map[string][]chan events.Message
	err  error
	done chan struct{}
}

func (e *Engine) watch(ctx context.Context, projectName string) *watcher {
	f := filters.NewArgs(
		filters.Arg("type", string(events.ContainerEventType)),
		filters.Arg("label", convert.LabelProject+"="+projectName),
		filters.Arg("event", "start"),
		filters.Arg("event", "die"),
		filters.Arg("event", "health_status"),
	)
	// the stream connects in the background: asking for events since now
	// has the engine replay any that happen before it is connected, so a
	// container turning healthy in that moment is not missed
	now := time.Now()
	since := fmt.Sprintf("%d.%09d", now.Unix(), now.Nanosecond())
	msgs, errs := e.api.Events(ctx, events.ListOptions{Filters: f, Since: since})
	w := &watcher{subs: map[string][]chan events.Message{}, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case m := <-msgs:
				w.dispatch(m)
			case err := <-errs:
				w.mu.Lock()
				w.err = err
				for _, list := range w.subs {
					for _, ch := range list {
						close(ch)
					}
				}
				w.subs = nil
				w.mu.Unlock()
				return
			}
		}
	}()
	return w
}

func (w *watcher) dispatch(m events.Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.subs[m.Actor.ID] {
		select {
		case ch <- m:
		default: // a waiter that stopped reading loses nothing it still needs
		}
	}
}

// subscribe returns the events of one container from now on.
func (w *watcher) subscribe(id string) (<-chan events.Message, func()) {
	ch := make(chan events.Message, 16)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.subs == nil {
		close(ch)
		return ch, func() {}
	}
	w.subs[id] = append(w.subs[id], ch)
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		list := w.subs[id]
		for i, c := range list {
			if c == ch {
				w.subs[id] = append(list[:i], list[i+1:]...)
				break
			}
		}
	}
}

func (w *watcher) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return fmt.Errorf("engine event stream ended: %w", w.err)
	}
	return fmt.Errorf("engine event stream ended")
}

// waitHealthy returns when the container reports healthy, and fails when it
// turns unhealthy or exits.
func (e *Engine) waitHealthy(ctx context.Context, w *watcher, id, name string) error {
	ch, cancel := w.subscribe(id)
	defer cancel()
	info, err := e.api.ContainerInspect(ctx, id)
	if err != nil {
		return err
	}
	if info.State.Health == nil {
		return fmt.Errorf("container %s has no healthcheck", name)
	}
	switch {
	case info.State.Health.Status == "healthy":
		return nil
	case !info.State.Running:
		return fmt.Errorf("container %s exited with code %d before it was healthy", name, info.State.ExitCode)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-ch:
			if !ok {
				return w.failure()
			}
			switch {
			case m.Action == "health_status: healthy":
				return nil
			case m.Action == "health_status: unhealthy":
				return fmt.Errorf("container %s is unhealthy", name)
			case m.Action == "die":
				return fmt.Errorf("container %s exited with code %s before it was healthy", name, m.Actor.Attributes["exitCode"])
			}
		}
	}
}

// waitCompleted returns when the container has exited with code 0.
func (e *Engine) waitCompleted(ctx context.Context, w *watcher, id, name string) error {
	ch, cancel := w.subscribe(id)
	defer cancel()
	info, err := e.api.ContainerInspect(ctx, id)
	if err != nil {
		return err
	}
	if !info.State.Running && info.State.FinishedAt != "" && !strings.HasPrefix(info.State.FinishedAt, "0001") {
		if info.State.ExitCode == 0 {
			return nil
		}
		return fmt.Errorf("container %s exited with code %d", name, info.State.ExitCode)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-ch:
			if !ok {
				return w.failure()
			}
			if m.Action == "die" {
				if code := m.Actor.Attributes["exitCode"]; code != "0" {
					return fmt.Errorf("container %s exited with code %s", name, code)
				}
				return nil
			}
		}
	}
}
