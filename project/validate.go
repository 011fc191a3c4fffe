package project

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// validate checks what compose-go's loader leaves to its consistency check (which
// we skip because its messages name neither file nor key) plus what it does not
// check at all: restart policies, build contexts, Dockerfiles, secret files.
func validate(p *types.Project, sources []*source) error {
	v := &validator{p: p, sources: sources}
	for _, name := range p.ServiceNames() {
		svc := p.Services[name]
		v.service(svc)
		if v.err != nil {
			return v.err
		}
	}
	v.topLevelFiles()
	if v.err != nil {
		return v.err
	}
	if _, err := NewGraph(p); err != nil {
		if c, ok := err.(*CycleError); ok {
			path := keyPath("services", c.Cycle[0], "depends_on")
			return &Error{File: locate(sources, path), Path: path, Msg: c.Error()}
		}
		return err
	}
	return nil
}

type validator struct {
	p       *types.Project
	sources []*source
	err     error
}

// fail keeps the first problem only: users get one line to act on.
func (v *validator) fail(path, format string, args ...any) {
	if v.err == nil {
		v.err = &Error{File: locate(v.sources, path), Path: path, Msg: fmt.Sprintf(format, args...)}
	}
}

// serviceRef checks that name is a service; what is where the name came from.
func (v *validator) serviceRef(path, what, name string, required bool) {
	if _, ok := v.p.Services[name]; ok {
		return
	}
	if d, ok := v.p.DisabledServices[name]; ok {
		if required {
			v.fail(path, "%s service %q, which is only in profile %s (not enabled)", what, name, strings.Join(d.Profiles, ", "))
		}
		return
	}
	if required {
		v.fail(path, "%s undefined service %q", what, name)
	}
}

func (v *validator) service(s types.ServiceConfig) {
	base := func(parts ...any) string { return keyPath(append([]any{"services", s.Name}, parts...)...) }
	if s.Image == "" && s.Build == nil {
		v.fail(base(), "no image and no build: set one of them")
	}
	for i, l := range s.Links {
		target, _, _ := strings.Cut(l, ":")
		v.serviceRef(base("links", i), "links to", target, true)
	}
	for i, vf := range s.VolumesFrom {
		target, _, _ := strings.Cut(vf, ":")
		if target == "container" {
			continue
		}
		v.serviceRef(base("volumes_from", i), "takes volumes from", target, true)
	}
	for _, ns := range [][2]string{{"network_mode", s.NetworkMode}, {"ipc", s.Ipc}, {"pid", s.Pid}} {
		if target, ok := strings.CutPrefix(ns[1], "service:"); ok {
			v.serviceRef(base(ns[0]), "shares the namespace of", target, true)
		}
	}
	// compose-go adds links, volumes_from and namespaces to depends_on: check
	// those first so the message names the key the user wrote
	for _, dep := range sortedKeys(s.DependsOn) {
		v.serviceRef(base("depends_on", dep), "depends on", dep, s.DependsOn[dep].Required)
	}
	if s.NetworkMode != "" && len(s.Networks) > 0 && !isDefaultOnly(s.Networks) {
		v.fail(base("network_mode"), "network_mode %q cannot be used together with networks", s.NetworkMode)
	}
	for _, n := range sortedKeys(s.Networks) {
		if _, ok := v.p.Networks[n]; !ok && n != "default" {
			v.fail(base("networks", n), "undefined network %q: declare it under the top-level networks key", n)
		}
	}
	for i, m := range s.Volumes {
		if m.Type == types.VolumeTypeVolume && m.Source != "" {
			if _, ok := v.p.Volumes[m.Source]; !ok {
				v.fail(base("volumes", i), "undefined volume %q: declare it under the top-level volumes key", m.Source)
			}
		}
	}
	for i, sec := range s.Secrets {
		if _, ok := v.p.Secrets[sec.Source]; !ok {
			v.fail(base("secrets", i), "undefined secret %q: declare it under the top-level secrets key", sec.Source)
		}
	}
	for i, c := range s.Configs {
		if _, ok := v.p.Configs[c.Source]; !ok {
			v.fail(base("configs", i), "undefined config %q: declare it under the top-level configs key", c.Source)
		}
	}
	if err := checkRestart(s.Restart); err != nil {
		v.fail(base("restart"), "%s", err)
	}
	if _, _, err := s.GetPullPolicy(); err != nil {
		v.fail(base("pull_policy"), "invalid pull_policy %q: use always, missing, never, build, daily, weekly or every_<duration>", s.PullPolicy)
	}
	if s.Scale != nil && *s.Scale < 0 {
		v.fail(base("scale"), "scale must not be negative")
	}
	v.build(s, base)
}

func isDefaultOnly(n map[string]*types.ServiceNetworkConfig) bool {
	_, ok := n["default"]
	return ok && len(n) == 1
}

func checkRestart(policy string) error {
	switch policy {
	case "", "no", "always", "unless-stopped", "on-failure":
		return nil
	}
	if n, ok := strings.CutPrefix(policy, "on-failure:"); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 0 {
			return nil
		}
	}
	return fmt.Errorf("invalid restart policy %q: use no, always, unless-stopped, on-failure or on-failure:N", policy)
}

func (v *validator) build(s types.ServiceConfig, base func(...any) string) {
	b := s.Build
	if b == nil || isRemoteContext(b.Context) {
		return
	}
	fi, err := os.Stat(b.Context)
	if err != nil || !fi.IsDir() {
		v.fail(base("build", "context"), "build context %s is not a directory", relTo(b.Context, v.sources))
		return
	}
	if b.DockerfileInline != "" {
		return
	}
	df := b.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(b.Context, df)
	}
	if _, err := os.Stat(df); err != nil {
		v.fail(base("build", "dockerfile"), "Dockerfile %s not found", relTo(df, v.sources))
	}
}

func isRemoteContext(c string) bool {
	for _, p := range []string{"http://", "https://", "git://", "git@", "github.com/"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return strings.HasSuffix(c, ".git") && !strings.HasPrefix(c, "/")
}

func (v *validator) topLevelFiles() {
	for _, name := range sortedKeys(v.p.Secrets) {
		s := v.p.Secrets[name]
		v.fileSource(keyPath("secrets", name, "file"), "secret", s.File, bool(s.External))
	}
	for _, name := range sortedKeys(v.p.Configs) {
		c := v.p.Configs[name]
		v.fileSource(keyPath("configs", name, "file"), "config", c.File, bool(c.External))
	}
}

func (v *validator) fileSource(path, what, file string, external bool) {
	if file == "" || external {
		return
	}
	if _, err := os.Stat(file); err != nil {
		v.fail(path, "%s file %s not found", what, relTo(file, v.sources))
	}
}
