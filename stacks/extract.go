package stacks

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// manifestName lists, in an extracted stack, the files Extract wrote, so that a
// later binary can remove the ones it no longer ships.
const manifestName = ".envctl-files"

// EnvFile is the stack's settings: made once from .env.example, then the
// user's, never written by Extract.
const EnvFile = ".env"

// Extract writes the stack called name under root (root/NAME, and the shared
// library at root/lib) and returns root/NAME. Files that already match the
// binary's copy are left alone; changed or missing ones are rewritten; files an
// earlier binary wrote that this one no longer ships are removed. The .env
// file and anything else the user added are never touched. Concurrent
// extractions (two envctl at once) are serialised with a lock in root.
func Extract(root, name string) (string, error) {
	if _, ok := Lookup(name); !ok {
		return "", fmt.Errorf("unknown stack %q", name)
	}
	list, err := files(name)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(root, ".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	for _, top := range []string{name, lib} {
		if err := syncTree(root, top, list); err != nil {
			return "", err
		}
	}
	return filepath.Join(root, name), nil
}

// syncTree brings root/top in line with the files under top.
func syncTree(root, top string, list []file) error {
	dir := filepath.Join(root, top)
	want := map[string]bool{}
	var names []string
	for _, f := range list {
		rel, ok := strings.CutPrefix(f.rel, top+"/")
		if !ok {
			continue
		}
		want[rel] = true
		names = append(names, rel)
		if err := writeIfChanged(filepath.Join(dir, filepath.FromSlash(rel)), f.data, f.mode); err != nil {
			return err
		}
	}
	old, _ := os.ReadFile(filepath.Join(dir, manifestName))
	for _, rel := range strings.Split(string(old), "\n") {
		if rel == "" || want[rel] || rel == EnvFile || !fs.ValidPath(rel) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
		removeEmptyParents(dir, filepath.Dir(p))
	}
	sort.Strings(names)
	return writeIfChanged(filepath.Join(dir, manifestName), []byte(strings.Join(names, "\n")+"\n"), 0o644)
}

// writeIfChanged replaces path atomically when its content or mode differ, so a
// running build never reads a half-written file.
func writeIfChanged(path string, data []byte, mode fs.FileMode) error {
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm() == mode {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func removeEmptyParents(stop, dir string) {
	for dir != stop && strings.HasPrefix(dir, stop+string(filepath.Separator)) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// lock takes an exclusive flock; the kernel drops it if the process dies.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
