package convert

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/docker/go-connections/nat"

	"github.com/envctl/envctl/project"
)

func load(t *testing.T, yaml string) *project.Project {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "token.txt"), []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), project.Options{ProjectDir: dir, ProjectName: "shop", Env: []string{"FROM_ENV=env-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func convert(t *testing.T, p *project.Project, service string, api string) *Output {
	t.Helper()
	out, err := Container(Input{
		Project: p, Service: p.Services[service], Number: 1, Name: "shop-" + service + "-1", Hash: "h", Keys: "k",
		ContainerOf: func(s string) (string, error) { return "id-of-" + s, nil },
		LinkTargets: func(s string) []string { return []string{"shop-" + s + "-1"} },
		AnonVolumes: map[string]string{"/cache": "anon123"},
		APIVersion:  api,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestContainerConfig(t *testing.T) {
	p := load(t, `services:
  web:
    image: web:1
    command: ["serve", "-addr", ":80"]
    environment: {B: "2", A: "1"}
    ports: ["127.0.0.1:8080:80", "9000-9001:9000-9001/udp", "443"]
    expose: ["7000-7001"]
    volumes: ["./data:/data:ro", "named:/named", "/cache", {type: tmpfs, target: /scratch, tmpfs: {size: 1m}}]
    restart: on-failure:3
    stop_grace_period: 20s
    healthcheck: {test: ["CMD", "true"], interval: 2s, retries: 4, start_interval: 1s}
    mem_limit: 64m
    cpus: 0.5
    ulimits: {nofile: {soft: 100, hard: 200}, nproc: 50}
    extra_hosts: ["b.example:10.0.0.2", "a.example:10.0.0.1"]
    tmpfs: ["/run:size=1m"]
    links: ["db:database"]
    secrets: [token, {source: fromenv, target: custom, mode: 0400}]
    networks:
      back: {priority: 1}
      front: {priority: 10, aliases: [www], ipv4_address: 172.28.0.5}
  db:
    image: db
  side:
    image: side
    network_mode: service:web
    volumes_from: ["web:ro"]
    ipc: service:web
volumes: {named: {}}
networks:
  front: {ipam: {config: [{subnet: 172.28.0.0/16}]}}
  back: {}
secrets:
  token: {file: ./token.txt}
  fromenv: {environment: FROM_ENV}
`)
	out := convert(t, p, "web", "1.41")
	c, h := out.Config, out.Host
	if !slices.Equal(c.Cmd, []string{"serve", "-addr", ":80"}) || !slices.Equal(c.Env, []string{"A=1", "B=2"}) {
		t.Errorf("cmd %v env %v", c.Cmd, c.Env)
	}
	if c.Labels[LabelProject] != "shop" || c.Labels[LabelService] != "web" || c.Labels[LabelNumber] != "1" || c.Labels[LabelOneOff] != "False" || c.Labels[LabelConfigHash] != "h" {
		t.Errorf("labels %v", c.Labels)
	}
	if *c.StopTimeout != 20 || c.Healthcheck.Retries != 4 || c.Healthcheck.StartInterval != 0 {
		t.Errorf("stop timeout %v healthcheck %+v", *c.StopTimeout, c.Healthcheck)
	}
	if len(out.Warnings) != 1 {
		t.Errorf("want a warning for start_interval on API 1.41: %v", out.Warnings)
	}
	if b := h.PortBindings["80/tcp"]; len(b) != 1 || b[0].HostIP != "127.0.0.1" || b[0].HostPort != "8080" {
		t.Errorf("80/tcp bindings %v", b)
	}
	if b := h.PortBindings["9001/udp"]; len(b) != 1 || b[0].HostPort != "9001" {
		t.Errorf("9001/udp bindings %v", b)
	}
	if b := h.PortBindings["443/tcp"]; len(b) != 1 || b[0].HostPort != "" {
		t.Errorf("443: random host port wanted, got %v", b)
	}
	for _, port := range []string{"7000/tcp", "7001/tcp", "80/tcp", "443/tcp"} {
		if _, ok := c.ExposedPorts[nat.Port(port)]; !ok {
			t.Errorf("%s not exposed: %v", port, c.ExposedPorts)
		}
	}
	if len(h.Binds) != 1 || h.Binds[0] != filepath.Join(p.WorkingDir, "data")+":/data:ro" {
		t.Errorf("binds %v", h.Binds)
	}
	// long-syntax tmpfs goes to HostConfig.Tmpfs, as short syntax does
	tmpfs := h.Tmpfs["/scratch"] == "size=1048576"
	var named, anon, secret bool
	for _, m := range h.Mounts {
		switch {
		case m.Target == "/named" && m.Source == "shop_named":
			named = true
		case m.Target == "/cache" && m.Source == "anon123":
			anon = true
		case m.Target == "/run/secrets/token" && m.ReadOnly && filepath.Base(m.Source) == "token.txt":
			secret = true
		}
	}
	if !named || !anon || !tmpfs || !secret {
		t.Errorf("mounts named=%v anon=%v tmpfs=%v secret=%v: %+v %v", named, anon, tmpfs, secret, h.Mounts, h.Tmpfs)
	}
	if len(out.Copies) != 1 || out.Copies[0].Path != "/run/secrets/custom" || string(out.Copies[0].Content) != "env-secret" || out.Copies[0].Mode != 0o400 {
		t.Errorf("copies %+v", out.Copies)
	}
	if h.RestartPolicy.Name != "on-failure" || h.RestartPolicy.MaximumRetryCount != 3 {
		t.Errorf("restart %+v", h.RestartPolicy)
	}
	if h.Memory != 64<<20 || h.NanoCPUs != 5e8 {
		t.Errorf("memory %d cpus %d", h.Memory, h.NanoCPUs)
	}
	if len(h.Ulimits) != 2 {
		t.Errorf("ulimits %v", h.Ulimits)
	}
	if !slices.Equal(h.ExtraHosts, []string{"a.example:10.0.0.1", "b.example:10.0.0.2"}) || h.Tmpfs["/run"] != "size=1m" {
		t.Errorf("extra hosts %v tmpfs %v", h.ExtraHosts, h.Tmpfs)
	}
	// the highest priority network goes in at create time, the other after
	if h.NetworkMode != "shop_front" || len(out.Connect) != 1 || out.Connect[0].Network != "shop_back" {
		t.Fatalf("network mode %s connect %+v", h.NetworkMode, out.Connect)
	}
	ep := out.Network.EndpointsConfig["shop_front"]
	if !slices.Equal(ep.Aliases, []string{"web", "www"}) || ep.IPAMConfig.IPv4Address != "172.28.0.5" || !slices.Equal(ep.Links, []string{"shop-db-1:database"}) {
		t.Errorf("endpoint %+v", ep)
	}

	side := convert(t, p, "side", "1.41")
	if side.Host.NetworkMode != "container:id-of-web" || side.Host.IpcMode != "container:id-of-web" || !slices.Equal(side.Host.VolumesFrom, []string{"id-of-web:ro"}) {
		t.Errorf("side: network %s ipc %s volumes_from %v", side.Host.NetworkMode, side.Host.IpcMode, side.Host.VolumesFrom)
	}
	if side.Network != nil {
		t.Errorf("network_mode service: must not also join networks: %+v", side.Network)
	}
}

func TestStartIntervalOnNewEngines(t *testing.T) {
	p := load(t, "services:\n  web:\n    image: web\n    healthcheck: {test: [\"CMD\", \"true\"], start_interval: 1s}\n")
	out := convert(t, p, "web", "1.44")
	if out.Config.Healthcheck.StartInterval.Seconds() != 1 || len(out.Warnings) != 0 {
		t.Errorf("healthcheck %+v warnings %v", out.Config.Healthcheck, out.Warnings)
	}
}

func TestSubpathRefusedOnOldEngines(t *testing.T) {
	p := load(t, "services:\n  web:\n    image: web\n    volumes: [{type: volume, source: data, target: /d, volume: {subpath: sub}}]\nvolumes: {data: {}}\n")
	_, err := Container(Input{Project: p, Service: p.Services["web"], Name: "x", APIVersion: "1.41"})
	if err == nil {
		t.Fatal("subpath accepted on API 1.41")
	}
}
