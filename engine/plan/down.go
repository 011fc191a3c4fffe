package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/envctl/envctl/project"
)

// DownOptions are the flags of `down`.
type DownOptions struct {
	Volumes       bool
	RemoveOrphans bool
	// Images: "", "local" (images envctl built) or "all".
	Images string
}

// Observed for down: the project's objects by name, with the labels that
// tell what they are.
type Observed struct {
	Containers []Container
	Networks   []string // networks labelled with the project
	Volumes    []Volume // volumes labelled with the project
	Images     []Image  // images the services use that exist
}

// Volume is a volume labelled with the project.
type Volume struct {
	Name      string
	Key       string // com.docker.compose.volume
	Anonymous bool
}

// Image is an image a service uses.
type Image struct {
	Ref   string
	ID    string
	Built bool // envctl built it (no image: key); --rmi local removes it
}

// DownPlan is what `down` removes, in order: containers (reverse dependency
// order, in parallel), then networks, then volumes and images.
type DownPlan struct {
	// Layers of containers; each layer is removed after the previous one.
	Layers   [][]Removal
	Kept     []Removal // orphans kept without --remove-orphans
	Networks []string
	Volumes  []Volume
	Images   []Image
}

// Down plans `down`. Only what belongs to the project goes: external networks
// and volumes are never removed, declared volumes only with -v.
func Down(p *project.Project, obs Observed, o DownOptions) (*DownPlan, error) {
	g, err := project.NewGraph(p.Project)
	if err != nil {
		return nil, err
	}
	dp := &DownPlan{}
	byService := map[string][]Container{}
	var orphans []Removal
	for _, c := range obs.Containers {
		_, known := p.Services[c.Service]
		_, disabled := p.DisabledServices[c.Service]
		switch {
		case c.OneOff:
			orphans = append(orphans, Removal{Container: c, Reason: "one-off container"})
		case known || disabled:
			byService[c.Service] = append(byService[c.Service], c)
		case o.RemoveOrphans:
			orphans = append(orphans, Removal{Container: c, Reason: "orphan"})
		default:
			dp.Kept = append(dp.Kept, Removal{Container: c, Reason: "orphan; --remove-orphans removes it"})
		}
	}
	if len(orphans) > 0 {
		sortRemovals(orphans)
		dp.Layers = append(dp.Layers, orphans)
	}
	for _, layer := range reverseLayers(g) {
		var rm []Removal
		for _, s := range layer {
			for _, c := range byService[s] {
				rm = append(rm, Removal{Container: c, Reason: "service " + s})
			}
		}
		// disabled services are not in the graph
		if len(rm) > 0 {
			sortRemovals(rm)
			dp.Layers = append(dp.Layers, rm)
		}
	}
	var disabled []Removal
	for s := range p.DisabledServices {
		for _, c := range byService[s] {
			disabled = append(disabled, Removal{Container: c, Reason: "service " + s + " (profile not enabled)"})
		}
	}
	if len(disabled) > 0 {
		sortRemovals(disabled)
		dp.Layers = append([][]Removal{disabled}, dp.Layers...)
	}
	external := map[string]bool{}
	for key, n := range p.Networks {
		if bool(n.External) {
			external[p.NetworkName(key)] = true
		}
	}
	for _, n := range obs.Networks {
		if !external[n] {
			dp.Networks = append(dp.Networks, n)
		}
	}
	sort.Strings(dp.Networks)
	if o.Volumes {
		for _, v := range obs.Volumes {
			if cfg, ok := p.Volumes[v.Key]; ok && bool(cfg.External) {
				continue
			}
			dp.Volumes = append(dp.Volumes, v)
		}
		sort.Slice(dp.Volumes, func(i, j int) bool { return dp.Volumes[i].Name < dp.Volumes[j].Name })
	}
	switch o.Images {
	case "":
	case "local", "all":
		for _, img := range obs.Images {
			if o.Images == "all" || img.Built {
				dp.Images = append(dp.Images, img)
			}
		}
	default:
		return nil, fmt.Errorf("invalid --rmi %q: use local or all", o.Images)
	}
	return dp, nil
}

// reverseLayers groups services so that each layer only has services whose
// dependents are all in earlier layers.
func reverseLayers(g *project.Graph) [][]string {
	remaining := map[string]int{}
	for _, s := range g.Services() {
		remaining[s] = len(g.Dependents(s))
	}
	var layers [][]string
	for len(remaining) > 0 {
		var layer []string
		for s, n := range remaining {
			if n == 0 {
				layer = append(layer, s)
			}
		}
		sort.Strings(layer)
		for _, s := range layer {
			delete(remaining, s)
			for _, d := range g.Deps(s) {
				remaining[d.Service]--
			}
		}
		layers = append(layers, layer)
	}
	return layers
}

// String is the stable text form of the down plan.
func (dp *DownPlan) String() string {
	var b strings.Builder
	for _, layer := range dp.Layers {
		for _, r := range layer {
			fmt.Fprintf(&b, "container %s: remove (%s)\n", r.Container.Name, r.Reason)
		}
	}
	for _, r := range dp.Kept {
		fmt.Fprintf(&b, "container %s: keep (%s)\n", r.Container.Name, r.Reason)
	}
	for _, n := range dp.Networks {
		fmt.Fprintf(&b, "network %s: remove\n", n)
	}
	for _, v := range dp.Volumes {
		kind := "volume"
		if v.Anonymous {
			kind = "anonymous volume"
		}
		fmt.Fprintf(&b, "%s %s: remove\n", kind, v.Name)
	}
	for _, i := range dp.Images {
		fmt.Fprintf(&b, "image %s: remove\n", i.Ref)
	}
	return b.String()
}
