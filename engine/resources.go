package engine

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/errdefs"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

func (e *Engine) createNetwork(ctx context.Context, p *project.Project, key string) error {
	cfg := p.Networks[key]
	name := p.NetworkName(key)
	ev := "Network " + name
	e.event(ev, "Creating", "", false)
	labels := map[string]string{convert.LabelProject: p.Name, convert.LabelNetwork: key, convert.LabelVersion: convert.ComposeVersion}
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	opts := network.CreateOptions{
		Driver:     cfg.Driver,
		Options:    cfg.DriverOpts,
		Internal:   cfg.Internal,
		Attachable: cfg.Attachable,
		Labels:     labels,
		EnableIPv6: cfg.EnableIPv6,
	}
	if cfg.Ipam.Driver != "" || len(cfg.Ipam.Config) > 0 {
		opts.IPAM = &network.IPAM{Driver: cfg.Ipam.Driver, Options: cfg.Ipam.Options}
		for _, pool := range cfg.Ipam.Config {
			opts.IPAM.Config = append(opts.IPAM.Config, network.IPAMConfig{
				Subnet: pool.Subnet, Gateway: pool.Gateway, IPRange: pool.IPRange, AuxAddress: pool.AuxiliaryAddresses,
			})
		}
	}
	_, err := e.api.NetworkCreate(ctx, name, opts)
	if err != nil && !errdefs.IsConflict(err) {
		err = fmt.Errorf("create network %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Created", "", true)
	return nil
}

func (e *Engine) createVolume(ctx context.Context, p *project.Project, key string) error {
	cfg := p.Volumes[key]
	name := p.VolumeName(key)
	ev := "Volume " + name
	e.event(ev, "Creating", "", false)
	labels := map[string]string{convert.LabelProject: p.Name, convert.LabelVolume: key, convert.LabelVersion: convert.ComposeVersion}
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	_, err := e.api.VolumeCreate(ctx, volume.CreateOptions{Name: name, Driver: cfg.Driver, DriverOpts: cfg.DriverOpts, Labels: labels})
	if err != nil {
		err = fmt.Errorf("create volume %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Created", "", true)
	return nil
}

// anonVolumes are the volumes envctl made for anonymous mounts, found by the
// service, replica number and path they serve.
type anonVolumes struct {
	mu     sync.Mutex
	byKey  map[string]string
	byName map[string]bool
}

func anonKey(service string, number int, target string) string {
	return service + "\x00" + strconv.Itoa(number) + "\x00" + target
}

func (e *Engine) listAnonVolumes(ctx context.Context, projectName string) (*anonVolumes, error) {
	list, err := e.api.VolumeList(ctx, volume.ListOptions{Filters: projectFilter(projectName, convert.LabelAnonTarget)})
	if err != nil {
		return nil, err
	}
	a := &anonVolumes{byKey: map[string]string{}, byName: map[string]bool{}}
	for _, v := range list.Volumes {
		n, _ := strconv.Atoi(v.Labels[convert.LabelNumber])
		a.byKey[anonKey(v.Labels[convert.LabelService], n, v.Labels[convert.LabelAnonTarget])] = v.Name
		a.byName[v.Name] = true
	}
	return a, nil
}

// anonVolumesFor returns the volume for each anonymous mount of a replica:
// the one it had before, so data survives recreate and re-scaling, unless
// renew (-V) asks for fresh ones; the replaced container is then removed
// with its volumes, so that none linger. The engine picks the random name, as it
// does for anonymous volumes, and labels tie it to the replica.
func (e *Engine) anonVolumesFor(ctx context.Context, a *anonVolumes, p *project.Project, svc types.ServiceConfig, r plan.Replica, renew bool) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range svc.Volumes {
		if v.Type != types.VolumeTypeVolume || v.Source != "" {
			continue
		}
		key := anonKey(svc.Name, r.Number, v.Target)
		a.mu.Lock()
		name, ok := a.byKey[key]
		a.mu.Unlock()
		if ok && !renew {
			out[v.Target] = name
			continue
		}
		if ok && r.Old == nil {
			// -V on a new replica: its data from an earlier scale-up goes, or
			// two volumes would claim the same replica and path. A recreated
			// replica's old volumes go with its old container instead.
			if err := e.removeVolume(ctx, name); err != nil {
				return nil, err
			}
		}
		if !renew && r.Old != nil {
			if name := e.engineAnonVolume(ctx, r.Old.ID, v.Target); name != "" {
				out[v.Target] = name
				continue
			}
		}
		vol, err := e.api.VolumeCreate(ctx, volume.CreateOptions{Labels: map[string]string{
			convert.LabelProject:    p.Name,
			convert.LabelService:    svc.Name,
			convert.LabelNumber:     strconv.Itoa(r.Number),
			convert.LabelAnonTarget: v.Target,
			convert.LabelVersion:    convert.ComposeVersion,
		}})
		if err != nil {
			return nil, fmt.Errorf("anonymous volume %s of %s: %w", v.Target, r.Name, err)
		}
		a.mu.Lock()
		a.byKey[key] = vol.Name
		a.mu.Unlock()
		out[v.Target] = vol.Name
	}
	return out, nil
}

// engineAnonVolume finds a volume the engine itself created for a container
// made by another tool (docker compose), so envctl's recreate keeps its data.
func (e *Engine) engineAnonVolume(ctx context.Context, id, target string) string {
	info, err := e.api.ContainerInspect(ctx, id)
	if err != nil {
		return ""
	}
	for _, m := range info.Mounts {
		if m.Destination == target && m.Type == "volume" {
			return m.Name
		}
	}
	return ""
}
