package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/docker/docker/client"
)

type config struct {
	envctl      string
	out         string
	runs        int
	quick       bool
	only        []string
	composeBins []string
	prefix      string // of project names; random when empty
}

// harness is one benchmark run: its engine connection, the tools found, and
// the prefix every project it makes is named with, so that clean-up finds
// exactly its own objects.
type harness struct {
	cfg    config
	api    *client.Client
	log    io.Writer
	prefix string
	tmp    string
	floor  string
	tools  []*tool
}

// run measures every scenario and returns the report, also a partial one
// when interrupted.
func run(ctx context.Context, cfg config, log io.Writer) (*report, error) {
	h := &harness{cfg: cfg, log: log, prefix: cfg.prefix}
	if h.prefix == "" {
		h.prefix = randomPrefix()
	}
	var err error
	if h.api, err = client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation()); err != nil {
		return nil, err
	}
	defer h.api.Close()
	if _, err := h.api.Ping(ctx); err != nil {
		return nil, fmt.Errorf("cannot reach the Docker engine: %w", err)
	}
	if h.tmp, err = os.MkdirTemp("", "envctl-bench-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(h.tmp)
	// whatever happens, nothing named with our prefix is left behind
	defer h.purgeAll()
	if err := h.buildFloor(ctx); err != nil {
		return nil, err
	}
	h.tools = discoverTools(ctx, cfg, h.floor, log)
	rep := &report{started: time.Now(), quick: cfg.quick, runs: cfg.runs, prefix: h.prefix, machine: machineInfo(ctx, h.api, h.tools, h.floor)}
	for _, sc := range scenarios() {
		if len(cfg.only) > 0 && !slices.Contains(cfg.only, sc.id) {
			continue
		}
		res, err := h.scenario(ctx, sc)
		rep.results = append(rep.results, res)
		if err != nil {
			rep.finished = time.Now()
			return rep, fmt.Errorf("scenario %s: %w", sc.id, err)
		}
	}
	rep.finished = time.Now()
	rep.machine.loadEnd = loadAverage()
	return rep, nil
}

// randomPrefix names this run's projects apart from everyone else's.
func randomPrefix() string {
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	return "ebench-" + hex.EncodeToString(suffix) + "-"
}

func (h *harness) buildFloor(ctx context.Context) error {
	h.floor = filepath.Join(h.tmp, "floor")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", h.floor, "github.com/envctl/envctl/bench/floor")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the floor: %v\n%s", err, out)
	}
	return nil
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// purgeAll removes every object of every project this run made. It runs on
// a fresh context: the run's own may be cancelled by Ctrl-C.
func (h *harness) purgeAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// twice: a tool killed mid-create may have a create still finishing
	ours := func(p string) bool { return strings.HasPrefix(p, h.prefix) }
	h.purge(ctx, ours)
	time.Sleep(time.Second)
	h.purge(ctx, ours)
	h.removeImages(ctx, h.prefix)
}
