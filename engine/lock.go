package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
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
// are not serialised.
func (e *Engine) lockProject(ctx context.Context, projectName string) (func(), error) {
	sum := sha256.Sum256([]byte(e.api.DaemonHost() + "\x00" + projectName))
	dir := filepath.Join(os.TempDir(), "envctl-locks")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	warned := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
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
