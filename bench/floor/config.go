package main

import (
	"context"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

// config is what `config` cannot do without: find the file, load and
// normalise it with compose-go, and print the model.
func config(ctx context.Context, files []string) error {
	opts, err := cli.NewProjectOptions(files, cli.WithOsEnv, cli.WithDotEnv, cli.WithConfigFileEnv, cli.WithDefaultConfigPath)
	if err != nil {
		return err
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return err
	}
	b, err := p.MarshalYAML()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(b)
	return err
}
