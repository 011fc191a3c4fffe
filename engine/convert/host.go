package convert

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"
	"github.com/docker/go-units"
)

func hostConfig(in Input, bindings nat.PortMap) (*container.HostConfig, error) {
	s := in.Service
	h := &container.HostConfig{
		PortBindings:   bindings,
		CapAdd:         s.CapAdd,
		CapDrop:        s.CapDrop,
		DNS:            s.DNS,
		DNSSearch:      s.DNSSearch,
		DNSOptions:     s.DNSOpts,
		ExtraHosts:     sortedList(s.ExtraHosts.AsList(":")),
		GroupAdd:       s.GroupAdd,
		OomScoreAdj:    int(s.OomScoreAdj),
		Privileged:     s.Privileged,
		ReadonlyRootfs: s.ReadOnly,
		SecurityOpt:    s.SecurityOpt,
		StorageOpt:     s.StorageOpt,
		UTSMode:        container.UTSMode(s.Uts),
		UsernsMode:     container.UsernsMode(s.UserNSMode),
		ShmSize:        int64(s.ShmSize),
		Sysctls:        s.Sysctls,
		Runtime:        s.Runtime,
		Init:           s.Init,
		Isolation:      container.Isolation(s.Isolation),
		VolumeDriver:   s.VolumeDriver,
		CgroupnsMode:   container.CgroupnsMode(s.Cgroup),
		Tmpfs:          tmpfs(s.Tmpfs),
	}
	if s.Logging != nil {
		h.LogConfig = container.LogConfig{Type: s.Logging.Driver, Config: s.Logging.Options}
	}
	if len(s.Annotations) > 0 {
		h.Annotations = s.Annotations
	}
	var err error
	if h.IpcMode, err = namespace(in, "ipc", s.Ipc); err != nil {
		return nil, err
	}
	if s.Ipc == "" && ipcShared(in, s.Name) {
		// the engine lets another container join only a shareable IPC namespace
		h.IpcMode = "shareable"
	}
	pid, err := namespace(in, "pid", s.Pid)
	if err != nil {
		return nil, err
	}
	h.PidMode = container.PidMode(pid)
	if h.RestartPolicy, err = restart(s); err != nil {
		return nil, err
	}
	h.Resources = resources(s)
	for _, vf := range s.VolumesFrom {
		target, mode, _ := strings.Cut(vf, ":")
		if target == "container" {
			h.VolumesFrom = append(h.VolumesFrom, strings.TrimPrefix(vf, "container:"))
			continue
		}
		id, err := in.ContainerOf(target)
		if err != nil {
			return nil, err
		}
		if mode != "" {
			id += ":" + mode
		}
		h.VolumesFrom = append(h.VolumesFrom, id)
	}
	return h, nil
}

// namespace resolves service:X to the container of X, as the engine wants it.
func namespace(in Input, key, mode string) (container.IpcMode, error) {
	if target, ok := strings.CutPrefix(mode, "service:"); ok {
		id, err := in.ContainerOf(target)
		if err != nil {
			return "", fmt.Errorf("%s: %w", key, err)
		}
		return container.IpcMode("container:" + id), nil
	}
	return container.IpcMode(mode), nil
}

// ipcShared reports whether another service joins this one's IPC namespace.
func ipcShared(in Input, name string) bool {
	for _, other := range in.Project.Services {
		if other.Ipc == "service:"+name {
			return true
		}
	}
	return false
}

func tmpfs(list types.StringList) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, t := range list {
		path, opts, _ := strings.Cut(t, ":")
		out[path] = opts
	}
	return out
}

func restart(s types.ServiceConfig) (container.RestartPolicy, error) {
	policy := s.Restart
	if policy == "" && s.Deploy != nil && s.Deploy.RestartPolicy != nil {
		switch s.Deploy.RestartPolicy.Condition {
		case "none":
			policy = "no"
		case "on-failure":
			policy = "on-failure"
			if m := s.Deploy.RestartPolicy.MaxAttempts; m != nil {
				policy += ":" + strconv.FormatUint(*m, 10)
			}
		case "any", "":
			policy = "always"
		}
	}
	name, count, _ := strings.Cut(policy, ":")
	rp := container.RestartPolicy{Name: container.RestartPolicyMode(name)}
	if name == "" {
		rp.Name = container.RestartPolicyDisabled
	}
	if count != "" {
		n, err := strconv.Atoi(count)
		if err != nil {
			return rp, fmt.Errorf("invalid restart policy %q", policy)
		}
		rp.MaximumRetryCount = n
	}
	return rp, nil
}

// resources merges the service keys with deploy.resources; the service keys
// win, as in docker compose.
func resources(s types.ServiceConfig) container.Resources {
	r := container.Resources{
		CPUShares:          s.CPUShares,
		CPUPeriod:          s.CPUPeriod,
		CPUQuota:           s.CPUQuota,
		CPURealtimePeriod:  s.CPURTPeriod,
		CPURealtimeRuntime: s.CPURTRuntime,
		CpusetCpus:         s.CPUSet,
		Memory:             int64(s.MemLimit),
		MemoryReservation:  int64(s.MemReservation),
		MemorySwap:         int64(s.MemSwapLimit),
		NanoCPUs:           int64(s.CPUS * 1e9),
		OomKillDisable:     &s.OomKillDisable,
		CgroupParent:       s.CgroupParent,
		DeviceCgroupRules:  s.DeviceCgroupRules,
	}
	if s.MemSwappiness != 0 {
		v := int64(s.MemSwappiness)
		r.MemorySwappiness = &v
	}
	if s.PidsLimit != 0 {
		v := s.PidsLimit
		r.PidsLimit = &v
	}
	if s.Deploy != nil {
		if l := s.Deploy.Resources.Limits; l != nil {
			if r.Memory == 0 {
				r.Memory = int64(l.MemoryBytes)
			}
			if r.NanoCPUs == 0 {
				r.NanoCPUs = int64(float64(l.NanoCPUs) * 1e9)
			}
			if r.PidsLimit == nil && l.Pids != 0 {
				v := l.Pids
				r.PidsLimit = &v
			}
		}
		if res := s.Deploy.Resources.Reservations; res != nil && r.MemoryReservation == 0 {
			r.MemoryReservation = int64(res.MemoryBytes)
		}
	}
	for name, u := range s.Ulimits {
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		r.Ulimits = append(r.Ulimits, &units.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	for _, d := range s.Devices {
		perm := d.Permissions
		if perm == "" {
			perm = "rwm"
		}
		target := d.Target
		if target == "" {
			target = d.Source
		}
		r.Devices = append(r.Devices, container.DeviceMapping{PathOnHost: d.Source, PathInContainer: target, CgroupPermissions: perm})
	}
	return r
}

func sortedList(l []string) []string {
	sort.Strings(l)
	return l
}
