package engine

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

func projectFilter(name string, extra ...string) filters.Args {
	f := filters.NewArgs(filters.Arg("label", convert.LabelProject+"="+name))
	for _, l := range extra {
		f.Add("label", l)
	}
	return f
}

// containers lists the project's containers, one-offs included, by number.
func (e *Engine) containers(ctx context.Context, projectName string, all bool, extra ...string) ([]container.Summary, error) {
	list, err := e.api.ContainerList(ctx, container.ListOptions{All: all, Filters: projectFilter(projectName, extra...)})
	if err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if sa, sb := a.Labels[convert.LabelService], b.Labels[convert.LabelService]; sa != sb {
			return sa < sb
		}
		na, _ := strconv.Atoi(a.Labels[convert.LabelNumber])
		nb, _ := strconv.Atoi(b.Labels[convert.LabelNumber])
		if na != nb {
			return na < nb
		}
		return containerName(a) < containerName(b)
	})
	return list, nil
}

func containerName(c container.Summary) string {
	if len(c.Names) == 0 {
		return c.ID[:12]
	}
	return strings.TrimPrefix(c.Names[0], "/")
}

func toPlanContainer(c container.Summary) plan.Container {
	n, _ := strconv.Atoi(c.Labels[convert.LabelNumber])
	return plan.Container{
		ID:      c.ID,
		Name:    containerName(c),
		Service: c.Labels[convert.LabelService],
		Number:  n,
		State:   c.State,
		Hash:    c.Labels[convert.LabelConfigHash],
		Keys:    project.ParseKeyHashes(c.Labels[convert.LabelConfigKeys]),
		ImageID: c.ImageID,
		OneOff:  c.Labels[convert.LabelOneOff] == "True",
	}
}

// observe reads what the plan needs: the project's containers, which of the
// networks and volumes it refers to exist, and the IDs of its images.
func (e *Engine) observe(ctx context.Context, p *project.Project) (plan.State, error) {
	st := plan.State{Networks: map[string]bool{}, Volumes: map[string]bool{}, Images: map[string]string{}}
	var mu syncMap
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		list, err := e.containers(ctx, p.Name, true)
		for _, c := range list {
			st.Containers = append(st.Containers, toPlanContainer(c))
		}
		return err
	})
	g.Go(func() error {
		nets, err := e.api.NetworkList(ctx, network.ListOptions{})
		for _, n := range nets {
			mu.set(st.Networks, n.Name)
		}
		return err
	})
	g.Go(func() error {
		vols, err := e.api.VolumeList(ctx, volume.ListOptions{Filters: projectFilter(p.Name)})
		for _, v := range vols.Volumes {
			mu.set(st.Volumes, v.Name)
		}
		return err
	})
	for key, v := range p.Volumes {
		if !bool(v.External) && v.Name == "" {
			continue
		}
		name := p.VolumeName(key)
		g.Go(func() error {
			_, err := e.api.VolumeInspect(ctx, name)
			if err == nil {
				mu.set(st.Volumes, name)
				return nil
			}
			if errdefs.IsNotFound(err) {
				return nil
			}
			return err
		})
	}
	images := map[string]bool{}
	for _, s := range p.Services {
		images[p.ImageName(s)] = true
	}
	for ref := range images {
		g.Go(func() error {
			img, err := e.api.ImageInspect(ctx, ref)
			if err == nil {
				mu.put(st.Images, ref, img.ID)
				return nil
			}
			if errdefs.IsNotFound(err) {
				return nil
			}
			return err
		})
	}
	return st, g.Wait()
}

// syncMap guards writes to the plain maps observe fills from several goroutines.
type syncMap struct{ mu sync.Mutex }

func (m *syncMap) set(dst map[string]bool, k string) {
	m.mu.Lock()
	dst[k] = true
	m.mu.Unlock()
}

func (m *syncMap) put(dst map[string]string, k, v string) {
	m.mu.Lock()
	dst[k] = v
	m.mu.Unlock()
}
