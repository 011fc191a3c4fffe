package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/errdefs"
)

// removeProjectImages removes, when the test ends, every image labelled
// with the project (what envctl built for it, and what was pulled back) and
// the named refs.
func removeProjectImages(t *testing.T, project string, refs ...string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := docker(t)
		list, _ := c.ImageList(ctx, image.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", "com.docker.compose.project="+project))})
		for _, img := range list {
			_, _ = c.ImageRemove(ctx, img.ID, image.RemoveOptions{Force: true, PruneChildren: true})
		}
		for _, r := range refs {
			_, _ = c.ImageRemove(ctx, r, image.RemoveOptions{Force: true, PruneChildren: true})
		}
	})
}

// imageExists says whether ref is present on the engine.
func imageExists(t *testing.T, ref string) bool {
	t.Helper()
	_, err := docker(t).ImageInspect(context.Background(), ref)
	if err != nil && !errdefs.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// inImage runs the testapp-based image with args (docker run --rm) and
// returns its output and exit code.
func inImage(t *testing.T, ref string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command("docker", append([]string{"run", "--rm", ref}, args...)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// imageFiles creates (without starting) a container of ref, labelled with
// the project so the harness removes it, and reads paths out of it: the
// files the image holds, by path; absent ones are missing from the map.
func imageFiles(t *testing.T, project, ref string, paths ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	c, err := docker(t).ContainerCreate(ctx, &container.Config{Image: ref, Labels: map[string]string{"com.docker.compose.project": project}}, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer docker(t).ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	out := map[string]string{}
	for _, p := range paths {
		if _, err := docker(t).ContainerStatPath(ctx, c.ID, p); err == nil {
			out[p] = readContainerFile(t, c.ID, p)
		}
	}
	return out
}

// progressEvent is one line of --progress json.
type progressEvent struct {
	Time   time.Time `json:"time"`
	ID     string    `json:"id"`
	Status string    `json:"status"`
	Text   string    `json:"text"`
	Done   bool      `json:"done"`
	Error  bool      `json:"error"`
}

func progressEvents(t *testing.T, stderr string) []progressEvent {
	t.Helper()
	var out []progressEvent
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var ev progressEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("bad progress line %q: %v", line, err)
		}
		out = append(out, ev)
	}
	return out
}

// span is when an image's build started (its first event) and ended (Built).
type span struct {
	start, end time.Time
	starts     int // "Building with ..." events: one per build
}

func buildSpans(events []progressEvent) map[string]*span {
	out := map[string]*span{}
	for _, ev := range events {
		ref, ok := strings.CutPrefix(ev.ID, "Image ")
		if !ok {
			continue
		}
		s := out[ref]
		if s == nil {
			s = &span{}
			out[ref] = s
		}
		if ev.Status == "Building" && strings.HasPrefix(ev.Text, "with ") {
			s.starts++
			if s.start.IsZero() {
				s.start = ev.Time
			}
		}
		if ev.Status == "Built" {
			s.end = ev.Time
		}
	}
	return out
}
