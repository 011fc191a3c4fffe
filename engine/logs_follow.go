package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/docker/docker/api/types/events"

	"github.com/envctl/envctl/engine/convert"
)

// follow reacts to engine events until nothing is left to follow.
func (f *logFollow) follow(ctx context.Context, msgs <-chan events.Message, errs <-chan error) error {
	settle := time.NewTimer(f.o.settle)
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("engine events: %w", err)
		case m := <-msgs:
			if f.selected(m.Actor.Attributes) {
				f.event(ctx, m)
			}
		case <-f.changed:
		case <-settle.C:
			if !f.held() && f.idle(ctx) {
				return nil
			}
			settle.Reset(f.o.settle)
			continue
		}
		if f.streaming() == 0 {
			settle.Reset(f.o.settle)
		}
	}
}

func (f *logFollow) held() bool {
	if f.o.Hold == nil {
		return false
	}
	select {
	case <-f.o.Hold:
		return false
	default:
		return true
	}
}

func (f *logFollow) event(ctx context.Context, m events.Message) {
	id := m.Actor.ID
	f.mu.Lock()
	c, seen := f.ctrs[id]
	switch m.Action {
	case "die":
		if !seen {
			f.mu.Unlock()
			return
		}
		code, _ := strconv.Atoi(m.Actor.Attributes["exitCode"])
		c.stopped = true
		if c.active {
			c.exit, c.exitAt = &code, engineTime(m.TimeNano)
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		f.exited(c, code, engineTime(m.TimeNano))
	case "start":
		if seen && !c.stopped {
			// it started before the listing and after the subscription
			f.mu.Unlock()
			return
		}
		if !seen {
			c = &followed{name: m.Actor.Attributes["name"], service: m.Actor.Attributes[convert.LabelService], fresh: true}
			f.ctrs[id] = c
		}
		if seen {
			c.restartedAt = engineTime(m.TimeNano)
		}
		c.stopped = false
		resume := c.last
		f.mu.Unlock()
		f.start(ctx, id, resume)
	default:
		f.mu.Unlock()
	}
}

func (f *logFollow) streaming() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.ctrs {
		if c.active {
			n++
		}
	}
	return n
}

// idle: no stream open and no selected container running or restarting.
func (f *logFollow) idle(ctx context.Context) bool {
	// an envctl restart, up or scale at work may start containers again
	if f.streaming() > 0 || f.e.projectBusy(f.project) {
		return false
	}
	list, err := f.e.containers(ctx, f.project, false, convert.LabelOneOff+"=False")
	if err != nil {
		return false
	}
	for _, c := range list {
		if f.selected(c.Labels) {
			return false
		}
	}
	return true
}
