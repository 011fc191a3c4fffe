// Package project loads compose files through compose-go, recognises the legacy
// format, validates the result before anything touches an engine, and walks the
// dependency graph. It is pure: no engine, no terminal.
package project

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// Options says which files to load and how, with the meaning of docker compose's
// global flags. Env is the process environment (KEY=VALUE); Stdin serves `-f -`.
type Options struct {
	Files         []string
	ProjectName   string
	ProjectDir    string
	Profiles      []string
	EnvFiles      []string
	Env           []string
	Stdin         io.Reader
	NoInterpolate bool
	// Cwd is where relative names are shown from in messages; defaults to os.Getwd.
	Cwd string
	// Services named on the command line are enabled even when their profile
	// is not, as docker compose does for `up SERVICE`.
	Services []string
}

// Project is a loaded, validated project plus what envctl needs to know about
// how it was written.
type Project struct {
	*types.Project
	// Legacy is true when a file used the first Compose format (no services key).
	Legacy bool
	// Warnings are printed once by the caller, on stderr.
	Warnings []string
}

// LegacyExtension marks a project converted from the legacy format, so that the
// engine keeps that format's container names even after `config` round trips.
const LegacyExtension = "x-envctl-legacy"

// ErrNoConfig is returned when discovery finds no compose file.
var ErrNoConfig = errors.New("no configuration file provided: not found")

// source is one compose file as read, before compose-go merges it.
type source struct {
	display string // name used in messages
	path    string // absolute, or "-" for stdin
	content []byte
	raw     map[string]any // the file's own tree, for locating keys in messages
}

// Load reads, converts, validates and returns the project.
func Load(ctx context.Context, o Options) (*Project, error) {
	env := o.Env
	popts, err := cli.NewProjectOptions(o.Files,
		cli.WithWorkingDirectory(o.ProjectDir),
		cli.WithEnv(env),
		cli.WithEnvFiles(o.EnvFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		// the project directory may only be known now that files were found
		cli.WithEnvFiles(o.EnvFiles...),
		cli.WithDotEnv,
	)
	if err != nil {
		return nil, plainError(err)
	}
	if len(popts.ConfigPaths) == 0 {
		return nil, ErrNoConfig
	}
	workDir, err := popts.GetWorkingDir()
	if err != nil {
		return nil, err
	}
	cwd := o.Cwd
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	sources, err := readSources(popts.ConfigPaths, o.Stdin, cwd)
	if err != nil {
		return nil, err
	}
	p := &Project{}
	for _, s := range sources {
		converted, err := convertLegacy(s)
		if err != nil {
			return nil, err
		}
		if converted {
			p.Legacy = true
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"%s uses the legacy Compose format (services at the top level); "+
					"loading it with that format's meaning: one default network, links as aliases, project_service_N names", s.display))
		}
	}
	if err := precheck(sources); err != nil {
		return nil, err
	}
	loaded, err := loadModel(ctx, o, popts, workDir, sources)
	if err != nil {
		return nil, explain(err, sources)
	}
	if len(o.Services) > 0 {
		if loaded, err = enable(loaded, o.Services); err != nil {
			return nil, err
		}
	}
	p.Project = loaded
	for _, s := range sources {
		p.ComposeFiles = append(p.ComposeFiles, s.path)
	}
	if p.Legacy {
		if p.Extensions == nil {
			p.Extensions = types.Extensions{}
		}
		p.Extensions[LegacyExtension] = true
	} else if v, ok := p.Extensions[LegacyExtension].(bool); ok && v {
		p.Legacy = true
	}
	if err := validate(p.Project, sources); err != nil {
		return nil, err
	}
	return p, nil
}

func readSources(paths []string, stdin io.Reader, cwd string) ([]*source, error) {
	var out []*source
	for _, path := range paths {
		s := &source{path: path, display: displayName(path, cwd)}
		var err error
		if path == "-" {
			s.display = "(stdin)"
			if stdin == nil {
				stdin = os.Stdin
			}
			s.content, err = io.ReadAll(stdin)
		} else {
			s.content, err = os.ReadFile(path)
		}
		if err != nil {
			return nil, &Error{File: s.display, Msg: readFailure(err)}
		}
		raw, err := parseRaw(s.content)
		if err != nil {
			return nil, &Error{File: s.display, Msg: err.Error()}
		}
		s.raw = raw
		out = append(out, s)
	}
	return out, nil
}

func readFailure(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, os.ErrNotExist) {
			return "file not found"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

func displayName(path, cwd string) string {
	if path == "-" || cwd == "" {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return abs
}

func loadModel(ctx context.Context, o Options, popts *cli.ProjectOptions, workDir string, sources []*source) (*types.Project, error) {
	details := types.ConfigDetails{WorkingDir: workDir, Environment: popts.Environment}
	for _, s := range sources {
		name := s.path
		if name == "-" {
			name = filepath.Join(workDir, "-")
		}
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: name, Content: s.content})
	}
	profiles := o.Profiles
	if len(profiles) == 0 {
		for _, p := range strings.Split(popts.Environment[consts.ComposeProfiles], ",") {
			if p = strings.TrimSpace(p); p != "" {
				profiles = append(profiles, p)
			}
		}
	}
	name, explicit := o.ProjectName, o.ProjectName != ""
	if !explicit {
		if v := popts.Environment[consts.ComposeProjectName]; v != "" {
			name, explicit = v, true
		}
	}
	if explicit {
		if err := CheckName(name); err != nil {
			return nil, err
		}
	}
	if !explicit && !namedInFiles(sources) && loader.NormalizeProjectName(filepath.Base(workDir)) == "" {
		return nil, &Error{Msg: fmt.Sprintf("cannot derive a project name from directory %q: set one with -p, COMPOSE_PROJECT_NAME or name:", filepath.Base(workDir))}
	}
	opts := []func(*loader.Options){
		loader.WithProfiles(profiles),
		func(lo *loader.Options) {
			lo.ResolvePaths = true
			lo.SkipConsistencyCheck = true // validate() does it, with file and key in the message
			lo.SkipInterpolation = o.NoInterpolate
			switch {
			case explicit:
				lo.SetProjectName(name, true)
			case !namedInFiles(sources):
				lo.SetProjectName(loader.NormalizeProjectName(filepath.Base(workDir)), false)
			}
		},
	}
	return loader.LoadWithContext(ctx, details, opts...)
}

func namedInFiles(sources []*source) bool {
	for _, s := range sources {
		if n, ok := s.raw["name"].(string); ok && n != "" {
			return true
		}
	}
	return false
}

func enable(p *types.Project, names []string) (*types.Project, error) {
	for _, n := range names {
		_, on := p.Services[n]
		_, off := p.DisabledServices[n]
		if !on && !off {
			return nil, fmt.Errorf("no such service: %s", n)
		}
	}
	enabled, err := p.WithServicesEnabled(names...)
	if err != nil {
		return nil, err
	}
	// services enabled only now had their env_file left unread by the loader
	return enabled.WithServicesEnvironmentResolved(false)
}
