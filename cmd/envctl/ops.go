package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

// newOpCmd builds start, stop, restart, pause and unpause: same shape, one
// engine operation each.
func newOpCmd(app *App, op engine.Op, short string, withTimeout bool) *cobra.Command {
	timeout := -1
	cmd := &cobra.Command{
		Use:   string(op) + " [SERVICE...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOp(cmd, app, op, engine.OpOptions{Services: args, Timeout: timeoutPtr(timeout)})
		},
	}
	if withTimeout {
		cmd.Flags().IntVarP(&timeout, "timeout", "t", -1, "Shutdown timeout in seconds")
	}
	return cmd
}

func runOp(cmd *cobra.Command, app *App, op engine.Op, o engine.OpOptions) error {
	ctx := cmd.Context()
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	if err := checkServices(p, o.Services); err != nil {
		return err
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	return e.Apply(ctx, p, op, o)
}

func checkServices(p *project.Project, services []string) error {
	for _, s := range services {
		if _, ok := p.Services[s]; !ok {
			return fmt.Errorf("no such service: %s", s)
		}
	}
	return nil
}

func newKillCmd(app *App) *cobra.Command {
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [OPTIONS] [SERVICE...]",
		Short: "Force stop service containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOp(cmd, app, engine.OpKill, engine.OpOptions{Services: args, Signal: signal})
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "SIGKILL", "Signal to send to the container")
	return cmd
}

type rmOptions struct {
	force, stop, volumes bool
}

func newRmCmd(app *App) *cobra.Command {
	var o rmOptions
	cmd := &cobra.Command{
		Use:   "rm [OPTIONS] [SERVICE...]",
		Short: "Remove stopped service containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := engine.OpOptions{Services: args, Stop: o.stop, Volumes: o.volumes}
			if !o.force {
				opts.Confirm = func(names []string) bool { return confirm(app, names) }
			}
			return runOp(cmd, app, engine.OpRemove, opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.force, "force", "f", false, "Don't ask to confirm removal")
	f.BoolVarP(&o.stop, "stop", "s", false, "Stop the containers, if required, before removing")
	f.BoolVarP(&o.volumes, "volumes", "v", false, "Remove any anonymous volumes attached to containers")
	return cmd
}

func confirm(app *App, names []string) bool {
	fmt.Fprintf(app.Err, "Going to remove %s\nAre you sure? [yN] ", strings.Join(names, ", "))
	line, _ := bufio.NewReader(app.In).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
