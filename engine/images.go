package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/project"
)

// ImageOptions say how `up`, `create` and `run` obtain missing images.
type ImageOptions struct {
	Build   bool   // --build: build images before starting
	NoBuild bool   // --no-build: never build
	Pull    string // --pull: always, missing, never (empty: per service pull_policy)
}

// builderOf is the service that builds ref: the first, by name, with a build
// section whose image is ref. Services that only name the image use it.
func builderOf(p *project.Project, ref string) (types.ServiceConfig, bool) {
	for _, name := range p.ServiceNames() {
		svc := p.Services[name]
		if svc.Build != nil && p.ImageName(svc) == ref {
			return svc, true
		}
	}
	return types.ServiceConfig{}, false
}

func hasBuilder(p *project.Project, ref string) bool {
	_, ok := builderOf(p, ref)
	return ok
}

// localImages inspects the images the services use; absent ones are not in
// the map.
func (e *Engine) localImages(ctx context.Context, p *project.Project, scope []string) (map[string]image.InspectResponse, error) {
	refs := map[string]bool{}
	for _, name := range scope {
		refs[p.ImageName(p.Services[name])] = true
	}
	out := map[string]image.InspectResponse{}
	var mu sync.Mutex
	eg, ctx := errgroup.WithContext(ctx)
	for ref := range refs {
		eg.Go(func() error {
			img, err := e.api.ImageInspect(ctx, ref)
			if errdefs.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			out[ref] = img
			mu.Unlock()
			return nil
		})
	}
	return out, eg.Wait()
}

// policy is what a service's pull_policy, or --pull, says.
func policy(svc types.ServiceConfig, flag string) (string, time.Duration, error) {
	if flag != "" {
		svc.PullPolicy = flag
	}
	return svc.GetPullPolicy()
}

// wantPull says whether an image must be pulled under policy pol.
func wantPull(pol string, every time.Duration, img image.InspectResponse, present bool, now time.Time) bool {
	switch pol {
	case types.PullPolicyAlways:
		return true
	case types.PullPolicyNever, types.PullPolicyBuild:
		return false
	case types.PullPolicyRefresh:
		if !present {
			return true
		}
		tagged := img.Metadata.LastTagTime
		return tagged.IsZero() || now.Sub(tagged) > every
	}
	return !present
}

// imageNeed is what must happen to one image before containers use it.
type imageNeed struct {
	pull, build bool
	platform    string
}

// imageNeeds decides, per image the scope uses, whether to pull or build it:
// the pull policies (or --pull) say when to pull; what has a build section is
// built when missing, with --build, or under pull_policy: build. It is pure:
// images are the present ones, now is the time refresh policies compare to.
func imageNeeds(p *project.Project, scope []string, images map[string]image.InspectResponse, o ImageOptions, now time.Time) ([]string, map[string]*imageNeed, error) {
	needs := map[string]*imageNeed{}
	var refs []string
	for _, name := range scope {
		svc := p.Services[name]
		ref := p.ImageName(svc)
		pol, every, err := policy(svc, o.Pull)
		if err != nil {
			return nil, nil, fmt.Errorf("service %s: %w", name, err)
		}
		n := needs[ref]
		if n == nil {
			n = &imageNeed{platform: svc.Platform}
			needs[ref] = n
			refs = append(refs, ref)
		}
		img, present := images[ref]
		_, buildable := builderOf(p, ref)
		switch {
		case buildable && (o.Build || pol == types.PullPolicyBuild):
			n.build = true
		case svc.Image != "" && wantPull(pol, every, img, present, now) && (!buildable || pol != types.PullPolicyMissing):
			n.pull = true
		case !present && buildable:
			n.build = true
		case !present && pol == types.PullPolicyNever:
			return nil, nil, fmt.Errorf("service %s: image %s is not present locally and pull_policy is never", name, ref)
		}
	}
	sort.Strings(refs)
	return refs, needs, nil
}

// ensureImages makes every image the scope needs present: it pulls what the
// pull policies ask for, then builds what imageNeeds says (and what could be
// built but not pulled). Each image is handled once however many services
// use it.
func (e *Engine) ensureImages(ctx context.Context, p *project.Project, scope []string, o ImageOptions) error {
	images, err := e.localImages(ctx, p, scope)
	if err != nil {
		return err
	}
	refs, needs, err := imageNeeds(p, scope, images, o, time.Now())
	if err != nil {
		return err
	}
	if e.opts.DryRun {
		for _, ref := range refs {
			switch n := needs[ref]; {
			case n.build:
				fmt.Fprintf(e.opts.Out, "image %s: build\n", ref)
			case n.pull:
				fmt.Fprintf(e.opts.Out, "image %s: pull\n", ref)
			}
		}
		return nil
	}
	eg, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	var toBuild []string
	for _, ref := range refs {
		n := needs[ref]
		if !n.pull {
			if n.build {
				toBuild = append(toBuild, ref)
			}
			continue
		}
		eg.Go(func() error {
			err := e.pullImage(gctx, ref, n.platform)
			if err == nil {
				return nil
			}
			if _, buildable := builderOf(p, ref); !buildable {
				return err
			}
			// a buildable image that cannot be pulled is built instead
			e.warn("%v; building it instead", err)
			mu.Lock()
			toBuild = append(toBuild, ref)
			mu.Unlock()
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	if len(toBuild) == 0 {
		return nil
	}
	if o.NoBuild {
		sort.Strings(toBuild)
		return fmt.Errorf("image %s must be built, but --no-build was given", toBuild[0])
	}
	var services []string
	for _, ref := range toBuild {
		svc, _ := builderOf(p, ref)
		services = append(services, svc.Name)
	}
	return e.buildServices(ctx, p, services, BuildOptions{})
}
