package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// toolResult is one tool's runs in one scenario; runs[i] is round i's
// sample, nil where the tool did not run (so pairs stay aligned by round).
type toolResult struct {
	tool        *tool
	runs        []*sample
	failure     string
	unavailable bool
}

// result is one scenario's measurements.
type result struct {
	sc    scenario
	tools []*toolResult
	note  string // why the scenario could not run at all
}

// scenario runs the rounds: in each, every tool once, in a fixed order, so
// that the machine's drift spreads over all tools alike.
func (h *harness) scenario(ctx context.Context, sc scenario) (*result, error) {
	p := &proj{name: h.prefix + "s" + sc.id, dir: filepath.Join(h.tmp, "s"+sc.id)}
	res := &result{sc: sc}
	if err := p.write(sc.project(p.name, p.dir)); err != nil {
		return res, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		h.purgeProject(cctx, p.name)
		h.removeImages(cctx, p.name+"-")
	}()
	for _, t := range h.tools {
		res.tools = append(res.tools, &toolResult{tool: t, unavailable: !t.has(ctx, sc.args[0])})
	}
	h.logf("scenario %s: %s", sc.id, sc.title)
	if sc.once != nil {
		if err := sc.once(h, ctx, p); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.note = "setup failed: " + err.Error()
			h.logf("  %s", res.note)
			return res, nil
		}
	}
	rounds, warm := h.cfg.runs+1, 1
	if h.cfg.quick {
		rounds, warm = 1, 0
	}
	for r := 0; r < rounds; r++ {
		for _, tr := range res.tools {
			if tr.unavailable || tr.failure != "" {
				if r >= warm {
					tr.runs = append(tr.runs, nil)
				}
				continue
			}
			s, err := h.runOnce(ctx, sc, p, tr.tool, r)
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if err != nil {
				tr.failure = err.Error()
				h.logf("  %-24s failed: %s", tr.tool.name, tr.failure)
			}
			if r >= warm {
				if err != nil {
					tr.runs = append(tr.runs, nil)
				} else {
					tr.runs = append(tr.runs, &s)
				}
			}
		}
	}
	return res, nil
}

func (h *harness) runOnce(ctx context.Context, sc scenario, p *proj, t *tool, round int) (sample, error) {
	if sc.before != nil {
		if err := sc.before(h, ctx, p, t); err != nil {
			return sample{}, err
		}
	}
	argv, err := h.argv(ctx, t, p, sc.args...)
	if err != nil {
		return sample{}, err
	}
	base := filepath.Join(h.tmp, fmt.Sprintf("s%s-%s-%d", sc.id, safe(t.name), round))
	s, err := h.measure(ctx, p.dir, argv, base, sc.discard)
	if err != nil {
		return s, err
	}
	if sc.check != nil {
		if err := sc.check(h, ctx, p); err != nil {
			return s, fmt.Errorf("exited 0, but %w", err)
		}
	}
	h.logf("  %-24s run %d: wall %7s  cpu %7s  rss %s", t.name, round, ms(s.wall), ms(s.cpu), mib(s.rss))
	return s, nil
}
