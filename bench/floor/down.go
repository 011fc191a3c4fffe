package main

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/bench/spec"
)

// down lists the project's containers once, stops and removes each service's
// containers as soon as every service depending on it is stopped, all in
// parallel, then removes the network.
func down(ctx context.Context, api *client.Client, p *spec.Project) error {
	list, err := api.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", spec.LabelProject+"="+p.Name))})
	if err != nil {
		return err
	}
	byService := map[string][]string{}
	for _, c := range list {
		svc := c.Labels[spec.LabelService]
		byService[svc] = append(byService[svc], c.ID)
	}
	stopped := map[string]chan struct{}{}
	dependents := map[string][]string{}
	for _, s := range p.Services {
		stopped[s.Name] = make(chan struct{})
		for _, d := range s.DependsOn {
			dependents[d.Service] = append(dependents[d.Service], s.Name)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for svc, ids := range byService {
		g.Go(func() error {
			for _, d := range dependents[svc] {
				select {
				case <-stopped[d]:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			// a scaled service's replicas go in parallel too
			stop, _ := errgroup.WithContext(gctx)
			for _, id := range ids {
				stop.Go(func() error { return api.ContainerStop(gctx, id, container.StopOptions{}) })
			}
			err := stop.Wait()
			if done, ok := stopped[svc]; ok { // orphans have no entry
				close(done)
			}
			if err != nil {
				return err
			}
			rm, _ := errgroup.WithContext(gctx)
			for _, id := range ids {
				rm.Go(func() error { return api.ContainerRemove(gctx, id, container.RemoveOptions{}) })
			}
			return rm.Wait()
		})
	}
	for _, s := range p.Services {
		if len(byService[s.Name]) == 0 {
			close(stopped[s.Name])
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := api.NetworkRemove(ctx, p.Network()); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	return nil
}
