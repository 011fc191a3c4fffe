package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

type psOptions struct {
	all      bool
	quiet    bool
	services bool
	status   []string
	filter   []string
	format   string
}

func newPsCmd(app *App) *cobra.Command {
	var o psOptions
	cmd := &cobra.Command{
		Use:   "ps [OPTIONS] [SERVICE...]",
		Short: "List containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPs(cmd, app, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "Show all stopped containers too")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Only display IDs")
	f.BoolVar(&o.services, "services", false, "Display services")
	f.StringArrayVar(&o.status, "status", nil, "Filter by status: created, restarting, running, removing, paused, exited, dead")
	f.StringArrayVar(&o.filter, "filter", nil, "Filter by a property (status=STATUS)")
	f.StringVar(&o.format, "format", "table", "Format: table, json or a Go template")
	return cmd
}

func runPs(cmd *cobra.Command, app *App, o psOptions, services []string) error {
	ctx := cmd.Context()
	status := o.status
	for _, f := range o.filter {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k != "status" {
			return usageError{fmt.Errorf("invalid --filter %q: only status=STATUS is supported", f)}
		}
		status = append(status, v)
	}
	name, err := psProjectName(ctx, app, services)
	if err != nil {
		return err
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	list, err := e.Ps(ctx, name, engine.PsOptions{All: o.all, Services: services, Status: status})
	if err != nil {
		return err
	}
	return printPs(app.Out, list, o)
}

// psProjectName is the project to list. As in docker compose, -p without -f
// names it outright: listing needs no file, and loading a large one is most
// of what ps would cost (see BENCHMARKS.md, scenario 6a).
func psProjectName(ctx context.Context, app *App, services []string) (string, error) {
	if name := app.Global.ProjectName; name != "" && len(app.Global.Files) == 0 && len(services) == 0 {
		return name, project.CheckName(name)
	}
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return "", err
	}
	return p.Name, checkServices(p, services)
}

func printPs(w io.Writer, list []engine.ContainerInfo, o psOptions) error {
	switch {
	case o.quiet:
		for _, c := range list {
			fmt.Fprintln(w, c.ID)
		}
		return nil
	case o.services:
		seen := map[string]bool{}
		for _, c := range list {
			if !seen[c.Service] {
				seen[c.Service] = true
				fmt.Fprintln(w, c.Service)
			}
		}
		return nil
	case o.format == "json":
		enc := json.NewEncoder(w)
		for _, c := range list {
			if err := enc.Encode(psJSON(c)); err != nil {
				return err
			}
		}
		return nil
	case o.format == "table" || o.format == "":
		tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
		fmt.Fprintln(tw, "NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS")
		now := time.Now()
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%q\t%s\t%s\t%s\t%s\n", c.Name, c.Image, truncate(c.Command, 20), c.Service, c.CreatedAgo(now), c.Status, c.Ports())
		}
		return tw.Flush()
	}
	tmpl, err := template.New("ps").Parse(strings.TrimPrefix(o.format, "table "))
	if err != nil {
		return usageError{fmt.Errorf("invalid --format: %w", err)}
	}
	for _, c := range list {
		if err := tmpl.Execute(w, psJSON(c)); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

// psJSON is the shape of docker compose's ps --format json.
func psJSON(c engine.ContainerInfo) map[string]any {
	return map[string]any{
		"ID": c.ID, "Name": c.Name, "Image": c.Image, "Command": c.Command, "Project": c.Project,
		"Service": c.Service, "CreatedAt": time.Unix(c.Created, 0).UTC().Format(time.RFC3339), "State": c.State,
		"Status": c.Status, "Health": c.Health, "ExitCode": c.ExitCode, "Publishers": c.Publishers, "Ports": c.Ports(),
		"Labels": c.Labels,
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
