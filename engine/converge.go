package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// converge carries out one plan. Every service runs as its own pipeline:
// create its containers as soon as the containers it references exist, then
// start them the moment its dependencies meet their conditions. Nothing else
// is serialised, except starts that publish a host port range (see startMu).
type converge struct {
	e       *Engine
	p       *project.Project
	pl      *plan.Plan
	st      plan.State
	graph   *project.Graph
	watch   *watcher
	opts    UpOptions
	anon    *anonVolumes
	created map[string]*signal
	started map[string]*signal
	// startMu serialises starting containers that publish a host port range:
	// the engine picks a free port from the range at start, and two starts at
	// once can pick the same one. Other starts run in parallel.
	startMu sync.Mutex
	mu      sync.Mutex
	ids     map[string][]string // service -> container IDs after create
}

// signal is a one-shot broadcast with an error.
type signal struct {
	ch  chan struct{}
	err error
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) fire(err error) {
	s.err = err
	close(s.ch)
}

func (s *signal) wait(ctx context.Context) error {
	select {
	case <-s.ch:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) converge(ctx context.Context, p *project.Project, pl *plan.Plan, st plan.State, o UpOptions) error {
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return err
	}
	c := &converge{e: e, p: p, pl: pl, st: st, graph: g, opts: o,
		created: map[string]*signal{}, started: map[string]*signal{}, ids: map[string][]string{}}
	for _, s := range pl.Order {
		c.created[s] = newSignal()
		c.started[s] = newSignal()
	}
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	c.watch = e.watch(wctx, p.Name)
	if c.anon, err = e.listAnonVolumes(ctx, p.Name); err != nil {
		return err
	}
	if err := c.resources(ctx); err != nil {
		return err
	}
	eg, ctx := errgroup.WithContext(ctx)
	for _, name := range pl.Order {
		eg.Go(func() error {
			err := c.service(ctx, name)
			if err != nil {
				c.created[name].fireOnce(err)
				c.started[name].fireOnce(err)
			}
			return err
		})
	}
	return eg.Wait()
}

// fireOnce fires unless already fired (a failing pipeline fires both signals).
func (s *signal) fireOnce(err error) {
	select {
	case <-s.ch:
	default:
		s.fire(err)
	}
}

// resources creates networks and volumes and removes orphans, all at once.
func (c *converge) resources(ctx context.Context) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, n := range c.pl.Networks {
		eg.Go(func() error { return c.e.createNetwork(ctx, c.p, n.Key) })
	}
	for _, v := range c.pl.Volumes {
		eg.Go(func() error { return c.e.createVolume(ctx, c.p, v.Key) })
	}
	if c.pl.RemoveOrphans {
		for _, o := range c.pl.Orphans {
			eg.Go(func() error { return c.e.removeContainer(ctx, o.Container.ID, o.Container.Name, c.opts.Timeout, false) })
		}
	} else if len(c.pl.Orphans) > 0 {
		var names []string
		for _, o := range c.pl.Orphans {
			names = append(names, o.Container.Name)
		}
		c.e.warn("found orphan containers (%s) for this project; run with --remove-orphans to remove them", strings.Join(names, ", "))
	}
	return eg.Wait()
}

func (c *converge) service(ctx context.Context, name string) error {
	sp := c.pl.Services[name]
	svc := c.p.Services[name]
	// containers this one refers to by ID must exist first
	for _, ref := range createDeps(svc) {
		if sig, ok := c.created[ref]; ok {
			if err := sig.wait(ctx); err != nil {
				return fmt.Errorf("service %s: %s was not created", name, ref)
			}
		}
	}
	if err := c.removeAll(ctx, sp.Remove); err != nil {
		return err
	}
	olds, err := c.createAll(ctx, svc, sp)
	if err != nil {
		return err
	}
	c.created[name].fire(nil)
	if !c.pl.Start {
		for _, old := range olds {
			if err := c.e.removeContainer(ctx, old.ID, old.Name, c.opts.Timeout, c.opts.RenewAnonVolumes); err != nil {
				return err
			}
		}
		c.started[name].fire(nil)
		return nil
	}
	if err := c.waitDeps(ctx, name); err != nil {
		return err
	}
	if err := c.startAll(ctx, svc, sp, olds); err != nil {
		return err
	}
	c.started[name].fire(nil)
	return nil
}

// createDeps are the services whose container IDs go into this one's config.
func createDeps(svc types.ServiceConfig) []string {
	var out []string
	for _, mode := range []string{svc.NetworkMode, svc.Ipc, svc.Pid} {
		if t, ok := strings.CutPrefix(mode, "service:"); ok {
			out = append(out, t)
		}
	}
	for _, v := range svc.VolumesFrom {
		if t, _, _ := strings.Cut(v, ":"); t != "container" {
			out = append(out, t)
		}
	}
	return out
}

func (c *converge) removeAll(ctx context.Context, rm []plan.Removal) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, r := range rm {
		eg.Go(func() error {
			return c.e.removeContainer(ctx, r.Container.ID, r.Container.Name, c.opts.Timeout, false)
		})
	}
	return eg.Wait()
}

// createAll creates the containers of new and recreated replicas, in
// parallel. It returns, by replica number, the old containers that recreated
// replicas replace: they keep running until their replacement starts.
func (c *converge) createAll(ctx context.Context, svc types.ServiceConfig, sp *plan.ServicePlan) (map[int]plan.Container, error) {
	olds := map[int]plan.Container{}
	ids := make([]string, len(sp.Replicas))
	var mu sync.Mutex
	eg, ctx := errgroup.WithContext(ctx)
	for i, r := range sp.Replicas {
		switch r.Kind {
		case plan.Keep, plan.Start:
			ids[i] = r.Old.ID
			continue
		}
		eg.Go(func() error {
			id, err := c.createReplica(ctx, svc, sp, r)
			if err != nil {
				return err
			}
			mu.Lock()
			ids[i] = id
			if r.Kind == plan.Recreate {
				olds[r.Number] = *r.Old
			}
			mu.Unlock()
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.ids[svc.Name] = ids
	c.mu.Unlock()
	return olds, nil
}

// createReplica creates one container. A recreate renames the old container
// first and, if the new one cannot be created, gives the old its name back:
// the old container keeps running until its replacement exists.
func (c *converge) createReplica(ctx context.Context, svc types.ServiceConfig, sp *plan.ServicePlan, r plan.Replica) (string, error) {
	if r.Kind == plan.Recreate && r.Old.Name == r.Name {
		tmp := r.Old.ID[:12] + "_" + r.Name
		if err := c.e.api.ContainerRename(ctx, r.Old.ID, tmp); err != nil {
			return "", fmt.Errorf("rename %s: %w", r.Name, err)
		}
		r.Old.Name = tmp
		id, err := c.create(ctx, svc, sp, r)
		if err != nil {
			// context may be cancelled: the rename back must still happen
			if rerr := c.e.api.ContainerRename(context.WithoutCancel(ctx), r.Old.ID, r.Name); rerr != nil {
				err = errors.Join(err, fmt.Errorf("renaming %s back: %w", tmp, rerr))
			}
			return "", err
		}
		return id, nil
	}
	return c.create(ctx, svc, sp, r)
}

func (c *converge) create(ctx context.Context, svc types.ServiceConfig, sp *plan.ServicePlan, r plan.Replica) (string, error) {
	anon, err := c.e.anonVolumesFor(ctx, c.anon, c.p, svc, r, c.opts.RenewAnonVolumes)
	if err != nil {
		return "", err
	}
	in := convert.Input{
		Project:     c.p,
		Service:     svc,
		Number:      r.Number,
		Name:        r.Name,
		Hash:        sp.Hash,
		Keys:        project.FormatKeyHashes(sp.Keys),
		ImageID:     c.st.Images[c.p.ImageName(svc)],
		ContainerOf: c.containerOf,
		LinkTargets: c.linkTargets,
		AnonVolumes: anon,
		APIVersion:  c.e.apiVersion,
	}
	return c.e.createContainer(ctx, in)
}

// containerOf is the first container of a service: what service:X means.
func (c *converge) containerOf(service string) (string, error) {
	c.mu.Lock()
	ids := c.ids[service]
	c.mu.Unlock()
	if len(ids) > 0 && ids[0] != "" {
		return ids[0], nil
	}
	for _, ct := range c.st.Containers {
		if ct.Service == service && !ct.OneOff && ct.Number == 1 {
			return ct.ID, nil
		}
	}
	return "", fmt.Errorf("service %s has no container", service)
}

func (c *converge) linkTargets(service string) []string {
	if sp, ok := c.pl.Services[service]; ok {
		var names []string
		for _, r := range sp.Replicas {
			names = append(names, r.Name)
		}
		return names
	}
	var names []string
	for _, ct := range c.st.Containers {
		if ct.Service == service && !ct.OneOff {
			names = append(names, ct.Name)
		}
	}
	return names
}

// startAll starts a service's replicas in parallel. A recreated replica stops
// its old container just before the new one starts, then removes it.
func (c *converge) startAll(ctx context.Context, svc types.ServiceConfig, sp *plan.ServicePlan, olds map[int]plan.Container) error {
	ranged := convert.PublishesRange(svc)
	c.mu.Lock()
	ids := c.ids[svc.Name]
	c.mu.Unlock()
	eg, ctx := errgroup.WithContext(ctx)
	for i, r := range sp.Replicas {
		if r.Kind == plan.Keep {
			continue
		}
		eg.Go(func() error {
			if old, ok := olds[r.Number]; ok {
				if err := c.e.stopContainer(ctx, old.ID, old.Name, c.opts.Timeout); err != nil {
					return err
				}
			}
			if ranged {
				c.startMu.Lock()
				defer c.startMu.Unlock()
			}
			if err := c.e.startContainer(ctx, ids[i], r.Name); err != nil {
				return err
			}
			if old, ok := olds[r.Number]; ok {
				return c.e.removeContainer(ctx, old.ID, old.Name, c.opts.Timeout, c.opts.RenewAnonVolumes)
			}
			return nil
		})
	}
	return eg.Wait()
}
