package project

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// compose-go reports problems in several shapes, most without the file or the
// key. explain turns each shape it knows into an Error naming both; anything
// else keeps compose-go's words, prefixed with the file.
var (
	reSchema      = regexp.MustCompile(`^validating (.+?): (\S*) ?(.*)$`)
	reDecode      = regexp.MustCompile(`'([^']+)' (.+)`)
	reInterpolate = regexp.MustCompile(`^error while interpolating (\S+): (.+)$`)
	reEnvFile     = regexp.MustCompile(`^env file (.+) not found`)
	reParse       = regexp.MustCompile(`^failed to parse (.+?): (?:yaml: )?(.+)$`)
	reExtends     = regexp.MustCompile(`^cannot extend service "([^"]+)" in (.+?): service "([^"]+)" not found`)
	reQuoted      = regexp.MustCompile(`'([^']+)'`)
	reCast        = regexp.MustCompile(`(?:failed to cast to expected type: )?strconv\.\w+: parsing "(.*)": invalid syntax`)
	reBracket     = regexp.MustCompile(`\[([^\]]+)\]`)
	reIndex       = regexp.MustCompile(`\.(\d+)(\.|$)`)
)

func explain(err error, sources []*source) error {
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	msg := err.Error()
	if m := reSchema.FindStringSubmatch(msg); m != nil {
		path := dottedToPath(m[2])
		what := m[3]
		switch {
		case what == "false schema":
			what = "unknown key"
		case strings.HasPrefix(what, "additional propert"):
			// "additional properties 'a', 'b' not allowed": report the first key
			if m := reQuoted.FindStringSubmatch(what); m != nil {
				path = joinPath(path, m[1])
			}
			what = "unknown key"
		}
		return &Error{File: displayOf(m[1], sources), Path: path, Msg: what}
	}
	if m := reInterpolate.FindStringSubmatch(msg); m != nil {
		path := dottedToPath(m[1])
		return &Error{File: locate(sources, path), Path: path, Msg: reCast.ReplaceAllString(m[2], `"$1" is not a number`)}
	}
	if strings.HasPrefix(msg, "decoding failed") {
		if m := reDecode.FindStringSubmatch(msg); m != nil {
			path := reBracket.ReplaceAllString(m[1], ".$1")
			return &Error{File: locate(sources, path), Path: path, Msg: reCast.ReplaceAllString(m[2], `"$1" is not a number`)}
		}
	}
	if m := reEnvFile.FindStringSubmatch(msg); m != nil {
		file, path := locateValue(sources, "env_file", m[1])
		return &Error{File: file, Path: path, Msg: "env file " + relTo(m[1], sources) + " not found"}
	}
	if m := reExtends.FindStringSubmatch(msg); m != nil {
		path := keyPath("services", m[1], "extends")
		return &Error{File: displayOf(m[2], sources), Path: path, Msg: fmt.Sprintf("extends undefined service %q", m[3])}
	}
	if m := reParse.FindStringSubmatch(msg); m != nil {
		return &Error{File: displayOf(m[1], sources), Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: sources[0].display, Msg: msg}
}

// dottedToPath turns services.web.ports.0 into services.web.ports[0].
func dottedToPath(p string) string {
	for reIndex.MatchString(p) {
		p = reIndex.ReplaceAllString(p, "[$1]$2")
	}
	return p
}

func displayOf(file string, sources []*source) string {
	for _, s := range sources {
		if s.path == file || (s.path == "-" && filepath.Base(file) == "-") {
			return s.display
		}
	}
	return file
}

// relTo shows an absolute path relative to the first file's directory.
func relTo(path string, sources []*source) string {
	if sources[0].path == "-" {
		return path
	}
	if rel, err := filepath.Rel(filepath.Dir(sources[0].path), path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// splitPath turns services.web.ports[1] into its map keys, dropping indexes.
func splitPath(path string) []string {
	path = reBracket.ReplaceAllString(path, "")
	return strings.Split(path, ".")
}

// locate names the last file that defines path (later files override earlier
// ones), falling back to the longest prefix found, then to the first file.
func locate(sources []*source, path string) string {
	keys := splitPath(path)
	for n := len(keys); n > 0; n-- {
		for i := len(sources) - 1; i >= 0; i-- {
			if hasPath(sources[i].raw, keys[:n]) {
				return sources[i].display
			}
		}
	}
	return sources[0].display
}

func hasPath(tree map[string]any, keys []string) bool {
	var node any = tree
	for _, k := range keys {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[k]; !ok {
			return false
		}
	}
	return true
}

// locateValue finds the service whose key lists a file ending like value.
func locateValue(sources []*source, key, value string) (string, string) {
	for i := len(sources) - 1; i >= 0; i-- {
		services, _ := sources[i].raw["services"].(map[string]any)
		for _, name := range sortedKeys(services) {
			svc, _ := services[name].(map[string]any)
			entries := svc[key]
			if one, ok := entries.(string); ok {
				entries = []any{one}
			}
			list, _ := entries.([]any)
			for j, e := range list {
				p, _ := e.(string)
				if m, ok := e.(map[string]any); ok {
					p, _ = m["path"].(string)
				}
				if p != "" && strings.HasSuffix(value, filepath.Clean(strings.TrimPrefix(p, "./"))) {
					return sources[i].display, keyPath("services", name, key, j)
				}
			}
		}
	}
	return sources[0].display, ""
}

func plainError(err error) error {
	return &Error{Msg: err.Error()}
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}
