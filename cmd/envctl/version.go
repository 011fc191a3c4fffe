package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type versionOptions struct {
	short  bool
	format string
}

func newVersionCmd(app *App) *cobra.Command {
	var o versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the envctl version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(app, o)
		},
	}
	cmd.Flags().BoolVar(&o.short, "short", false, "Show only the version number")
	cmd.Flags().StringVar(&o.format, "format", "", "Format: pretty or json")
	return cmd
}

func runVersion(app *App, o versionOptions) error {
	info := map[string]string{"version": version, "go": runtime.Version(), "compose-go": moduleVersion("github.com/compose-spec/compose-go/v2")}
	switch {
	case o.short:
		fmt.Fprintln(app.Out, version)
	case o.format == "json":
		return json.NewEncoder(app.Out).Encode(info)
	case o.format == "" || o.format == "pretty":
		fmt.Fprintf(app.Out, "envctl version %s (%s, compose-go %s)\n", info["version"], info["go"], info["compose-go"])
	default:
		return usageError{fmt.Errorf("invalid --format %q: use pretty or json", o.format)}
	}
	return nil
}

func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}
