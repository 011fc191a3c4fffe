package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/bench/spec"
)

// state is how far one service has come; each channel closes once.
type state struct {
	started, healthy chan struct{}
	onceStarted      sync.Once
	onceHealthy      sync.Once
}

func (s *state) markStarted() { s.onceStarted.Do(func() { close(s.started) }) }
func (s *state) markHealthy() { s.onceHealthy.Do(func() { close(s.healthy) }) }

// up brings the project to its spec: one list call to see what exists, the
// network, then one goroutine per service that creates at once and starts
// when its dependencies are started or healthy (told by health_status events).
func up(ctx context.Context, api *client.Client, p *spec.Project) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	states := map[string]*state{}
	needHealth := false
	for _, s := range p.Services {
		states[s.Name] = &state{started: make(chan struct{}), healthy: make(chan struct{})}
		for _, d := range s.DependsOn {
			needHealth = needHealth || d.Healthy
		}
	}
	var ids sync.Map // container ID → *state, for health events
	if needHealth {
		// subscribed before anything starts, so no transition is missed
		msgs, errs := api.Events(ctx, events.ListOptions{Filters: filters.NewArgs(
			filters.Arg("type", string(events.ContainerEventType)),
			filters.Arg("label", spec.LabelProject+"="+p.Name),
			filters.Arg("event", "health_status"),
		)})
		go func() {
			for {
				select {
				case m := <-msgs:
					if st, ok := ids.Load(m.Actor.ID); ok && strings.HasSuffix(string(m.Action), ": healthy") {
						st.(*state).markHealthy()
					}
				case <-errs:
					return
				}
			}
		}()
	}

	var existing []container.Summary
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		existing, err = api.ContainerList(gctx, container.ListOptions{All: true,
			Filters: filters.NewArgs(filters.Arg("label", spec.LabelProject+"="+p.Name))})
		return err
	})
	g.Go(func() error {
		_, err := api.NetworkCreate(gctx, p.Network(), network.CreateOptions{
			Labels: map[string]string{spec.LabelProject: p.Name, spec.LabelNetwork: "default"}})
		if err != nil && !errdefs.IsConflict(err) {
			return err
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	old := map[string]container.Summary{}
	for _, c := range existing {
		old[c.Labels[spec.LabelService]] = c
	}

	g, gctx = errgroup.WithContext(ctx)
	for _, s := range p.Services {
		g.Go(func() error {
			return upService(gctx, api, p, s, old, states, &ids)
		})
	}
	return g.Wait()
}

func upService(ctx context.Context, api *client.Client, p *spec.Project, s spec.Service,
	old map[string]container.Summary, states map[string]*state, ids *sync.Map) error {
	st := states[s.Name]
	hash := s.Hash()
	var id string
	prev, exists := old[s.Name]
	switch {
	case exists && prev.Labels[spec.LabelConfigHash] == hash:
		id = prev.ID
		ids.Store(id, st)
		if prev.State == container.StateRunning {
			st.markStarted()
			if strings.Contains(prev.Status, "(healthy)") {
				st.markHealthy()
			}
			return nil
		}
	default:
		if exists {
			if err := api.ContainerStop(ctx, prev.ID, container.StopOptions{}); err != nil {
				return err
			}
			if err := api.ContainerRemove(ctx, prev.ID, container.RemoveOptions{}); err != nil {
				return err
			}
		}
		var err error
		if id, err = create(ctx, api, p, s, hash); err != nil {
			return err
		}
		ids.Store(id, st)
	}
	for _, d := range s.DependsOn {
		ds := states[d.Service]
		wait := ds.started
		if d.Healthy {
			wait = ds.healthy
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", s.Name, err)
	}
	st.markStarted()
	return nil
}

func create(ctx context.Context, api *client.Client, p *spec.Project, s spec.Service, hash string) (string, error) {
	cfg := &container.Config{
		Image: s.Image,
		Cmd:   s.Command,
		Env:   s.Environment,
		Labels: map[string]string{
			spec.LabelProject:    p.Name,
			spec.LabelService:    s.Name,
			spec.LabelNumber:     "1",
			spec.LabelOneOff:     "False",
			spec.LabelConfigHash: hash,
		},
		StopTimeout: s.StopTimeout,
	}
	if h := s.Health; h != nil {
		cfg.Healthcheck = &container.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, Retries: h.Retries}
	}
	net := p.Network()
	resp, err := api.ContainerCreate(ctx, cfg,
		&container.HostConfig{NetworkMode: container.NetworkMode(net)},
		&network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{net: {Aliases: []string{s.Name}}}},
		nil, p.ContainerName(s))
	if err != nil {
		return "", fmt.Errorf("create %s: %w", s.Name, err)
	}
	return resp.ID, nil
}
