package build

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	dbuild "github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"

	"github.com/envctl/envctl/engine/convert"
)

// Request is one image to build: the service that declares it and what the
// command line adds.
type Request struct {
	Project string
	Service types.ServiceConfig
	// Ref is the image name the build is tagged with (project.ImageName).
	Ref string
	// Args override the service's build args (--build-arg); a nil value
	// means "take it from Env".
	Args    map[string]*string
	NoCache bool
	Pull    bool
	// Contexts maps an additional context name to the image it stands for
	// (service:NAME resolved to that service's image, docker-image://REF).
	Contexts map[string]string
	// Env resolves --build-arg KEY without a value.
	Env func(string) (string, bool)
}

// Options are the build endpoint's options for r, without context,
// Dockerfile name and builder version.
func Options(r Request) (dbuild.ImageBuildOptions, error) {
	b := r.Service.Build
	if b == nil {
		return dbuild.ImageBuildOptions{}, fmt.Errorf("service %s has no build section", r.Service.Name)
	}
	args := map[string]*string{}
	for k, v := range b.Args {
		if v != nil {
			args[k] = v
		}
	}
	for k, v := range r.Args {
		if v == nil && r.Env != nil {
			if val, ok := r.Env(k); ok {
				v = &val
			}
		}
		if v == nil {
			continue
		}
		args[k] = v
	}
	labels := map[string]string{}
	for k, v := range b.Labels {
		labels[k] = v
	}
	labels[convert.LabelProject] = r.Project
	labels[convert.LabelService] = r.Service.Name
	platform, err := onePlatform(r.Service)
	if err != nil {
		return dbuild.ImageBuildOptions{}, err
	}
	o := dbuild.ImageBuildOptions{
		Tags:        append([]string{r.Ref}, b.Tags...),
		NoCache:     r.NoCache || b.NoCache,
		PullParent:  r.Pull || b.Pull,
		Remove:      true,
		ForceRemove: true,
		BuildArgs:   args,
		Labels:      labels,
		CacheFrom:   cacheFrom(b.CacheFrom),
		NetworkMode: b.Network,
		ExtraHosts:  b.ExtraHosts.AsList(":"),
		ShmSize:     int64(b.ShmSize),
		Target:      b.Target,
		Platform:    platform,
		Isolation:   container.Isolation(b.Isolation),
	}
	sort.Strings(o.ExtraHosts)
	for name, u := range b.Ulimits {
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		o.Ulimits = append(o.Ulimits, &container.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	sort.Slice(o.Ulimits, func(i, j int) bool { return o.Ulimits[i].Name < o.Ulimits[j].Name })
	return o, nil
}

// onePlatform is the one platform the engine's builder can build for.
func onePlatform(s types.ServiceConfig) (string, error) {
	ps := s.Build.Platforms
	switch {
	case len(ps) > 1:
		return "", fmt.Errorf("service %s: build.platforms lists %d platforms; the engine's builder builds one (a multi-platform build needs buildx)", s.Name, len(ps))
	case len(ps) == 1:
		if s.Platform != "" && s.Platform != ps[0] {
			return "", fmt.Errorf("service %s: platform %s is not in build.platforms", s.Name, s.Platform)
		}
		return ps[0], nil
	}
	return s.Platform, nil
}

// cacheFrom takes the image references out of cache_from entries, which may
// be buildx's type=registry,ref=IMAGE form.
func cacheFrom(list []string) []string {
	var out []string
	for _, c := range list {
		if !strings.Contains(c, "=") {
			out = append(out, c)
			continue
		}
		kind, ref := "", ""
		for _, f := range strings.Split(c, ",") {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "type":
				kind = v
			case "ref":
				ref = v
			}
		}
		if (kind == "" || kind == "registry") && ref != "" {
			out = append(out, ref)
		}
	}
	return out
}

// ImageContexts resolves additional_contexts to images: service:NAME through
// imageOf, docker-image://REF as REF. Directory and URL contexts need
// named-context support that the engine's build endpoint does not offer.
func ImageContexts(s types.ServiceConfig, imageOf func(service string) (string, bool)) (map[string]string, error) {
	if s.Build == nil || len(s.Build.AdditionalContexts) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for name, v := range s.Build.AdditionalContexts {
		switch {
		case strings.HasPrefix(v, "service:"):
			svc := strings.TrimPrefix(v, "service:")
			ref, ok := imageOf(svc)
			if !ok {
				return nil, fmt.Errorf("service %s: build.additional_contexts.%s: service %s has no build section", s.Name, name, svc)
			}
			out[name] = ref
		case strings.HasPrefix(v, "docker-image://"):
			out[name] = strings.TrimPrefix(v, "docker-image://")
		default:
			return nil, fmt.Errorf("service %s: build.additional_contexts.%s: %q: only service:NAME and docker-image://IMAGE contexts can be built through the engine API", s.Name, name, v)
		}
	}
	return out, nil
}

// ContextServices are the services whose images s's build uses through
// additional_contexts service:NAME: they are built first.
func ContextServices(s types.ServiceConfig) []string {
	if s.Build == nil {
		return nil
	}
	var out []string
	for _, v := range s.Build.AdditionalContexts {
		if name, ok := strings.CutPrefix(v, "service:"); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
