package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/envctl/envctl/project"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// Streams are the command's standard streams; tests pass buffers.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// globalOptions are docker compose's global flags, defaulted from COMPOSE_*.
type globalOptions struct {
	Files       []string
	ProjectName string
	ProjectDir  string
	Profiles    []string
	EnvFiles    []string
	Progress    string
	Ansi        string
	Parallel    int
	DryRun      bool
}

// App is what every command gets: streams, environment and the global flags.
type App struct {
	Streams
	Env    []string
	Global globalOptions
}

func (a *App) getenv(key string) string {
	for i := len(a.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(a.Env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// projectOptions turns the global flags into loader options.
func (a *App) projectOptions() project.Options {
	return project.Options{
		Files:       a.Global.Files,
		ProjectName: a.Global.ProjectName,
		ProjectDir:  a.Global.ProjectDir,
		Profiles:    a.Global.Profiles,
		EnvFiles:    a.Global.EnvFiles,
		Env:         a.Env,
		Stdin:       a.In,
	}
}

// loadProject loads with the global flags and prints the loader's warnings.
func (a *App) loadProject(ctx context.Context, tweak func(*project.Options)) (*project.Project, error) {
	o := a.projectOptions()
	if tweak != nil {
		tweak(&o)
	}
	p, err := project.Load(ctx, o)
	if err != nil {
		return nil, err
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(a.Err, "warning: %s\n", w)
	}
	return p, nil
}

// usageError marks mistakes in how the command was called (exit 2).
type usageError struct{ error }

// exitCodeError carries a child's exit code (exec, run) without a message.
type exitCodeError struct{ code int }

func (e exitCodeError) Error() string { return "exit status " + strconv.Itoa(e.code) }

// Main runs envctl and returns its exit code.
func Main(args []string, s Streams, env []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{Streams: s, Env: env}
	// compose-go prints its warnings through logrus; send them where ours go
	logrus.SetOutput(s.Err)
	logrus.SetFormatter(&warningFormatter{})
	root := newRootCmd(app)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	err := root.ExecuteContext(ctx)
	return exitCode(ctx, err, s.Err)
}

func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var code exitCodeError
	if errors.As(err, &code) {
		return code.code
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, errInterrupted)) {
		fmt.Fprintln(stderr, "interrupted")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "envctl: %s\n", err)
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return exitError
}

// errInterrupted is returned by commands that stopped because of Ctrl-C.
var errInterrupted = errors.New("interrupted")

type warningFormatter struct{}

func (warningFormatter) Format(e *logrus.Entry) ([]byte, error) {
	return []byte(strings.ToLower(e.Level.String()) + ": " + e.Message + "\n"), nil
}

func envInt(a *App, key string, def int) int {
	if v := a.getenv(key); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envList(a *App, key string) []string {
	v := a.getenv(key)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func envString(a *App, key, def string) string {
	if v := a.getenv(key); v != "" {
		return v
	}
	return def
}

// noArgs and friends report wrong arguments as usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func splitComma(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
