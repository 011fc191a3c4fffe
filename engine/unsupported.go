package engine

import (
	"encoding/json"
	"sort"

	"github.com/envctl/envctl/project"
)

// appliedKeys are the service keys envctl applies. Any other key that a
// service sets gets a warning naming it, so nothing is ignored silently.
var appliedKeys = setOf(
	"annotations", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs",
	"container_name", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares",
	"cpus", "cpuset", "depends_on", "deploy", "device_cgroup_rules", "devices", "dns", "dns_opt",
	"dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends",
	"external_links", "extra_hosts", "group_add", "healthcheck", "hostname", "image", "init", "ipc",
	"isolation", "label_file", "labels", "links", "logging", "mac_address", "mem_limit",
	"mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks",
	"oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "privileged",
	"profiles", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt",
	"shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs",
	"tty", "ulimits", "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from",
	"working_dir", "attach",
)

// appliedDeployKeys are the deploy keys that mean something without swarm.
var appliedDeployKeys = setOf("replicas", "resources", "restart_policy")

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// UnappliedKeys lists, per service, the set keys envctl does not apply.
func UnappliedKeys(p *project.Project) map[string][]string {
	out := map[string][]string{}
	for _, name := range p.ServiceNames() {
		b, err := json.Marshal(p.Services[name])
		if err != nil {
			continue
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(b, &fields) != nil {
			continue
		}
		var keys []string
		for k, v := range fields {
			if isEmptyJSON(v) {
				continue
			}
			if !appliedKeys[k] {
				keys = append(keys, k)
			}
		}
		if raw, ok := fields["deploy"]; ok {
			var deploy map[string]json.RawMessage
			if json.Unmarshal(raw, &deploy) == nil {
				for k, v := range deploy {
					if !appliedDeployKeys[k] && !isEmptyJSON(v) {
						keys = append(keys, "deploy."+k)
					}
				}
			}
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			out[name] = keys
		}
	}
	return out
}

func (e *Engine) warnUnsupported(p *project.Project) {
	unapplied := UnappliedKeys(p)
	for _, name := range p.ServiceNames() {
		for _, k := range unapplied[name] {
			e.warn("services.%s.%s is not applied by envctl yet", name, k)
		}
	}
}

func isEmptyJSON(v json.RawMessage) bool {
	switch string(v) {
	case "null", "{}", "[]", `""`, "0", "false":
		return true
	}
	return false
}
