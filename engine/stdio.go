package engine

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/pkg/stdcopy"
	"github.com/moby/term"
)

// Stdio is what an interactive command (exec, run, attach) is wired to. The
// caller owns the terminal: it puts it in raw mode and reports its size.
type Stdio struct {
	// In is sent to the process; nil sends nothing.
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// TTY asks for a pseudo-terminal in the container.
	TTY bool
	// Size is the terminal's height and width; nil when there is none.
	Size func() (height, width uint)
	// Resized tells of a change of terminal size (SIGWINCH).
	Resized <-chan os.Signal
	// Raw puts the caller's terminal in raw mode and returns what restores
	// it; nil when there is no terminal. It is called only with a TTY, and
	// only once the streams are connected, so progress lines before print
	// on a terminal still cooked.
	Raw func() (restore func())
}

// raw engages raw mode when the process has a TTY.
func (s Stdio) raw() func() {
	if !s.TTY || s.Raw == nil {
		return func() {}
	}
	return s.Raw()
}

func (s Stdio) size() *[2]uint {
	if s.Size == nil {
		return nil
	}
	h, w := s.Size()
	if h == 0 || w == 0 {
		return nil
	}
	return &[2]uint{h, w}
}

// watchResize calls resize with the terminal size now and on every change
// until ctx ends.
func (s Stdio) watchResize(ctx context.Context, resize func(ctx context.Context, height, width uint) error) {
	if !s.TTY || s.Size == nil {
		return
	}
	apply := func() {
		if sz := s.size(); sz != nil {
			_ = resize(ctx, sz[0], sz[1])
		}
	}
	apply()
	if s.Resized == nil {
		return
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.Resized:
				apply()
			}
		}
	}()
}

// pump copies stdin to a hijacked connection and its output back until the
// output ends (the process exited or detached). When stdin ends first, the
// connection's write side is closed so the process sees end of input.
// detached says the detach keys ended it.
func pump(ctx context.Context, conn types.HijackedResponse, s Stdio, tty bool) (detached bool, err error) {
	outDone := make(chan error, 1)
	go func() {
		var err error
		if tty {
			_, err = io.Copy(s.Out, conn.Reader)
		} else {
			_, err = stdcopy.StdCopy(s.Out, s.Err, conn.Reader)
		}
		outDone <- err
	}()
	inDone := make(chan error, 1)
	if s.In != nil {
		go func() {
			_, err := io.Copy(conn.Conn, s.In)
			// on detach the write side stays open: closing it would end the
			// process's input and the engine would end the output too, which
			// the select below could take for the process exiting
			if !isDetach(err) {
				_ = conn.CloseWrite()
			}
			inDone <- err
		}()
	}
	for {
		select {
		case err := <-outDone:
			return false, err
		case err := <-inDone:
			inDone = nil
			if isDetach(err) {
				return true, nil
			}
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// isDetach: the detach keys were typed (moby/term's escape proxy).
func isDetach(err error) bool {
	var esc term.EscapeError
	return errors.As(err, &esc)
}
