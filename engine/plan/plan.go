package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envctl/envctl/project"
)

// Kind is what happens to one replica.
type Kind string

const (
	Keep     Kind = "keep"
	Create   Kind = "create"
	Recreate Kind = "recreate"
	Start    Kind = "start"
	Remove   Kind = "remove"
)

// Options are the `up` flags that change the plan.
type Options struct {
	// Selected are the services named on the command line; empty means all.
	Selected           []string
	NoDeps             bool
	ForceRecreate      bool
	NoRecreate         bool
	AlwaysRecreateDeps bool
	RemoveOrphans      bool
	NoStart            bool
	Scale              map[string]int
}

// Replica is the decision for one numbered container of a service.
type Replica struct {
	Number int
	Name   string
	Kind   Kind
	Old    *Container // the existing container, if any
	Reason string
}

// Removal is a container to stop and remove, and why.
type Removal struct {
	Container Container
	Reason    string
}

// ServicePlan is what happens to one service's containers.
type ServicePlan struct {
	Service  string
	Hash     string
	Keys     map[string]string
	Replicas []Replica
	Remove   []Removal
}

// Resource is a network or volume to create.
type Resource struct {
	Key    string
	Name   string
	Reason string
}

// Plan is every change `up` makes, in an order that is safe to execute.
type Plan struct {
	Project  string
	Networks []Resource
	Volumes  []Resource
	// Order lists the services in scope in dependency order.
	Order    []string
	Services map[string]*ServicePlan
	Orphans  []Removal
	// RemoveOrphans says whether Orphans are removed or only reported.
	RemoveOrphans bool
	Start         bool
}

// Make computes the plan. It fails only on what the engine state makes
// impossible, such as a missing external network.
func Make(p *project.Project, st State, o Options) (*Plan, error) {
	scope, err := Scope(p, o.Selected, o.NoDeps)
	if err != nil {
		return nil, err
	}
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return nil, err
	}
	pl := &Plan{Project: p.Name, Services: map[string]*ServicePlan{}, RemoveOrphans: o.RemoveOrphans, Start: !o.NoStart}
	if err := pl.resources(p, st, scope); err != nil {
		return nil, err
	}
	pl.Order = dependencyOrder(g, scope)
	byService := map[string][]Container{}
	for _, c := range st.Containers {
		if c.OneOff {
			continue
		}
		if _, ok := p.Services[c.Service]; !ok {
			if _, disabled := p.DisabledServices[c.Service]; !disabled {
				pl.Orphans = append(pl.Orphans, Removal{Container: c, Reason: "orphan: service not in the project"})
			}
			continue
		}
		byService[c.Service] = append(byService[c.Service], c)
	}
	sortRemovals(pl.Orphans)
	selected := map[string]bool{}
	for _, s := range o.Selected {
		selected[s] = true
	}
	for _, name := range pl.Order {
		svc := p.Services[name]
		force := ""
		switch {
		case o.ForceRecreate && (len(o.Selected) == 0 || selected[name]):
			force = "--force-recreate"
		case o.AlwaysRecreateDeps && len(o.Selected) > 0 && !selected[name]:
			force = "--always-recreate-deps"
		}
		sp, err := planService(p, svc, byService[name], st, o, force)
		if err != nil {
			return nil, err
		}
		pl.Services[name] = sp
	}
	if !o.NoRecreate {
		pl.propagateNamespaces(p)
	}
	return pl, nil
}

// Scope is the selected services plus, unless noDeps, what they depend on.
func Scope(p *project.Project, selected []string, noDeps bool) ([]string, error) {
	for _, s := range selected {
		if _, ok := p.Services[s]; !ok {
			return nil, fmt.Errorf("no such service: %s", s)
		}
	}
	if len(selected) == 0 {
		return p.ServiceNames(), nil
	}
	var sub *types.Project
	var err error
	if noDeps {
		sub, err = p.WithSelectedServices(selected, types.IgnoreDependencies)
	} else {
		sub, err = p.WithSelectedServices(selected)
	}
	if err != nil {
		return nil, err
	}
	return sub.ServiceNames(), nil
}

func dependencyOrder(g *project.Graph, scope []string) []string {
	in := map[string]bool{}
	for _, s := range scope {
		in[s] = true
	}
	var out []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if done[n] {
			return
		}
		done[n] = true
		for _, d := range g.Deps(n) {
			visit(d.Service)
		}
		if in[n] {
			out = append(out, n)
		}
	}
	for _, s := range g.Services() {
		visit(s)
	}
	return out
}

func (pl *Plan) resources(p *project.Project, st State, scope []string) error {
	nets, vols := map[string]bool{}, map[string]bool{}
	for _, name := range scope {
		svc := p.Services[name]
		if svc.NetworkMode == "" {
			for n := range svc.Networks {
				nets[n] = true
			}
			if len(svc.Networks) == 0 {
				nets["default"] = true
			}
		}
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source != "" {
				vols[v.Source] = true
			}
		}
	}
	for _, key := range sortedKeys(nets) {
		cfg, declared := p.Networks[key]
		name := p.NetworkName(key)
		if declared && bool(cfg.External) {
			if !st.Networks[name] {
				return fmt.Errorf("external network %q not found: create it with docker network create %s", name, name)
			}
			continue
		}
		if !st.Networks[name] {
			pl.Networks = append(pl.Networks, Resource{Key: key, Name: name, Reason: "not found"})
		}
	}
	for _, key := range sortedKeys(vols) {
		cfg := p.Volumes[key]
		name := p.VolumeName(key)
		if bool(cfg.External) {
			if !st.Volumes[name] {
				return fmt.Errorf("external volume %q not found: create it with docker volume create %s", name, name)
			}
			continue
		}
		if !st.Volumes[name] {
			pl.Volumes = append(pl.Volumes, Resource{Key: key, Name: name, Reason: "not found"})
		}
	}
	return nil
}

func planService(p *project.Project, svc types.ServiceConfig, existing []Container, st State, o Options, force string) (*ServicePlan, error) {
	hash, err := project.ServiceHash(svc)
	if err != nil {
		return nil, err
	}
	keys, err := project.KeyHashes(svc)
	if err != nil {
		return nil, err
	}
	sp := &ServicePlan{Service: svc.Name, Hash: hash, Keys: keys}
	want := svc.GetScale()
	if n, ok := o.Scale[svc.Name]; ok {
		want = n
	}
	if svc.ContainerName != "" && want > 1 {
		return nil, fmt.Errorf("service %q sets container_name %q and cannot have %d replicas", svc.Name, svc.ContainerName, want)
	}
	keepers, extra := pickKeepers(p, svc, existing)
	sp.Remove = extra
	numbers := make([]int, 0, len(keepers))
	for n := range keepers {
		numbers = append(numbers, n)
	}
	sort.Ints(numbers)
	// scaling down removes the highest numbers first
	for len(numbers) > want {
		n := numbers[len(numbers)-1]
		numbers = numbers[:len(numbers)-1]
		sp.Remove = append(sp.Remove, Removal{Container: keepers[n], Reason: "scale down"})
		delete(keepers, n)
	}
	imageID := st.Images[p.ImageName(svc)]
	for _, n := range numbers {
		c := keepers[n]
		r := Replica{Number: n, Name: p.ContainerName(svc, n), Old: &c}
		r.Kind, r.Reason = decide(c, r.Name, hash, keys, imageID, o, force)
		sp.Replicas = append(sp.Replicas, r)
	}
	for n := 1; len(sp.Replicas) < want; n++ {
		if _, taken := keepers[n]; taken {
			continue
		}
		sp.Replicas = append(sp.Replicas, Replica{Number: n, Name: p.ContainerName(svc, n), Kind: Create, Reason: "not found"})
	}
	sort.Slice(sp.Replicas, func(i, j int) bool { return sp.Replicas[i].Number < sp.Replicas[j].Number })
	sortRemovals(sp.Remove)
	return sp, nil
}

// pickKeepers keeps one container per replica number: the one with the right
// name, running and up to date if several exist (an interrupted recreate
// leaves two); the others are removed.
func pickKeepers(p *project.Project, svc types.ServiceConfig, existing []Container) (map[int]Container, []Removal) {
	byNumber := map[int][]Container{}
	for _, c := range existing {
		byNumber[c.Number] = append(byNumber[c.Number], c)
	}
	keep := map[int]Container{}
	var extra []Removal
	for n, cs := range byNumber {
		name := p.ContainerName(svc, n)
		sort.SliceStable(cs, func(i, j int) bool { return rank(cs[i], name) > rank(cs[j], name) })
		keep[n] = cs[0]
		for _, c := range cs[1:] {
			extra = append(extra, Removal{Container: c, Reason: fmt.Sprintf("duplicate of replica %d, left by an interrupted run", n)})
		}
	}
	return keep, extra
}

func rank(c Container, name string) int {
	r := 0
	if c.Name == name {
		r += 4
	}
	if c.Running() {
		r += 2
	}
	if c.State == "created" {
		r++
	}
	return r
}

func decide(c Container, name, hash string, keys map[string]string, imageID string, o Options, force string) (Kind, string) {
	if !o.NoRecreate {
		switch {
		case force != "":
			return Recreate, force
		case c.Hash != hash:
			if changed := project.ChangedKeys(c.Keys, keys); c.Keys != nil && len(changed) > 0 {
				return Recreate, "config hash changed: " + strings.Join(changed, ", ")
			}
			return Recreate, "config hash changed"
		case imageID != "" && c.ImageID != "" && c.ImageID != imageID:
			return Recreate, "image changed"
		case c.Name != name && leftRenamed(c.Name, name):
			return Recreate, "left renamed by an interrupted recreate"
		case c.Name != name:
			// e.g. made by docker-compose v1 (project_service_1)
			return Recreate, "container name differs"
		}
	}
	if c.Running() {
		return Keep, "up to date"
	}
	return Start, "not running: " + c.State
}

// leftRenamed tells the temporary names envctl gives containers while it
// replaces them (ID_name) or completes them (partial-HEX_name).
func leftRenamed(have, want string) bool {
	prefix, ok := strings.CutSuffix(have, "_"+want)
	return ok && prefix != "" && !strings.ContainsAny(prefix, "_")
}

func sortRemovals(r []Removal) {
	sort.Slice(r, func(i, j int) bool {
		if r[i].Container.Service != r[j].Container.Service {
			return r[i].Container.Service < r[j].Container.Service
		}
		if r[i].Container.Number != r[j].Container.Number {
			return r[i].Container.Number > r[j].Container.Number
		}
		return r[i].Container.Name < r[j].Container.Name
	})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
