package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker/pkg/jsonmessage"
)

// Error is a failed build: the step that failed and the whole log, which the
// caller prints so the user sees what led to the failure.
type Error struct {
	Ref  string
	Step string // the step that was running, e.g. "Step 3/5 : RUN make"
	Msg  string
	Log  []string
}

func (e *Error) Error() string {
	if e.Step != "" {
		return fmt.Sprintf("build of image %s failed at %s: %s", e.Ref, e.Step, e.Msg)
	}
	return fmt.Sprintf("build of image %s failed: %s", e.Ref, e.Msg)
}

// Output receives a build's output as lines.
type Output interface {
	Line(text string)
	// Step says a new step began.
	Step(text string)
}

// Log keeps every line and the last step, for the error of a failed build.
type Log struct {
	Out   Output
	Lines []string
	step  string
}

// Line records and forwards one line of output.
func (l *Log) Line(text string) {
	l.Lines = append(l.Lines, text)
	if l.Out != nil {
		l.Out.Line(text)
	}
}

// Step records and forwards the start of a step.
func (l *Log) Step(text string) {
	l.step = text
	l.Lines = append(l.Lines, text)
	if l.Out != nil {
		l.Out.Step(text)
	}
}

// Fail is the build error for msg with what the log holds.
func (l *Log) Fail(ref, msg string) *Error {
	return &Error{Ref: ref, Step: l.step, Msg: msg, Log: l.Lines}
}

// ReadClassic reads the classic builder's JSON stream and returns the built
// image's ID.
func ReadClassic(r io.Reader, ref string, log *Log) (string, error) {
	dec := json.NewDecoder(r)
	id := ""
	for {
		var m jsonmessage.JSONMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", log.Fail(ref, "reading the build output: "+err.Error())
		}
		if m.Error != nil {
			return "", log.Fail(ref, strings.TrimSpace(m.Error.Message))
		}
		if m.ErrorMessage != "" {
			return "", log.Fail(ref, strings.TrimSpace(m.ErrorMessage))
		}
		if m.Aux != nil {
			var aux struct{ ID string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
				id = aux.ID
			}
		}
		if m.Stream != "" {
			for _, line := range strings.Split(strings.TrimRight(m.Stream, "\n"), "\n") {
				line = strings.TrimRight(line, "\r")
				if line == "" {
					continue
				}
				if strings.HasPrefix(line, "Step ") {
					log.Step(line)
				} else {
					log.Line(line)
				}
			}
		}
		if m.Status != "" {
			// pulls of base images during the build
			s := m.Status
			if m.ID != "" {
				s = m.ID + ": " + s
			}
			if m.Progress == nil || m.Progress.Total == 0 {
				log.Line(s)
			}
		}
	}
	if id == "" {
		return "", log.Fail(ref, "the engine reported no image ID")
	}
	return id, nil
}
