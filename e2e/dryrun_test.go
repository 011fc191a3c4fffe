package e2e

import (
	"sort"
	"strings"
	"testing"
)

// projectState is everything of a project a command could change: its
// containers (ID, name, state, start time), networks and volumes, and
// whether the given images exist.
func projectState(t *testing.T, project string, images ...string) string {
	t.Helper()
	var parts []string
	for _, c := range containers(t, project) {
		info := inspect(t, c.ID)
		parts = append(parts, "container "+c.ID[:12]+" "+name(c)+" "+info.State.Status+" "+info.State.StartedAt)
	}
	for _, n := range networks(t, project) {
		parts = append(parts, "network "+n)
	}
	for _, v := range volumes(t, project) {
		parts = append(parts, "volume "+v)
	}
	for _, img := range images {
		if haveImage(t, img) {
			parts = append(parts, "image "+img)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}

// Every mutating command with --dry-run prints what it would do and changes
// nothing.
func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	// a dry run of down --rmi all must not remove it; if it did, only this tag goes
	img := tagCopy(t, testapp, "envctl-test/dryrun-"+e.project+":latest")
	stack := strings.ReplaceAll(opsStack, testapp, img) + "    volumes: [\"/anon\", \"data:/data\"]\n  gone:\n    image: " + img + "\nvolumes:\n  data: {}\n"
	e.write(map[string]string{"compose.yaml": stack})
	e.must("up", "-d")
	// gone becomes an orphan, db is stopped, web runs, and web's file changed
	e.write(map[string]string{"compose.yaml": strings.Replace(dropService(stack, "gone"), `command: ["serve", "-term", "trap"]`, `command: ["serve", "-term", "trap"]
    environment: {CHANGED: "yes"}`, 1)})
	e.must("stop", "db")
	db, web := e.project+"-db-1", e.project+"-web-1"

	check := func(want string, args ...string) {
		t.Helper()
		before := projectState(t, e.project, img)
		r := e.must(append([]string{"--dry-run"}, args...)...)
		if after := projectState(t, e.project, img); after != before {
			t.Errorf("--dry-run %s changed the project:\nbefore:\n%s\nafter:\n%s", strings.Join(args, " "), before, after)
		}
		if !strings.HasPrefix(r.stdout, "dry run: nothing was changed\n") || !strings.Contains(r.stdout, want) {
			t.Errorf("--dry-run %s printed:\n%s\nwant a line with %q", strings.Join(args, " "), r.stdout, want)
		}
	}
	check("container "+web+": recreate (config hash changed: environment), then start", "up", "-d")
	check("container "+db+": start (not running: exited)", "up", "-d", "--remove-orphans", "-V")
	check("container "+e.project+"-gone-1: remove (orphan", "up", "-d", "--remove-orphans")
	check("container "+web+": recreate (--force-recreate)", "create", "--force-recreate")
	check("container "+e.project+"-web-3: create (not found)", "scale", "web=3")
	check("container "+db+": start", "start")
	check("container "+web+": stop", "stop")
	check("container "+web+": restart", "restart")
	check("container "+web+": kill", "kill", "-s", "SIGTERM")
	check("container "+web+": pause", "pause")
	check("container "+db+": rm", "rm", "-f", "-v")
	check("container "+web+": rm", "rm", "-s", "-f")
	check("image "+img+": remove", "down", "-v", "--rmi", "all", "--remove-orphans", "-t", "0")
	check("volume "+e.project+"_data: remove", "down", "-v")
	e.must("pause", "web")
	check("container "+web+": unpause", "unpause")
	if st := states(t, e.project)[web]; st != "paused" {
		t.Errorf("web is %s after a dry-run unpause", st)
	}
}
