package project

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

func graphOf(t *testing.T, deps map[string][]string) *Graph {
	t.Helper()
	p := &types.Project{Services: types.Services{}}
	for name, ds := range deps {
		s := types.ServiceConfig{Name: name}
		s.Image = "x"
		s.DependsOn = types.DependsOnConfig{}
		for _, d := range ds {
			s.DependsOn[d] = types.ServiceDependency{Condition: ConditionStarted, Required: true}
		}
		p.Services[name] = s
	}
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// record walks the graph one call at a time and returns the order of calls.
func record(t *testing.T, g *Graph, dir Direction) []string {
	var mu sync.Mutex
	var order []string
	err := g.Walk(context.Background(), dir, 1, func(ctx context.Context, s string) error {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return order
}

func before(order []string, a, b string) bool {
	return slices.Index(order, a) < slices.Index(order, b)
}

func TestWalkOrders(t *testing.T) {
	g := graphOf(t, map[string][]string{
		"web": {"api"}, "api": {"db", "cache"}, "db": nil, "cache": nil, "worker": {"db"},
	})
	up := record(t, g, Up)
	if len(up) != 5 {
		t.Fatalf("visited %v", up)
	}
	for _, e := range [][2]string{{"api", "web"}, {"db", "api"}, {"cache", "api"}, {"db", "worker"}} {
		if !before(up, e[0], e[1]) {
			t.Errorf("up: %s must come before %s: %v", e[0], e[1], up)
		}
	}
	down := record(t, g, Down)
	for _, e := range [][2]string{{"web", "api"}, {"api", "db"}, {"api", "cache"}, {"worker", "db"}} {
		if !before(down, e[0], e[1]) {
			t.Errorf("down: %s must come before %s: %v", e[0], e[1], down)
		}
	}
}

func TestWalkChainIsFixed(t *testing.T) {
	g := graphOf(t, map[string][]string{"a": nil, "b": {"a"}, "c": {"b"}, "d": {"c"}})
	if got := record(t, g, Up); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("up %v", got)
	}
	if got := record(t, g, Down); !slices.Equal(got, []string{"d", "c", "b", "a"}) {
		t.Errorf("down %v", got)
	}
}

// 100 services depending on one: the hub first, then all of them, each once,
// never more at a time than the bound.
func TestWalkFanInBounded(t *testing.T) {
	deps := map[string][]string{"hub": nil}
	for i := 0; i < 100; i++ {
		deps[fmt.Sprintf("s%03d", i)] = []string{"hub"}
	}
	g := graphOf(t, deps)
	var running, peak, hubDone atomic.Int32
	var mu sync.Mutex
	seen := map[string]int{}
	err := g.Walk(context.Background(), Up, 8, func(ctx context.Context, s string) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if s == "hub" {
			time.Sleep(5 * time.Millisecond)
			hubDone.Store(1)
		} else if hubDone.Load() == 0 {
			t.Errorf("%s ran before hub finished", s)
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		seen[s]++
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 101 {
		t.Errorf("visited %d services", len(seen))
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("%s visited %d times", s, n)
		}
	}
	if p := peak.Load(); p > 8 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..8", p)
	}
	// the reverse walk: the hub last
	var order []string
	err = g.Walk(context.Background(), Down, 0, func(ctx context.Context, s string) error {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
		return nil
	})
	if err != nil || order[len(order)-1] != "hub" {
		t.Errorf("down: err %v, last %v", err, order[len(order)-1])
	}
}

func TestWalkStopsOnErrorAndCancellation(t *testing.T) {
	g := graphOf(t, map[string][]string{"a": nil, "b": {"a"}, "c": {"b"}})
	boom := errors.New("boom")
	var calls []string
	err := g.Walk(context.Background(), Up, 1, func(ctx context.Context, s string) error {
		calls = append(calls, s)
		if s == "b" {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || !slices.Equal(calls, []string{"a", "b"}) {
		t.Errorf("err %v calls %v", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = nil
	err = g.Walk(ctx, Up, 1, func(ctx context.Context, s string) error {
		calls = append(calls, s)
		if s == "a" {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || !slices.Equal(calls, []string{"a"}) {
		t.Errorf("cancelled mid-walk: err %v calls %v", err, calls)
	}
}

func TestCycleIsNamed(t *testing.T) {
	p := &types.Project{Services: types.Services{
		"a": svc("a", func(s *types.ServiceConfig) { s.DependsOn = types.DependsOnConfig{"b": {Condition: ConditionStarted}} }),
		"b": {Name: "b", Links: []string{"c"}},
		"c": svc("c", func(s *types.ServiceConfig) { s.DependsOn = types.DependsOnConfig{"a": {Condition: ConditionHealthy}} }),
	}}
	_, err := NewGraph(p)
	var c *CycleError
	if !errors.As(err, &c) || c.Error() != "dependency cycle: a -> b -> c -> a" {
		t.Fatalf("err %v", err)
	}
}

func TestImplicitEdges(t *testing.T) {
	p := &types.Project{Services: types.Services{
		"web": svc("web", func(s *types.ServiceConfig) {
			s.NetworkMode = "service:vpn"
			s.VolumesFrom = []string{"data:ro", "container:other"}
			s.Links = []string{"db:database"}
		}),
		"vpn":  {Name: "vpn"},
		"data": {Name: "data"},
		"db": svc("db", func(s *types.ServiceConfig) {
			s.DependsOn = types.DependsOnConfig{"gone": {Condition: ConditionStarted, Required: false}}
		}),
	}}
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "data:\ndb:\nvpn:\nweb: db(service_started) data(service_started) vpn(service_started)\n"
	if got := g.String(); got != want {
		t.Errorf("graph\n%s\nwant\n%s", got, want)
	}
}

func svc(name string, set func(*types.ServiceConfig)) types.ServiceConfig {
	s := types.ServiceConfig{Name: name}
	set(&s)
	return s
}
