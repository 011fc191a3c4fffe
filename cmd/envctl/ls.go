package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type lsOptions struct {
	all    bool
	quiet  bool
	format string
	filter []string
}

func newLsCmd(app *App) *cobra.Command {
	var o lsOptions
	cmd := &cobra.Command{
		Use:   "ls [OPTIONS]",
		Short: "List running projects",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if o.format != "table" && o.format != "json" {
				return usageError{fmt.Errorf("invalid --format %q: use table or json", o.format)}
			}
			e, done, err := app.connect(ctx)
			if err != nil {
				return err
			}
			defer done()
			list, err := e.Ls(ctx, o.all, o.filter)
			if err != nil {
				return err
			}
			switch {
			case o.quiet:
				for _, p := range list {
					fmt.Fprintln(app.Out, p.Name)
				}
			case o.format == "json":
				if list == nil {
					fmt.Fprintln(app.Out, "[]")
					return nil
				}
				return json.NewEncoder(app.Out).Encode(list)
			default:
				tw := tabwriter.NewWriter(app.Out, 0, 4, 3, ' ', 0)
				fmt.Fprintln(tw, "NAME\tSTATUS\tCONFIG FILES")
				for _, p := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, p.Status, p.ConfigFiles)
				}
				return tw.Flush()
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "Show all stopped projects too")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Only display project names")
	f.StringVar(&o.format, "format", "table", "Format: table or json")
	f.StringArrayVar(&o.filter, "filter", nil, "Filter output (name=NAME)")
	return cmd
}
