package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func newImagesCmd(app *App) *cobra.Command {
	var quiet bool
	var format string
	cmd := &cobra.Command{
		Use:   "images [OPTIONS] [SERVICE...]",
		Short: "List the images used by the services' containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageError{fmt.Errorf("invalid --format %q: use table or json", format)}
			}
			return withEngine(cmd, app, args, false, func(ctx context.Context, p *project.Project, e *engine.Engine) error {
				list, err := e.Images(ctx, p.Name, args)
				if err != nil {
					return err
				}
				switch {
				case quiet:
					seen := map[string]bool{}
					for _, img := range list {
						if !seen[img.ID] {
							seen[img.ID] = true
							fmt.Fprintln(app.Out, img.ID)
						}
					}
					return nil
				case format == "json":
					if list == nil {
						list = []engine.ImageInfo{}
					}
					enc := json.NewEncoder(app.Out)
					enc.SetIndent("", "  ")
					return enc.Encode(list)
				}
				tw := tabwriter.NewWriter(app.Out, 0, 4, 3, ' ', 0)
				fmt.Fprintln(tw, "CONTAINER\tREPOSITORY\tTAG\tPLATFORM\tIMAGE ID\tSIZE")
				for _, img := range list {
					id := strings.TrimPrefix(img.ID, "sha256:")
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", img.ContainerName, img.Repository, img.Tag, img.Platform,
						id[:min(12, len(id))], units.HumanSizeWithPrecision(float64(img.Size), 3))
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "Only display image IDs")
	f.StringVar(&format, "format", "table", "Format: table or json")
	return cmd
}
