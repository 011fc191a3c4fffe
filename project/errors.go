package project

import (
	"fmt"
	"strings"
)

// Error is a problem in a compose file: which file, where in it, and what is wrong.
// Its text is the single line users see, so tests compare it exactly.
type Error struct {
	File string // as the user would type it: relative to the working directory when inside it
	Path string // key path such as services.web.ports[1]; empty when the whole file is at fault
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func errorf(file, path, format string, args ...any) *Error {
	return &Error{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// keyPath builds services.web.ports[1] style paths from parts; ints become indexes.
func keyPath(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}
