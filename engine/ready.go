package engine

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/project"
)

// waitReady is --wait: every service in scope healthy if it has a
// healthcheck, completed if others wait for it to complete, running otherwise.
func (e *Engine) waitReady(ctx context.Context, p *project.Project, scope []string) error {
	completes := map[string]bool{}
	for _, s := range p.Services {
		for dep, d := range s.DependsOn {
			if d.Condition == project.ConditionCompleted {
				completes[dep] = true
			}
		}
	}
	w := e.watch(ctx, p.Name)
	list, err := e.containers(ctx, p.Name, true)
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for _, s := range scope {
		in[s] = true
	}
	eg, ctx := errgroup.WithContext(ctx)
	for _, c := range list {
		c := toPlanContainer(c)
		if !in[c.Service] || c.OneOff {
			continue
		}
		svc := p.Services[c.Service]
		hasHealth := svc.HealthCheck != nil && !svc.HealthCheck.Disable
		eg.Go(func() error {
			ev := "Container " + c.Name
			var err error
			switch {
			case completes[c.Service]:
				err = e.waitCompleted(ctx, w, c.ID, c.Name)
			case hasHealth:
				e.event(ev, "Waiting", "", false)
				err = e.waitHealthy(ctx, w, c.ID, c.Name)
				if err == nil {
					e.event(ev, "Healthy", "", true)
				}
			default:
				err = e.checkRunning(ctx, c.ID, c.Name)
			}
			if err != nil {
				e.eventErr(ev, err)
			}
			return err
		})
	}
	return eg.Wait()
}

// checkRunning fails for a container with a healthcheck image-side unhealthy
// or that is not running.
func (e *Engine) checkRunning(ctx context.Context, id, name string) error {
	info, err := e.api.ContainerInspect(ctx, id)
	if err != nil {
		return err
	}
	if !info.State.Running {
		return fmt.Errorf("container %s is not running (exited with code %d)", name, info.State.ExitCode)
	}
	return nil
}
