package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
)

var (
	progressModes = []string{"auto", "tty", "plain", "json", "quiet"}
	ansiModes     = []string{"auto", "always", "never"}
)

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:           "envctl",
		Short:         "Run multi-container environments described by Compose files",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q (see envctl --help)", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return checkGlobal(&app.Global)
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		// root's own flags are parsed before the subcommand, so that -f and -p
		// there are --file and --project-name while `rm -f`, `logs -f` and
		// `run -p` keep their own meaning after it, as in docker compose
		TraverseChildren: true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err}
	})
	g := &app.Global
	local := root.Flags()
	local.StringArrayVarP(&g.Files, "file", "f", nil, "Compose configuration files (repeatable; - reads stdin)")
	local.StringVarP(&g.ProjectName, "project-name", "p", "", "Project name")
	f := root.PersistentFlags()
	f.StringVar(&g.ProjectDir, "project-directory", "", "Alternate working directory (default: the first file's directory)")
	f.StringArrayVar(&g.Profiles, "profile", nil, "Profile to enable (repeatable)")
	f.StringArrayVar(&g.EnvFiles, "env-file", envList(app, "COMPOSE_ENV_FILES"), "Alternate environment file (repeatable)")
	f.StringVar(&g.Progress, "progress", envString(app, "COMPOSE_PROGRESS", "auto"), "Progress output: auto, tty, plain, json, quiet")
	f.StringVar(&g.Ansi, "ansi", envString(app, "COMPOSE_ANSI", "auto"), "Control characters: auto, always, never")
	f.IntVar(&g.Parallel, "parallel", envInt(app, "COMPOSE_PARALLEL_LIMIT", -1), "Maximum parallel engine operations (-1: unlimited)")
	f.BoolVar(&g.DryRun, "dry-run", false, "Print what would be done and change nothing")

	root.AddCommand(
		newVersionCmd(app),
		newCompletionCmd(app),
		newConfigCmd(app),
		newUpCmd(app),
		newDownCmd(app),
		newCreateCmd(app),
		newOpCmd(app, engine.OpStart, "Start services", false),
		newOpCmd(app, engine.OpStop, "Stop services", true),
		newOpCmd(app, engine.OpRestart, "Restart service containers", true),
		newOpCmd(app, engine.OpPause, "Pause services", false),
		newOpCmd(app, engine.OpUnpause, "Unpause services", false),
		newKillCmd(app),
		newRmCmd(app),
		newScaleCmd(app),
		newPsCmd(app),
		newLsCmd(app),
		newLogsCmd(app),
		newExecCmd(app),
		newRunCmd(app),
		newAttachCmd(app),
		newTopCmd(app),
		newPortCmd(app),
		newImagesCmd(app),
		newEventsCmd(app),
		newCpCmd(app),
		newWaitCmd(app),
		newStackCmd(app),
		newBuildCmd(app),
		newPullCmd(app),
		newPushCmd(app),
	)
	for _, c := range root.Commands() {
		if c.Args != nil {
			c.Args = usageArgs(c.Args)
		}
	}
	return root
}

func checkGlobal(g *globalOptions) error {
	if !slices.Contains(progressModes, g.Progress) {
		return usageError{fmt.Errorf("invalid --progress %q: use one of auto, tty, plain, json, quiet", g.Progress)}
	}
	if !slices.Contains(ansiModes, g.Ansi) {
		return usageError{fmt.Errorf("invalid --ansi %q: use one of auto, always, never", g.Ansi)}
	}
	if g.Parallel == 0 || g.Parallel < -1 {
		return usageError{fmt.Errorf("invalid --parallel %d: use a positive number or -1", g.Parallel)}
	}
	return nil
}
