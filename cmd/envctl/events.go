package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newEventsCmd(app *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "events [OPTIONS] [SERVICE...]",
		Short: "Print the project's container events as they happen",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withEngine(cmd, app, args, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				enc := json.NewEncoder(app.Out)
				return e.Events(ctx, p.Name, args, func(ev engine.Event) error {
					if asJSON {
						return enc.Encode(ev)
					}
					_, err := fmt.Fprintln(app.Out, eventLine(ev))
					return err
				})
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "One JSON object per event")
	return cmd
}

// eventLine is docker compose's text form of an event.
func eventLine(ev engine.Event) string {
	keys := make([]string, 0, len(ev.Attributes))
	for k := range ev.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]string, len(keys))
	for i, k := range keys {
		attrs[i] = k + "=" + ev.Attributes[k]
	}
	return fmt.Sprintf("%s %s %s %s (%s)", ev.Time.Format("2006-01-02 15:04:05.000000"), ev.Type, ev.Action, ev.ID, strings.Join(attrs, ", "))
}
