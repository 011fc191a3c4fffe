package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

type upOptions struct {
	detach             bool
	build, noBuild     bool
	pull               string
	forceRecreate      bool
	noRecreate         bool
	alwaysRecreateDeps bool
	renewAnonVolumes   bool
	noDeps             bool
	noStart            bool
	removeOrphans      bool
	scale              []string
	timeout            int
	wait               bool
	waitTimeout        int
	logs               logFlags
	abortOnExit        bool
	abortOnFailure     bool
	exitCodeFrom       string
	attach             []string
	noAttach           []string
}

func newUpCmd(app *App) *cobra.Command {
	o := upOptions{timeout: -1}
	cmd := &cobra.Command{
		Use:   "up [OPTIONS] [SERVICE...]",
		Short: "Create and start containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUp(cmd, app, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.detach, "detach", "d", false, "Run containers in the background")
	addImageFlags(cmd, &o.build, &o.noBuild, &o.pull)
	f.BoolVar(&o.forceRecreate, "force-recreate", false, "Recreate containers even if their configuration and image have not changed")
	f.BoolVar(&o.noRecreate, "no-recreate", false, "If containers already exist, do not recreate them")
	f.BoolVar(&o.alwaysRecreateDeps, "always-recreate-deps", false, "Recreate dependent containers")
	f.BoolVarP(&o.renewAnonVolumes, "renew-anon-volumes", "V", false, "Recreate anonymous volumes instead of keeping their data")
	f.BoolVar(&o.noDeps, "no-deps", false, "Do not start linked services")
	f.BoolVar(&o.noStart, "no-start", false, "Do not start the services after creating them")
	f.BoolVar(&o.removeOrphans, "remove-orphans", false, "Remove containers for services not defined in the files")
	f.StringArrayVar(&o.scale, "scale", nil, "Scale SERVICE to NUM instances (SERVICE=NUM)")
	f.IntVarP(&o.timeout, "timeout", "t", -1, "Shutdown timeout in seconds")
	f.BoolVar(&o.wait, "wait", false, "Wait for services to be running or healthy (implies -d)")
	f.IntVar(&o.waitTimeout, "wait-timeout", 0, "Maximum seconds to wait with --wait")
	addLogFlags(cmd, &o.logs, false)
	f.BoolVar(&o.abortOnExit, "abort-on-container-exit", false, "Stop all containers if any container stops")
	f.BoolVar(&o.abortOnFailure, "abort-on-container-failure", false, "Stop all containers if any container exits with a failure")
	f.StringVar(&o.exitCodeFrom, "exit-code-from", "", "Return the exit code of this service's container (implies --abort-on-container-exit)")
	f.StringArrayVar(&o.attach, "attach", nil, "Restrict attaching to these services")
	f.StringArrayVar(&o.noAttach, "no-attach", nil, "Do not attach to these services")
	return cmd
}

func addImageFlags(cmd *cobra.Command, build, noBuild *bool, pull *string) {
	f := cmd.Flags()
	f.BoolVar(build, "build", false, "Build images before starting containers")
	f.BoolVar(noBuild, "no-build", false, "Do not build images, even when missing")
	f.StringVar(pull, "pull", "", `Pull images before running: "always", "missing" or "never"`)
}

func parseScale(flags []string) (map[string]int, error) {
	out := map[string]int{}
	for _, s := range flags {
		name, num, ok := strings.Cut(s, "=")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 {
			return nil, usageError{fmt.Errorf("invalid --scale %q: use SERVICE=NUMBER", s)}
		}
		out[name] = n
	}
	return out, nil
}

func (o upOptions) engineOptions(services []string) (engine.UpOptions, error) {
	scale, err := parseScale(o.scale)
	if err != nil {
		return engine.UpOptions{}, err
	}
	if o.forceRecreate && o.noRecreate {
		return engine.UpOptions{}, usageError{fmt.Errorf("--force-recreate and --no-recreate cannot be combined")}
	}
	if o.build && o.noBuild {
		return engine.UpOptions{}, usageError{fmt.Errorf("--build and --no-build cannot be combined")}
	}
	if o.pull != "" && o.pull != "always" && o.pull != "missing" && o.pull != "never" && o.pull != "build" {
		return engine.UpOptions{}, usageError{fmt.Errorf("invalid --pull %q: use always, missing or never", o.pull)}
	}
	uo := engine.UpOptions{
		RenewAnonVolumes: o.renewAnonVolumes,
		Wait:             o.wait,
		WaitTimeout:      time.Duration(o.waitTimeout) * time.Second,
		Images:           engine.ImageOptions{Build: o.build, NoBuild: o.noBuild, Pull: o.pull},
	}
	uo.Plan.Selected = services
	uo.Plan.NoDeps = o.noDeps
	uo.Plan.ForceRecreate = o.forceRecreate
	uo.Plan.NoRecreate = o.noRecreate
	uo.Plan.AlwaysRecreateDeps = o.alwaysRecreateDeps
	uo.Plan.RemoveOrphans = o.removeOrphans
	uo.Plan.NoStart = o.noStart
	uo.Plan.Scale = scale
	if o.timeout >= 0 {
		t := o.timeout
		uo.Timeout = &t
	}
	return uo, nil
}

func runUp(cmd *cobra.Command, app *App, o upOptions, services []string) error {
	uo, err := o.engineOptions(services)
	if err != nil {
		return err
	}
	if o.exitCodeFrom != "" {
		o.abortOnExit = true
	}
	if o.detach && (o.abortOnExit || o.abortOnFailure) {
		return usageError{fmt.Errorf("--abort-on-container-exit and --abort-on-container-failure cannot be combined with -d")}
	}
	ctx := cmd.Context()
	// naming a service enables its profile, as in docker compose
	p, err := app.loadProject(ctx, func(po *project.Options) { po.Services = services })
	if err != nil {
		return err
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	if o.detach || o.wait || o.noStart || app.Global.DryRun {
		return e.Up(ctx, p, uo)
	}
	return runAttached(ctx, app, e, p, o, uo)
}
