package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

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

// notAppliedKeys are the service keys compose-go knows that envctl does not
// apply, each with what a warning adds. A key in neither list fails the unit
// test, so a new compose-go key cannot slip through unnoticed.
var notAppliedKeys = map[string]string{
	"blkio_config":       "",
	"cpu_count":          "Windows containers only",
	"cpu_percent":        "Windows containers only",
	"credential_spec":    "Windows containers only",
	"develop":            "envctl has no watch command",
	"dockerfile":         "a version 1 key: use build.dockerfile",
	"gpus":               "",
	"log_driver":         "a version 1 key: use logging.driver",
	"log_opt":            "a version 1 key: use logging.options",
	"models":             "",
	"net":                "a version 1 key: use network_mode",
	"post_start":         "lifecycle hooks are not run",
	"pre_start":          "lifecycle hooks are not run",
	"pre_stop":           "lifecycle hooks are not run",
	"provider":           "",
	"pull_refresh_after": "",
	"umask":              "",
	"use_api_socket":     "",
}

// appliedDeployPaths are the deploy settings that mean something without
// swarm; any other set deploy.* path is warned about.
var appliedDeployPaths = setOf(
	"replicas", "resources.limits.cpus", "resources.limits.memory", "resources.limits.pids",
	"resources.reservations.memory", "restart_policy.condition", "restart_policy.max_attempts",
)

// notAppliedDeployKeys are the other top-level deploy keys (swarm only).
var notAppliedDeployKeys = setOf("mode", "labels", "update_config", "rollback_config", "placement", "endpoint_mode")

// appliedNetworkKeys and appliedBindKeys are the per-service network and bind
// mount settings convert applies; notApplied* those it does not.
var (
	appliedNetworkKeys    = setOf("aliases", "driver_opts", "ipv4_address", "ipv6_address", "link_local_ips", "mac_address", "priority", "use_service_name_alias")
	notAppliedNetworkKeys = map[string]string{"gw_priority": "needs Engine API 1.48", "interface_name": "needs Engine API 1.49"}
	appliedBindKeys       = setOf("selinux", "propagation")
	notAppliedBindKeys    = map[string]string{"create_host_path": "a missing host path is always created", "recursive": "needs Engine API 1.44"}
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// UnappliedKeys lists, per service, the set keys envctl does not apply, as
// dotted paths under the service, each with an explanation (may be empty).
func UnappliedKeys(p *project.Project) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, name := range p.ServiceNames() {
		keys := unappliedOf(p.Services[name])
		if len(keys) > 0 {
			out[name] = keys
		}
	}
	return out
}

func unappliedOf(svc types.ServiceConfig) map[string]string {
	keys := map[string]string{}
	fields := jsonFields(svc)
	for k, v := range fields {
		if isEmptyJSON(v) || appliedKeys[k] {
			continue
		}
		keys[k] = notAppliedKeys[k]
	}
	for _, path := range leafPaths(fields["deploy"], "") {
		top, _, _ := strings.Cut(path, ".")
		switch {
		case notAppliedDeployKeys[top]:
			keys["deploy."+top] = "swarm only"
		case !appliedDeployPaths[path]:
			keys["deploy."+path] = "swarm only"
		}
	}
	for net, cfg := range svc.Networks {
		for k, v := range jsonFields(cfg) {
			if !isEmptyJSON(v) && !appliedNetworkKeys[k] {
				keys["networks."+net+"."+k] = notAppliedNetworkKeys[k]
			}
		}
	}
	for i, v := range svc.Volumes {
		if v.Bind == nil {
			continue
		}
		where := fmt.Sprintf("volumes[%d].bind.", i)
		for k, raw := range jsonFields(v.Bind) {
			if !isEmptyJSON(raw) && !appliedBindKeys[k] && k != "create_host_path" {
				keys[where+k] = notAppliedBindKeys[k]
			}
		}
		// true unless the file says false, and then left out of the JSON
		if !bool(v.Bind.CreateHostPath) {
			keys[where+"create_host_path"] = notAppliedBindKeys["create_host_path"]
		}
	}
	return keys
}

func jsonFields(v any) map[string]json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(b, &fields)
	return fields
}

// leafPaths flattens set JSON objects to dotted paths; arrays and scalars
// are leaves.
func leafPaths(raw json.RawMessage, prefix string) []string {
	if len(raw) == 0 || isEmptyJSON(raw) {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return []string{prefix}
	}
	var out []string
	for k, v := range obj {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		out = append(out, leafPaths(v, path)...)
	}
	return out
}

func (e *Engine) warnUnsupported(p *project.Project) {
	unapplied := UnappliedKeys(p)
	for _, name := range p.ServiceNames() {
		keys := unapplied[name]
		paths := make([]string, 0, len(keys))
		for k := range keys {
			paths = append(paths, k)
		}
		sort.Strings(paths)
		for _, k := range paths {
			if why := keys[k]; why != "" {
				e.warn("services.%s.%s is not applied by envctl (%s)", name, k, why)
			} else {
				e.warn("services.%s.%s is not applied by envctl yet", name, k)
			}
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
