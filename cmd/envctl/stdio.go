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

// stdio wires an interactive command to the App's streams. With a terminal
// on stdin, the engine may put it in raw mode (see engine.Stdio.Raw) and
// its size follows SIGWINCH until done is called.
func (a *App) stdio(interactive, tty bool) (engine.Stdio, func(), error) {
	s := engine.Stdio{Out: a.Out, Err: a.Err, TTY: tty}
	if interactive {
		s.In = a.In
	}
	f, ok := a.In.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return s, func() {}, nil
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
	s.Raw = func() func() {
		state, err := term.SetRawTerminal(fd)
		if err != nil {
			return func() {}
		}
		return func() { _ = term.RestoreTerminal(fd, state) }
	}
	return s, func() { signal.Stop(resized) }, nil
}
