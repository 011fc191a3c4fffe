package main

import (
	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
)

// logFlags are shared by `logs` and attached `up`.
type logFlags struct {
	noColor    bool
	noPrefix   bool
	timestamps bool
}

func addLogFlags(cmd *cobra.Command, o *logFlags, shortTimestamps bool) {
	f := cmd.Flags()
	f.BoolVar(&o.noColor, "no-color", false, "Produce monochrome output")
	f.BoolVar(&o.noPrefix, "no-log-prefix", false, "Do not print a prefix in logs")
	if shortTimestamps {
		f.BoolVarP(&o.timestamps, "timestamps", "t", false, "Show timestamps")
	} else {
		f.BoolVar(&o.timestamps, "timestamps", false, "Show timestamps")
	}
}

type logsOptions struct {
	logFlags
	follow bool
	tail   string
	since  string
	until  string
	index  int
	merge  bool
}

func newLogsCmd(app *App) *cobra.Command {
	var o logsOptions
	cmd := &cobra.Command{
		Use:   "logs [OPTIONS] [SERVICE...]",
		Short: "View output from containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogs(cmd, app, o, args)
		},
	}
	addLogFlags(cmd, &o.logFlags, true)
	f := cmd.Flags()
	f.BoolVarP(&o.follow, "follow", "f", false, "Follow log output")
	f.StringVarP(&o.tail, "tail", "n", "all", "Number of lines to show from the end of the logs for each container")
	f.StringVar(&o.since, "since", "", "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)")
	f.StringVar(&o.until, "until", "", "Show logs before a timestamp or relative (e.g. 42m)")
	f.IntVar(&o.index, "index", 0, "Index of the container if the service has several replicas")
	f.BoolVar(&o.merge, "merge", false, "Interleave the output of all containers by timestamp")
	return cmd
}

func runLogs(cmd *cobra.Command, app *App, o logsOptions, services []string) error {
	ctx := cmd.Context()
	p, err := app.loadProject(ctx, nil)
	if err != nil {
		return err
	}
	if err := checkServices(p, services); err != nil {
		return err
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	return e.Logs(ctx, p.Name, engine.LogsOptions{
		Services: services, Follow: o.follow, Tail: o.tail, Since: o.since, Until: o.until,
		Timestamps: o.timestamps, Color: !o.noColor && app.colorFor(app.Out), NoPrefix: o.noPrefix,
		Index: o.index, Merge: o.merge,
	}, app.Out)
}
