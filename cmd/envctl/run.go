package main

import (
	"fmt"
	"strings"

	"github.com/mattn/go-shellwords"
	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
)

type runOptions struct {
	engine.RunOptions
	entrypoint string
	labels     []string
	noTTY      bool
	build      bool
	pull       string
}

func newRunCmd(app *App) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [OPTIONS] SERVICE [COMMAND] [ARGS...]",
		Short: "Run a one-off command on a service",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Service = args[0]
			if len(args) > 1 {
				o.Cmd = args[1:]
			}
			if cmd.Flags().Changed("entrypoint") {
				ep, err := shellwords.Parse(o.entrypoint)
				if err != nil {
					return usageError{fmt.Errorf("invalid --entrypoint %q: %v", o.entrypoint, err)}
				}
				o.Entrypoint = append([]string{}, ep...)
			}
			return runRun(cmd, app, o)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Detach, "detach", "d", false, "Run the container in the background and print its name")
	f.BoolVar(&o.Remove, "rm", false, "Remove the container when it exits")
	f.StringVar(&o.Name, "name", "", "Name of the container (default: PROJECT-SERVICE-run-ID)")
	f.StringArrayVarP(&o.Env, "env", "e", nil, "Set an environment variable (NAME=value)")
	f.StringArrayVarP(&o.labels, "label", "l", nil, "Add or override a label (KEY=value)")
	f.StringArrayVarP(&o.Publish, "publish", "p", nil, "Publish a container port to the host")
	f.BoolVarP(&o.ServicePorts, "service-ports", "P", false, "Publish the service's ports (they are not by default)")
	f.BoolVar(&o.NoDeps, "no-deps", false, "Do not start the services it depends on")
	f.StringVar(&o.entrypoint, "entrypoint", "", "Override the image's entrypoint")
	f.StringVarP(&o.User, "user", "u", "", "Run as this user")
	f.StringVarP(&o.WorkingDir, "workdir", "w", "", "Working directory inside the container")
	f.StringArrayVarP(&o.Volumes, "volume", "v", nil, "Bind mount a volume")
	f.BoolVarP(&o.noTTY, "no-TTY", "T", false, "Do not allocate a pseudo-TTY (default: one when stdin is a terminal)")
	f.BoolVarP(&o.Interactive, "interactive", "i", true, "Keep stdin open")
	f.BoolVar(&o.UseAliases, "use-aliases", false, "Use the service's network aliases for the one-off container")
	f.BoolVar(&o.build, "build", false, "Build the image before starting the container")
	f.StringVar(&o.pull, "pull", "", `Pull the image before running: "always", "missing" or "never"`)
	return cmd
}

func runRun(cmd *cobra.Command, app *App, o runOptions) error {
	ctx := cmd.Context()
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	if err := checkServices(p, []string{o.Service}); err != nil {
		return err
	}
	o.Labels = map[string]string{}
	for _, l := range o.labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("invalid --label %q: use KEY=value", l)}
		}
		o.Labels[k] = v
	}
	o.Env = resolveEnv(app, o.Env)
	o.Images = engine.ImageOptions{Build: o.build, Pull: o.pull}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	// as docker compose: no terminal on stdin, no TTY, whatever tty: says
	tty := !o.noTTY && !o.Detach && app.stdinTerminal()
	s, restore, err := app.stdio(o.Interactive && !o.Detach, tty)
	if err != nil {
		return err
	}
	r, err := e.Run(ctx, p, o.RunOptions, s)
	restore()
	if err != nil {
		return err
	}
	if o.Detach {
		fmt.Fprintln(app.Out, r.Name)
		return nil
	}
	return exitResult(r.ExitCode)
}
