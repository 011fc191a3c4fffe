package build

import (
	"reflect"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func strp(s string) *string { return &s }

func TestOptions(t *testing.T) {
	s := types.ServiceConfig{Name: "web"}
	s.Build = &types.BuildConfig{
		Context:    "/src",
		Args:       types.MappingWithEquals{"A": strp("file"), "B": strp("file"), "UNSET": nil},
		Target:     "prod",
		Labels:     types.Labels{"team": "shop"},
		CacheFrom:  types.StringList{"shop/web:cache", "type=registry,ref=shop/web:buildcache", "type=local,src=/tmp/x"},
		Network:    "host",
		ExtraHosts: types.HostsList{"db": []string{"10.0.0.2"}},
		ShmSize:    64 << 20,
		Tags:       types.StringList{"shop/web:v2"},
		Platforms:  types.StringList{"linux/amd64"},
	}
	env := map[string]string{"C": "from-env"}
	o, err := Options(Request{
		Project: "shop", Service: s, Ref: "shop-web",
		Args:    map[string]*string{"B": strp("flag"), "C": nil, "D": nil},
		NoCache: true,
		Env:     func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]string{}
	for k, v := range o.BuildArgs {
		args[k] = *v
	}
	if want := map[string]string{"A": "file", "B": "flag", "C": "from-env"}; !reflect.DeepEqual(args, want) {
		t.Errorf("args %v, want %v", args, want)
	}
	if want := []string{"shop-web", "shop/web:v2"}; !reflect.DeepEqual(o.Tags, want) {
		t.Errorf("tags %v", o.Tags)
	}
	if want := []string{"shop/web:cache", "shop/web:buildcache"}; !reflect.DeepEqual(o.CacheFrom, want) {
		t.Errorf("cache_from %v", o.CacheFrom)
	}
	if o.Labels["com.docker.compose.project"] != "shop" || o.Labels["com.docker.compose.service"] != "web" || o.Labels["team"] != "shop" {
		t.Errorf("labels %v", o.Labels)
	}
	if o.Target != "prod" || o.NetworkMode != "host" || o.ShmSize != 64<<20 || o.Platform != "linux/amd64" || !o.NoCache {
		t.Errorf("options %+v", o)
	}
	if !reflect.DeepEqual(o.ExtraHosts, []string{"db:10.0.0.2"}) {
		t.Errorf("extra_hosts %v", o.ExtraHosts)
	}
}

func TestOptionsRejectsSeveralPlatforms(t *testing.T) {
	s := types.ServiceConfig{Name: "web"}
	s.Build = &types.BuildConfig{Context: "/src", Platforms: types.StringList{"linux/amd64", "linux/arm64"}}
	_, err := Options(Request{Project: "shop", Service: s, Ref: "shop-web"})
	if err == nil || !strings.Contains(err.Error(), "builds one") {
		t.Errorf("err = %v", err)
	}
}

func TestImageContexts(t *testing.T) {
	s := types.ServiceConfig{Name: "app"}
	s.Build = &types.BuildConfig{AdditionalContexts: types.Mapping{"base": "service:base", "tools": "docker-image://envctl-test/tools"}}
	imageOf := func(n string) (string, bool) { return "shop-" + n, n == "base" }
	got, err := ImageContexts(s, imageOf)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"base": "shop-base", "tools": "envctl-test/tools"}; !reflect.DeepEqual(got, want) {
		t.Errorf("contexts %v", got)
	}
	if deps := ContextServices(s); !reflect.DeepEqual(deps, []string{"base"}) {
		t.Errorf("deps %v", deps)
	}
	s.Build.AdditionalContexts["docs"] = "./docs"
	if _, err := ImageContexts(s, imageOf); err == nil || !strings.Contains(err.Error(), "additional_contexts.docs") {
		t.Errorf("directory context: err = %v", err)
	}
}
