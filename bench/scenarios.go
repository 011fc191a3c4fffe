package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/envctl/envctl/bench/spec"
)

// scenario is one measured command. Everything but the command itself
// (clean-up, setup, checks) is untimed.
type scenario struct {
	id, title string
	args      []string // the command after the global flags
	project   func(name, dir string) *spec.Project
	once      func(h *harness, ctx context.Context, p *proj) error          // before all runs
	before    func(h *harness, ctx context.Context, p *proj, t *tool) error // before each run
	check     func(h *harness, ctx context.Context, p *proj) error          // after each run
	discard   bool                                                          // stdout to /dev/null
	target    *target
}

// target is a goal for envctl's median pairwise wall-time ratio.
type target struct {
	vs  toolKind // kindFloor or kindCompose
	max float64
}

func (t target) String() string { return fmt.Sprintf("≤ %.2f×", t.max) }

func (t target) against() string {
	if t.vs == kindCompose {
		return "docker compose"
	}
	return "the floor"
}

func clean(h *harness, ctx context.Context, p *proj, _ *tool) error {
	h.purgeProject(ctx, p.name)
	return nil
}

// cleanThenUp starts each run from the project up, as the tool itself
// left it (compose tools each hash configuration their own way).
func cleanThenUp(h *harness, ctx context.Context, p *proj, t *tool) error {
	h.purgeProject(ctx, p.name)
	return h.setup(ctx, t, p, "up", "-d")
}

// envctlUp brings a project up once, with envctl, for the read-only scenarios.
func envctlUp(h *harness, ctx context.Context, p *proj) error {
	return h.setup(ctx, h.tools[0], p, "up", "-d")
}

func scenarios() []scenario {
	up := []string{"up", "-d"}
	return []scenario{
		{id: "1", title: "cold `up -d`: 20 services in 4 dependency layers of 5", args: up,
			project: func(n, _ string) *spec.Project { return layered(n, 4, 5) },
			before:  clean, check: (*harness).checkRunning, target: &target{kindFloor, 1.10}},
		{id: "2", title: "cold `up -d`: 50 independent services", args: up,
			project: func(n, _ string) *spec.Project { return independent(n, 50) },
			before:  clean, check: (*harness).checkRunning, target: &target{kindFloor, 1.10}},
		{id: "3", title: "health chain: 5 services, each `service_healthy` on the previous, interval 1 s", args: up,
			project: func(n, _ string) *spec.Project { return healthChain(n, 5, time.Second) },
			before:  clean, check: (*harness).checkRunning, target: &target{kindFloor, 1.05}},
		{id: "4", title: "no-op `up -d` (20 services, nothing changed)", args: up,
			project: func(n, _ string) *spec.Project { return layered(n, 4, 5) },
			before:  cleanThenUp, check: (*harness).checkRunning, target: &target{kindCompose, 0.5}},
		{id: "5", title: "`up -d` after changing one service's environment (20 services; the changed one has no dependents)", args: up,
			project: func(n, _ string) *spec.Project { return layered(n, 4, 5) },
			before:  changedEnvBefore, check: changedEnvCheck},
		{id: "6a", title: "`ps` on a 200-service project", args: []string{"ps"},
			project: func(n, _ string) *spec.Project { return independent(n, 200) },
			once: func(h *harness, ctx context.Context, p *proj) error {
				if err := envctlUp(h, ctx, p); err != nil {
					return err
				}
				return h.checkRunning(ctx, p)
			},
			target: &target{kindFloor, 1.5}},
		{id: "6b", title: "`config` on a 200-service project", args: []string{"config"},
			project: func(n, _ string) *spec.Project { return independent(n, 200) },
			target:  &target{kindFloor, 1.2}},
		{id: "7", title: "`down` of scenario 1 (20 services in 4 layers)", args: []string{"down"},
			project: func(n, _ string) *spec.Project { return layered(n, 4, 5) },
			before:  cleanThenUp, check: (*harness).checkGone, target: &target{kindFloor, 1.10}},
		{id: "8", title: "`logs` of 5 containers × 200,000 lines (output to /dev/null)", args: []string{"logs", "--no-color"},
			project: func(n, _ string) *spec.Project { return chatty(n, 5, 200000) },
			once: func(h *harness, ctx context.Context, p *proj) error {
				if err := envctlUp(h, ctx, p); err != nil {
					return err
				}
				return h.waitExited(ctx, p, 5)
			},
			discard: true, target: &target{kindFloor, 1.05}},
		{id: "9", title: "`build` of 5 independent small images", args: []string{"build"},
			project: func(n, dir string) *spec.Project { return builds(n, dir, 5) },
			before: func(h *harness, ctx context.Context, p *proj, _ *tool) error {
				h.removeImages(ctx, p.name+"-")
				return freshContexts(p.spec)
			},
			check: (*harness).checkImages},
	}
}

const changedService = "l4s1"

// changedEnvBefore brings the base project up with the tool, then rewrites
// the files with one service's environment changed.
func changedEnvBefore(h *harness, ctx context.Context, p *proj, t *tool) error {
	base := layered(p.name, 4, 5)
	if err := p.write(base); err != nil {
		return err
	}
	if err := cleanThenUp(h, ctx, p, t); err != nil {
		return err
	}
	changed := layered(p.name, 4, 5)
	for i := range changed.Services {
		if changed.Services[i].Name == changedService {
			changed.Services[i].Environment = []string{"BENCH_REV=2"}
		}
	}
	return p.write(changed)
}

// changedEnvCheck: all up, and the changed service runs the new environment.
func changedEnvCheck(h *harness, ctx context.Context, p *proj) error {
	if err := h.checkRunning(ctx, p); err != nil {
		return err
	}
	list, err := h.projectContainers(ctx, p.name)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Labels[spec.LabelService] != changedService {
			continue
		}
		info, err := h.api.ContainerInspect(ctx, c.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(info.Config.Env, "BENCH_REV=2") {
			return fmt.Errorf("%s was not recreated with the new environment (env %s)", changedService, strings.Join(info.Config.Env, " "))
		}
	}
	return nil
}
