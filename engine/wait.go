package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// Wait blocks until one of the services' containers stops and returns its
// exit code.
func (e *Engine) Wait(ctx context.Context, projectName string, services []string) (int, error) {
	list, err := e.serviceContainers(ctx, projectName, services, true)
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, fmt.Errorf("no containers for service %s: run up first", strings.Join(services, ", "))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		code int
		err  error
	}
	first := make(chan result, len(list))
	for _, c := range list {
		go func() {
			waitC, errC := e.api.ContainerWait(ctx, c.ID, container.WaitConditionNotRunning)
			select {
			case r := <-waitC:
				if r.Error != nil && r.Error.Message != "" {
					first <- result{err: fmt.Errorf("wait for %s: %s", containerName(c), r.Error.Message)}
					return
				}
				first <- result{code: int(r.StatusCode)}
			case err := <-errC:
				first <- result{err: err}
			}
		}()
	}
	select {
	case r := <-first:
		return r.code, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
