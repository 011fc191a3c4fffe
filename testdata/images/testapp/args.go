package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"time"
)

// flagSet returns a flag set that also holds the common flags; their defaults are the
// current values, so a common flag given before the command is not reset.
func (a *app) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.errOut)
	c := &a.common
	fs.StringVar(&c.term, "term", c.term, "on SIGTERM: default, trap or ignore")
	fs.Var((*durationValue)(&c.termDelay), "term-delay", "with -term trap: wait this long before exiting")
	fs.StringVar(&c.readyFile, "ready-file", c.readyFile, "create this file once ready")
	fs.Var((*durationValue)(&c.readyAfter), "ready-after", "create the ready file after this long")
	fs.BoolVar(&c.quiet, "quiet", c.quiet, `do not print "ready" and startup lines`)
	return fs
}

// parseArgs parses flags wherever they are among the arguments (the flag package stops at
// the first positional one), so "lines 10 -then sleep" works. Arguments after "--" are
// all positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(pos []string, min, max int, what string) error {
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		return fmt.Errorf("want %s, got %d argument(s)", what, len(pos))
	}
	return nil
}

// parseDuration accepts Go durations ("1.5s") and, like sleep(1), plain seconds ("3").
func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return 0, fmt.Errorf("negative duration %q", s)
		}
		return d, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > math.MaxInt64/float64(time.Second) {
		return 0, fmt.Errorf("bad duration %q (want e.g. 1.5s, 200ms or 3)", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// durationValue is a flag.Value using parseDuration.
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = durationValue(v)
	return nil
}
