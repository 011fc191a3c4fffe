package e2e

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
)

// The tests read engine state through the Docker API, not through envctl.
var (
	dockerOnce sync.Once
	dockerCli  *client.Client
)

func docker(t *testing.T) *client.Client {
	dockerOnce.Do(func() {
		c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
		if err != nil {
			t.Fatal(err)
		}
		dockerCli = c
	})
	return dockerCli
}

func projectLabel(project string) filters.Args {
	return filters.NewArgs(filters.Arg("label", "com.docker.compose.project="+project))
}

// containers of the project (all states), sorted by name.
func containers(t *testing.T, project string) []container.Summary {
	t.Helper()
	list, err := docker(t).ContainerList(context.Background(), container.ListOptions{All: true, Filters: projectLabel(project)})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(list, func(i, j int) bool { return name(list[i]) < name(list[j]) })
	return list
}

func name(c container.Summary) string {
	if len(c.Names) == 0 {
		return c.ID
	}
	return strings.TrimPrefix(c.Names[0], "/")
}

// byName maps container name to ID.
func byName(t *testing.T, project string) map[string]string {
	out := map[string]string{}
	for _, c := range containers(t, project) {
		out[name(c)] = c.ID
	}
	return out
}

// states maps container name to state (running, exited, ...).
func states(t *testing.T, project string) map[string]string {
	out := map[string]string{}
	for _, c := range containers(t, project) {
		out[name(c)] = c.State
	}
	return out
}

func inspect(t *testing.T, id string) container.InspectResponse {
	t.Helper()
	info, err := docker(t).ContainerInspect(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func networks(t *testing.T, project string) []string {
	t.Helper()
	list, err := docker(t).NetworkList(context.Background(), network.ListOptions{Filters: projectLabel(project)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out
}

func volumes(t *testing.T, project string) []string {
	t.Helper()
	list, err := docker(t).VolumeList(context.Background(), volume.ListOptions{Filters: projectLabel(project)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range list.Volumes {
		out = append(out, v.Name)
	}
	sort.Strings(out)
	return out
}

// purge removes everything labelled with the project, whatever envctl did.
func purge(t *testing.T, project string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := docker(t)
	f := projectLabel(project)
	list, _ := c.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	var wg sync.WaitGroup
	for _, ct := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.ContainerRemove(ctx, ct.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		}()
	}
	wg.Wait()
	nets, _ := c.NetworkList(ctx, network.ListOptions{Filters: f})
	for _, n := range nets {
		_ = c.NetworkRemove(ctx, n.ID)
	}
	vols, _ := c.VolumeList(ctx, volume.ListOptions{Filters: f})
	for _, v := range vols.Volumes {
		_ = c.VolumeRemove(ctx, v.Name, true)
	}
}
