package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// sample is one measured run of one tool.
type sample struct {
	wall time.Duration
	cpu  time.Duration // user + system of the child (and children it waited for)
	rss  int64         // peak resident set, bytes
}

// toolEnv is the harness's environment without the variables that would
// change what a compose tool loads or prints.
func toolEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "COMPOSE_") || strings.HasPrefix(kv, "ENVCTL_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1")
}

// argv is the command line for a tool doing verb (with args) in project p.
func (h *harness) argv(ctx context.Context, t *tool, p *proj, args ...string) ([]string, error) {
	verb := args[0]
	if t.kind == kindFloor {
		return h.floorArgv(ctx, p, verb)
	}
	out := append([]string{}, t.argv...)
	out = append(out, "-p", p.name)
	out = append(out, t.quiet...)
	out = append(out, args...)
	if verb == "build" && t.v1 {
		out = append(out, "--parallel") // v1 builds one by one otherwise
	}
	return out, nil
}

// floorArgv maps a verb onto the floor: bench/floor for what needs the
// Engine API, the docker CLI where that is the floor (ps).
func (h *harness) floorArgv(ctx context.Context, p *proj, verb string) ([]string, error) {
	switch verb {
	case "up", "down", "build":
		return []string{h.floor, verb, p.specPath}, nil
	case "config":
		return []string{h.floor, "config", p.name}, nil
	case "ps":
		return []string{"docker", "ps", "--filter", "label=com.docker.compose.project=" + p.name}, nil
	case "logs":
		names, err := h.containerNames(ctx, p.name)
		if err != nil {
			return nil, err
		}
		return append([]string{h.floor, "logs"}, names...), nil
	}
	return nil, fmt.Errorf("the floor has no %s", verb)
}

// runErr is a failed run with the line that says why.
type runErr struct {
	code int
	line string
}

func (e *runErr) Error() string { return fmt.Sprintf("exit %d: %s", e.code, e.line) }

// measure runs argv in dir once, its output in files named by base (or
// discarded), and returns its wall time and rusage.
func (h *harness) measure(ctx context.Context, dir string, argv []string, base string, discard bool) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = toolEnv()
	stdout, stderr := os.DevNull, base+".err"
	if !discard {
		stdout = base + ".out"
	}
	outF, err := os.Create(stdout)
	if err != nil {
		return sample{}, err
	}
	defer outF.Close()
	errF, err := os.Create(stderr)
	if err != nil {
		return sample{}, err
	}
	defer errF.Close()
	cmd.Stdout, cmd.Stderr = outF, errF
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var s sample
	s.wall = wall
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			s.rss = ru.Maxrss * 1024 // KiB on Linux
		}
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return s, err
		}
		if ctx.Err() != nil {
			return s, ctx.Err()
		}
		return s, &runErr{code: ee.ExitCode(), line: errorLine(stderr, stdout)}
	}
	return s, nil
}

// errorLine is the first line of the output that mentions an error, or else
// the first line of stderr.
func errorLine(paths ...string) string {
	var first string
	for _, path := range paths {
		b, _ := os.ReadFile(path)
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			if first == "" {
				first = l
			}
			if strings.Contains(strings.ToLower(l), "error") {
				return clip(l)
			}
		}
	}
	return clip(first)
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// setup runs a tool untimed, to put the engine in the state a scenario
// starts from.
func (h *harness) setup(ctx context.Context, t *tool, p *proj, args ...string) error {
	argv, err := h.argv(ctx, t, p, args...)
	if err != nil {
		return err
	}
	base := filepath.Join(h.tmp, "setup-"+p.name+"-"+safe(t.name))
	if _, err := h.measure(ctx, p.dir, argv, base, false); err != nil {
		return fmt.Errorf("setup %s %s: %w", t.name, strings.Join(args, " "), err)
	}
	return nil
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
