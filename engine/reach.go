package engine

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/errdefs"
	"golang.org/x/sync/errgroup"
)

// UnavailableImage is an image the engine neither has nor can get.
type UnavailableImage struct {
	Ref    string
	Reason string
}

// UnavailableImages returns the refs that are not on the engine and that the
// engine cannot find at their registry, each given at most timeout. Asking
// for the manifest (the distribution endpoint) downloads nothing, so an
// online machine pays one request per missing image, and an air-gapped one
// learns at once that the registry is out of reach.
func (e *Engine) UnavailableImages(ctx context.Context, refs []string, timeout time.Duration) ([]UnavailableImage, error) {
	var (
		mu  sync.Mutex
		out []UnavailableImage
	)
	g, ctx := errgroup.WithContext(ctx)
	for _, ref := range refs {
		g.Go(func() error {
			_, err := e.api.ImageInspect(ctx, ref)
			if err == nil {
				return nil
			}
			if !errdefs.IsNotFound(err) {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			_, err = e.api.DistributionInspect(pctx, ref, "")
			if err == nil {
				return nil
			}
			reason := strings.TrimPrefix(err.Error(), "Error response from daemon: ")
			if pctx.Err() != nil && ctx.Err() == nil {
				reason = "no answer from its registry within " + timeout.String()
			}
			mu.Lock()
			out = append(out, UnavailableImage{Ref: ref, Reason: reason})
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}
