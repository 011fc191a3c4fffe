package engine

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envctl/envctl/project"
)

// jsonKeys lists a struct's JSON keys, those of embedded structs included.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonKeys(f.Type)...)
			continue
		}
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// Every key compose-go can load is either applied or known not to be, so
// that a compose-go upgrade adding one fails here instead of being ignored.
func TestEveryComposeKeyIsAppliedOrWarned(t *testing.T) {
	check := func(what string, typ reflect.Type, applied map[string]bool, notApplied func(string) bool) {
		for _, k := range jsonKeys(typ) {
			a, n := applied[k], notApplied(k)
			switch {
			case !a && !n:
				t.Errorf("%s key %q is neither applied nor listed as not applied: apply it or add it to the not-applied list", what, k)
			case a && n:
				t.Errorf("%s key %q is listed both as applied and as not applied", what, k)
			}
		}
	}
	inMap := func(m map[string]string) func(string) bool {
		return func(k string) bool { _, ok := m[k]; return ok }
	}
	check("service", reflect.TypeOf(types.ServiceConfig{}), appliedKeys, inMap(notAppliedKeys))
	deployTop := map[string]bool{}
	for p := range appliedDeployPaths {
		top, _, _ := strings.Cut(p, ".")
		deployTop[top] = true
	}
	check("deploy", reflect.TypeOf(types.DeployConfig{}), deployTop, func(k string) bool { return notAppliedDeployKeys[k] })
	check("service network", reflect.TypeOf(types.ServiceNetworkConfig{}), appliedNetworkKeys, inMap(notAppliedNetworkKeys))
	check("bind", reflect.TypeOf(types.ServiceVolumeBind{}), appliedBindKeys, inMap(notAppliedBindKeys))
}

func TestUnappliedKeysNamesEachSetKey(t *testing.T) {
	dir := t.TempDir()
	file := `services:
  web:
    image: app
    gpus: all
    develop: {watch: [{path: ., action: rebuild}]}
    networks:
      front: {gw_priority: 2, aliases: [w]}
    volumes:
      - {type: bind, source: ., target: /src, bind: {create_host_path: false}}
      - ./kept:/kept
    deploy:
      replicas: 2
      placement: {constraints: [node.role==manager]}
      resources:
        limits: {cpus: "0.5", memory: 64m}
        reservations: {cpus: "0.25"}
      restart_policy: {condition: on-failure, delay: 5s}
  plain:
    image: app
    cpus: 0.5
    deploy: {replicas: 1, resources: {limits: {pids: 10}}}
networks:
  front: {}
`
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), project.Options{ProjectDir: dir, ProjectName: "keys"})
	if err != nil {
		t.Fatal(err)
	}
	got := UnappliedKeys(p)
	want := []string{"deploy.placement", "deploy.resources.reservations.cpus", "deploy.restart_policy.delay", "develop", "gpus",
		"networks.front.gw_priority", "volumes[0].bind.create_host_path"}
	var keys []string
	for k := range got["web"] {
		keys = append(keys, k)
	}
	if strings.Join(sorted(keys), " ") != strings.Join(want, " ") {
		t.Errorf("web: unapplied %v, want %v", sorted(keys), want)
	}
	if _, ok := got["plain"]; ok {
		t.Errorf("plain sets only applied keys, got %v", got["plain"])
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
