package engine

import (
	"context"

	dbuild "github.com/docker/docker/api/types/build"

	"github.com/envctl/envctl/engine/build"
)

func (e *Engine) buildWithBuildKit(ctx context.Context, req build.Request, src build.Source, opts dbuild.ImageBuildOptions, log *build.Log) (string, error) {
	return e.buildClassic(ctx, req, src, opts, log)
}
