package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker/pkg/jsonmessage"
	controlapi "github.com/moby/buildkit/api/services/control"
)

// trace turns BuildKit's status updates into numbered lines as `docker
// build` prints them: "#3 [2/4] RUN make", "#3 0.512 output", "#3 DONE".
type trace struct {
	log     *Log
	num     map[string]int // vertex digest → its number
	names   map[string]string
	done    map[string]bool
	failed  string // the name of the step that failed
	partial map[string]string
}

func newTrace(log *Log) *trace {
	return &trace{log: log, num: map[string]int{}, names: map[string]string{}, done: map[string]bool{}, partial: map[string]string{}}
}

func (t *trace) id(digest string) int {
	n, ok := t.num[digest]
	if !ok {
		n = len(t.num) + 1
		t.num[digest] = n
	}
	return n
}

func (t *trace) add(sr *controlapi.StatusResponse) {
	for _, v := range sr.Vertexes {
		n := t.id(v.Digest)
		if _, seen := t.names[v.Digest]; !seen && (v.Started != nil || v.Cached) {
			t.names[v.Digest] = v.Name
			t.log.Step(fmt.Sprintf("#%d %s", n, v.Name))
		}
		switch {
		case v.Error != "":
			if !t.done[v.Digest] {
				t.done[v.Digest] = true
				t.failed = v.Name
				t.log.Line(fmt.Sprintf("#%d ERROR: %s", n, v.Error))
			}
		case v.Cached && !t.done[v.Digest]:
			t.done[v.Digest] = true
			t.log.Line(fmt.Sprintf("#%d CACHED", n))
		case v.Completed != nil && !t.done[v.Digest]:
			t.done[v.Digest] = true
			t.log.Line(fmt.Sprintf("#%d DONE", n))
		}
	}
	for _, l := range sr.Logs {
		n := t.id(l.Vertex)
		text := t.partial[l.Vertex] + string(l.Msg)
		lines := strings.Split(text, "\n")
		t.partial[l.Vertex] = lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			t.log.Line(fmt.Sprintf("#%d %s", n, strings.TrimRight(line, "\r")))
		}
	}
	for _, w := range sr.Warnings {
		t.log.Line(fmt.Sprintf("#%d WARNING: %s", t.id(w.Vertex), w.Short))
	}
}

// ReadBuildKit reads a BuildKit build's JSON stream (status updates as
// "moby.buildkit.trace" messages, the image as "moby.image.id") and
// returns the built image's ID.
func ReadBuildKit(r io.Reader, ref string, log *Log) (string, error) {
	t := newTrace(log)
	dec := json.NewDecoder(r)
	id := ""
	fail := func(msg string) *Error {
		// steps run concurrently: the failed one is the vertex with an
		// error, not the last one that started
		e := log.Fail(ref, msg)
		e.Step = t.failed
		return e
	}
	for {
		var m jsonmessage.JSONMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", fail("reading the build output: " + err.Error())
		}
		if m.Error != nil {
			return "", fail(strings.TrimSpace(m.Error.Message))
		}
		if m.ErrorMessage != "" {
			return "", fail(strings.TrimSpace(m.ErrorMessage))
		}
		if m.Aux == nil {
			if m.Stream != "" {
				log.Line(strings.TrimRight(m.Stream, "\n"))
			}
			continue
		}
		switch m.ID {
		case "moby.buildkit.trace":
			var dt []byte
			if err := json.Unmarshal(*m.Aux, &dt); err != nil {
				continue
			}
			var sr controlapi.StatusResponse
			if err := sr.UnmarshalVT(dt); err != nil {
				continue
			}
			t.add(&sr)
		case "moby.image.id":
			var res struct{ ID string }
			if json.Unmarshal(*m.Aux, &res) == nil {
				id = res.ID
			}
		}
	}
	if id == "" {
		return "", fail("the engine reported no image ID")
	}
	return id, nil
}
