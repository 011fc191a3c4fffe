package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
)

// ExecOptions are the flags of `exec`.
type ExecOptions struct {
	Service    string
	Index      int
	Cmd        []string
	Detach     bool
	Env        []string
	User       string
	WorkingDir string
	Privileged bool
}

// Exec runs a command in a running container of a service and returns its
// exit code.
func (e *Engine) Exec(ctx context.Context, projectName string, o ExecOptions, s Stdio) (int, error) {
	c, err := e.serviceContainer(ctx, projectName, o.Service, o.Index, true)
	if err != nil {
		return 0, err
	}
	if e.opts.DryRun {
		_, err := fmt.Fprintf(e.opts.Out, "dry run: nothing was changed\nexec in %s: %s\n", containerName(c), strings.Join(o.Cmd, " "))
		return 0, err
	}
	cfg := container.ExecOptions{
		User: o.User, Privileged: o.Privileged, Tty: s.TTY && !o.Detach, Env: o.Env, WorkingDir: o.WorkingDir, Cmd: o.Cmd,
		AttachStdin: s.In != nil && !o.Detach, AttachStdout: !o.Detach, AttachStderr: !o.Detach,
	}
	if cfg.Tty {
		cfg.ConsoleSize = s.size()
	}
	created, err := e.api.ContainerExecCreate(ctx, c.ID, cfg)
	if err != nil {
		return 0, fmt.Errorf("exec in %s: %w", containerName(c), err)
	}
	if o.Detach {
		return 0, e.api.ContainerExecStart(ctx, created.ID, container.ExecStartOptions{Detach: true})
	}
	conn, err := e.api.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{Tty: cfg.Tty, ConsoleSize: cfg.ConsoleSize})
	if err != nil {
		return 0, fmt.Errorf("exec in %s: %w", containerName(c), err)
	}
	defer conn.Close()
	rctx, stopResize := context.WithCancel(ctx)
	defer stopResize()
	s.watchResize(rctx, func(ctx context.Context, h, w uint) error {
		return e.api.ContainerExecResize(ctx, created.ID, container.ResizeOptions{Height: h, Width: w})
	})
	s.TTY = cfg.Tty
	restore := s.raw()
	_, err = pump(ctx, conn, s, cfg.Tty)
	restore()
	if err != nil {
		return 0, err
	}
	return e.execExitCode(ctx, created.ID)
}

// execExitCode waits for the engine to record the end of the process: the
// output can close a moment before.
func (e *Engine) execExitCode(ctx context.Context, id string) (int, error) {
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		info, err := e.api.ContainerExecInspect(ctx, id)
		if err != nil {
			return 0, err
		}
		if !info.Running {
			return info.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(delay):
		}
	}
}
