package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/envctl/envctl/engine/convert"
)

// ContainerInfo is one line of `ps`.
type ContainerInfo struct {
	ID         string            `json:"ID"`
	Name       string            `json:"Name"`
	Image      string            `json:"Image"`
	Command    string            `json:"Command"`
	Project    string            `json:"Project"`
	Service    string            `json:"Service"`
	Number     int               `json:"-"`
	Created    int64             `json:"CreatedAt"`
	State      string            `json:"State"`
	Status     string            `json:"Status"`
	Health     string            `json:"Health"`
	ExitCode   int               `json:"ExitCode"`
	Publishers []Publisher       `json:"Publishers"`
	Labels     map[string]string `json:"-"`
}

// Publisher is one published port.
type Publisher struct {
	URL           string `json:"URL"`
	TargetPort    int    `json:"TargetPort"`
	PublishedPort int    `json:"PublishedPort"`
	Protocol      string `json:"Protocol"`
}

// PsOptions select containers for `ps`.
type PsOptions struct {
	All      bool
	Services []string
	Status   []string
	OneOff   bool // include `run` containers
}

// Ps lists the project's containers with a single engine call.
func (e *Engine) Ps(ctx context.Context, projectName string, o PsOptions) ([]ContainerInfo, error) {
	f := projectFilter(projectName)
	if !o.OneOff {
		f.Add("label", convert.LabelOneOff+"=False")
	}
	for _, s := range o.Status {
		f.Add("status", s)
	}
	list, err := e.api.ContainerList(ctx, container.ListOptions{All: o.All || len(o.Status) > 0, Filters: f})
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, s := range o.Services {
		want[s] = true
	}
	var out []ContainerInfo
	for _, c := range list {
		if len(want) > 0 && !want[c.Labels[convert.LabelService]] {
			continue
		}
		out = append(out, info(c))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		if out[i].Number != out[j].Number {
			return out[i].Number < out[j].Number
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func info(c container.Summary) ContainerInfo {
	n, _ := strconv.Atoi(c.Labels[convert.LabelNumber])
	ci := ContainerInfo{
		ID: c.ID, Name: containerName(c), Image: c.Image, Command: c.Command,
		Project: c.Labels[convert.LabelProject], Service: c.Labels[convert.LabelService], Number: n,
		Created: c.Created, State: c.State, Status: c.Status, Labels: c.Labels,
	}
	switch {
	case strings.Contains(c.Status, "(healthy)"):
		ci.Health = "healthy"
	case strings.Contains(c.Status, "(unhealthy)"):
		ci.Health = "unhealthy"
	case strings.Contains(c.Status, "(health: starting)"):
		ci.Health = "starting"
	}
	if c.State == "exited" {
		fmt.Sscanf(c.Status, "Exited (%d)", &ci.ExitCode)
	}
	for _, p := range c.Ports {
		ci.Publishers = append(ci.Publishers, Publisher{URL: p.IP, TargetPort: int(p.PrivatePort), PublishedPort: int(p.PublicPort), Protocol: p.Type})
	}
	sort.Slice(ci.Publishers, func(i, j int) bool {
		a, b := ci.Publishers[i], ci.Publishers[j]
		if a.TargetPort != b.TargetPort {
			return a.TargetPort < b.TargetPort
		}
		return a.URL < b.URL
	})
	return ci
}

// Ports renders published ports as docker does: 0.0.0.0:8080->80/tcp.
func (c ContainerInfo) Ports() string {
	var parts []string
	for _, p := range c.Publishers {
		if p.PublishedPort == 0 {
			parts = append(parts, fmt.Sprintf("%d/%s", p.TargetPort, p.Protocol))
			continue
		}
		host := p.URL
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		parts = append(parts, fmt.Sprintf("%s:%d->%d/%s", host, p.PublishedPort, p.TargetPort, p.Protocol))
	}
	return strings.Join(parts, ", ")
}

// CreatedAgo renders the creation time for tables.
func (c ContainerInfo) CreatedAgo(now time.Time) string {
	d := now.Sub(time.Unix(c.Created, 0))
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d seconds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// ProjectInfo is one line of `ls`.
type ProjectInfo struct {
	Name        string `json:"Name"`
	Status      string `json:"Status"`
	ConfigFiles string `json:"ConfigFiles"`
	running     int
}

// Ls lists the projects that have containers on the engine.
func (e *Engine) Ls(ctx context.Context, all bool, filter []string) ([]ProjectInfo, error) {
	f := filters.NewArgs(filters.Arg("label", convert.LabelProject))
	list, err := e.api.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		return nil, err
	}
	states := map[string]map[string]int{}
	files := map[string]string{}
	for _, c := range list {
		name := c.Labels[convert.LabelProject]
		if states[name] == nil {
			states[name] = map[string]int{}
		}
		states[name][c.State]++
		if files[name] == "" {
			files[name] = c.Labels[convert.LabelConfigFiles]
		}
	}
	var out []ProjectInfo
	for name, st := range states {
		if !all && st["running"] == 0 {
			continue
		}
		if !matchesName(name, filter) {
			continue
		}
		var parts []string
		for _, s := range sortedStates(st) {
			parts = append(parts, fmt.Sprintf("%s(%d)", s, st[s]))
		}
		out = append(out, ProjectInfo{Name: name, Status: strings.Join(parts, ", "), ConfigFiles: files[name], running: st["running"]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func matchesName(name string, filter []string) bool {
	for _, f := range filter {
		if v, ok := strings.CutPrefix(f, "name="); ok && !strings.Contains(name, v) {
			return false
		}
	}
	return true
}

func sortedStates(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
