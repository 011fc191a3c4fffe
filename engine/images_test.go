package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/image"

	"github.com/envctl/envctl/project"
)

func imageProject(services ...types.ServiceConfig) *project.Project {
	p := &project.Project{Project: &types.Project{Name: "shop", Services: types.Services{}}}
	for _, s := range services {
		p.Services[s.Name] = s
	}
	return p
}

func svc(name, img, pull string, build bool) types.ServiceConfig {
	s := types.ServiceConfig{Name: name}
	s.Image, s.PullPolicy = img, pull
	if build {
		s.Build = &types.BuildConfig{Context: "."}
	}
	return s
}

func TestImageNeeds(t *testing.T) {
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	present := func(tagged time.Time) image.InspectResponse {
		return image.InspectResponse{Metadata: image.Metadata{LastTagTime: tagged}}
	}
	cases := []struct {
		name     string
		services []types.ServiceConfig
		images   map[string]image.InspectResponse
		o        ImageOptions
		want     string // "ref:pull|build|-" sorted by ref, space separated
		err      string
	}{
		{"missing image pulled", []types.ServiceConfig{svc("db", "redis", "", false)}, nil, ImageOptions{}, "redis:pull", ""},
		{"present image kept", []types.ServiceConfig{svc("db", "redis", "", false)}, map[string]image.InspectResponse{"redis": present(now)}, ImageOptions{}, "redis:-", ""},
		{"always pulls", []types.ServiceConfig{svc("db", "redis", "always", false)}, map[string]image.InspectResponse{"redis": present(now)}, ImageOptions{}, "redis:pull", ""},
		{"--pull always overrides", []types.ServiceConfig{svc("db", "redis", "never", false)}, map[string]image.InspectResponse{"redis": present(now)}, ImageOptions{Pull: "always"}, "redis:pull", ""},
		{"never and missing fails", []types.ServiceConfig{svc("db", "redis", "never", false)}, nil, ImageOptions{}, "", "service db: image redis is not present locally and pull_policy is never"},
		{"daily, fresh", []types.ServiceConfig{svc("db", "redis", "daily", false)}, map[string]image.InspectResponse{"redis": present(now.Add(-2 * time.Hour))}, ImageOptions{}, "redis:-", ""},
		{"daily, stale", []types.ServiceConfig{svc("db", "redis", "daily", false)}, map[string]image.InspectResponse{"redis": present(now.Add(-25 * time.Hour))}, ImageOptions{}, "redis:pull", ""},
		{"weekly, stale", []types.ServiceConfig{svc("db", "redis", "weekly", false)}, map[string]image.InspectResponse{"redis": present(now.Add(-8 * 24 * time.Hour))}, ImageOptions{}, "redis:pull", ""},
		{"every_12h, fresh", []types.ServiceConfig{svc("db", "redis", "every_12h", false)}, map[string]image.InspectResponse{"redis": present(now.Add(-11 * time.Hour))}, ImageOptions{}, "redis:-", ""},
		{"every_12h, never tagged", []types.ServiceConfig{svc("db", "redis", "every_12h", false)}, map[string]image.InspectResponse{"redis": present(time.Time{})}, ImageOptions{}, "redis:pull", ""},
		{"buildable missing is built, not pulled", []types.ServiceConfig{svc("web", "", "", true)}, nil, ImageOptions{}, "shop-web:build", ""},
		{"buildable with image: missing is built", []types.ServiceConfig{svc("web", "me/web", "", true)}, nil, ImageOptions{}, "me/web:build", ""},
		{"buildable present is kept", []types.ServiceConfig{svc("web", "", "", true)}, map[string]image.InspectResponse{"shop-web": present(now)}, ImageOptions{}, "shop-web:-", ""},
		{"--build rebuilds", []types.ServiceConfig{svc("web", "", "", true)}, map[string]image.InspectResponse{"shop-web": present(now)}, ImageOptions{Build: true}, "shop-web:build", ""},
		{"pull_policy build always builds", []types.ServiceConfig{svc("web", "me/web", "build", true)}, map[string]image.InspectResponse{"me/web": present(now)}, ImageOptions{}, "me/web:build", ""},
		{"buildable with always is pulled first", []types.ServiceConfig{svc("web", "me/web", "always", true)}, map[string]image.InspectResponse{"me/web": present(now)}, ImageOptions{}, "me/web:pull", ""},
		{"one image for several services", []types.ServiceConfig{svc("web", "shop-web", "", true), svc("worker", "shop-web", "", false)}, nil, ImageOptions{}, "shop-web:build", ""},
		{"a service using a built image does not pull it", []types.ServiceConfig{svc("worker", "shop-web", "", false), svc("web", "", "", true)}, nil, ImageOptions{}, "shop-web:build", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := imageProject(c.services...)
			var scope []string
			for _, s := range c.services {
				scope = append(scope, s.Name)
			}
			refs, needs, err := imageNeeds(p, scope, c.images, c.o, now)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range refs {
				what := "-"
				switch n := needs[r]; {
				case n.build && n.pull:
					what = "pull+build"
				case n.build:
					what = "build"
				case n.pull:
					what = "pull"
				}
				got = append(got, r+":"+what)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got %s, want %s", g, c.want)
			}
		})
	}
}
