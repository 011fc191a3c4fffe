package main

import (
	"fmt"
	"strconv"
	"time"
)

type linesOptions struct {
	n      int
	width  int
	prefix string
	fill   byte
	every  time.Duration
}

func (a *app) linesCmd(args []string) (step, error) {
	fs := a.flagSet("lines")
	var o linesOptions
	var fill, then string
	var toStderr bool
	fs.IntVar(&o.width, "width", 0, "pad each line with the fill character to this many bytes")
	fs.StringVar(&o.prefix, "prefix", "", "text before each line's number")
	fs.StringVar(&fill, "fill", "x", "padding character for -width")
	fs.Var((*durationValue)(&o.every), "every", "wait this long after each line")
	fs.StringVar(&then, "then", "exit", "after the lines: exit or sleep")
	fs.BoolVar(&toStderr, "stderr", false, "print to stderr instead of stdout")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 1, 1, "N"); err != nil {
		return nil, err
	}
	if o.n, err = strconv.Atoi(pos[0]); err != nil || o.n < 0 {
		return nil, fmt.Errorf("N must be a number >= 0, not %q", pos[0])
	}
	if len(fill) != 1 {
		return nil, fmt.Errorf("-fill must be one character (byte), not %q", fill)
	}
	o.fill = fill[0]
	if then != "exit" && then != "sleep" {
		return nil, fmt.Errorf("-then must be exit or sleep, not %q", then)
	}
	return func() int {
		w := a.out
		if toStderr {
			w = a.errOut
		}
		if err := writeLines(w, o); err != nil {
			a.errOut.Println("testapp lines: " + err.Error())
			return 1
		}
		if then == "sleep" {
			a.waitForever()
		}
		return 0
	}, nil
}

// writeLines prints lines 1..n; buffered unless -every asks for one line at a time.
func writeLines(w *output, o linesOptions) error {
	buf := make([]byte, 0, max(64, o.width+1))
	for i := 1; i <= o.n; i++ {
		buf = appendLine(buf[:0], o, i)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if o.every > 0 {
			if err := w.Flush(); err != nil {
				return err
			}
			time.Sleep(o.every)
		}
	}
	return w.Flush()
}

// appendLine appends line i: the prefix, i, the padding up to the width, a newline.
func appendLine(dst []byte, o linesOptions, i int) []byte {
	start := len(dst)
	dst = append(dst, o.prefix...)
	dst = strconv.AppendInt(dst, int64(i), 10)
	for len(dst)-start < o.width {
		dst = append(dst, o.fill)
	}
	return append(dst, '\n')
}
