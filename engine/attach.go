package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/moby/term"
)

// AttachOptions are the flags of `attach`.
type AttachOptions struct {
	Service    string
	Index      int
	NoStdin    bool
	DetachKeys string // default ctrl-p,ctrl-q
}

// Attach connects the terminal to a running container of a service until
// it stops (returning its exit code) or the detach keys are typed.
func (e *Engine) Attach(ctx context.Context, projectName string, o AttachOptions, s Stdio) (int, error) {
	c, err := e.serviceContainer(ctx, projectName, o.Service, o.Index, true)
	if err != nil {
		return 0, err
	}
	info, err := e.api.ContainerInspect(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	tty := info.Config != nil && info.Config.Tty
	stdin := !o.NoStdin && s.In != nil && info.Config != nil && info.Config.OpenStdin
	if !stdin {
		s.In = nil
	}
	keys := o.DetachKeys
	if keys == "" {
		keys = "ctrl-p,ctrl-q"
	}
	if s.In != nil {
		esc, err := term.ToBytes(keys)
		if err != nil {
			return 0, fmt.Errorf("invalid detach keys %q: %v", keys, err)
		}
		s.In = term.NewEscapeProxy(s.In, esc)
	}
	conn, err := e.api.ContainerAttach(ctx, c.ID, container.AttachOptions{Stream: true, Stdin: stdin, Stdout: true, Stderr: true, DetachKeys: keys})
	if err != nil {
		return 0, fmt.Errorf("attach %s: %w", containerName(c), err)
	}
	defer conn.Close()
	s.TTY = tty
	rctx, stopResize := context.WithCancel(ctx)
	defer stopResize()
	s.watchResize(rctx, func(ctx context.Context, h, w uint) error {
		return e.api.ContainerResize(ctx, c.ID, container.ResizeOptions{Height: h, Width: w})
	})
	restore := s.raw()
	detached, err := pump(ctx, conn, s, tty)
	restore()
	if err != nil || detached {
		return 0, err
	}
	// the output ends as the container stops, and its exit code is recorded
	// a moment later; it also ends when the engine detached us (it watches
	// for the detach keys too), and then the container goes on running
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	waitC, waitErr := e.api.ContainerWait(waitCtx, c.ID, container.WaitConditionNotRunning)
	grace := time.NewTimer(2 * time.Second)
	defer grace.Stop()
	for {
		select {
		case r := <-waitC:
			return int(r.StatusCode), nil
		case err := <-waitErr:
			return 0, err
		case <-grace.C:
			if info, err := e.api.ContainerInspect(ctx, c.ID); err == nil && info.State.Running {
				return 0, nil
			}
		}
	}
}
