package e2e

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"
)

// keysStack applies a representative set of service keys; the test reads
// each back from docker inspect. %[1]d is a random third octet for the
// fixed-subnet network.
const keysStack = `services:
  app:
    image: envctl-test/testapp:latest
    command: ["serve", "-term", "trap"]
    hostname: apphost
    domainname: example.test
    user: "1000:1000"
    working_dir: /tmp
    environment: {A: "1"}
    labels: {com.example.role: app}
    init: true
    stop_signal: SIGINT
    stop_grace_period: 7s
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    tmpfs: ["/run/tmp:size=1m"]
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
    sysctls: {net.core.somaxconn: "1024"}
    shm_size: 16m
    mem_limit: 64m
    mem_reservation: 32m
    cpus: 0.5
    cpu_shares: 512
    pids_limit: 100
    tty: true
    stdin_open: true
    extra_hosts: ["db.example:10.1.2.3"]
    dns: [127.0.0.53]
    dns_search: [example.test]
    dns_opt: ["ndots:2"]
    logging: {driver: json-file, options: {max-size: 1m}}
    restart: on-failure:3
    security_opt: ["no-new-privileges:true"]
    group_add: ["100"]
    oom_score_adj: 100
    healthcheck:
      test: ["CMD", "/testapp", "health", "-url", "http://127.0.0.1:8080/health"]
      interval: 2s
      timeout: 1s
      retries: 5
      start_period: 1s
    ports:
      - "127.0.0.1::8080"
      - "%[2]d:8081/udp"
      - {target: 8082, published: "%[3]d", protocol: tcp, host_ip: 127.0.0.1}
      - "127.0.0.1:%[4]d-%[5]d:8083-8084"
    expose: ["9000"]
    volumes:
      - ./host:/bind:ro
      - data:/data
      - /anon
      - {type: volume, source: nocopy, target: /nocopy, volume: {nocopy: true}}
      - {type: tmpfs, target: /scratch, tmpfs: {size: 1048576}}
    networks:
      front: {aliases: [app-alias], ipv4_address: 10.250.%[1]d.10, priority: 10}
      back: {priority: 1}
    secrets: [from_file, {source: from_env, target: env_secret}]
    configs: [{source: conf_content, target: /etc/app.conf, mode: 0440}]
  sidecar:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    network_mode: service:app
    ipc: service:app
    pid: service:app
  bridged:
    image: envctl-test/testapp:latest
    network_mode: bridge
    read_only: true
  priv:
    image: envctl-test/testapp:latest
    privileged: true
    profiles: [priv]
  isolated:
    image: envctl-test/testapp:latest
    network_mode: none
    volumes_from: [app:ro]
  onhost:
    image: envctl-test/testapp:latest
    network_mode: host
  linker:
    image: envctl-test/testapp:latest
    links: ["app:app-link"]
    networks: [front]
    healthcheck: {disable: true}
  shellcheck:
    image: envctl-test/testapp:latest
    healthcheck: {test: "/testapp health -file /nothing", interval: 30s}
networks:
  front:
    ipam: {config: [{subnet: 10.250.%[1]d.0/24}]}
    attachable: true
    labels: {com.example.net: front}
  back:
    internal: true
volumes:
  data: {}
  nocopy: {}
secrets:
  from_file: {file: ./secret.txt}
  from_env: {environment: SECRET_ENV}
configs:
  conf_content: {content: "key=value"}
`

func TestServiceKeysApplied(t *testing.T) {
	t.Parallel()
	octet := 100 + rand.IntN(150)
	port := 39300 + rand.IntN(500)*4
	e := newEnv(t, map[string]string{
		"compose.yaml": fmt.Sprintf(keysStack, octet, port, port+1, port+2, port+3),
		"host/file":    "from the host\n",
		"secret.txt":   "file-secret",
	})
	e.vars = append(e.vars, "SECRET_ENV=env-secret")
	r := e.must("up", "-d")
	ids := byName(t, e.project)
	app := inspect(t, ids[e.project+"-app-1"])
	cfg, host := app.Config, app.HostConfig

	check := func(what string, ok bool, got any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: got %v", what, got)
		}
	}
	check("hostname", cfg.Hostname == "apphost", cfg.Hostname)
	check("domainname", cfg.Domainname == "example.test", cfg.Domainname)
	check("user", cfg.User == "1000:1000", cfg.User)
	check("working_dir", cfg.WorkingDir == "/tmp", cfg.WorkingDir)
	check("environment", slices.Contains(cfg.Env, "A=1"), cfg.Env)
	check("labels", cfg.Labels["com.example.role"] == "app", cfg.Labels)
	check("init", host.Init != nil && *host.Init, host.Init)
	check("stop_signal", cfg.StopSignal == "SIGINT", cfg.StopSignal)
	check("stop_grace_period", cfg.StopTimeout != nil && *cfg.StopTimeout == 7, cfg.StopTimeout)
	// the engine may store capabilities with their CAP_ prefix
	check("cap_add", slices.Contains(host.CapAdd, "NET_ADMIN") || slices.Contains(host.CapAdd, "CAP_NET_ADMIN"), host.CapAdd)
	check("cap_drop", slices.Contains(host.CapDrop, "MKNOD") || slices.Contains(host.CapDrop, "CAP_MKNOD"), host.CapDrop)
	check("tmpfs", host.Tmpfs["/run/tmp"] == "size=1m", host.Tmpfs)
	check("sysctls", host.Sysctls["net.core.somaxconn"] == "1024", host.Sysctls)
	check("shm_size", host.ShmSize == 16<<20, host.ShmSize)
	check("mem_limit", host.Memory == 64<<20, host.Memory)
	check("mem_reservation", host.MemoryReservation == 32<<20, host.MemoryReservation)
	check("cpus", host.NanoCPUs == 5e8, host.NanoCPUs)
	check("cpu_shares", host.CPUShares == 512, host.CPUShares)
	check("pids_limit", host.PidsLimit != nil && *host.PidsLimit == 100, host.PidsLimit)
	check("tty", cfg.Tty, cfg.Tty)
	check("stdin_open", cfg.OpenStdin, cfg.OpenStdin)
	check("extra_hosts", slices.Contains(host.ExtraHosts, "db.example:10.1.2.3"), host.ExtraHosts)
	check("dns", slices.Equal(host.DNS, []string{"127.0.0.53"}), host.DNS)
	check("dns_search", slices.Equal(host.DNSSearch, []string{"example.test"}), host.DNSSearch)
	check("dns_opt", slices.Equal(host.DNSOptions, []string{"ndots:2"}), host.DNSOptions)
	check("logging", host.LogConfig.Type == "json-file" && host.LogConfig.Config["max-size"] == "1m", host.LogConfig)
	check("restart", host.RestartPolicy.Name == "on-failure" && host.RestartPolicy.MaximumRetryCount == 3, host.RestartPolicy)
	check("security_opt", slices.Contains(host.SecurityOpt, "no-new-privileges:true"), host.SecurityOpt)
	check("group_add", slices.Equal(host.GroupAdd, []string{"100"}), host.GroupAdd)
	check("oom_score_adj", host.OomScoreAdj == 100, host.OomScoreAdj)
	check("privileged off", !host.Privileged, host.Privileged)
	ul := map[string][2]int64{}
	for _, u := range host.Ulimits {
		ul[u.Name] = [2]int64{u.Soft, u.Hard}
	}
	check("ulimits", ul["nofile"] == [2]int64{1024, 2048} && ul["nproc"] == [2]int64{512, 512}, ul)
	hc := cfg.Healthcheck
	check("healthcheck", hc != nil && slices.Equal(hc.Test, []string{"CMD", "/testapp", "health", "-url", "http://127.0.0.1:8080/health"}) &&
		hc.Interval == 2*time.Second && hc.Timeout == time.Second && hc.Retries == 5 && hc.StartPeriod == time.Second, hc)

	// ports: host IP with a random port, udp, long syntax, a range
	bind := func(p string) []nat.PortBinding { return host.PortBindings[nat.Port(p)] }
	check("ports host ip random", len(bind("8080/tcp")) == 1 && bind("8080/tcp")[0].HostIP == "127.0.0.1" && bind("8080/tcp")[0].HostPort == "", bind("8080/tcp"))
	check("ports udp", len(bind("8081/udp")) == 1 && bind("8081/udp")[0].HostPort == fmt.Sprint(port), bind("8081/udp"))
	check("ports long", len(bind("8082/tcp")) == 1 && bind("8082/tcp")[0].HostPort == fmt.Sprint(port+1) && bind("8082/tcp")[0].HostIP == "127.0.0.1", bind("8082/tcp"))
	check("ports range", len(bind("8083/tcp")) == 1 && bind("8083/tcp")[0].HostPort == fmt.Sprint(port+2) && len(bind("8084/tcp")) == 1 && bind("8084/tcp")[0].HostPort == fmt.Sprint(port+3), host.PortBindings)
	_, exposed := cfg.ExposedPorts["9000/tcp"]
	check("expose", exposed, cfg.ExposedPorts)
	live := app.NetworkSettings.Ports["8080/tcp"]
	check("random host port given", len(live) > 0 && live[0].HostPort != "" && live[0].HostPort != "0", live)

	// volumes: bind read-only, named, anonymous, nocopy, tmpfs
	mounts := map[string]container.MountPoint{}
	for _, m := range app.Mounts {
		mounts[m.Destination] = m
	}
	check("bind ro", mounts["/bind"].Type == "bind" && !mounts["/bind"].RW, mounts["/bind"])
	check("bind content", readContainerFile(t, app.ID, "/bind/file") == "from the host\n", "")
	check("named volume", mounts["/data"].Name == e.project+"_data", mounts["/data"])
	check("anonymous volume", mounts["/anon"].Type == "volume" && mounts["/anon"].Name != "", mounts["/anon"])
	check("nocopy volume", mounts["/nocopy"].Name == e.project+"_nocopy", mounts["/nocopy"])
	for _, m := range host.Mounts {
		if m.Target == "/nocopy" {
			check("nocopy option", m.VolumeOptions != nil && m.VolumeOptions.NoCopy, m.VolumeOptions)
		}
	}
	// long-syntax tmpfs goes where short-syntax tmpfs does (see convert)
	check("tmpfs volume", host.Tmpfs["/scratch"] == "size=1048576", host.Tmpfs)

	// secrets and configs from a file, the environment and inline content
	check("secret from file", readContainerFile(t, app.ID, "/run/secrets/from_file") == "file-secret", readContainerFile(t, app.ID, "/run/secrets/from_file"))
	check("secret from environment", readContainerFile(t, app.ID, "/run/secrets/env_secret") == "env-secret", readContainerFile(t, app.ID, "/run/secrets/env_secret"))
	check("config from content", readContainerFile(t, app.ID, "/etc/app.conf") == "key=value", readContainerFile(t, app.ID, "/etc/app.conf"))

	// networks: aliases, fixed address, priority (first network at create)
	front := app.NetworkSettings.Networks[e.project+"_front"]
	check("front network", front != nil, app.NetworkSettings.Networks)
	if front != nil {
		check("aliases", slices.Contains(front.Aliases, "app-alias") && slices.Contains(front.Aliases, "app"), front.Aliases)
		check("ipv4_address", front.IPAddress == fmt.Sprintf("10.250.%d.10", octet), front.IPAddress)
	}
	check("back network", app.NetworkSettings.Networks[e.project+"_back"] != nil, app.NetworkSettings.Networks)
	check("priority", string(host.NetworkMode) == e.project+"_front", host.NetworkMode)
	nf, err := docker(t).NetworkInspect(t.Context(), e.project+"_front", networkInspectOptions)
	if err != nil {
		t.Fatal(err)
	}
	check("network ipam", len(nf.IPAM.Config) == 1 && nf.IPAM.Config[0].Subnet == fmt.Sprintf("10.250.%d.0/24", octet), nf.IPAM)
	check("network attachable", nf.Attachable, nf.Attachable)
	check("network labels", nf.Labels["com.example.net"] == "front", nf.Labels)
	nb, err := docker(t).NetworkInspect(t.Context(), e.project+"_back", networkInspectOptions)
	if err != nil {
		t.Fatal(err)
	}
	check("network internal", nb.Internal, nb.Internal)

	// network_mode, ipc and pid forms, volumes_from, links, read_only, privileged
	sidecar := inspect(t, ids[e.project+"-sidecar-1"]).HostConfig
	check("network_mode service:", string(sidecar.NetworkMode) == "container:"+app.ID, sidecar.NetworkMode)
	check("ipc service:", string(sidecar.IpcMode) == "container:"+app.ID, sidecar.IpcMode)
	check("pid service:", string(sidecar.PidMode) == "container:"+app.ID, sidecar.PidMode)
	bridged := inspect(t, ids[e.project+"-bridged-1"]).HostConfig
	check("network_mode bridge", bridged.NetworkMode == "bridge", bridged.NetworkMode)
	check("read_only", bridged.ReadonlyRootfs, bridged.ReadonlyRootfs)
	// this machine's runtime cannot start privileged containers: create only
	e.must("--profile", "priv", "create", "priv")
	priv := inspect(t, byName(t, e.project)[e.project+"-priv-1"]).HostConfig
	check("privileged", priv.Privileged, priv.Privileged)
	isolated := inspect(t, ids[e.project+"-isolated-1"])
	check("network_mode none", isolated.HostConfig.NetworkMode == "none", isolated.HostConfig.NetworkMode)
	check("volumes_from", slices.Equal(isolated.HostConfig.VolumesFrom, []string{app.ID + ":ro"}), isolated.HostConfig.VolumesFrom)
	check("volumes_from data", readContainerFile(t, isolated.ID, "/bind/file") == "from the host\n", "")
	onhost := inspect(t, ids[e.project+"-onhost-1"]).HostConfig
	check("network_mode host", onhost.NetworkMode == "host", onhost.NetworkMode)
	linker := inspect(t, ids[e.project+"-linker-1"])
	lf := linker.NetworkSettings.Networks[e.project+"_front"]
	check("links", lf != nil && slices.Contains(lf.Links, e.project+"-app-1:app-link"), lf)
	check("healthcheck disable", linker.Config.Healthcheck != nil && slices.Equal(linker.Config.Healthcheck.Test, []string{"NONE"}), linker.Config.Healthcheck)
	shell := inspect(t, ids[e.project+"-shellcheck-1"]).Config.Healthcheck
	check("healthcheck string form", shell != nil && slices.Equal(shell.Test, []string{"CMD-SHELL", "/testapp health -file /nothing"}), shell)

	// the app turns healthy through its healthcheck
	eventually(t, time.Minute, "app healthy", func() bool {
		h := inspect(t, app.ID).State.Health
		return h != nil && h.Status == "healthy"
	})
	for n, s := range states(t, e.project) {
		if s != "running" && !strings.HasSuffix(n, "-priv-1") {
			t.Errorf("%s is %s\n%s", n, s, r.stderr)
		}
	}
	// nothing the file sets is ignored without a word
	if strings.Contains(r.stderr, "not applied") {
		t.Errorf("warnings for keys this file sets:\n%s", r.stderr)
	}
}

// Keys envctl does not apply, or that this engine is too old for, are named
// in a warning; one that cannot work fails before anything is created.
func TestUnappliedAndTooNewKeysAreNamed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": `services:
  app:
    image: envctl-test/testapp:latest
    command: ["sleep", "-term", "trap"]
    gpus: all
    develop: {watch: [{path: ., action: rebuild}]}
    healthcheck: {test: ["CMD", "/testapp", "health", "-file", "/x"], start_interval: 1s}
    networks:
      default: {gw_priority: 1, mac_address: "02:42:ac:11:00:99"}
    deploy:
      placement: {constraints: [node.role==manager]}
      restart_policy: {condition: on-failure, delay: 5s}
`})
	r := e.must("up", "-d")
	for _, w := range []string{
		"services.app.gpus is not applied by envctl yet",
		"services.app.develop is not applied by envctl (envctl has no watch command)",
		"services.app.deploy.placement is not applied by envctl (swarm only)",
		"services.app.deploy.restart_policy.delay is not applied by envctl (swarm only)",
		"services.app.networks.default.gw_priority is not applied by envctl (needs Engine API 1.48)",
		"healthcheck.start_interval needs Engine API 1.44",
		"networks.default.mac_address needs Engine API 1.44",
	} {
		if !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, w) {
			t.Errorf("no warning %q:\n%s", w, r.stderr)
		}
	}
	if st := states(t, e.project)[e.project+"-app-1"]; st != "running" {
		t.Errorf("app is %s", st)
	}

	e.write(map[string]string{"compose.yaml": `services:
  sub:
    image: envctl-test/testapp:latest
    volumes: [{type: volume, source: data, target: /data, volume: {subpath: inner}}]
volumes:
  data: {}
`})
	before := byName(t, e.project)
	r = e.run("up", "-d", "--remove-orphans")
	if r.code != 1 || !strings.Contains(lastLine(r.stderr), "services.sub.volumes[0]: volume subpath needs Engine API 1.45") {
		t.Errorf("subpath on this engine: exit %d, %q", r.code, lastLine(r.stderr))
	}
	if after := byName(t, e.project); !sameIDs(before, after) {
		t.Errorf("the refused up changed containers: %v -> %v", before, after)
	}
}
