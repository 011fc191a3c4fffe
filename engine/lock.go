package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lockProject serialises mutating commands on one project of one engine.
//
// Two `envctl up` of the same project at once would otherwise both see replica
// 1 missing and both create it; the engine's unique container names turn that
// into a conflict error for one of them, and a recreate racing a create can
// leave two containers. An flock on a file named after the engine and the
// project makes the second command wait, then plan against what the first
// left: it finds everything up to date and succeeds. The kernel drops the lock
// when its holder dies, even by kill -9, so a crash never leaves it held.
// It covers commands on this machine; two machines driving one remote engine
// are not serialised. The file also tells whether its last holder was killed
// (see afterCrash).
func (e *Engine) lockProject(ctx context.Context, projectName string) (func(), error) {
	path := e.lockPath(projectName)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	warned := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			if err := e.afterCrash(ctx, f, projectName); err != nil {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
				return nil, err
			}
			return func() {
				// a clean end empties the file: see afterCrash
				_ = f.Truncate(0)
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("lock project %s: %w", projectName, err)
		}
		if !warned {
			e.event("Project "+projectName, "Waiting", "for another envctl working on it", false)
			warned = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (e *Engine) lockPath(projectName string) string {
	sum := sha256.Sum256([]byte(e.api.DaemonHost() + "\x00" + projectName))
	return filepath.Join(os.TempDir(), "envctl-locks", hex.EncodeToString(sum[:8])+".lock")
}

// projectBusy tells whether a live envctl holds the project's lock, from the
// pid its holder writes there, without trying the lock: a try would make
// that envctl wait for nothing.
func (e *Engine) projectBusy(projectName string) bool {
	b, err := os.ReadFile(e.lockPath(projectName))
	var pid int
	if err != nil {
		return false
	}
	if n, _ := fmt.Sscanf(string(b), "pid %d", &pid); n != 1 || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// afterCrash marks the lock file busy and, if the last holder never cleared
// its mark (it was killed), waits for the project's containers to settle
// first: the engine finishes the requests of a killed client (a create, a
// rename), and a plan made while they land would miss them.
func (e *Engine) afterCrash(ctx context.Context, f *os.File, projectName string) error {
	mark := make([]byte, 1)
	n, _ := f.ReadAt(mark, 0)
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(fmt.Sprintf("pid %d\n", os.Getpid())), 0); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	e.event("Project "+projectName, "Waiting", "for the engine to finish what an interrupted envctl started", false)
	defer e.event("Project "+projectName, "Ready", "", true)
	const step, stableFor, atMost = 250 * time.Millisecond, 4, 40
	last, same := "", 0
	for i := 0; i < atMost && same < stableFor; i++ {
		list, err := e.containers(ctx, projectName, true)
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, c := range list {
			fmt.Fprintf(&b, "%s %s %s\n", c.ID, containerName(c), c.State)
		}
		if b.String() == last {
			same++
		} else {
			last, same = b.String(), 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
		}
	}
	return nil
}
