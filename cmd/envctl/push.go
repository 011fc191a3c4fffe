package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newPushCmd(app *App) *cobra.Command {
	var o engine.PushOptions
	var quiet bool
	cmd := &cobra.Command{
		Use:   "push [OPTIONS] [SERVICE...]",
		Short: "Push service images",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Services = args
			return withEngine(cmd, app, args, quiet, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				return e.Push(ctx, p, o)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.IgnoreFailures, "ignore-push-failures", false, "Push what can be pushed and ignore images that fail")
	f.BoolVar(&o.IncludeDeps, "include-deps", false, "Also push the images of the services the named ones depend on")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print nothing but errors")
	return cmd
}
