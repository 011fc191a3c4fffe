package engine

import (
	"context"
	"fmt"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// DownOptions are the flags of `down`.
type DownOptions struct {
	plan.DownOptions
	Timeout *int
}

// Down stops and removes the project's containers in reverse dependency
// order, then its networks, and with -v its volumes.
func (e *Engine) Down(ctx context.Context, p *project.Project, o DownOptions) error {
	if !e.opts.DryRun {
		unlock, err := e.lockProject(ctx, p.Name)
		if err != nil {
			return err
		}
		defer unlock()
	}
	obs, err := e.observeDown(ctx, p, o.Images != "")
	if err != nil {
		return err
	}
	dp, err := plan.Down(p, obs, o.DownOptions)
	if err != nil {
		return err
	}
	if e.opts.DryRun {
		_, err := fmt.Fprint(e.opts.Out, "dry run: nothing was changed\n"+dp.String())
		return err
	}
	for _, k := range dp.Kept {
		e.warn("orphan container %s kept; --remove-orphans removes it", k.Container.Name)
	}
	if err := e.removeLayers(ctx, p, dp, o); err != nil {
		return err
	}
	eg, gctx := errgroup.WithContext(ctx)
	for _, n := range dp.Networks {
		eg.Go(func() error { return e.removeNetwork(gctx, n) })
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	eg, gctx = errgroup.WithContext(ctx)
	for _, v := range dp.Volumes {
		eg.Go(func() error { return e.removeVolume(gctx, v.Name) })
	}
	for _, img := range dp.Images {
		eg.Go(func() error { return e.removeImage(gctx, img.Ref) })
	}
	return eg.Wait()
}

// removeLayers removes each service's containers as soon as every service
// depending on it is gone; orphans and one-offs go first.
func (e *Engine) removeLayers(ctx context.Context, p *project.Project, dp *plan.DownPlan, o DownOptions) error {
	byService := map[string][]plan.Removal{}
	var first []plan.Removal
	for _, layer := range dp.Layers {
		for _, r := range layer {
			if _, ok := p.Services[r.Container.Service]; ok && !r.Container.OneOff {
				byService[r.Container.Service] = append(byService[r.Container.Service], r)
			} else {
				first = append(first, r)
			}
		}
	}
	remove := func(ctx context.Context, rm []plan.Removal) error {
		eg, ctx := errgroup.WithContext(ctx)
		for _, r := range rm {
			eg.Go(func() error { return e.removeContainer(ctx, r.Container.ID, r.Container.Name, o.Timeout, o.Volumes) })
		}
		return eg.Wait()
	}
	if err := remove(ctx, first); err != nil {
		return err
	}
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return err
	}
	return g.Walk(ctx, project.Down, 0, func(ctx context.Context, s string) error {
		return remove(ctx, byService[s])
	})
}

func (e *Engine) observeDown(ctx context.Context, p *project.Project, images bool) (plan.Observed, error) {
	var obs plan.Observed
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		list, err := e.containers(ctx, p.Name, true)
		for _, c := range list {
			obs.Containers = append(obs.Containers, toPlanContainer(c))
		}
		return err
	})
	eg.Go(func() error {
		nets, err := e.api.NetworkList(ctx, network.ListOptions{Filters: projectFilter(p.Name)})
		for _, n := range nets {
			obs.Networks = append(obs.Networks, n.Name)
		}
		return err
	})
	eg.Go(func() error {
		vols, err := e.api.VolumeList(ctx, volume.ListOptions{Filters: projectFilter(p.Name)})
		for _, v := range vols.Volumes {
			_, anon := v.Labels[convert.LabelAnonTarget]
			obs.Volumes = append(obs.Volumes, plan.Volume{Name: v.Name, Key: v.Labels[convert.LabelVolume], Anonymous: anon})
		}
		return err
	})
	if images {
		eg.Go(func() error {
			seen := map[string]bool{}
			for _, name := range p.ServiceNames() {
				svc := p.Services[name]
				ref := p.ImageName(svc)
				if seen[ref] {
					continue
				}
				seen[ref] = true
				img, err := e.api.ImageInspect(ctx, ref)
				if errdefs.IsNotFound(err) {
					continue
				}
				if err != nil {
					return err
				}
				// what envctl (or docker compose) built for this project carries
				// its label; a pulled image of the same name does not
				labelled := img.Config != nil && img.Config.Labels[convert.LabelProject] == p.Name
				obs.Images = append(obs.Images, plan.Image{Ref: ref, ID: img.ID, Built: labelled && hasBuilder(p, ref)})
			}
			return nil
		})
	}
	return obs, eg.Wait()
}

func (e *Engine) removeNetwork(ctx context.Context, name string) error {
	ev := "Network " + name
	e.event(ev, "Removing", "", false)
	err := e.api.NetworkRemove(ctx, name)
	if errdefs.IsForbidden(err) || errdefs.IsConflict(err) {
		// containers still on it: orphans down kept, or another tool's
		e.warn("network %s is still in use, not removed", name)
		e.event(ev, "In use", "", true)
		return nil
	}
	if err != nil && !errdefs.IsNotFound(err) {
		err = fmt.Errorf("remove network %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Removed", "", true)
	return nil
}

func (e *Engine) removeVolume(ctx context.Context, name string) error {
	ev := "Volume " + name
	e.event(ev, "Removing", "", false)
	err := e.api.VolumeRemove(ctx, name, false)
	if errdefs.IsConflict(err) {
		e.warn("volume %s is still in use, not removed", name)
		e.event(ev, "In use", "", true)
		return nil
	}
	if err != nil && !errdefs.IsNotFound(err) {
		err = fmt.Errorf("remove volume %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Removed", "", true)
	return nil
}

func (e *Engine) removeImage(ctx context.Context, ref string) error {
	ev := "Image " + ref
	e.event(ev, "Removing", "", false)
	if _, err := e.api.ImageRemove(ctx, ref, image.RemoveOptions{}); err != nil && !errdefs.IsNotFound(err) {
		err = fmt.Errorf("remove image %s: %w", ref, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Removed", "", true)
	return nil
}
