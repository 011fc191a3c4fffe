package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/stacks"
)

func newStackCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stack",
		Short: "Ready-made environments shipped in envctl",
		Long: "Ready-made environments shipped in envctl, usable from any directory.\n\n" +
			"A stack is written to ${XDG_DATA_HOME:-$HOME/.local/share}/envctl/stacks/NAME and\n" +
			"run from there, as project NAME unless -p says otherwise. Its settings are in .env\n" +
			"in that directory, made on first use with random passwords; the other files are\n" +
			"envctl's and are rewritten when the binary's copy changes. Where the official images\n" +
			"cannot be pulled, `stack up` builds the stack's offline images and uses them\n" +
			"(ENVCTL_STACK_OFFLINE=1 or 0 decides without asking the registry).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newStackLsCmd(app),
		stackVerb(app, newUpCmd(app)),
		stackVerb(app, newDownCmd(app)),
		stackVerb(app, newConfigCmd(app)),
	)
	return cmd
}

func newStackLsCmd(app *App) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Aliases: []string{"list"},
		Short:   "List the stacks",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if quiet {
				_, err := fmt.Fprintln(app.Out, strings.Join(stacks.Names(), "\n"))
				return err
			}
			w := tabwriter.NewWriter(app.Out, 0, 4, 3, ' ', 0)
			fmt.Fprintln(w, "NAME\tDESCRIPTION")
			for _, s := range stacks.List() {
				fmt.Fprintf(w, "%s\t%s\n", s.Name, s.Title)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "Only print the names")
	return cmd
}

// stackVerb turns a project command (up, down, config) into its stack form: the
// same flags and the same run function, with the stack name first and the
// project taken from the extracted stack instead of the current directory.
func stackVerb(app *App, cmd *cobra.Command) *cobra.Command {
	verb := cmd.Name()
	run, inner := cmd.RunE, cmd.Args
	cmd.Use = verb + " NAME" + strings.TrimPrefix(cmd.Use, verb)
	cmd.Short += " of a stack"
	cmd.Args = usageArgs(func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("stack %s needs a stack name (one of %s)", verb, strings.Join(stacks.Names(), ", "))
		}
		if inner != nil {
			return inner(c, args[1:])
		}
		return nil
	})
	cmd.ValidArgsFunction = func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return stacks.Names(), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if err := useStack(c, app, args[0], verb == "up"); err != nil {
			return err
		}
		return run(c, args[1:])
	}
	return cmd
}

// useStack extracts the stack and points the global options at it, so that the
// project command that follows loads it like any project.
func useStack(cmd *cobra.Command, app *App, name string, up bool) error {
	if _, ok := stacks.Lookup(name); !ok {
		return usageError{fmt.Errorf("unknown stack %q: use one of %s (envctl stack ls)", name, strings.Join(stacks.Names(), ", "))}
	}
	g := &app.Global
	if len(g.Files) > 0 || g.ProjectDir != "" {
		return usageError{fmt.Errorf("-f and --project-directory cannot be used with a stack: its files are envctl's")}
	}
	if _, _, err := offlineSetting(app); err != nil {
		return err
	}
	root, err := stacksRoot(app)
	if err != nil {
		return err
	}
	dir, err := stacks.Extract(root, name)
	if err != nil {
		return err
	}
	created, err := stacks.EnsureEnv(dir)
	if err != nil {
		return fmt.Errorf("stack %s: making its .env: %w", name, err)
	}
	if created {
		fmt.Fprintf(app.Err, "envctl: stack %s: settings and generated passwords are in %s\n", name, filepath.Join(dir, stacks.EnvFile))
	}
	files, err := stackFiles(cmd.Context(), app, name, dir, up)
	if err != nil {
		return err
	}
	g.Files, g.ProjectDir = files, dir
	if g.ProjectName == "" {
		g.ProjectName = name
	}
	return nil
}

// stacksRoot is where stacks are written: per user, outside any project.
func stacksRoot(app *App) (string, error) {
	if d := app.getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "envctl", "stacks"), nil
	}
	if h := app.getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "share", "envctl", "stacks"), nil
	}
	return "", fmt.Errorf("no directory for the stacks: set HOME or XDG_DATA_HOME")
}
