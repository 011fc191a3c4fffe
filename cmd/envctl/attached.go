package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

// runAttached is `up` without -d: converge, then print the services' output
// until they all stop, one of them stops with --abort-on-container-exit, or
// Ctrl-C. The first Ctrl-C stops the containers gracefully, a second kills.
func runAttached(ctx context.Context, app *App, e *engine.Engine, p *project.Project, o upOptions, uo engine.UpOptions) error {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// the command's context ends with the first Ctrl-C; the work of stopping
	// must outlive it
	work := context.WithoutCancel(ctx)
	logCtx, stopLogs := context.WithCancel(work)
	defer stopLogs()

	var mu sync.Mutex
	abort := make(chan struct{})
	aborted := false
	exitCode := 0
	onExit := func(name, service string, code int) {
		mu.Lock()
		defer mu.Unlock()
		if o.exitCodeFrom == service {
			exitCode = code
		}
		if !aborted && (o.abortOnExit || o.abortOnFailure && code != 0) {
			aborted = true
			// as docker compose: without --exit-code-from, the code of the
			// container whose exit aborts
			if o.exitCodeFrom == "" {
				exitCode = code
			}
			close(abort)
		}
	}
	services := attachedServices(p, uo.Plan.Selected, o)
	logsDone := make(chan error, 1)
	// until up is done, no container running does not mean the end: they
	// may not have started yet
	converged := make(chan struct{})
	go func() {
		logsDone <- e.Logs(logCtx, p.Name, engine.LogsOptions{
			Services: services, Follow: true, Tail: "all", Timestamps: o.logs.timestamps,
			Color: !o.logs.noColor && app.colorFor(app.Out), NoPrefix: o.logs.noPrefix, OnExit: onExit,
			Hold: converged,
		}, app.Out)
	}()
	upDone := make(chan error, 1)
	go func() {
		err := e.Up(ctx, p, uo)
		close(converged)
		upDone <- err
	}()
	select {
	case err := <-upDone:
		if err != nil {
			stopLogs()
			<-logsDone
			return err
		}
	case <-ctx.Done():
		return stopAll(work, app, e, p, sigs, stopLogs, logsDone)
	}
	select {
	case err := <-logsDone:
		if err != nil {
			return err
		}
		return exitResult(exitCode)
	case <-abort:
		fmt.Fprintln(app.Err, "Aborting on container exit...")
		err := stopAll(work, app, e, p, sigs, stopLogs, logsDone)
		if err != nil && err != errInterrupted {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		return exitResult(exitCode)
	case <-ctx.Done():
		return stopAll(work, app, e, p, sigs, stopLogs, logsDone)
	}
}

func exitResult(code int) error {
	if code != 0 {
		return exitCodeError{code}
	}
	return nil
}

// stopAll stops every container; a further Ctrl-C kills them instead.
func stopAll(ctx context.Context, app *App, e *engine.Engine, p *project.Project, sigs chan os.Signal, stopLogs func(), logsDone chan error) error {
	fmt.Fprintln(app.Err, "Gracefully stopping... (press Ctrl+C again to force)")
	interrupted := false
	select {
	case <-sigs:
		interrupted = true
	default:
	}
	stopCtx, cancelStop := context.WithCancel(ctx)
	defer cancelStop()
	stopped := make(chan error, 1)
	go func() { stopped <- e.Apply(stopCtx, p, engine.OpStop, engine.OpOptions{}) }()
	var err error
	select {
	case err = <-stopped:
	case <-sigs:
		interrupted = true
		cancelStop()
		<-stopped
		fmt.Fprintln(app.Err, "Killing...")
		err = e.Apply(ctx, p, engine.OpKill, engine.OpOptions{})
	}
	stopLogs()
	<-logsDone
	if err != nil {
		return err
	}
	if interrupted || ctxInterrupted(ctx) {
		return errInterrupted
	}
	return errInterrupted
}

func ctxInterrupted(ctx context.Context) bool { return ctx.Err() != nil }

// attachedServices applies --attach and --no-attach and the attach: key.
func attachedServices(p *project.Project, selected []string, o upOptions) []string {
	if len(o.attach) > 0 {
		return o.attach
	}
	names := selected
	if len(names) == 0 {
		names = p.ServiceNames()
	}
	var out []string
	for _, n := range names {
		svc := p.Services[n]
		if slices.Contains(o.noAttach, n) || svc.Attach != nil && !*svc.Attach {
			continue
		}
		out = append(out, n)
	}
	return out
}
