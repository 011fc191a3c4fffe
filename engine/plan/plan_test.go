package plan

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envctl/envctl/project"
)

var update = flag.Bool("update", false, "rewrite golden files")

const base = `name: shop
services:
  db:
    image: postgres
    volumes: [data:/var/lib/postgresql]
  web:
    image: web
    environment: {MODE: prod}
    depends_on: [db]
    deploy: {replicas: 2}
  sidecar:
    image: proxy
    network_mode: service:web
volumes:
  data: {}
`

func loadYAML(t *testing.T, yaml string) *project.Project {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), project.Options{ProjectDir: dir, ProjectName: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// upToDate is the state right after a successful `up` of p.
func upToDate(t *testing.T, p *project.Project) State {
	t.Helper()
	st := State{Networks: map[string]bool{}, Volumes: map[string]bool{}, Images: map[string]string{}}
	for _, name := range p.ServiceNames() {
		svc := p.Services[name]
		hash, _ := project.ServiceHash(svc)
		keys, _ := project.KeyHashes(svc)
		st.Images[p.ImageName(svc)] = "sha256:" + name
		for n := 1; n <= svc.GetScale(); n++ {
			st.Containers = append(st.Containers, Container{
				ID: name + "-id-" + string(rune('0'+n)), Name: p.ContainerName(svc, n), Service: name, Number: n,
				State: "running", Hash: hash, Keys: keys, ImageID: "sha256:" + name,
			})
		}
	}
	for k := range p.Networks {
		st.Networks[p.NetworkName(k)] = true
	}
	for k := range p.Volumes {
		st.Volumes[p.VolumeName(k)] = true
	}
	return st
}

func golden(t *testing.T, name string, pl *Plan) {
	t.Helper()
	path := filepath.Join("testdata", name+".txt")
	got := pl.String()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("plan %s:\n%s\nwant:\n%s", name, got, want)
	}
}

func mustPlan(t *testing.T, p *project.Project, st State, o Options) *Plan {
	t.Helper()
	pl, err := Make(p, st, o)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestPlanCold(t *testing.T) {
	p := loadYAML(t, base)
	pl := mustPlan(t, p, State{}, Options{})
	golden(t, "cold", pl)
	if !pl.Changes() {
		t.Error("cold plan reports no changes")
	}
}

func TestPlanNothingChanged(t *testing.T) {
	p := loadYAML(t, base)
	pl := mustPlan(t, p, upToDate(t, p), Options{})
	golden(t, "noop", pl)
	if pl.Changes() {
		t.Error("no-op plan reports changes")
	}
}

func TestPlanEnvironmentChangedRecreatesServiceAndNamespaceDependents(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	changed := loadYAML(t, strings.Replace(base, "MODE: prod", "MODE: debug", 1))
	golden(t, "env-changed", mustPlan(t, changed, st, Options{}))
}

func TestPlanForceRecreate(t *testing.T) {
	p := loadYAML(t, base)
	golden(t, "force-recreate", mustPlan(t, p, upToDate(t, p), Options{ForceRecreate: true}))
}

func TestPlanNoRecreate(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	changed := loadYAML(t, strings.Replace(base, "MODE: prod", "MODE: debug", 1))
	golden(t, "no-recreate", mustPlan(t, changed, st, Options{NoRecreate: true}))
}

func TestPlanScaleUpAndDown(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	golden(t, "scale-up", mustPlan(t, p, st, Options{Scale: map[string]int{"web": 5}}))
	golden(t, "scale-down", mustPlan(t, p, st, Options{Scale: map[string]int{"web": 1}}))
}

func TestPlanOrphans(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	st.Containers = append(st.Containers, Container{ID: "x", Name: "shop-old-1", Service: "old", Number: 1, State: "running"})
	golden(t, "orphans-kept", mustPlan(t, p, st, Options{}))
	golden(t, "orphans-removed", mustPlan(t, p, st, Options{RemoveOrphans: true}))
}

func TestPlanSelectedServices(t *testing.T) {
	p := loadYAML(t, base)
	golden(t, "selected-with-deps", mustPlan(t, p, State{}, Options{Selected: []string{"web"}}))
	golden(t, "selected-no-deps", mustPlan(t, p, State{}, Options{Selected: []string{"web"}, NoDeps: true}))
	golden(t, "always-recreate-deps", mustPlan(t, p, upToDate(t, p), Options{Selected: []string{"web"}, AlwaysRecreateDeps: true}))
}

func TestPlanImageChangedAndStopped(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	st.Images["postgres"] = "sha256:newer"
	for i := range st.Containers {
		if st.Containers[i].Name == "shop-web-2" {
			st.Containers[i].State = "exited"
		}
	}
	golden(t, "image-changed-and-stopped", mustPlan(t, p, st, Options{}))
	golden(t, "no-start", mustPlan(t, p, State{}, Options{NoStart: true}))
}

// kill -9 during a recreate leaves the old container renamed, with or without
// its replacement; the next plan keeps one per replica.
func TestPlanInterruptedRecreate(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	for i := range st.Containers {
		if st.Containers[i].Name == "shop-db-1" {
			st.Containers[i].Name = "0123abcd_shop-db-1"
		}
		if st.Containers[i].Name == "shop-web-1" {
			st.Containers[i].Name = "4567cdef_shop-web-1"
		}
	}
	web := p.Services["web"]
	hash, _ := project.ServiceHash(web)
	st.Containers = append(st.Containers, Container{ID: "new", Name: "shop-web-1", Service: "web", Number: 1, State: "created", Hash: hash, ImageID: "sha256:web"})
	golden(t, "interrupted-recreate", mustPlan(t, p, st, Options{}))
}

func TestPlanLegacyNames(t *testing.T) {
	p := loadYAML(t, "web:\n  image: web\n  links: [\"db:database\"]\ndb:\n  image: db\n")
	golden(t, "legacy", mustPlan(t, p, State{}, Options{}))
}

func TestPlanExternalMissing(t *testing.T) {
	p := loadYAML(t, "services:\n  web:\n    image: web\n    networks: [shared]\nnetworks:\n  shared: {external: true}\n")
	_, err := Make(p, State{}, Options{})
	if err == nil || !strings.Contains(err.Error(), `external network "shared" not found`) {
		t.Fatalf("err %v", err)
	}
	st := State{Networks: map[string]bool{"shared": true}}
	golden(t, "external-present", mustPlan(t, p, st, Options{}))
}

func TestPlanUnknownService(t *testing.T) {
	p := loadYAML(t, base)
	if _, err := Make(p, State{}, Options{Selected: []string{"nope"}}); err == nil || err.Error() != "no such service: nope" {
		t.Fatalf("err %v", err)
	}
}

// Containers docker-compose v1 made (project_service_1, its own hash) are
// taken over under envctl's names, with a reason that is not a crash; a
// leftover partial- name (killed before it was complete) is replaced.
func TestPlanOtherToolsNamesAndPartial(t *testing.T) {
	p := loadYAML(t, base)
	st := upToDate(t, p)
	for i := range st.Containers {
		switch st.Containers[i].Name {
		case "shop-db-1":
			st.Containers[i].Name, st.Containers[i].Hash, st.Containers[i].Keys = "shop_db_1", "v1hash", nil
		case "shop-web-2":
			st.Containers[i].Name = "shop_web_2"
		case "shop-sidecar-1":
			st.Containers[i].Name = "partial-0a1b2c3d_shop-sidecar-1"
		}
	}
	golden(t, "other-tool-names", mustPlan(t, p, st, Options{}))
}
