package project

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
	"golang.org/x/sync/errgroup"
)

// Conditions a dependency can wait for, as the Compose Specification names them.
const (
	ConditionStarted   = types.ServiceConditionStarted
	ConditionHealthy   = types.ServiceConditionHealthy
	ConditionCompleted = types.ServiceConditionCompletedSuccessfully
)

// Dep is one edge: the service depended on and what the dependent waits for.
type Dep struct {
	Service   string
	Condition string
	Required  bool
	Restart   bool
}

// Graph holds the start-order edges between a project's services: depends_on,
// and the implicit ones from links, volumes_from and shared namespaces.
type Graph struct {
	names      []string
	deps       map[string][]Dep
	dependents map[string][]string
}

// CycleError names the services of a dependency cycle in order.
type CycleError struct{ Cycle []string }

func (e *CycleError) Error() string {
	return "dependency cycle: " + strings.Join(e.Cycle, " -> ")
}

// Direction of a walk: Up visits dependencies first, Down dependents first.
type Direction int

const (
	Up Direction = iota
	Down
)

// NewGraph builds the graph of the project's enabled services. Edges to
// services that are not in the project (optional dependencies) are dropped.
func NewGraph(p *types.Project) (*Graph, error) {
	g := &Graph{deps: map[string][]Dep{}, dependents: map[string][]string{}}
	for _, name := range p.ServiceNames() {
		g.names = append(g.names, name)
		svc := p.Services[name]
		seen := map[string]bool{}
		add := func(d Dep) {
			if _, ok := p.Services[d.Service]; !ok || seen[d.Service] {
				return
			}
			seen[d.Service] = true
			g.deps[name] = append(g.deps[name], d)
			g.dependents[d.Service] = append(g.dependents[d.Service], name)
		}
		for _, dep := range sortedKeys(svc.DependsOn) {
			c := svc.DependsOn[dep]
			cond := c.Condition
			if cond == "" {
				cond = ConditionStarted
			}
			add(Dep{Service: dep, Condition: cond, Required: c.Required, Restart: c.Restart})
		}
		for _, target := range implicitDeps(svc) {
			add(Dep{Service: target, Condition: ConditionStarted, Required: true})
		}
	}
	sort.Strings(g.names)
	for k := range g.dependents {
		sort.Strings(g.dependents[k])
	}
	if c := g.findCycle(); c != nil {
		return nil, &CycleError{Cycle: c}
	}
	return g, nil
}

// implicitDeps are the services a container cannot be created without.
func implicitDeps(svc types.ServiceConfig) []string {
	var out []string
	for _, l := range svc.Links {
		t, _, _ := strings.Cut(l, ":")
		out = append(out, t)
	}
	for _, v := range svc.VolumesFrom {
		t, _, _ := strings.Cut(v, ":")
		if t != "container" {
			out = append(out, t)
		}
	}
	for _, mode := range []string{svc.NetworkMode, svc.Ipc, svc.Pid} {
		if t, ok := strings.CutPrefix(mode, "service:"); ok {
			out = append(out, t)
		}
	}
	return out
}

// Services lists the services in name order.
func (g *Graph) Services() []string { return append([]string(nil), g.names...) }

// Deps lists what a service depends on, in name order of depends_on first.
func (g *Graph) Deps(name string) []Dep { return g.deps[name] }

// Dependents lists the services that depend on name.
func (g *Graph) Dependents(name string) []string { return g.dependents[name] }

func (g *Graph) findCycle() []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var cycle []string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, d := range g.deps[n] {
			switch color[d.Service] {
			case grey:
				i := len(stack) - 1
				for stack[i] != d.Service {
					i--
				}
				cycle = append(append([]string(nil), stack[i:]...), d.Service)
				return true
			case white:
				if visit(d.Service) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	for _, n := range g.names {
		if color[n] == white && visit(n) {
			return cycle
		}
	}
	return nil
}

// Walk calls fn once for every service, Up: after all its dependencies' calls
// returned, Down: after all its dependents' calls returned. At most limit calls
// run at once (no bound when limit < 1). The first error cancels the context
// given to running calls and no further calls start; Walk returns that error.
func (g *Graph) Walk(ctx context.Context, dir Direction, limit int, fn func(ctx context.Context, service string) error) error {
	before, after := g.order(dir)
	pending := map[string]int{}
	for _, n := range g.names {
		pending[n] = len(before(n))
	}
	eg, ctx := errgroup.WithContext(ctx)
	var sem chan struct{}
	if limit > 0 {
		sem = make(chan struct{}, limit)
	}
	var mu sync.Mutex
	var launch func(n string)
	launch = func(n string) {
		eg.Go(func() error {
			if sem != nil {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return ctx.Err()
				}
				defer func() { <-sem }()
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(ctx, n); err != nil {
				return err
			}
			mu.Lock()
			var ready []string
			for _, next := range after(n) {
				pending[next]--
				if pending[next] == 0 {
					ready = append(ready, next)
				}
			}
			mu.Unlock()
			for _, r := range ready {
				launch(r)
			}
			return nil
		})
	}
	var roots []string
	for _, n := range g.names {
		if pending[n] == 0 {
			roots = append(roots, n)
		}
	}
	for _, r := range roots {
		launch(r)
	}
	return eg.Wait()
}

// order returns, for a direction, what must finish before a node and what a
// node unblocks.
func (g *Graph) order(dir Direction) (before, after func(string) []string) {
	depNames := func(n string) []string {
		var out []string
		for _, d := range g.deps[n] {
			out = append(out, d.Service)
		}
		return out
	}
	dependents := func(n string) []string { return g.dependents[n] }
	if dir == Up {
		return depNames, dependents
	}
	return dependents, depNames
}

// String shows the edges, for tests and debugging.
func (g *Graph) String() string {
	var b strings.Builder
	for _, n := range g.names {
		fmt.Fprintf(&b, "%s:", n)
		for _, d := range g.deps[n] {
			fmt.Fprintf(&b, " %s(%s)", d.Service, d.Condition)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
