package engine

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/project"
)

// waitDeps blocks until every dependency in scope meets its condition.
func (c *converge) waitDeps(ctx context.Context, name string) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, d := range c.graph.Deps(name) {
		sig, inScope := c.started[d.Service]
		if !inScope {
			continue
		}
		eg.Go(func() error {
			err := sig.wait(ctx)
			if err == nil {
				err = c.condition(ctx, d)
			}
			if err != nil && !d.Required && ctx.Err() == nil {
				c.e.warn("optional dependency %s of %s failed: %v", d.Service, name, err)
				return nil
			}
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("dependency %s of service %s failed: %w", d.Service, name, err)
			}
			return err
		})
	}
	return eg.Wait()
}

func (c *converge) condition(ctx context.Context, d project.Dep) error {
	if d.Condition == project.ConditionStarted {
		return nil
	}
	c.mu.Lock()
	ids := append([]string(nil), c.ids[d.Service]...)
	c.mu.Unlock()
	names := c.linkTargets(d.Service)
	eg, ctx := errgroup.WithContext(ctx)
	for i, id := range ids {
		name := id
		if i < len(names) {
			name = names[i]
		}
		ev := "Container " + name
		eg.Go(func() error {
			var err error
			c.e.event(ev, "Waiting", "", false)
			if d.Condition == project.ConditionHealthy {
				err = c.e.waitHealthy(ctx, c.watch, id, name)
				if err == nil {
					c.e.event(ev, "Healthy", "", true)
				}
			} else {
				err = c.e.waitCompleted(ctx, c.watch, id, name)
				if err == nil {
					c.e.event(ev, "Exited", "", true)
				}
			}
			if err != nil {
				c.e.eventErr(ev, err)
			}
			return err
		})
	}
	return eg.Wait()
}
