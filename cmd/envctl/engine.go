package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/engine/progress"
)

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// colorFor says whether output to w may carry colour: --ansi, NO_COLOR, TTY.
func (a *App) colorFor(w io.Writer) bool {
	switch a.Global.Ansi {
	case "always":
		return true
	case "never":
		return false
	}
	if _, set := a.lookupEnv("NO_COLOR"); set {
		return false
	}
	return isTerminal(w)
}

func (a *App) lookupEnv(key string) (string, bool) {
	for i := len(a.Env) - 1; i >= 0; i-- {
		if len(a.Env[i]) > len(key) && a.Env[i][:len(key)] == key && a.Env[i][len(key)] == '=' {
			return a.Env[i][len(key)+1:], true
		}
	}
	return "", false
}

func (a *App) progressWriter() (progress.Writer, error) {
	mode := a.Global.Progress
	if mode == "auto" {
		mode = "plain"
		if isTerminal(a.Err) && a.Global.Ansi != "never" {
			mode = "tty"
		}
	}
	return progress.New(mode, a.Err, a.colorFor(a.Err))
}

// connect opens the engine with the global flags; close it with the
// returned function, which also flushes progress.
func (a *App) connect(ctx context.Context) (*engine.Engine, func(), error) {
	pw, err := a.progressWriter()
	if err != nil {
		return nil, nil, err
	}
	e, err := engine.Connect(ctx, engine.Options{
		Parallel: a.Global.Parallel,
		Progress: pw,
		Warn:     a.warnWriter(pw),
		Out:      a.Out,
		DryRun:   a.Global.DryRun,
		// registry credentials and builder choice as the docker CLI finds them
		DockerConfig:    a.getenv("DOCKER_CONFIG"),
		BuildKit:        a.getenv("DOCKER_BUILDKIT"),
		RegistryTimeout: a.registryTimeout(),
	})
	if err != nil {
		pw.Close()
		return nil, nil, err
	}
	return e, func() {
		pw.Close()
		e.Close()
	}, nil
}

// registryTimeout is ENVCTL_REGISTRY_TIMEOUT (a Go duration or seconds): how
// long a pull or push may stay silent before it is given up; 0 is the default.
func (a *App) registryTimeout() time.Duration {
	v := a.getenv("ENVCTL_REGISTRY_TIMEOUT")
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second
	}
	return 0
}

// warnWriter is where engine warnings go: stderr as they are, or with
// --progress json one event each, so that stderr stays one JSON object a line.
func (a *App) warnWriter(pw progress.Writer) io.Writer {
	if a.Global.Progress != "json" {
		return a.Err
	}
	return warnEvents{pw}
}

type warnEvents struct{ pw progress.Writer }

func (w warnEvents) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		w.pw.Event(progress.Event{ID: "envctl", Status: "Warning", Text: strings.TrimPrefix(line, "warning: ")})
	}
	return len(b), nil
}
