package main

import (
	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
)

type downOptions struct {
	volumes       bool
	removeOrphans bool
	rmi           string
	timeout       int
}

func newDownCmd(app *App) *cobra.Command {
	var o downOptions
	cmd := &cobra.Command{
		Use:   "down [OPTIONS]",
		Short: "Stop and remove containers and networks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDown(cmd, app, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.volumes, "volumes", "v", false, "Remove named volumes declared in the files and anonymous volumes")
	f.BoolVar(&o.removeOrphans, "remove-orphans", false, "Remove containers for services not defined in the files")
	f.StringVar(&o.rmi, "rmi", "", `Remove images used by services: "local" (built ones) or "all"`)
	f.IntVarP(&o.timeout, "timeout", "t", -1, "Shutdown timeout in seconds")
	return cmd
}

func runDown(cmd *cobra.Command, app *App, o downOptions) error {
	ctx := cmd.Context()
	if o.rmi != "" && o.rmi != "local" && o.rmi != "all" {
		return usageError{errorf(`invalid --rmi %q: use "local" or "all"`, o.rmi)}
	}
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	do := engine.DownOptions{Timeout: timeoutPtr(o.timeout)}
	do.Volumes, do.RemoveOrphans, do.Images = o.volumes, o.removeOrphans, o.rmi
	return e.Down(ctx, p, do)
}

func timeoutPtr(t int) *int {
	if t < 0 {
		return nil
	}
	return &t
}
