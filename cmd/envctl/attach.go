package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newAttachCmd(app *App) *cobra.Command {
	var o engine.AttachOptions
	cmd := &cobra.Command{
		Use:   "attach [OPTIONS] SERVICE",
		Short: "Attach the terminal to a service's running container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Service = args[0]
			return withEngine(cmd, app, args, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				s, restore, err := app.stdio(!o.NoStdin, app.stdinTerminal())
				if err != nil {
					return err
				}
				code, err := e.Attach(ctx, p.Name, o, s)
				restore()
				if err != nil {
					return err
				}
				return exitResult(code)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Index, "index", 0, "Index of the container if the service has several replicas (default: the first)")
	f.BoolVar(&o.NoStdin, "no-stdin", false, "Do not attach stdin")
	f.StringVar(&o.DetachKeys, "detach-keys", "", "Keys that detach from the container (default: ctrl-p,ctrl-q)")
	return cmd
}
