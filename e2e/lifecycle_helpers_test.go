package e2e

import (
	"archive/tar"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/errdefs"
)

// readContainerFile reads a file out of a container (running or not) through
// the engine's archive API, volumes included; "" if it does not exist.
func readContainerFile(t *testing.T, id, path string) string {
	t.Helper()
	rc, _, err := docker(t).CopyFromContainer(context.Background(), id, path)
	if errdefs.IsNotFound(err) {
		return ""
	}
	if err != nil {
		t.Fatalf("copy %s from %s: %v", path, id[:12], err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		t.Fatalf("archive of %s: %v", path, err)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lineCount counts the lines of a file the test app appended to.
func lineCount(s string) int { return strings.Count(s, "\n") }

// engineTime parses the engine's RFC 3339 timestamps (StartedAt, health logs).
func engineTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("engine time %q: %v", s, err)
	}
	return ts
}

// mountSource is the volume name mounted at target in a container.
func mountSource(t *testing.T, id, target string) string {
	t.Helper()
	for _, m := range inspect(t, id).Mounts {
		if m.Destination == target {
			return m.Name
		}
	}
	return ""
}

// volumeExists asks the engine directly, for volumes without project labels.
func volumeExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := docker(t).VolumeInspect(context.Background(), name)
	if errdefs.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// externalVolume creates a volume envctl must only use, never create or
// remove; the test removes it at the end.
func externalVolume(t *testing.T, name string) {
	t.Helper()
	if _, err := docker(t).VolumeCreate(context.Background(), volume.CreateOptions{Name: name}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		// containers that still use it (a failed test) go first
		list, _ := docker(t).ContainerList(ctx, container.ListOptions{All: true})
		for _, c := range list {
			for _, m := range c.Mounts {
				if m.Name == name {
					_ = docker(t).ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
				}
			}
		}
		_ = docker(t).VolumeRemove(ctx, name, true)
	})
}

// ids lists the container IDs of the given names, failing on a missing one.
func idsOf(t *testing.T, m map[string]string, names ...string) []string {
	t.Helper()
	var out []string
	for _, n := range names {
		if m[n] == "" {
			t.Fatalf("container %s missing: %v", n, m)
		}
		out = append(out, m[n])
	}
	return out
}

// waitFor polls check until it passes or the timeout ends, without failing:
// the caller asserts on what it saw last.
func waitFor(timeout time.Duration, check func() bool) {
	deadline := time.Now().Add(timeout)
	for !check() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
}

// tagCopy tags an image under a name of the test's own, removed at the end,
// for tests that remove images.
func tagCopy(t *testing.T, src, dst string) string {
	t.Helper()
	if err := docker(t).ImageTag(context.Background(), src, dst); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = docker(t).ImageRemove(context.Background(), dst, image.RemoveOptions{}) })
	return dst
}

func haveImage(t *testing.T, ref string) bool {
	t.Helper()
	_, err := docker(t).ImageInspect(context.Background(), ref)
	if err != nil && !errdefs.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

var networkInspectOptions = network.InspectOptions{}
