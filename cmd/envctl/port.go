package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newPortCmd(app *App) *cobra.Command {
	var index int
	var protocol string
	cmd := &cobra.Command{
		Use:   "port [OPTIONS] SERVICE PRIVATE_PORT",
		Short: "Print the public address of a port of a service's container",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n, err := strconv.Atoi(args[1]); err != nil || n < 1 || n > 65535 {
				return usageError{fmt.Errorf("invalid port %q: use a number from 1 to 65535", args[1])}
			}
			if protocol != "tcp" && protocol != "udp" && protocol != "sctp" {
				return usageError{fmt.Errorf("invalid --protocol %q: use tcp, udp or sctp", protocol)}
			}
			return withEngine(cmd, app, args[:1], false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				addr, err := e.Port(ctx, p.Name, args[0], index, args[1], protocol)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(app.Out, addr)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&index, "index", 0, "Index of the container if the service has several replicas (default: the first)")
	f.StringVar(&protocol, "protocol", "tcp", "tcp, udp or sctp")
	return cmd
}
