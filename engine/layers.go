package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/pkg/jsonmessage"
	"github.com/docker/go-units"
)

// layers aggregates a pull's or push's per-layer messages into one line per
// image: how many layers are done and how many bytes have moved.
type layers struct {
	order   []string
	byID    map[string]*layer
	last    time.Time
	lastTxt string
	digest  string
}

type layer struct {
	current, total int64
	done           bool
}

// finalStatus are the per-layer statuses after which a layer needs nothing more.
var finalStatus = map[string]bool{
	"Pull complete": true, "Already exists": true, "Pushed": true, "Layer already exists": true,
}

func newLayers() *layers { return &layers{byID: map[string]*layer{}} }

// add records m and returns the line to show, or "" when nothing worth a
// new line happened (progress is shown at most twice a second).
func (l *layers) add(m jsonmessage.JSONMessage) string {
	if d, ok := strings.CutPrefix(m.Status, "Digest: "); ok {
		l.digest = d
	}
	if m.ID == "" || m.Status == "" || strings.HasPrefix(m.Status, "Pulling from") {
		return ""
	}
	ly, seen := l.byID[m.ID]
	if !seen {
		ly = &layer{}
		l.byID[m.ID] = ly
		l.order = append(l.order, m.ID)
	}
	wasDone := ly.done
	switch {
	case finalStatus[m.Status] || strings.HasPrefix(m.Status, "Mounted from"):
		ly.done = true
		if ly.total > 0 {
			ly.current = ly.total
		}
	case m.Progress != nil && m.Progress.Total > 0 && (m.Status == "Downloading" || m.Status == "Pushing"):
		ly.current, ly.total = m.Progress.Current, m.Progress.Total
	}
	txt := l.text()
	if txt == l.lastTxt {
		return ""
	}
	if seen && wasDone == ly.done && time.Since(l.last) < 500*time.Millisecond {
		return ""
	}
	l.last, l.lastTxt = time.Now(), txt
	return txt
}

func (l *layers) text() string {
	done := 0
	var cur, total int64
	for _, id := range l.order {
		ly := l.byID[id]
		if ly.done {
			done++
		}
		cur += ly.current
		total += ly.total
	}
	s := fmt.Sprintf("%d/%d layers", done, len(l.order))
	if total > 0 {
		s += fmt.Sprintf(" %s/%s", units.HumanSize(float64(cur)), units.HumanSize(float64(total)))
	}
	return s
}
