package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newPullCmd(app *App) *cobra.Command {
	var o engine.PullOptions
	var quiet bool
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] [SERVICE...]",
		Short: "Pull service images",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Services = args
			return withEngine(cmd, app, args, quiet, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				return e.Pull(ctx, p, o)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.IgnoreFailures, "ignore-pull-failures", false, "Pull what can be pulled and ignore images that fail")
	f.BoolVar(&o.IgnoreBuildable, "ignore-buildable", false, "Skip images of services that can be built")
	f.BoolVar(&o.IncludeDeps, "include-deps", false, "Also pull the services the named ones depend on")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print nothing but errors")
	return cmd
}
