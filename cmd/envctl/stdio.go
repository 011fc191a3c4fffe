package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/moby/term"

	"github.com/envctl/envctl/engine"
)

// stdinTerminal reports whether stdin is a terminal, as exec and run decide
// on a TTY by it.
func (a *App) stdinTerminal() bool {
	f, ok := a.In.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// stdio wires an interactive command to the App's streams. With tty and a
// terminal on stdin, the terminal goes raw until restore is called, and its
// size follows SIGWINCH.
func (a *App) stdio(interactive, tty bool) (engine.Stdio, func(), error) {
	s := engine.Stdio{Out: a.Out, Err: a.Err, TTY: tty}
	if interactive {
		s.In = a.In
	}
	restore := func() {}
	f, ok := a.In.(*os.File)
	if !tty || !ok || !term.IsTerminal(f.Fd()) {
		return s, restore, nil
	}
	fd := f.Fd()
	s.Size = func() (uint, uint) {
		ws, err := term.GetWinsize(fd)
		if err != nil {
			return 0, 0
		}
		return uint(ws.Height), uint(ws.Width)
	}
	resized := make(chan os.Signal, 1)
	signal.Notify(resized, syscall.SIGWINCH)
	s.Resized = resized
	state, err := term.SetRawTerminal(fd)
	if err != nil {
		signal.Stop(resized)
		return s, restore, err
	}
	return s, func() {
		signal.Stop(resized)
		_ = term.RestoreTerminal(fd, state)
	}, nil
}
