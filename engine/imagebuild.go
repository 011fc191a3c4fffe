package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/envctl/envctl/engine/build"
	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// BuildOptions are the flags of `build` (and what up's --build implies).
type BuildOptions struct {
	Services []string
	// Args are --build-arg values; nil takes the value from Env.
	Args             map[string]*string
	NoCache          bool
	Pull             bool
	WithDependencies bool
	Push             bool
	// Env resolves --build-arg KEY without a value.
	Env func(string) (string, bool)
}

// Build builds the images of the services that have a build section (all
// when none are named), then pushes them with Push.
func (e *Engine) Build(ctx context.Context, p *project.Project, o BuildOptions) error {
	names := o.Services
	if len(names) == 0 {
		names = p.ServiceNames()
	}
	if o.WithDependencies {
		scope, err := plan.Scope(p, names, false)
		if err != nil {
			return err
		}
		names = scope
	}
	var buildable []string
	for _, n := range names {
		svc, ok := p.Services[n]
		if !ok {
			return fmt.Errorf("no such service: %s", n)
		}
		if svc.Build != nil {
			buildable = append(buildable, n)
		}
	}
	if e.opts.DryRun {
		for _, n := range buildable {
			fmt.Fprintf(e.opts.Out, "image %s: build\n", p.ImageName(p.Services[n]))
		}
		return nil
	}
	if err := e.buildServices(ctx, p, buildable, o); err != nil {
		return err
	}
	if !o.Push {
		return nil
	}
	return e.Push(ctx, p, PushOptions{Services: buildable})
}

// buildJob is one image to build: several services may share it.
type buildJob struct {
	ref     string
	service string   // the service whose build section is used
	deps    []string // refs built first (additional_contexts service:NAME)
	done    chan struct{}
	err     error
}

// buildServices builds the images of the services, each image once, those
// their builds use through service: contexts first, independent ones in
// parallel (at most --parallel at a time).
func (e *Engine) buildServices(ctx context.Context, p *project.Project, services []string, o BuildOptions) error {
	jobs := map[string]*buildJob{}
	var add func(name string, chain []string) error
	add = func(name string, chain []string) error {
		svc, ok := p.Services[name]
		if !ok {
			return fmt.Errorf("no such service: %s", name)
		}
		if svc.Build == nil {
			return fmt.Errorf("service %s has no build section", name)
		}
		ref := p.ImageName(svc)
		if _, ok := jobs[ref]; ok {
			return nil
		}
		for _, c := range chain {
			if c == name {
				return fmt.Errorf("build contexts form a cycle: %s", strings.Join(append(chain, name), " -> "))
			}
		}
		j := &buildJob{ref: ref, service: name, done: make(chan struct{})}
		for _, dep := range build.ContextServices(svc) {
			if err := add(dep, append(chain, name)); err != nil {
				return fmt.Errorf("service %s: build.additional_contexts: %w", name, err)
			}
			j.deps = append(j.deps, p.ImageName(p.Services[dep]))
		}
		jobs[ref] = j
		return nil
	}
	sort.Strings(services)
	for _, s := range services {
		if err := add(s, nil); err != nil {
			return err
		}
	}
	builder := e.builder()
	var slots chan struct{}
	if e.opts.Parallel > 0 {
		slots = make(chan struct{}, e.opts.Parallel)
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(j.done)
			for _, d := range j.deps {
				dj := jobs[d]
				select {
				case <-dj.done:
				case <-ctx.Done():
					j.err = ctx.Err()
					return
				}
				if dj.err != nil {
					j.err = fmt.Errorf("image %s not built: it needs %s, which failed", j.ref, d)
					e.eventErr("Image "+j.ref, j.err)
					return
				}
			}
			if slots != nil {
				select {
				case slots <- struct{}{}:
					defer func() { <-slots }()
				case <-ctx.Done():
					j.err = ctx.Err()
					return
				}
			}
			j.err = e.buildImage(ctx, p, j.service, o, builder)
		}()
	}
	wg.Wait()
	var errs []error
	refs := make([]string, 0, len(jobs))
	for ref := range jobs {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		j := jobs[ref]
		var be *build.Error
		if errors.As(j.err, &be) {
			e.printBuildLog(be)
		}
		if j.err != nil {
			errs = append(errs, j.err)
		}
	}
	return errors.Join(errs...)
}

// printBuildLog shows the whole output of a failed build, so the failing
// step is seen with what led to it.
func (e *Engine) printBuildLog(be *build.Error) {
	var b strings.Builder
	fmt.Fprintf(&b, "---- build log of %s ----\n", be.Ref)
	for _, l := range be.Log {
		b.WriteString(l + "\n")
	}
	if be.Step != "" {
		fmt.Fprintf(&b, "---- failed at %s: %s ----\n", be.Step, be.Msg)
	} else {
		fmt.Fprintf(&b, "---- failed: %s ----\n", be.Msg)
	}
	_, _ = fmt.Fprint(e.opts.Warn, b.String())
}

// buildRequest gathers what building service name needs.
func (e *Engine) buildRequest(p *project.Project, name string, o BuildOptions) (build.Request, build.Source, error) {
	svc := p.Services[name]
	ref := p.ImageName(svc)
	contexts, err := build.ImageContexts(svc, func(s string) (string, bool) {
		dep, ok := p.Services[s]
		if !ok || dep.Build == nil {
			return "", false
		}
		return p.ImageName(dep), true
	})
	if err != nil {
		return build.Request{}, build.Source{}, err
	}
	env := o.Env
	if env == nil {
		env = os.LookupEnv
	}
	req := build.Request{Project: p.Name, Service: svc, Ref: ref, Args: o.Args, NoCache: o.NoCache, Pull: o.Pull, Contexts: contexts, Env: env}
	src := build.Source{Dir: svc.Build.Context, Dockerfile: svc.Build.Dockerfile, Inline: svc.Build.DockerfileInline}
	if len(contexts) > 0 {
		text := src.Inline
		if text == "" {
			b, err := os.ReadFile(src.DockerfilePath())
			if err != nil {
				return build.Request{}, build.Source{}, fmt.Errorf("service %s: %w", name, err)
			}
			text = string(b)
		}
		src.Inline = build.WithImageContexts(text, contexts)
	}
	return req, src, nil
}
