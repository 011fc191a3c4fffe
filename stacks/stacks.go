// Package stacks holds the environments envctl ships, embedded in the binary, and
// writes them out to a directory, where their compose files, build contexts and
// bind-mounted files work like any project's.
package stacks

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The directories are named, not embedded with all:, so that a .env a developer
// keeps in the source tree is never compiled into the binary: only the dot files
// listed here are shipped.
//
//go:embed distribution wordpress lib
//go:embed distribution/.env.example distribution/.gitignore distribution/pump/.dockerignore
//go:embed wordpress/.env.example wordpress/.gitignore
var embedded embed.FS

// lib is the shell library the stacks' offline/build.sh scripts source as
// ../../lib/images.sh; it is written next to the stacks, not a stack itself.
const lib = "lib"

// Stack is one shipped environment.
type Stack struct {
	Name string
	// Title is the one-line description from the first heading of its README.
	Title string
}

// List returns the shipped stacks, sorted by name.
func List() []Stack {
	entries, _ := fs.ReadDir(embedded, ".")
	var out []Stack
	for _, e := range entries {
		if !e.IsDir() || e.Name() == lib {
			continue
		}
		if _, err := fs.Stat(embedded, path.Join(e.Name(), "compose.yaml")); err != nil {
			continue
		}
		out = append(out, Stack{Name: e.Name(), Title: title(e.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the stack called name.
func Lookup(name string) (Stack, bool) {
	for _, s := range List() {
		if s.Name == name {
			return s, true
		}
	}
	return Stack{}, false
}

// Names lists the stack names, for messages and completion.
func Names() []string {
	var out []string
	for _, s := range List() {
		out = append(out, s.Name)
	}
	return out
}

// title reads "# NAME: what it is" from the README.
func title(name string) string {
	b, err := embedded.ReadFile(path.Join(name, "README.md"))
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "# ") {
			continue
		}
		line = strings.TrimPrefix(line, "# ")
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(rest)
		}
		return line
	}
	return ""
}

// file is one embedded file as it is written out.
type file struct {
	rel  string // slash-separated, relative to the extraction root
	data []byte
	mode fs.FileMode
}

// files returns what Extract writes for the stack: its tree and the library.
func files(name string) ([]file, error) {
	var out []file
	for _, top := range []string{name, lib} {
		err := fs.WalkDir(embedded, top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := embedded.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, file{rel: p, data: data, mode: modeOf(data)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", name, err)
		}
	}
	return out, nil
}

// modeOf gives scripts their execute bit back: embed keeps no file modes, and
// build contexts and offline/build.sh need the modes the source tree has.
func modeOf(data []byte) fs.FileMode {
	if bytes.HasPrefix(data, []byte("#!")) {
		return 0o755
	}
	return 0o644
}
