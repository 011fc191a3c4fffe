package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newWaitCmd(app *App) *cobra.Command {
	var downProject bool
	cmd := &cobra.Command{
		Use:   "wait [OPTIONS] SERVICE...",
		Short: "Block until a container of the services stops; exit with its code",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withEngine(cmd, app, args, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				code, err := e.Wait(ctx, p.Name, args)
				if err != nil {
					return err
				}
				if downProject {
					if err := e.Down(ctx, p, engine.DownOptions{}); err != nil {
						return err
					}
				}
				return exitResult(code)
			})
		},
	}
	cmd.Flags().BoolVar(&downProject, "down-project", false, "Take the whole project down once one container stops")
	return cmd
}
