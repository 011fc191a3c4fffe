package engine

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// UpOptions are the flags of `up` (and `create`, which is up without start).
type UpOptions struct {
	Plan             plan.Options
	RenewAnonVolumes bool
	// Timeout is the stop timeout in seconds for replaced containers; nil
	// uses each service's stop_grace_period.
	Timeout     *int
	Wait        bool
	WaitTimeout time.Duration
	Images      ImageOptions
}

// Up converges the project: creates what is missing, recreates what changed,
// starts what should run.
func (e *Engine) Up(ctx context.Context, p *project.Project, o UpOptions) error {
	e.warnUnsupported(p)
	if !e.opts.DryRun {
		unlock, err := e.lockProject(ctx, p.Name)
		if err != nil {
			return err
		}
		defer unlock()
	}
	scope, err := plan.Scope(p, o.Plan.Selected, o.Plan.NoDeps)
	if err != nil {
		return err
	}
	if e.opts.DryRun {
		// image decisions print first, so the header goes before them
		if _, err := io.WriteString(e.opts.Out, "dry run: nothing was changed\n"); err != nil {
			return err
		}
	}
	if err := e.ensureImages(ctx, p, scope, o.Images); err != nil {
		return err
	}
	st, err := e.observe(ctx, p)
	if err != nil {
		return err
	}
	pl, err := plan.Make(p, st, o.Plan)
	if err != nil {
		return err
	}
	if err := preflight(p, pl, e.apiVersion); err != nil {
		return err
	}
	if e.opts.DryRun {
		return e.printPlan(pl)
	}
	if err := e.converge(ctx, p, pl, st, o); err != nil {
		return err
	}
	if o.Wait {
		wctx := ctx
		if o.WaitTimeout > 0 {
			var cancel context.CancelFunc
			wctx, cancel = context.WithTimeout(ctx, o.WaitTimeout)
			defer cancel()
		}
		if err := e.waitReady(wctx, p, scope); err != nil {
			if wctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
				return fmt.Errorf("services not ready after %s: %w", o.WaitTimeout, err)
			}
			return err
		}
	}
	return nil
}

// preflight converts every container the plan creates, with stand-ins for
// the references only the engine can resolve, so that what cannot be
// created (a key this engine is too old for) fails before anything changes.
func preflight(p *project.Project, pl *plan.Plan, apiVersion string) error {
	for _, name := range pl.Order {
		for _, r := range pl.Services[name].Replicas {
			if r.Kind != plan.Create && r.Kind != plan.Recreate {
				continue
			}
			_, err := convert.Container(convert.Input{
				Project: p, Service: p.Services[name], Number: r.Number, Name: r.Name, APIVersion: apiVersion,
				ContainerOf: func(string) (string, error) { return "preflight", nil },
				LinkTargets: func(string) []string { return nil },
			})
			if err != nil {
				return fmt.Errorf("service %s: %w", name, err)
			}
			break // replicas differ only in number and name
		}
	}
	return nil
}

func (e *Engine) printPlan(pl *plan.Plan) error {
	_, err := io.WriteString(e.opts.Out, pl.String())
	return err
}
