package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/envctl/envctl/engine/convert"
)

// serviceContainer finds replica index (1-based; 0 means the first) of a
// service, `run` containers excluded. running insists on a running one.
func (e *Engine) serviceContainer(ctx context.Context, projectName, service string, index int, running bool) (container.Summary, error) {
	extra := []string{convert.LabelService + "=" + service, convert.LabelOneOff + "=False"}
	if index > 0 {
		extra = append(extra, convert.LabelNumber+"="+strconv.Itoa(index))
	}
	list, err := e.containers(ctx, projectName, true, extra...)
	if err != nil {
		return container.Summary{}, err
	}
	for _, c := range list {
		if !running || c.State == "running" {
			return c, nil
		}
	}
	if len(list) > 0 && running {
		if index > 0 {
			return container.Summary{}, fmt.Errorf("container #%d of service %s is not running", index, service)
		}
		return container.Summary{}, fmt.Errorf("service %s is not running", service)
	}
	if index > 0 {
		return container.Summary{}, fmt.Errorf("service %s has no container #%d", service, index)
	}
	return container.Summary{}, fmt.Errorf("service %s has no container: run up first", service)
}

// serviceContainers lists the containers of the given services (all when
// none), `run` containers excluded.
func (e *Engine) serviceContainers(ctx context.Context, projectName string, services []string, all bool) ([]container.Summary, error) {
	list, err := e.containers(ctx, projectName, all, convert.LabelOneOff+"=False")
	if err != nil {
		return nil, err
	}
	if len(services) == 0 {
		return list, nil
	}
	want := map[string]bool{}
	for _, s := range services {
		want[s] = true
	}
	var out []container.Summary
	for _, c := range list {
		if want[c.Labels[convert.LabelService]] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Process table of one container, as `top` prints it.
type Process struct {
	Container string
	Titles    []string
	Processes [][]string
}

// Top lists the processes of the services' running containers.
func (e *Engine) Top(ctx context.Context, projectName string, services []string) ([]Process, error) {
	list, err := e.serviceContainers(ctx, projectName, services, false)
	if err != nil {
		return nil, err
	}
	out := make([]Process, len(list))
	for i, c := range list {
		top, err := e.api.ContainerTop(ctx, c.ID, nil)
		if err != nil {
			return nil, fmt.Errorf("top %s: %w", containerName(c), err)
		}
		out[i] = Process{Container: containerName(c), Titles: top.Titles, Processes: top.Processes}
	}
	return out, nil
}

// Port is the host address a container port of a service is published on.
func (e *Engine) Port(ctx context.Context, projectName, service string, index int, port, protocol string) (string, error) {
	c, err := e.serviceContainer(ctx, projectName, service, index, false)
	if err != nil {
		return "", err
	}
	info, err := e.api.ContainerInspect(ctx, c.ID)
	if err != nil {
		return "", err
	}
	key := nat.Port(port + "/" + protocol)
	var bindings []nat.PortBinding
	if info.NetworkSettings != nil {
		bindings = info.NetworkSettings.Ports[key]
	}
	if len(bindings) == 0 {
		return "", fmt.Errorf("no published port %s for container %s", key, containerName(c))
	}
	b := bindings[0]
	host := b.HostIP
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + b.HostPort, nil
}
