package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
)

type execOptions struct {
	engine.ExecOptions
	noTTY       bool
	interactive bool
}

func newExecCmd(app *App) *cobra.Command {
	var o execOptions
	cmd := &cobra.Command{
		Use:   "exec [OPTIONS] SERVICE COMMAND [ARGS...]",
		Short: "Execute a command in a running container",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Service, o.Cmd = args[0], args[1:]
			return runExec(cmd, app, o)
		},
	}
	f := cmd.Flags()
	// flags after SERVICE belong to the command
	f.SetInterspersed(false)
	f.BoolVarP(&o.Detach, "detach", "d", false, "Run the command in the background")
	f.StringArrayVarP(&o.Env, "env", "e", nil, "Set an environment variable (NAME=value)")
	f.StringVarP(&o.User, "user", "u", "", "Run the command as this user")
	f.StringVarP(&o.WorkingDir, "workdir", "w", "", "Working directory of the command")
	f.BoolVarP(&o.noTTY, "no-TTY", "T", false, "Do not allocate a pseudo-TTY (default: one when stdin is a terminal)")
	f.BoolVarP(&o.interactive, "interactive", "i", true, "Keep stdin open")
	f.IntVar(&o.Index, "index", 0, "Index of the container if the service has several replicas (default: the first)")
	f.BoolVar(&o.Privileged, "privileged", false, "Give extended privileges to the command")
	return cmd
}

func runExec(cmd *cobra.Command, app *App, o execOptions) error {
	ctx := cmd.Context()
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	if err := checkServices(p, []string{o.Service}); err != nil {
		return err
	}
	o.Env = resolveEnv(app, o.Env)
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	s, restore, err := app.stdio(o.interactive && !o.Detach, !o.noTTY && app.stdinTerminal())
	if err != nil {
		return err
	}
	code, err := e.Exec(ctx, p.Name, o.ExecOptions, s)
	restore()
	if err != nil {
		return err
	}
	return exitResult(code)
}

// resolveEnv gives a bare NAME (no =) the value it has in envctl's
// environment, as docker does for -e NAME; unset names are dropped.
func resolveEnv(app *App, env []string) []string {
	var out []string
	for _, kv := range env {
		if _, _, ok := strings.Cut(kv, "="); ok {
			out = append(out, kv)
			continue
		}
		if v, ok := app.lookupEnv(kv); ok {
			out = append(out, kv+"="+v)
		}
	}
	return out
}
