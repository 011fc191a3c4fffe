package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
	"golang.org/x/sync/errgroup"

	"github.com/envctl/envctl/bench/spec"
)

// buildAll sends every service's context to the engine at once and reads each
// build's stream to its end.
func buildAll(ctx context.Context, api *client.Client, p *spec.Project) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, s := range p.Services {
		if s.Build == "" {
			continue
		}
		g.Go(func() error {
			tarball, err := tarDir(s.Build)
			if err != nil {
				return err
			}
			resp, err := api.ImageBuild(gctx, tarball, build.ImageBuildOptions{
				Tags: []string{s.Image}, Dockerfile: "Dockerfile", Remove: true,
			})
			if err != nil {
				return fmt.Errorf("build %s: %w", s.Name, err)
			}
			defer resp.Body.Close()
			dec := json.NewDecoder(resp.Body)
			for {
				var m jsonmessage.JSONMessage
				if err := dec.Decode(&m); errors.Is(err, io.EOF) {
					return nil
				} else if err != nil {
					return fmt.Errorf("build %s: %w", s.Name, err)
				}
				if m.Error != nil {
					return fmt.Errorf("build %s: %s", s.Name, m.Error.Message)
				}
			}
		})
	}
	return g.Wait()
}

// tarDir archives a small flat context directory.
func tarDir(dir string) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: e.Name(), Mode: 0o644, Size: int64(len(b))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}
