package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

type buildOptions struct {
	args             []string
	noCache          bool
	pull             bool
	quiet            bool
	withDependencies bool
	push             bool
}

func newBuildCmd(app *App) *cobra.Command {
	var o buildOptions
	cmd := &cobra.Command{
		Use:   "build [OPTIONS] [SERVICE...]",
		Short: "Build or rebuild services",
		RunE: func(cmd *cobra.Command, args []string) error {
			bo := engine.BuildOptions{
				Services:         args,
				Args:             parseBuildArgs(o.args),
				NoCache:          o.noCache,
				Pull:             o.pull,
				WithDependencies: o.withDependencies,
				Push:             o.push,
				Env:              app.lookupEnv,
			}
			return withEngine(cmd, app, args, o.quiet, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				return e.Build(ctx, p, bo)
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.args, "build-arg", nil, "Set a build-time variable (KEY=VALUE, or KEY to take it from the environment)")
	f.BoolVar(&o.noCache, "no-cache", false, "Do not use cache when building the image")
	f.BoolVar(&o.pull, "pull", false, "Always attempt to pull a newer version of the base images")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Print nothing but errors")
	f.BoolVar(&o.withDependencies, "with-dependencies", false, "Also build the services the named ones depend on")
	f.BoolVar(&o.push, "push", false, "Push the built images (those named with image:)")
	return cmd
}

// parseBuildArgs: KEY=VALUE sets a value; KEY alone (nil) takes it from the
// environment, as docker compose does.
func parseBuildArgs(list []string) map[string]*string {
	if len(list) == 0 {
		return nil
	}
	out := map[string]*string{}
	for _, a := range list {
		k, v, ok := strings.Cut(a, "=")
		if ok {
			out[k] = &v
		} else {
			out[k] = nil
		}
	}
	return out
}
