package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

// config is what `config` cannot do without: find the file in the working
// directory, load and normalise it with compose-go, and print the model.
func config(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("config takes the project name")
	}
	opts, err := cli.NewProjectOptions(nil, cli.WithName(args[0]), cli.WithOsEnv, cli.WithDotEnv, cli.WithConfigFileEnv, cli.WithDefaultConfigPath)
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
