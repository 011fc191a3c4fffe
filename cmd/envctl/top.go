package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newTopCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "top [SERVICE...]",
		Short: "Display the running processes of the services' containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withEngine(cmd, app, args, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				list, err := e.Top(ctx, p.Name, args)
				if err != nil {
					return err
				}
				for i, proc := range list {
					if i > 0 {
						fmt.Fprintln(app.Out)
					}
					fmt.Fprintln(app.Out, proc.Container)
					tw := tabwriter.NewWriter(app.Out, 0, 4, 3, ' ', 0)
					fmt.Fprintln(tw, strings.Join(proc.Titles, "\t"))
					for _, row := range proc.Processes {
						fmt.Fprintln(tw, strings.Join(row, "\t"))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}
