package main

import (
	"github.com/spf13/cobra"
)

func newCreateCmd(app *App) *cobra.Command {
	o := upOptions{timeout: -1, noStart: true, detach: true}
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] [SERVICE...]",
		Short: "Create containers for services without starting them",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUp(cmd, app, o, args)
		},
	}
	f := cmd.Flags()
	addImageFlags(cmd, &o.build, &o.noBuild, &o.pull)
	f.BoolVar(&o.forceRecreate, "force-recreate", false, "Recreate containers even if their configuration and image have not changed")
	f.BoolVar(&o.noRecreate, "no-recreate", false, "If containers already exist, do not recreate them")
	f.BoolVar(&o.removeOrphans, "remove-orphans", false, "Remove containers for services not defined in the files")
	f.StringArrayVar(&o.scale, "scale", nil, "Scale SERVICE to NUM instances (SERVICE=NUM)")
	return cmd
}

func newScaleCmd(app *App) *cobra.Command {
	o := upOptions{timeout: -1, detach: true, noRecreate: true}
	cmd := &cobra.Command{
		Use:   "scale [OPTIONS] SERVICE=REPLICAS...",
		Short: "Scale services",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.scale = args
			scale, err := parseScale(args)
			if err != nil {
				return err
			}
			var services []string
			for s := range scale {
				services = append(services, s)
			}
			return runUp(cmd, app, o, services)
		},
	}
	cmd.Flags().BoolVar(&o.noDeps, "no-deps", false, "Don't start linked services")
	return cmd
}
