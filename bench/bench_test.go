package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"

	"github.com/envctl/envctl/bench/spec"
)

// The smoke test of `make test`: every scenario once, with every tool.
// It needs the engine and the built envctl, like the e2e tests.
func quickConfig(t *testing.T) config {
	bin := os.Getenv("ENVCTL_BIN")
	if bin == "" || os.Getenv("BENCH_QUICK") == "" {
		t.Skip("set ENVCTL_BIN and BENCH_QUICK=1 (make bench-quick) to run the benchmark smoke test")
	}
	return config{envctl: bin, out: filepath.Join(t.TempDir(), "BENCHMARKS.md"), runs: 1, quick: true}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func TestQuick(t *testing.T) {
	cfg := quickConfig(t)
	rep, err := run(context.Background(), cfg, testLog{t})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeReport(cfg.out, rep); err != nil {
		t.Fatal(err)
	}
	if got, want := len(rep.results), len(scenarios()); got != want {
		t.Fatalf("%d scenarios measured, want %d", got, want)
	}
	for _, res := range rep.results {
		if res.note != "" {
			t.Errorf("scenario %s: %s", res.sc.id, res.note)
			continue
		}
		for _, tr := range res.tools {
			// docker compose may fail a scenario (recorded in the report);
			// envctl and the floor must not
			if tr.tool.kind == kindCompose || tr.unavailable {
				continue
			}
			if tr.failure != "" {
				t.Errorf("scenario %s: %s failed: %s", res.sc.id, tr.tool.name, tr.failure)
			} else if n := tr.measure(wallOf).n; n != 1 {
				t.Errorf("scenario %s: %s has %d runs, want 1", res.sc.id, tr.tool.name, n)
			}
		}
	}
	b, err := os.ReadFile(cfg.out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, sc := range scenarios() {
		if !strings.Contains(md, "### "+sc.id+". ") {
			t.Errorf("report has no section for scenario %s", sc.id)
		}
	}
	for _, s := range []string{"## Machine", "## Targets", "## Profiles", "envctl / floor"} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	assertNothingLeft(t, rep.prefix)
}

// An interrupted run (Ctrl-C cancels the context) still removes what it
// made: the run is cancelled once the first measured up has created some of
// its containers.
func TestInterruptedRunCleansUp(t *testing.T) {
	cfg := quickConfig(t)
	cfg.only = []string{"2"}
	cfg.prefix = randomPrefix()
	project := cfg.prefix + "s2"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan int, 1)
	go func() {
		api := testClient(t)
		defer api.Close()
		for ctx.Err() == nil {
			list, _ := api.ContainerList(ctx, container.ListOptions{All: true,
				Filters: filters.NewArgs(filters.Arg("label", spec.LabelProject))})
			n := 0
			for _, c := range list {
				if c.Labels[spec.LabelProject] == project {
					n++
				}
			}
			if n > 0 {
				seen <- n
				cancel()
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	rep, err := run(ctx, cfg, testLog{t})
	if err == nil {
		t.Fatal("run was not interrupted")
	}
	select {
	case n := <-seen:
		t.Logf("interrupted with %d containers created", n)
	default:
		t.Fatal("interrupted before any container existed: nothing shown")
	}
	if rep == nil {
		t.Fatal("no partial report")
	}
	assertNothingLeft(t, rep.prefix)
}

func testClient(t *testing.T) *client.Client {
	api, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func assertNothingLeft(t *testing.T, prefix string) {
	t.Helper()
	if !strings.HasPrefix(prefix, "ebench-") {
		t.Fatalf("bad prefix %q", prefix)
	}
	ctx := context.Background()
	api := testClient(t)
	defer api.Close()
	ours := func(labels map[string]string) bool { return strings.HasPrefix(labels[spec.LabelProject], prefix) }
	list, _ := api.ContainerList(ctx, container.ListOptions{All: true})
	for _, c := range list {
		if ours(c.Labels) || len(c.Names) > 0 && strings.HasPrefix(strings.TrimPrefix(c.Names[0], "/"), prefix) {
			t.Errorf("container %v left", c.Names)
		}
	}
	nets, _ := api.NetworkList(ctx, network.ListOptions{})
	for _, n := range nets {
		if !ours(n.Labels) && !strings.HasPrefix(n.Name, prefix) {
			continue
		}
		// engine 20.10 now and then keeps a stale endpoint that no container
		// holds, and refuses to remove the network until it restarts: that
		// is the engine's, and the harness logged it
		err := api.NetworkRemove(ctx, n.ID)
		if info, ierr := api.NetworkInspect(ctx, n.ID, network.InspectOptions{}); ierr == nil && len(info.Containers) == 0 &&
			err != nil && strings.Contains(err.Error(), "active endpoints") {
			t.Logf("network %s kept by the engine (stale endpoint): %v", n.Name, err)
			continue
		}
		t.Errorf("network %s left", n.Name)
	}
	vols, _ := api.VolumeList(ctx, volume.ListOptions{Filters: filters.NewArgs()})
	for _, v := range vols.Volumes {
		if ours(v.Labels) {
			t.Errorf("volume %s left", v.Name)
		}
	}
	imgs, _ := api.ImageList(ctx, image.ListOptions{})
	for _, img := range imgs {
		for _, tag := range img.RepoTags {
			if strings.HasPrefix(tag, prefix) {
				t.Errorf("image %s left", tag)
			}
		}
	}
}
