package engine

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/pkg/jsonmessage"

	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// PullOptions are the flags of `pull`.
type PullOptions struct {
	Services        []string
	IgnoreFailures  bool // --ignore-pull-failures
	IgnoreBuildable bool // --ignore-buildable
	IncludeDeps     bool // --include-deps
}

// Pull pulls the images of the services (all when none are named), each
// image once, in parallel.
func (e *Engine) Pull(ctx context.Context, p *project.Project, o PullOptions) error {
	scope, err := plan.Scope(p, o.Services, !o.IncludeDeps)
	if err != nil {
		return err
	}
	images, err := e.localImages(ctx, p, scope)
	if err != nil {
		return err
	}
	type pull struct {
		ref       string
		platform  string
		buildable bool
	}
	var pulls []pull
	seen := map[string]bool{}
	for _, name := range scope {
		svc := p.Services[name]
		ref := p.ImageName(svc)
		ev := "Image " + ref
		switch {
		case svc.Image == "":
			e.event("Service "+name, "Skipped", "no image to pull (built locally)", true)
			continue
		case seen[ref]:
			if svc.Build != nil {
				for i := range pulls {
					if pulls[i].ref == ref {
						pulls[i].buildable = true
					}
				}
			}
			continue
		case svc.PullPolicy == types.PullPolicyNever || svc.PullPolicy == types.PullPolicyBuild:
			e.event(ev, "Skipped", "pull_policy is "+svc.PullPolicy, true)
			continue
		case svc.Build != nil && o.IgnoreBuildable:
			e.event(ev, "Skipped", "image can be built", true)
			continue
		case svc.PullPolicy == types.PullPolicyMissing || svc.PullPolicy == types.PullPolicyIfNotPresent:
			if _, ok := images[ref]; ok {
				e.event(ev, "Skipped", "present locally and pull_policy is "+svc.PullPolicy, true)
				continue
			}
		}
		seen[ref] = true
		pulls = append(pulls, pull{ref: ref, platform: svc.Platform, buildable: svc.Build != nil})
	}
	return eachJoined(pulls, func(pl pull) error {
		err := e.pullImage(ctx, pl.ref, pl.platform)
		switch {
		case err == nil:
			return nil
		case pl.buildable:
			e.warn("%v; the image can be built: envctl build", err)
			return nil
		case o.IgnoreFailures && ctx.Err() == nil:
			e.warn("%v", err)
			return nil
		}
		return err
	})
}

// pullImage pulls one image with the credentials of its registry; the
// progress of its layers is one line.
func (e *Engine) pullImage(ctx context.Context, ref, platform string) error {
	ev := "Image " + ref
	host := registryOf(ref)
	fail := func(err error) error {
		err = registryError("pull", ref, host, err)
		e.eventErr(ev, err)
		return err
	}
	auth, err := e.registryAuth(ref)
	if err != nil {
		return fail(err)
	}
	e.event(ev, "Pulling", "from "+host, false)
	ls := newLayers()
	err = watchStream(ctx, e.opts.RegistryTimeout, func(ctx context.Context) (io.ReadCloser, error) {
		return e.api.ImagePull(ctx, ref, image.PullOptions{RegistryAuth: auth, Platform: platform})
	}, func(m jsonmessage.JSONMessage) error {
		if err := messageError(m); err != nil {
			return err
		}
		if txt := ls.add(m); txt != "" {
			e.event(ev, "Pulling", txt, false)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	e.event(ev, "Pulled", ls.digest, true)
	return nil
}

// registryError names the image and the registry, and says what to do when
// the registry wants credentials.
func registryError(op, ref, host string, err error) error {
	msg := err.Error()
	hint := ""
	low := strings.ToLower(msg)
	if strings.Contains(low, "no basic auth credentials") || strings.Contains(low, "unauthorized") ||
		strings.Contains(low, "authentication required") || strings.Contains(low, "denied") {
		hint = fmt.Sprintf(" (log in with: docker login %s)", host)
	}
	dir := "from"
	if op == "push" {
		dir = "to"
	}
	return fmt.Errorf("%s %s %s registry %s: %s%s", op, ref, dir, host, msg, hint)
}
