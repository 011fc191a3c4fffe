// Command bench measures envctl side by side with every docker compose it
// finds and with the floor (bench/floor: the bare Engine API calls), and writes
// BENCHMARKS.md. `make bench` runs it; BENCH_QUICK=1 makes it a smoke test
// (one run of each, no warm-up).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.envctl, "envctl", os.Getenv("ENVCTL_BIN"), "envctl binary to measure")
	flag.StringVar(&cfg.out, "out", "BENCHMARKS.md", "report to write")
	flag.IntVar(&cfg.runs, "runs", 5, "counted runs per tool and scenario, after one warm-up")
	only := flag.String("only", "", "comma-separated scenario IDs to run (default: all)")
	flag.Parse()
	cfg.quick = os.Getenv("BENCH_QUICK") != ""
	if *only != "" {
		cfg.only = strings.Split(*only, ",")
	}
	cfg.composeBins = composeBinsFromEnv(os.Getenv("COMPOSE_BIN"))
	if cfg.envctl == "" {
		fmt.Fprintln(os.Stderr, "bench: -envctl (or ENVCTL_BIN) is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(cfg.envctl)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	cfg.envctl = abs
	// signals stay caught until the end so that a second Ctrl-C cannot cut
	// the clean-up short
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	rep, err := run(ctx, cfg, os.Stderr)
	if rep != nil {
		out := cfg.out
		if err != nil {
			// an interrupted or failed run does not replace the last good report
			out += ".partial"
		}
		fmt.Print(rep.tables())
		if werr := writeReport(out, rep); werr != nil && err == nil {
			err = werr
		}
		fmt.Fprintln(os.Stderr, "bench: wrote", out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}

// composeBinsFromEnv splits COMPOSE_BIN on colons; each entry is a compose
// command line such as "/usr/local/bin/docker-compose" or "docker compose".
func composeBinsFromEnv(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ":") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
