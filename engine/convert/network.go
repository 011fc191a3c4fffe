package convert

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
)

// networks sets the network mode and endpoints. The highest-priority network is
// given at create time; the others are connected afterwards, because engines
// before API 1.44 accept a single network in ContainerCreate.
func networks(in Input, h *container.HostConfig, out *Output) error {
	s := in.Service
	p := in.Project
	mode := s.NetworkMode
	if target, ok := strings.CutPrefix(mode, "service:"); ok {
		id, err := in.ContainerOf(target)
		if err != nil {
			return fmt.Errorf("network_mode: %w", err)
		}
		h.NetworkMode = container.NetworkMode("container:" + id)
		return nil
	}
	if mode != "" {
		h.NetworkMode = container.NetworkMode(mode)
		if mode == "bridge" || mode == "default" {
			h.Links = links(in)
		}
		return nil
	}
	keys := OrderedNetworks(s)
	endpoints := make([]Endpoint, 0, len(keys))
	for _, key := range keys {
		cfg := s.Networks[key]
		ep := &network.EndpointSettings{Links: links(in)}
		if cfg.ServiceNameAliasEnabled() && !in.OneOff {
			ep.Aliases = append(ep.Aliases, s.Name)
		}
		if cfg != nil {
			ep.Aliases = append(ep.Aliases, cfg.Aliases...)
			if cfg.Ipv4Address != "" || cfg.Ipv6Address != "" || len(cfg.LinkLocalIPs) > 0 {
				ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: cfg.Ipv4Address, IPv6Address: cfg.Ipv6Address, LinkLocalIPs: cfg.LinkLocalIPs}
			}
			if len(cfg.DriverOpts) > 0 {
				ep.DriverOpts = cfg.DriverOpts
			}
			if cfg.MacAddress != "" {
				if versionAtLeast(in.APIVersion, "1.44") {
					ep.MacAddress = cfg.MacAddress
				} else {
					out.Warnings = append(out.Warnings, fmt.Sprintf("networks.%s.mac_address needs Engine API 1.44; not applied", key))
				}
			}
		}
		endpoints = append(endpoints, Endpoint{Network: p.NetworkName(key), Settings: ep})
	}
	if len(endpoints) == 0 {
		return nil
	}
	h.NetworkMode = container.NetworkMode(endpoints[0].Network)
	out.Network = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{endpoints[0].Network: endpoints[0].Settings}}
	out.Connect = endpoints[1:]
	return nil
}

// OrderedNetworks lists a service's network keys by priority, highest first,
// then by name; a service without networks is on the default network.
func OrderedNetworks(s types.ServiceConfig) []string {
	if s.NetworkMode != "" {
		return nil
	}
	if len(s.Networks) == 0 {
		return []string{"default"}
	}
	keys := sortedKeys(s.Networks)
	prio := func(k string) int {
		if c := s.Networks[k]; c != nil {
			return c.Priority
		}
		return 0
	}
	sort.SliceStable(keys, func(i, j int) bool { return prio(keys[i]) > prio(keys[j]) })
	return keys
}

// links names the linked containers as the engine wants them: name:alias.
func links(in Input) []string {
	var out []string
	for _, l := range in.Service.Links {
		target, alias, _ := strings.Cut(l, ":")
		if alias == "" {
			alias = target
		}
		if in.LinkTargets == nil {
			continue
		}
		for _, name := range in.LinkTargets(target) {
			out = append(out, name+":"+alias)
		}
	}
	for _, l := range in.Service.ExternalLinks {
		target, alias, _ := strings.Cut(l, ":")
		if alias == "" {
			alias = target
		}
		out = append(out, target+":"+alias)
	}
	return out
}
