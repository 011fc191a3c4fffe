package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/filters"
)

// BuildKit features the classic builder cannot run: a cache mount, a
// heredoc, a build secret. The engine (Docker 20.10) runs BuildKit, but its
// built-in Dockerfile frontend predates heredocs, and no registry is
// reachable for docker/dockerfile, so the Dockerfile names BuildKit's own
// frontend, built from the Go module proxy into envctl-test/dockerfile-frontend.
func TestBuildKitCacheMountHeredocSecret(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command(filepath.Join(repo, "testdata/images/build.sh"), "frontend").CombinedOutput(); err != nil {
		t.Fatalf("building the Dockerfile frontend image: %v\n%s", err, out)
	}
	e := newEnv(t, nil)
	e.write(map[string]string{
		"compose.yaml": `
services:
  app:
    build:
      context: .
      secrets: [token]
secrets:
  token:
    file: ./token.txt
`,
		"token.txt": "s3cr3t\n",
		"stamp":     "1\n",
		"Dockerfile": `# syntax=envctl-test/dockerfile-frontend:latest
FROM envctl-test/debian:latest
COPY stamp /stamp
RUN --mount=type=cache,id=` + e.project + `,target=/cache echo run-` + e.project + ` >> /cache/runs && wc -l < /cache/runs > /runs
RUN <<EOT
set -e
echo "from a heredoc" > /heredoc
EOT
RUN --mount=type=secret,id=token test "$(cat /run/secrets/token)" = s3cr3t && echo seen > /secret-seen
`,
	})
	removeProjectImages(t, e.project)
	t.Cleanup(func() { pruneCacheMounts(t, e.project) })
	r := e.must("build")
	if !strings.Contains(r.stderr, "Image "+e.project+"-app Building with BuildKit") {
		t.Fatalf("not built with BuildKit:\n%s", r.stderr)
	}
	ref := e.project + "-app"
	cat := func(path string) string {
		t.Helper()
		out, code := inImage(t, ref, "cat", path)
		if code != 0 {
			t.Errorf("cat %s in the image: exit %d: %s", path, code, out)
		}
		return out
	}
	if got := cat("/heredoc"); got != "from a heredoc\n" {
		t.Errorf("heredoc wrote %q", got)
	}
	if got := cat("/secret-seen"); got != "seen\n" {
		t.Errorf("secret not seen: %q", got)
	}
	if out, code := inImage(t, ref, "cat", "/run/secrets/token"); code == 0 {
		t.Errorf("the build secret is in the image: %q", out)
	}
	if got := strings.TrimSpace(cat("/runs")); got != "1" {
		t.Errorf("first build: cache mount had %s runs", got)
	}
	// a change before the RUN re-runs it; the cache mount keeps what the first run left
	e.write(map[string]string{"stamp": "2\n"})
	e.must("build")
	if got := strings.TrimSpace(cat("/runs")); got != "2" {
		t.Errorf("second build: cache mount had %s runs, want 2 (the mount did not persist)", got)
	}

	// the classic builder cannot, and says so
	e.vars = append(e.vars, "DOCKER_BUILDKIT=0")
	r = e.run("build")
	if r.code == 0 || !strings.Contains(r.stderr, "build.secrets and build.ssh need BuildKit, and the classic builder is in use") {
		t.Errorf("classic build of a BuildKit Dockerfile: exit %d\n%s", r.code, r.stderr)
	}
}

// pruneCacheMounts removes the cache mounts whose command names the project
// from the engine's build cache, and nothing else (by ID: Docker 20.10
// filters build cache by ID, not by description).
func pruneCacheMounts(t *testing.T, project string) {
	ctx := context.Background()
	du, err := docker(t).DiskUsage(ctx, types.DiskUsageOptions{Types: []types.DiskUsageObject{types.BuildCacheObject}})
	if err != nil {
		t.Logf("build cache: %v", err)
		return
	}
	for _, c := range du.BuildCache {
		if c.Type == "exec.cachemount" && strings.Contains(c.Description, project) {
			if _, err := docker(t).BuildCachePrune(ctx, build.CachePruneOptions{Filters: filters.NewArgs(filters.Arg("id", c.ID))}); err != nil {
				t.Logf("prune cache mount %s: %v", c.ID, err)
			}
		}
	}
}
