package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newCpCmd(app *App) *cobra.Command {
	var o engine.CopyOptions
	cmd := &cobra.Command{
		Use:   "cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n  envctl cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH",
		Short: "Copy files between a service's container and the host",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			p, err := app.loadProject(ctx, nil)
			if err != nil {
				return err
			}
			if err := parseCopyArgs(p, args[0], args[1], &o); err != nil {
				return err
			}
			return withEngine(cmd, app, []string{o.Service}, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				return e.Copy(ctx, p.Name, o, app.In, app.Out)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Index, "index", 0, "Index of the container if the service has several replicas (default: the first)")
	f.BoolVarP(&o.Archive, "archive", "a", false, "Keep uid and gid of the files")
	f.BoolVarP(&o.FollowLink, "follow-link", "L", false, "Follow a symbolic link in the source path")
	return cmd
}

// parseCopyArgs tells which side is SERVICE:PATH; a local path may hold a
// colon when what precedes it is not a service.
func parseCopyArgs(p *project.Project, src, dst string, o *engine.CopyOptions) error {
	inService := func(arg string) (string, string, bool) {
		svc, path, ok := strings.Cut(arg, ":")
		if !ok {
			return "", "", false
		}
		_, known := p.Services[svc]
		return svc, path, known
	}
	ss, sp, fromSvc := inService(src)
	ds, dp, toSvc := inService(dst)
	switch {
	case fromSvc && toSvc:
		return usageError{fmt.Errorf("copying between containers is not supported: one path must be local")}
	case fromSvc:
		o.Service, o.Path, o.Local, o.FromServ = ss, sp, dst, true
	case toSvc:
		o.Service, o.Path, o.Local = ds, dp, src
	default:
		return usageError{fmt.Errorf("one of the paths must be SERVICE:PATH with a service of the project")}
	}
	if o.Path == "" {
		return usageError{fmt.Errorf("empty path in the service %s", o.Service)}
	}
	return nil
}
