package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"github.com/envctl/envctl/engine/convert"
)

// Event is one container event of the project, as `events --json` prints it.
type Event struct {
	Time       time.Time         `json:"time"`
	Type       string            `json:"type"`
	Action     string            `json:"action"`
	ID         string            `json:"id"`
	Service    string            `json:"service"`
	Attributes map[string]string `json:"attributes"`
}

// Events calls fn with every container event of the project (of the given
// services, when any) until ctx ends or fn fails.
func (e *Engine) Events(ctx context.Context, projectName string, services []string, fn func(Event) error) error {
	want := map[string]bool{}
	for _, s := range services {
		want[s] = true
	}
	f := filters.NewArgs(filters.Arg("type", "container"), filters.Arg("label", convert.LabelProject+"="+projectName))
	msgs, errs := e.api.Events(ctx, events.ListOptions{Filters: f})
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("engine events: %w", err)
		case m := <-msgs:
			service := m.Actor.Attributes[convert.LabelService]
			if len(want) > 0 && !want[service] {
				continue
			}
			attrs := map[string]string{}
			for k, v := range m.Actor.Attributes {
				// the compose labels are what selected the event
				if !strings.HasPrefix(k, "com.docker.compose.") && !strings.HasPrefix(k, "dev.envctl.") {
					attrs[k] = v
				}
			}
			ev := Event{Time: time.Unix(0, m.TimeNano), Type: string(m.Type), Action: string(m.Action), ID: m.Actor.ID,
				Service: service, Attributes: attrs}
			if err := fn(ev); err != nil {
				return err
			}
		}
	}
}
