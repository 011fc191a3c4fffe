package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

// withEngine is what build, pull and push share: load the project, check
// the named services, connect (with no progress under -q) and run fn.
func withEngine(cmd *cobra.Command, app *App, services []string, quiet bool, fn func(context.Context, *project.Project, *engine.Engine) error) error {
	ctx := cmd.Context()
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	if err := checkServices(p, services); err != nil {
		return err
	}
	if quiet {
		app.Global.Progress = "quiet"
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	return fn(ctx, p, e)
}
