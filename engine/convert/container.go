package convert

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/envctl/envctl/project"
)

// Input is one container to create, with every reference already resolved.
type Input struct {
	Project *project.Project
	Service types.ServiceConfig
	Number  int
	Name    string
	OneOff  bool
	Hash    string
	Keys    string
	ImageID string
	// ContainerOf returns the ID of a service's first container, for
	// network_mode, ipc and pid service:X and volumes_from.
	ContainerOf func(service string) (string, error)
	// LinkTargets returns the container names of a service, for links.
	LinkTargets func(service string) []string
	// AnonVolumes maps the target path of each anonymous volume to the
	// engine volume to mount there.
	AnonVolumes map[string]string
	// APIVersion is the negotiated Engine API version, e.g. "1.41".
	APIVersion string
}

// Endpoint is a network to connect the container to after it is created
// (before API 1.44 the engine takes one network at create time).
type Endpoint struct {
	Network  string
	Settings *network.EndpointSettings
}

// FileCopy is content to put into the container after create: secrets and
// configs that come from the environment or inline content.
type FileCopy struct {
	Path    string
	Content []byte
	Mode    int64
	UID     int
	GID     int
}

// Output is everything ContainerCreate and the calls after it need.
type Output struct {
	Config   *container.Config
	Host     *container.HostConfig
	Network  *network.NetworkingConfig
	Connect  []Endpoint
	Platform *ocispec.Platform
	Copies   []FileCopy
	Warnings []string
}

// Container converts one replica of a service.
func Container(in Input) (*Output, error) {
	s := in.Service
	out := &Output{}
	cfg := &container.Config{
		Hostname:     s.Hostname,
		Domainname:   s.DomainName,
		User:         s.User,
		Tty:          s.Tty,
		OpenStdin:    s.StdinOpen,
		Env:          environment(s.Environment),
		Image:        in.Project.ImageName(s),
		WorkingDir:   s.WorkingDir,
		Labels:       labels(in),
		StopSignal:   s.StopSignal,
		ExposedPorts: nat.PortSet{},
		MacAddress:   s.MacAddress, //nolint:staticcheck // the only place for it before API 1.44
	}
	if s.Command != nil {
		cfg.Cmd = []string(s.Command)
	}
	if s.Entrypoint != nil {
		cfg.Entrypoint = []string(s.Entrypoint)
	}
	if s.StopGracePeriod != nil {
		secs := int(time.Duration(*s.StopGracePeriod).Seconds())
		cfg.StopTimeout = &secs
	}
	hc, warn := healthcheck(s.HealthCheck, in.APIVersion)
	cfg.Healthcheck = hc
	out.Warnings = append(out.Warnings, warn...)
	bindings, err := ports(s, cfg.ExposedPorts)
	if err != nil {
		return nil, err
	}
	host, err := hostConfig(in, bindings)
	if err != nil {
		return nil, err
	}
	if err := mounts(in, host, out); err != nil {
		return nil, err
	}
	if err := networks(in, host, out); err != nil {
		return nil, err
	}
	cfg.ExposedPorts = nonEmpty(cfg.ExposedPorts)
	out.Config = cfg
	out.Host = host
	if s.Platform != "" {
		out.Platform = platform(s.Platform)
	}
	return out, nil
}

func nonEmpty(p nat.PortSet) nat.PortSet {
	if len(p) == 0 {
		return nil
	}
	return p
}

func environment(env types.MappingWithEquals) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		if v != nil {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

func labels(in Input) map[string]string {
	s := in.Service
	l := map[string]string{}
	for k, v := range s.Labels {
		l[k] = v
	}
	p := in.Project
	oneOff := "False"
	if in.OneOff {
		oneOff = "True"
	}
	l[LabelProject] = p.Name
	l[LabelService] = s.Name
	l[LabelNumber] = strconv.Itoa(in.Number)
	l[LabelOneOff] = oneOff
	l[LabelConfigHash] = in.Hash
	l[LabelConfigKeys] = in.Keys
	l[LabelWorkingDir] = p.WorkingDir
	l[LabelConfigFiles] = strings.Join(p.ComposeFiles, ",")
	l[LabelVersion] = ComposeVersion
	if in.ImageID != "" {
		l[LabelImage] = in.ImageID
	}
	var deps []string
	for _, name := range sortedKeys(s.DependsOn) {
		d := s.DependsOn[name]
		deps = append(deps, fmt.Sprintf("%s:%s:%t", name, d.Condition, d.Restart))
	}
	l[LabelDependsOn] = strings.Join(deps, ",")
	return l
}

func healthcheck(h *types.HealthCheckConfig, api string) (*container.HealthConfig, []string) {
	if h == nil {
		return nil, nil
	}
	if h.Disable {
		return &container.HealthConfig{Test: []string{"NONE"}}, nil
	}
	hc := &container.HealthConfig{Test: []string(h.Test)}
	dur := func(d *types.Duration) time.Duration {
		if d == nil {
			return 0
		}
		return time.Duration(*d)
	}
	hc.Interval = dur(h.Interval)
	hc.Timeout = dur(h.Timeout)
	hc.StartPeriod = dur(h.StartPeriod)
	if h.Retries != nil {
		hc.Retries = int(*h.Retries)
	}
	var warn []string
	if h.StartInterval != nil {
		if versionAtLeast(api, "1.44") {
			hc.StartInterval = dur(h.StartInterval)
		} else {
			warn = append(warn, fmt.Sprintf("healthcheck.start_interval needs Engine API 1.44; this engine speaks %s, so the interval is used from the start", api))
		}
	}
	return hc, warn
}

func ports(s types.ServiceConfig, exposed nat.PortSet) (nat.PortMap, error) {
	for _, e := range s.Expose {
		proto, port := nat.SplitProtoPort(e)
		start, end, err := nat.ParsePortRange(port)
		if err != nil {
			return nil, fmt.Errorf("services.%s.expose: invalid port %q", s.Name, e)
		}
		for p := start; p <= end; p++ {
			exposed[nat.Port(fmt.Sprintf("%d/%s", p, proto))] = struct{}{}
		}
	}
	bindings := nat.PortMap{}
	for _, p := range s.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		port := nat.Port(fmt.Sprintf("%d/%s", p.Target, proto))
		exposed[port] = struct{}{}
		bindings[port] = append(bindings[port], nat.PortBinding{HostIP: p.HostIP, HostPort: p.Published})
	}
	return bindings, nil
}

// PublishesRange reports whether a service publishes a host port range for a
// single container port: the engine then picks a free port from the range at
// start, and concurrent starts can pick the same one.
func PublishesRange(s types.ServiceConfig) bool {
	for _, p := range s.Ports {
		if strings.Contains(p.Published, "-") {
			return true
		}
	}
	return false
}

func platform(s string) *ocispec.Platform {
	parts := strings.Split(s, "/")
	p := &ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p
}

// versionAtLeast compares Engine API versions such as "1.41".
func versionAtLeast(have, want string) bool {
	if have == "" {
		return true
	}
	hm, hn := splitVersion(have)
	wm, wn := splitVersion(want)
	return hm > wm || hm == wm && hn >= wn
}

func splitVersion(v string) (int, int) {
	major, minor, _ := strings.Cut(v, ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a, b
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
