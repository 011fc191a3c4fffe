package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every start appends a line to a file on the named volume and one on the
// anonymous volume, so the line counts tell how many starts the data saw.
const bootsStack = `services:
  app:
    image: envctl-test/testapp:latest
    command: ["write", "-append", "/named/boots", "b", "+", "write", "-append", "/anon/boots", "b", "+", "sleep", "-term", "trap"]
    environment: {GEN: "1"}
    volumes: ["data:/named", "/anon"]
volumes:
  data: {}
`

func TestVolumeDataSurvivesRecreateScaleAndDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": bootsStack})
	app := func(n int) string { return fmt.Sprintf("%s-app-%d", e.project, n) }
	// boots checks the named volume's total and each replica's own anonymous count
	boots := func(step string, named int, anon map[int]int) map[string]string {
		t.Helper()
		ids := byName(t, e.project)
		if len(ids) != len(anon) {
			t.Fatalf("%s: containers %v, want %d", step, ids, len(anon))
		}
		for n, want := range anon {
			id := ids[app(n)]
			if id == "" {
				t.Fatalf("%s: %s missing", step, app(n))
			}
			// the container writes after up returns: wait for its line
			anonGot, namedGot := 0, 0
			waitFor(5*time.Second, func() bool {
				anonGot = lineCount(readContainerFile(t, id, "/anon/boots"))
				namedGot = lineCount(readContainerFile(t, id, "/named/boots"))
				return anonGot >= want && namedGot >= named
			})
			if anonGot != want {
				t.Errorf("%s: %s anonymous volume saw %d starts, want %d", step, app(n), anonGot, want)
			}
			if namedGot != named {
				t.Errorf("%s: named volume saw %d starts, want %d", step, namedGot, named)
			}
		}
		return ids
	}

	e.must("up", "-d")
	first := boots("first up", 1, map[int]int{1: 1})
	anon1 := mountSource(t, first[app(1)], "/anon")

	e.write(map[string]string{"compose.yaml": strings.Replace(bootsStack, `GEN: "1"`, `GEN: "2"`, 1)})
	e.must("up", "-d")
	changed := boots("recreate on change", 2, map[int]int{1: 2})
	if changed[app(1)] == first[app(1)] {
		t.Fatal("changed environment did not recreate")
	}
	if got := mountSource(t, changed[app(1)], "/anon"); got != anon1 {
		t.Errorf("recreate moved to anonymous volume %s, want %s", got, anon1)
	}

	e.must("up", "-d", "--force-recreate")
	boots("force recreate", 3, map[int]int{1: 3})

	e.must("up", "-d", "--scale", "app=3")
	scaled := boots("scale up", 5, map[int]int{1: 3, 2: 1, 3: 1})
	e.must("up", "-d", "--scale", "app=1")
	down1 := boots("scale down", 5, map[int]int{1: 3})
	if down1[app(1)] != scaled[app(1)] {
		t.Error("scale down recreated replica 1")
	}
	// replica 2 comes back to its own anonymous data
	e.must("up", "-d", "--scale", "app=2")
	boots("scale up again", 6, map[int]int{1: 3, 2: 2})

	e.must("down")
	if left := containers(t, e.project); len(left) != 0 {
		t.Fatalf("down left %d containers", len(left))
	}
	vols := volumes(t, e.project)
	// data, and the anonymous volumes of replicas 1 to 3: replica 3's data
	// stays for when the service scales up again
	if len(vols) != 4 {
		t.Fatalf("down without -v left volumes %v, want 4", vols)
	}
	e.must("up", "-d", "--scale", "app=2")
	boots("up after down", 8, map[int]int{1: 4, 2: 3})

	e.must("down", "-v")
	if left := volumes(t, e.project); len(left) != 0 {
		t.Errorf("down -v left volumes %v", left)
	}
	for _, v := range vols {
		if volumeExists(t, v) {
			t.Errorf("down -v left volume %s", v)
		}
	}
}

func TestExternalVolumeSurvivesEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ext := e.project + "-external"
	externalVolume(t, ext)
	e.write(map[string]string{"compose.yaml": `services:
  app:
    image: envctl-test/testapp:latest
    command: ["write", "-append", "/ext/boots", "b", "+", "sleep", "-term", "trap"]
    volumes: ["ext:/ext"]
volumes:
  ext:
    external: true
    name: ` + ext + "\n"})
	count := func(want int) int {
		t.Helper()
		id := byName(t, e.project)[e.project+"-app-1"]
		if id == "" {
			t.Fatal("app-1 missing")
		}
		n := 0
		waitFor(5*time.Second, func() bool {
			n = lineCount(readContainerFile(t, id, "/ext/boots"))
			return n >= want
		})
		return n
	}
	e.must("up", "-d")
	e.must("up", "-d", "--force-recreate", "-V")
	e.must("rm", "-s", "-f", "-v")
	if !volumeExists(t, ext) {
		t.Fatal("rm -s -f -v removed the external volume")
	}
	e.must("up", "-d", "--scale", "app=2")
	e.must("up", "-d", "--scale", "app=1")
	if got := count(4); got != 4 {
		t.Errorf("external volume saw %d starts, want 4", got)
	}
	r := e.must("--dry-run", "down", "-v")
	if strings.Contains(r.stdout, ext) {
		t.Errorf("down -v plans to remove the external volume:\n%s", r.stdout)
	}
	e.must("down", "-v", "--remove-orphans")
	if !volumeExists(t, ext) {
		t.Fatal("down -v removed the external volume")
	}
	e.must("up", "-d")
	if got := count(5); got != 5 {
		t.Errorf("after down -v the external volume saw %d starts, want 5", got)
	}
	e.must("down", "-v")
	if !volumeExists(t, ext) {
		t.Fatal("second down -v removed the external volume")
	}
}

// -V gives recreated replicas fresh anonymous volumes; the old ones must not
// linger, and rm -v and down -v remove the anonymous volumes envctl made.
func TestRenewAnonVolumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string]string{"compose.yaml": bootsStack})
	app1 := e.project + "-app-1"
	e.must("up", "-d", "--scale", "app=2")
	old := mountSource(t, byName(t, e.project)[app1], "/anon")
	oldVols := volumes(t, e.project)

	e.must("up", "-d", "--scale", "app=2", "--force-recreate", "-V")
	ids := byName(t, e.project)
	renewed := mountSource(t, ids[app1], "/anon")
	if renewed == old || renewed == "" {
		t.Fatalf("-V kept anonymous volume %s", old)
	}
	waitFor(5*time.Second, func() bool { return lineCount(readContainerFile(t, ids[app1], "/named/boots")) >= 4 })
	if got := lineCount(readContainerFile(t, ids[app1], "/anon/boots")); got != 1 {
		t.Errorf("renewed anonymous volume saw %d starts, want 1", got)
	}
	if got := lineCount(readContainerFile(t, ids[app1], "/named/boots")); got != 4 {
		t.Errorf("named volume saw %d starts, want 4 (-V must keep named volumes)", got)
	}
	if volumeExists(t, old) {
		t.Errorf("-V left the old anonymous volume %s behind", old)
	}
	if now := volumes(t, e.project); len(now) != len(oldVols) {
		t.Errorf("volumes after -V %v, before %v", now, oldVols)
	}

	// rm -v removes the anonymous volumes of the removed containers only
	e.must("rm", "-s", "-f", "-v", "app")
	if volumeExists(t, renewed) {
		t.Errorf("rm -v left anonymous volume %s", renewed)
	}
	if vols := volumes(t, e.project); len(vols) != 1 || !strings.HasSuffix(vols[0], "_data") {
		t.Errorf("after rm -v volumes %v, want only the named one", vols)
	}
	e.must("up", "-d")
	anon := mountSource(t, byName(t, e.project)[app1], "/anon")
	e.must("down", "-v")
	if volumeExists(t, anon) {
		t.Errorf("down -v left anonymous volume %s", anon)
	}
	if vols := volumes(t, e.project); len(vols) != 0 {
		t.Errorf("down -v left %v", vols)
	}
}
