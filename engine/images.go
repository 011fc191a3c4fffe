package engine

import (
	"context"
	"fmt"

	"github.com/docker/docker/errdefs"

	"github.com/envctl/envctl/project"
)

// ImageOptions say how `up`, `create` and `run` obtain missing images.
type ImageOptions struct {
	Build   bool   // --build: build images before starting
	NoBuild bool   // --no-build: never build
	Pull    string // --pull: always, missing, never (empty: per service pull_policy)
}

// ensureImages makes every image the scope needs present locally.
func (e *Engine) ensureImages(ctx context.Context, p *project.Project, scope []string, o ImageOptions) error {
	for _, name := range scope {
		svc := p.Services[name]
		ref := p.ImageName(svc)
		_, err := e.api.ImageInspect(ctx, ref)
		if err == nil {
			continue
		}
		if !errdefs.IsNotFound(err) {
			return err
		}
		return fmt.Errorf("service %s: image %s not found locally", name, ref)
	}
	return nil
}
