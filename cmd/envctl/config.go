package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/spf13/cobra"

	"github.com/envctl/envctl/project"
)

type configOptions struct {
	format        string
	quiet         bool
	services      bool
	volumes       bool
	networks      bool
	images        bool
	profiles      bool
	hash          string
	noInterpolate bool
	output        string
}

func newConfigCmd(app *App) *cobra.Command {
	var o configOptions
	cmd := &cobra.Command{
		Use:   "config [OPTIONS] [SERVICE...]",
		Short: "Validate and print the canonical model of the compose files",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfig(cmd, app, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "yaml", "Output format: yaml or json")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Only validate, print nothing")
	f.BoolVar(&o.services, "services", false, "Print the service names, one per line")
	f.BoolVar(&o.volumes, "volumes", false, "Print the volume names, one per line")
	f.BoolVar(&o.networks, "networks", false, "Print the network names, one per line")
	f.BoolVar(&o.images, "images", false, "Print the image names, one per line")
	f.BoolVar(&o.profiles, "profiles", false, "Print the profile names, one per line")
	f.StringVar(&o.hash, "hash", "", `Print the config hash of services ("*" for all)`)
	f.BoolVar(&o.noInterpolate, "no-interpolate", false, "Do not interpolate variables")
	f.StringVarP(&o.output, "output", "o", "", "Write to this file instead of stdout")
	return cmd
}

func runConfig(cmd *cobra.Command, app *App, o configOptions, services []string) error {
	if o.format != "yaml" && o.format != "json" {
		return usageError{fmt.Errorf("invalid --format %q: use yaml or json", o.format)}
	}
	p, err := app.loadProject(cmd.Context(), func(po *project.Options) {
		po.NoInterpolate = o.noInterpolate
		po.Services = services
	})
	if err != nil {
		return err
	}
	if len(services) > 0 {
		selected, err := p.WithSelectedServices(services)
		if err != nil {
			return err
		}
		p.Project = selected
	}
	if o.quiet {
		return nil
	}
	var out bytes.Buffer
	if err := renderConfig(&out, p, o); err != nil {
		return err
	}
	if o.output != "" {
		return os.WriteFile(o.output, out.Bytes(), 0o644)
	}
	_, err = app.Out.Write(out.Bytes())
	return err
}

func renderConfig(w io.Writer, p *project.Project, o configOptions) error {
	lines := func(items []string) error {
		for _, s := range items {
			if _, err := fmt.Fprintln(w, s); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case o.services:
		return lines(p.ServiceNames())
	case o.volumes:
		return lines(sortedNames(p.VolumeNames()))
	case o.networks:
		return lines(sortedNames(p.NetworkNames()))
	case o.images:
		var images []string
		for _, name := range p.ServiceNames() {
			images = append(images, p.ImageName(p.Services[name]))
		}
		return lines(images)
	case o.profiles:
		return lines(allProfiles(p))
	case o.hash != "":
		return printHashes(w, p, o.hash)
	}
	var b []byte
	var err error
	if o.format == "json" {
		b, err = p.MarshalJSON()
		b = append(b, '\n')
	} else {
		b, err = p.MarshalYAML()
	}
	if err != nil {
		return err
	}
	if !o.noInterpolate {
		// the output is itself a Compose file: a $ that is literal in the model
		// must stay literal when the output is loaded again (docker compose and
		// docker-compose v1 escape it the same way)
		b = bytes.ReplaceAll(b, []byte("$"), []byte("$$"))
	}
	_, err = w.Write(b)
	return err
}

func sortedNames(s []string) []string {
	sort.Strings(s)
	return s
}

func allProfiles(p *project.Project) []string {
	var out []string
	add := func(list []string) {
		for _, pr := range list {
			if !slices.Contains(out, pr) {
				out = append(out, pr)
			}
		}
	}
	for _, s := range p.Services {
		add(s.Profiles)
	}
	for _, s := range p.DisabledServices {
		add(s.Profiles)
	}
	sort.Strings(out)
	return out
}

func printHashes(w io.Writer, p *project.Project, which string) error {
	names := p.ServiceNames()
	if which != "*" {
		names = nil
		for _, n := range splitComma(which) {
			if _, ok := p.Services[n]; !ok {
				return fmt.Errorf("no such service: %s", n)
			}
			names = append(names, n)
		}
	}
	for _, n := range names {
		h, err := project.ServiceHash(p.Services[n])
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", n, h); err != nil {
			return err
		}
	}
	return nil
}
