package main

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/docker/docker/client"
)

// machine is what the numbers were measured on.
type machine struct {
	cpu, memory, kernel string
	cores               int
	engine, cli, gover  string
	composeGo           string
	tools               []string // "name: version"
	loadStart, loadEnd  string
}

func machineInfo(ctx context.Context, api *client.Client, tools []*tool, floor string) machine {
	m := machine{cores: runtime.NumCPU(), gover: runtime.Version(), loadStart: loadAverage()}
	m.cpu = procField("/proc/cpuinfo", "model name")
	if kb := procField("/proc/meminfo", "MemTotal"); kb != "" {
		var n int64
		fmt.Sscanf(kb, "%d", &n)
		m.memory = fmt.Sprintf("%.1f GiB", float64(n)/(1<<20))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if v, err := api.ServerVersion(ctx); err == nil {
		m.engine = fmt.Sprintf("Docker Engine %s (API %s, %s/%s)", v.Version, v.APIVersion, v.Os, v.Arch)
		if info, err := api.Info(ctx); err == nil {
			m.engine += ", storage driver " + info.Driver
		}
	}
	if out, err := probe(ctx, "docker", "version", "--format", "{{.Client.Version}}"); err == nil {
		m.cli = firstLine(out)
	}
	if bi, err := buildinfo.ReadFile(floor); err == nil {
		for _, d := range bi.Deps {
			if d.Path == "github.com/compose-spec/compose-go/v2" {
				m.composeGo = d.Version
			}
		}
	}
	for _, t := range tools {
		switch t.kind {
		case kindEnvctl:
			m.tools = append(m.tools, fmt.Sprintf("envctl: %s (%s)", t.version, t.argv[0]))
		case kindCompose:
			m.tools = append(m.tools, fmt.Sprintf("%s: `%s`", t.name, strings.Join(t.argv, " ")))
		}
	}
	return m
}

// procField is the value of the first "key : value" line of a /proc file.
func procField(path, key string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
