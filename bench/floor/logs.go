package main

import (
	"context"
	"fmt"
	"os/exec"

	"golang.org/x/sync/errgroup"
)

// logs runs `docker logs` for every container at once, their output
// discarded as every tool's is in the benchmark.
func logs(ctx context.Context, names []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, name := range names {
		g.Go(func() error {
			cmd := exec.CommandContext(gctx, "docker", "logs", name)
			cmd.Stdout, cmd.Stderr = nil, nil // /dev/null
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("docker logs %s: %w", name, err)
			}
			return nil
		})
	}
	return g.Wait()
}
