package engine

import (
	"context"
	"encoding/json"
	"io"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/pkg/jsonmessage"

	"github.com/envctl/envctl/engine/plan"
	"github.com/envctl/envctl/project"
)

// PushOptions are the flags of `push`.
type PushOptions struct {
	Services       []string
	IgnoreFailures bool // --ignore-push-failures
	IncludeDeps    bool // --include-deps
}

// Push pushes the images of the services that build one and name it with
// image:, as docker compose does; each image once, in parallel.
func (e *Engine) Push(ctx context.Context, p *project.Project, o PushOptions) error {
	scope, err := plan.Scope(p, o.Services, !o.IncludeDeps)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var refs []string
	for _, name := range scope {
		svc := p.Services[name]
		if svc.Build == nil || svc.Image == "" {
			if len(o.Services) > 0 && svc.Image == "" && svc.Build != nil {
				e.warn("service %s has no image: name to push under; skipped", name)
			}
			continue
		}
		refs = append(refs, svc.Image)
		refs = append(refs, svc.Build.Tags...)
	}
	var uniq []string
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			uniq = append(uniq, r)
		}
	}
	if e.opts.DryRun {
		for _, r := range uniq {
			_, _ = io.WriteString(e.opts.Out, "image "+r+": push\n")
		}
		return nil
	}
	return eachJoined(uniq, func(ref string) error {
		err := e.pushImage(ctx, ref)
		if err != nil && o.IgnoreFailures && ctx.Err() == nil {
			e.warn("%v", err)
			return nil
		}
		return err
	})
}

// pushImage pushes one image with its registry's credentials; the progress
// of its layers is one line.
func (e *Engine) pushImage(ctx context.Context, ref string) error {
	ev := "Image " + ref
	host := registryOf(ref)
	fail := func(err error) error {
		err = registryError("push", ref, host, err)
		e.eventErr(ev, err)
		return err
	}
	auth, err := e.registryAuth(ref)
	if err != nil {
		return fail(err)
	}
	if auth == "" {
		// the engine refuses a push without the header; an empty
		// credential is what the docker CLI sends when not logged in
		auth = emptyAuth
	}
	e.event(ev, "Pushing", "to "+host, false)
	ls := newLayers()
	digest := ""
	err = watchStream(ctx, e.opts.RegistryTimeout, func(ctx context.Context) (io.ReadCloser, error) {
		return e.api.ImagePush(ctx, ref, image.PushOptions{RegistryAuth: auth})
	}, func(m jsonmessage.JSONMessage) error {
		if err := messageError(m); err != nil {
			return err
		}
		if m.Aux != nil {
			var aux struct{ Digest string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.Digest != "" {
				digest = aux.Digest
			}
		}
		if txt := ls.add(m); txt != "" {
			e.event(ev, "Pushing", txt, false)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	e.event(ev, "Pushed", digest, true)
	return nil
}
