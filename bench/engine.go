package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/errdefs"

	"github.com/envctl/envctl/bench/spec"
)

// purgeProject removes one project's containers, networks and volumes.
func (h *harness) purgeProject(ctx context.Context, name string) {
	h.purge(ctx, func(p string) bool { return p == name })
}

// purge removes the containers, networks and volumes of every project the
// name test accepts. Only objects labelled with such a project are touched.
func (h *harness) purge(ctx context.Context, ours func(project string) bool) {
	match := func(labels map[string]string) bool { return ours(labels[spec.LabelProject]) }
	key := filters.NewArgs(filters.Arg("label", spec.LabelProject))
	list, _ := h.api.ContainerList(ctx, container.ListOptions{All: true, Filters: key})
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for _, c := range list {
		if !match(c.Labels) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			_ = h.api.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		}()
	}
	wg.Wait()
	nets, _ := h.api.NetworkList(ctx, network.ListOptions{Filters: key})
	for _, n := range nets {
		if match(n.Labels) {
			h.removeNetwork(ctx, n.ID, n.Name)
		}
	}
	vols, _ := h.api.VolumeList(ctx, volume.ListOptions{Filters: key})
	for _, v := range vols.Volumes {
		if match(v.Labels) {
			_ = h.api.VolumeRemove(ctx, v.Name, true)
		}
	}
}

// removeNetwork retries a little: endpoints of just-removed containers can
// take a moment to go. Engine 20.10 sometimes keeps a stale endpoint for good
// ("has active endpoints" with no container attached); that is logged, as
// only restarting the engine clears it.
func (h *harness) removeNetwork(ctx context.Context, id, name string) {
	var err error
	for range 4 {
		if err = h.api.NetworkRemove(ctx, id); err == nil || errdefs.IsNotFound(err) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	h.logf("clean-up: network %s left: %v", name, err)
}

// removeImages deletes images whose tag starts with prefix, with their
// untagged parents, so the next build cannot reuse a layer.
func (h *harness) removeImages(ctx context.Context, prefix string) {
	imgs, _ := h.api.ImageList(ctx, image.ListOptions{})
	for _, img := range imgs {
		for _, tag := range img.RepoTags {
			if strings.HasPrefix(tag, prefix) {
				_, _ = h.api.ImageRemove(ctx, tag, image.RemoveOptions{Force: true, PruneChildren: true})
			}
		}
	}
}

func (h *harness) projectContainers(ctx context.Context, name string) ([]container.Summary, error) {
	return h.api.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", spec.LabelProject+"="+name))})
}

// containerNames are the project's container names, sorted.
func (h *harness) containerNames(ctx context.Context, name string) ([]string, error) {
	list, err := h.projectContainers(ctx, name)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range list {
		if len(c.Names) > 0 {
			names = append(names, strings.TrimPrefix(c.Names[0], "/"))
		}
	}
	sort.Strings(names)
	return names, nil
}

// checkRunning is the check after an up: every service has one running
// container. A tool that exits 0 having done less does not get timed as done.
func (h *harness) checkRunning(ctx context.Context, p *proj) error {
	list, err := h.projectContainers(ctx, p.name)
	if err != nil {
		return err
	}
	running := map[string]int{}
	for _, c := range list {
		if c.State == container.StateRunning {
			running[c.Labels[spec.LabelService]]++
		}
	}
	for _, s := range p.spec.Services {
		if running[s.Name] != 1 {
			return fmt.Errorf("service %s has %d running containers, want 1", s.Name, running[s.Name])
		}
	}
	return nil
}

// checkGone is the check after a down: no container and no network left.
func (h *harness) checkGone(ctx context.Context, p *proj) error {
	list, err := h.projectContainers(ctx, p.name)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		return fmt.Errorf("%d containers left", len(list))
	}
	nets, err := h.api.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", p.spec.Network()))})
	if err != nil {
		return err
	}
	for _, n := range nets {
		if n.Name == p.spec.Network() {
			return fmt.Errorf("network %s left", n.Name)
		}
	}
	return nil
}

// checkImages is the check after a build: every service's image exists.
func (h *harness) checkImages(ctx context.Context, p *proj) error {
	for _, s := range p.spec.Services {
		if _, err := h.api.ImageInspect(ctx, s.Image); err != nil {
			return fmt.Errorf("image %s: %w", s.Image, err)
		}
	}
	return nil
}

// waitExited waits until every container of the project has exited.
func (h *harness) waitExited(ctx context.Context, p *proj, n int) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		list, err := h.projectContainers(ctx, p.name)
		if err != nil {
			return err
		}
		exited := 0
		for _, c := range list {
			if c.State == container.StateExited {
				exited++
			}
		}
		if exited == n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("containers of %s did not all exit", p.name)
}
