package build

import (
	"regexp"
	"strings"
)

var (
	fromLine = regexp.MustCompile(`(?i)^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(.*)$`)
	fromFlag = regexp.MustCompile(`(?i)(--from=|--mount=\S*?\bfrom=)([^\s,]+)`)
)

// WithImageContexts rewrites a Dockerfile so that the named contexts in
// contexts (name → image) are used as images: FROM name, COPY --from=name and
// RUN --mount=...,from=name. That is what a named image context means, and
// both the classic builder and an engine's older BuildKit can run it.
func WithImageContexts(dockerfile string, contexts map[string]string) string {
	if len(contexts) == 0 {
		return dockerfile
	}
	lookup := func(name string) (string, bool) {
		if ref, ok := contexts[name]; ok {
			return ref, true
		}
		for k, ref := range contexts {
			if strings.EqualFold(k, name) {
				return ref, true
			}
		}
		return "", false
	}
	lines := strings.Split(dockerfile, "\n")
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := fromLine.FindStringSubmatch(line); m != nil {
			if ref, ok := lookup(m[2]); ok {
				line = m[1] + ref + m[3]
			}
		}
		line = fromFlag.ReplaceAllStringFunc(line, func(s string) string {
			m := fromFlag.FindStringSubmatch(s)
			if ref, ok := lookup(m[2]); ok {
				return m[1] + ref
			}
			return s
		})
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}
