package engine

import (
	"context"
	"fmt"
	"io"
	"time"

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

func (e *Engine) printPlan(pl *plan.Plan) error {
	_, err := io.WriteString(e.opts.Out, "dry run: nothing was changed\n"+pl.String())
	return err
}
