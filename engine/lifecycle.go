package engine

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker/api/types/container"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// Op is one of the per-container commands.
type Op string

const (
	OpStart   Op = "start"
	OpStop    Op = "stop"
	OpRestart Op = "restart"
	OpKill    Op = "kill"
	OpPause   Op = "pause"
	OpUnpause Op = "unpause"
	OpRemove  Op = "rm"
)

// OpOptions are the flags of the per-container commands.
type OpOptions struct {
	Services []string
	Timeout  *int
	Signal   string // kill
	Volumes  bool   // rm -v
	Stop     bool   // rm -s
	// Confirm is asked before rm removes anything; nil means yes (rm -f).
	Confirm func(names []string) bool
}

// Apply runs an operation on the selected services' containers: start and
// restart in dependency order, stop and rm in reverse, the others at once.
func (e *Engine) Apply(ctx context.Context, p *project.Project, op Op, o OpOptions) error {
	for _, s := range o.Services {
		if _, ok := p.Services[s]; !ok {
			return fmt.Errorf("no such service: %s", s)
		}
	}
	if !e.opts.DryRun && (op == OpRemove || op == OpStart || op == OpStop || op == OpRestart) {
		unlock, err := e.lockProject(ctx, p.Name)
		if err != nil {
			return err
		}
		defer unlock()
	}
	list, err := e.containers(ctx, p.Name, true)
	if err != nil {
		return err
	}
	selected := map[string]bool{}
	for _, s := range o.Services {
		selected[s] = true
	}
	byService := map[string][]plan.Container{}
	for _, c := range list {
		pc := toPlanContainer(c)
		if pc.OneOff || len(selected) > 0 && !selected[pc.Service] || !applies(op, pc, o) {
			continue
		}
		byService[pc.Service] = append(byService[pc.Service], pc)
	}
	if e.opts.DryRun {
		return e.printOps(op, p, byService)
	}
	if op == OpRemove {
		var names []string
		for _, s := range p.ServiceNames() {
			for _, c := range byService[s] {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			fmt.Fprintln(e.opts.Warn, "No stopped containers")
			return nil
		}
		if o.Confirm != nil && !o.Confirm(names) {
			return nil
		}
	}
	each := func(ctx context.Context, s string) error {
		eg, ctx := errgroup.WithContext(ctx)
		for _, c := range byService[s] {
			eg.Go(func() error { return e.applyOne(ctx, op, c, o) })
		}
		return eg.Wait()
	}
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return err
	}
	switch op {
	case OpStart, OpRestart:
		return g.Walk(ctx, project.Up, 0, each)
	case OpStop, OpRemove:
		return g.Walk(ctx, project.Down, 0, each)
	}
	eg, ctx := errgroup.WithContext(ctx)
	for s := range byService {
		eg.Go(func() error { return each(ctx, s) })
	}
	return eg.Wait()
}

// applies filters containers an operation makes sense for.
func applies(op Op, c plan.Container, o OpOptions) bool {
	switch op {
	case OpStart:
		return !c.Running()
	case OpStop, OpKill, OpPause:
		return c.Running() && !(op == OpPause && c.State == "paused")
	case OpUnpause:
		return c.State == "paused"
	case OpRemove:
		return o.Stop || !c.Running()
	}
	return true
}

func (e *Engine) applyOne(ctx context.Context, op Op, c plan.Container, o OpOptions) error {
	ev := "Container " + c.Name
	var err error
	switch op {
	case OpStart:
		return e.startContainer(ctx, c.ID, c.Name)
	case OpStop:
		return e.stopContainer(ctx, c.ID, c.Name, o.Timeout)
	case OpRemove:
		return e.removeContainer(ctx, c.ID, c.Name, o.Timeout, o.Volumes)
	case OpRestart:
		e.event(ev, "Restarting", "", false)
		err = e.api.ContainerRestart(ctx, c.ID, container.StopOptions{Timeout: o.Timeout})
		if err == nil {
			e.event(ev, "Started", "", true)
		}
	case OpKill:
		sig := o.Signal
		if sig == "" {
			sig = "SIGKILL"
		}
		e.event(ev, "Killing", sig, false)
		err = e.api.ContainerKill(ctx, c.ID, sig)
		if err == nil {
			e.event(ev, "Killed", sig, true)
		}
	case OpPause:
		e.event(ev, "Pausing", "", false)
		if err = e.api.ContainerPause(ctx, c.ID); err == nil {
			e.event(ev, "Paused", "", true)
		}
	case OpUnpause:
		e.event(ev, "Unpausing", "", false)
		if err = e.api.ContainerUnpause(ctx, c.ID); err == nil {
			e.event(ev, "Unpaused", "", true)
		}
	}
	if err != nil {
		err = fmt.Errorf("%s %s: %w", op, c.Name, err)
		e.eventErr(ev, err)
	}
	return err
}

func (e *Engine) printOps(op Op, p *project.Project, byService map[string][]plan.Container) error {
	var b strings.Builder
	b.WriteString("dry run: nothing was changed\n")
	for _, s := range p.ServiceNames() {
		for _, c := range byService[s] {
			fmt.Fprintf(&b, "container %s: %s\n", c.Name, op)
		}
	}
	_, err := io.WriteString(e.opts.Out, b.String())
	return err
}
