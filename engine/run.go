package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/format"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/errdefs"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// RunOptions are the flags of `run`.
type RunOptions struct {
	Service string
	// Cmd replaces the service's command when not nil.
	Cmd []string
	// Entrypoint replaces the service's entrypoint when not nil.
	Entrypoint   []string
	Name         string
	Detach       bool
	Remove       bool
	Env          []string // NAME=value
	Labels       map[string]string
	Publish      []string // -p specs
	ServicePorts bool
	NoDeps       bool
	User         string
	WorkingDir   string
	Volumes      []string // -v specs
	Interactive  bool
	UseAliases   bool
	Images       ImageOptions
}

// RunResult is what a one-off container did.
type RunResult struct {
	Name     string
	ExitCode int
}

// Run starts a one-off container of a service, after its dependencies
// unless NoDeps, and unless Detach waits for it and returns its exit code.
func (e *Engine) Run(ctx context.Context, p *project.Project, o RunOptions, s Stdio) (RunResult, error) {
	svc, ok := p.Services[o.Service]
	if !ok {
		return RunResult{}, fmt.Errorf("no such service: %s", o.Service)
	}
	svc, err := runService(p, svc, o, s.TTY)
	if err != nil {
		return RunResult{}, err
	}
	deps := false
	if !o.NoDeps {
		if deps, err = e.startDeps(ctx, p, o); err != nil {
			return RunResult{}, err
		}
	}
	slug := randomID()
	name := o.Name
	if name == "" {
		name = p.OneOffName(svc, slug[:12])
	}
	if e.opts.DryRun {
		if !deps {
			fmt.Fprint(e.opts.Out, "dry run: nothing was changed\n")
		}
		fmt.Fprintf(e.opts.Out, "container %s: create and run (one-off of service %s)\n", name, svc.Name)
		return RunResult{Name: name}, nil
	}
	if err := e.runResources(ctx, p, o); err != nil {
		return RunResult{}, err
	}
	in := convert.Input{Project: p, Service: svc, Number: 1, Name: name, OneOff: true, APIVersion: e.apiVersion}
	in.ContainerOf, in.LinkTargets, err = e.projectRefs(ctx, p.Name)
	if err != nil {
		return RunResult{}, err
	}
	out, err := convert.Container(in)
	if err != nil {
		return RunResult{}, err
	}
	for _, w := range out.Warnings {
		e.warn("service %s: %s", svc.Name, w)
	}
	attach := !o.Detach
	stdin := attach && o.Interactive && s.In != nil
	cfg := out.Config
	cfg.Labels[convert.LabelSlug] = slug
	cfg.Tty = s.TTY
	cfg.AttachStdin, cfg.OpenStdin, cfg.StdinOnce = stdin, stdin || svc.StdinOpen, stdin
	cfg.AttachStdout, cfg.AttachStderr = attach, attach
	out.Host.AutoRemove = o.Remove
	if o.Remove {
		// the engine refuses a restart policy with auto-removal
		out.Host.RestartPolicy = container.RestartPolicy{}
	}
	if sz := s.size(); s.TTY && sz != nil {
		out.Host.ConsoleSize = *sz
	}
	if o.UseAliases {
		addServiceAlias(out, svc.Name)
	}
	if !stdin {
		s.In = nil
	}
	ev := "Container " + name
	e.event(ev, "Creating", "", false)
	id, err := e.createComplete(ctx, in, out)
	if err != nil {
		e.eventErr(ev, err)
		return RunResult{}, err
	}
	e.event(ev, "Created", "", true)
	if o.Detach {
		return RunResult{Name: name}, e.startContainer(ctx, id, name)
	}
	code, err := e.runAttached(ctx, id, name, o.Remove, s)
	return RunResult{Name: name, ExitCode: code}, err
}

// runService applies run's flags to the service's configuration.
func runService(p *project.Project, svc types.ServiceConfig, o RunOptions, tty bool) (types.ServiceConfig, error) {
	if o.Cmd != nil {
		svc.Command = o.Cmd
	}
	if o.Entrypoint != nil {
		svc.Entrypoint = o.Entrypoint
	}
	if o.User != "" {
		svc.User = o.User
	}
	if o.WorkingDir != "" {
		svc.WorkingDir = o.WorkingDir
	}
	svc.Tty = tty
	// a one-off has no name of its own to keep
	svc.ContainerName = ""
	env := types.MappingWithEquals{}
	for k, v := range svc.Environment {
		env[k] = v
	}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = &v
	}
	svc.Environment = env
	labels := types.Labels{}
	for k, v := range svc.Labels {
		labels[k] = v
	}
	for k, v := range o.Labels {
		labels[k] = v
	}
	svc.Labels = labels
	if !o.ServicePorts {
		svc.Ports = nil
	}
	svc.Ports = slices.Clone(svc.Ports)
	for _, spec := range o.Publish {
		ports, err := types.ParsePortConfig(spec)
		if err != nil {
			return svc, fmt.Errorf("invalid --publish %q: %v", spec, err)
		}
		svc.Ports = append(svc.Ports, ports...)
	}
	svc.Volumes = slices.Clone(svc.Volumes)
	for _, spec := range o.Volumes {
		v, err := format.ParseVolume(spec)
		if err != nil {
			return svc, fmt.Errorf("invalid --volume %q: %v", spec, err)
		}
		switch {
		case v.Type == types.VolumeTypeBind && !filepath.IsAbs(v.Source):
			v.Source = filepath.Join(p.WorkingDir, v.Source)
		case v.Type == types.VolumeTypeVolume && v.Source != "":
			if _, ok := p.Volumes[v.Source]; !ok {
				return svc, fmt.Errorf("invalid --volume %q: volume %s is not declared in the project", spec, v.Source)
			}
		}
		svc.Volumes = append(svc.Volumes, v)
	}
	return svc, nil
}

// startDeps brings up what the service depends on, as `up` would, and says
// whether it had any.
func (e *Engine) startDeps(ctx context.Context, p *project.Project, o RunOptions) (bool, error) {
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return false, err
	}
	var deps []string
	for _, d := range g.Deps(o.Service) {
		deps = append(deps, d.Service)
	}
	if len(deps) == 0 {
		return false, nil
	}
	return true, e.Up(ctx, p, UpOptions{Plan: plan.Options{Selected: deps}, Images: o.Images})
}

// runResources makes the image, networks and volumes the one-off needs.
func (e *Engine) runResources(ctx context.Context, p *project.Project, o RunOptions) error {
	scope := []string{o.Service}
	if err := e.ensureImages(ctx, p, scope, o.Images); err != nil {
		return err
	}
	st, err := e.observe(ctx, p)
	if err != nil {
		return err
	}
	pl, err := plan.Make(p, st, plan.Options{Selected: scope, NoDeps: true, NoStart: true})
	if err != nil {
		return err
	}
	for _, n := range pl.Networks {
		if err := e.createNetwork(ctx, p, n.Key); err != nil {
			return err
		}
	}
	for _, v := range pl.Volumes {
		if err := e.createVolume(ctx, p, v.Key); err != nil {
			return err
		}
	}
	return nil
}

// projectRefs resolves service:X and links against the running project.
func (e *Engine) projectRefs(ctx context.Context, projectName string) (func(string) (string, error), func(string) []string, error) {
	list, err := e.containers(ctx, projectName, true, convert.LabelOneOff+"=False")
	if err != nil {
		return nil, nil, err
	}
	containerOf := func(service string) (string, error) {
		for _, c := range list {
			if c.Labels[convert.LabelService] == service {
				return c.ID, nil
			}
		}
		return "", fmt.Errorf("service %s has no container", service)
	}
	linkTargets := func(service string) []string {
		var names []string
		for _, c := range list {
			if c.Labels[convert.LabelService] == service {
				names = append(names, containerName(c))
			}
		}
		return names
	}
	return containerOf, linkTargets, nil
}

// addServiceAlias makes the one-off answer to the service's name
// (--use-aliases), as its replicas do.
func addServiceAlias(out *convert.Output, service string) {
	if out.Network != nil {
		for _, ep := range out.Network.EndpointsConfig {
			ep.Aliases = append(ep.Aliases, service)
		}
	}
	for _, c := range out.Connect {
		c.Settings.Aliases = append(c.Settings.Aliases, service)
	}
}

// runAttached attaches before starting, so no output is missed, and waits
// for the exit; with remove, for the engine to remove the container too.
func (e *Engine) runAttached(ctx context.Context, id, name string, remove bool, s Stdio) (int, error) {
	conn, err := e.api.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: s.In != nil, Stdout: true, Stderr: true})
	if err != nil {
		return 0, fmt.Errorf("attach %s: %w", name, err)
	}
	defer conn.Close()
	cond := container.WaitConditionNextExit
	if remove {
		cond = container.WaitConditionRemoved
	}
	waitC, waitErr := e.api.ContainerWait(ctx, id, cond)
	if err := e.startContainer(ctx, id, name); err != nil {
		if remove {
			_ = e.api.ContainerRemove(context.WithoutCancel(ctx), id, container.RemoveOptions{Force: true})
		}
		return 0, err
	}
	rctx, stopResize := context.WithCancel(ctx)
	defer stopResize()
	s.watchResize(rctx, func(ctx context.Context, h, w uint) error {
		return e.api.ContainerResize(ctx, id, container.ResizeOptions{Height: h, Width: w})
	})
	restore := s.raw()
	_, err = pump(ctx, conn, s, s.TTY)
	restore()
	if err != nil {
		if ctx.Err() != nil {
			e.stopOneOff(id, name)
		}
		return 0, err
	}
	select {
	case r := <-waitC:
		if r.Error != nil && r.Error.Message != "" {
			return 0, fmt.Errorf("wait for %s: %s", name, r.Error.Message)
		}
		return int(r.StatusCode), nil
	case err := <-waitErr:
		if ctx.Err() != nil {
			e.stopOneOff(id, name)
		}
		return 0, err
	}
}

// stopOneOff stops a one-off whose run was interrupted; --rm then removes it.
func (e *Engine) stopOneOff(id, name string) {
	ctx := context.Background()
	if err := e.api.ContainerStop(ctx, id, container.StopOptions{}); err != nil && !errdefs.IsNotFound(err) {
		e.warn("stop %s: %v", name, err)
	}
}

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
