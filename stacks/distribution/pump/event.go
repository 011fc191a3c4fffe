package main

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// manifestMediaTypes are the manifest kinds the registry serves today. Events
// about anything else (layers and configs are application/octet-stream or
// their own blob types) are not image pushes or pulls a person searches for.
var manifestMediaTypes = map[string]bool{
	"application/vnd.docker.distribution.manifest.v2+json":      true,
	"application/vnd.docker.distribution.manifest.list.v2+json": true,
	"application/vnd.oci.image.manifest.v1+json":                true,
	"application/vnd.oci.image.index.v1+json":                   true,
}

var keptActions = map[string]bool{"push": true, "pull": true}

// event holds the fields the pump filters and logs on, next to the event
// exactly as the registry sent it: the raw JSON is what gets indexed, so
// fields this type does not know about are kept too.
type event struct {
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Action    string `json:"action"`
	Target    struct {
		MediaType  string `json:"mediaType"`
		Digest     string `json:"digest"`
		Repository string `json:"repository"`
		Tag        string `json:"tag"`
	} `json:"target"`
	Request struct {
		Addr string `json:"addr"`
	} `json:"request"`
	Actor struct {
		Name string `json:"name"`
	} `json:"actor"`

	raw json.RawMessage
}

// parseEnvelope decodes a notification body ({"events":[...]}). One
// undecodable event fails the whole envelope: the registry sends whole
// envelopes, so a broken one means a broken sender, not a broken event.
func parseEnvelope(body []byte) ([]event, error) {
	var env struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	evs := make([]event, 0, len(env.Events))
	for i, raw := range env.Events {
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("decode event %d: %w", i, err)
		}
		ev.raw = raw
		evs = append(evs, ev)
	}
	return evs, nil
}

// keep reports whether an event is a manifest push or pull, and why not.
func keep(ev event) (bool, string) {
	if ev.ID == "" {
		return false, "no event id"
	}
	if !keptActions[ev.Action] {
		return false, "action " + ev.Action
	}
	if !manifestMediaTypes[baseMediaType(ev.Target.MediaType)] {
		return false, "media type " + ev.Target.MediaType
	}
	return true, ""
}

func baseMediaType(mt string) string {
	if base, _, err := mime.ParseMediaType(mt); err == nil {
		return base
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
