package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

type server struct {
	queue   *queue
	log     *slog.Logger
	maxBody int64
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /events", s.events)
	mux.HandleFunc("GET /healthz", s.healthz)
	return mux
}

// events answers the registry at once: the events are only enqueued here,
// so a slow or absent Elasticsearch never holds up a push or a pull.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	// Read the whole body before answering: answering early with a body half
	// read makes Go close the connection, and the registry sees an error.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "envelope too large"})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "read body: " + err.Error()})
		return
	}
	evs, err := parseEnvelope(body)
	if err != nil {
		s.log.Warn("bad envelope", slog.String("error", err.Error()), slog.String("remote", r.RemoteAddr))
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	kept := evs[:0:0]
	for _, ev := range evs {
		if ok, why := keep(ev); !ok {
			s.log.Debug("event ignored", slog.String("event_id", ev.ID), slog.String("reason", why),
				slog.String("repository", ev.Target.Repository))
			continue
		}
		kept = append(kept, ev)
	}
	if len(kept) > 0 && !s.queue.offer(kept) {
		s.log.Warn("queue full, refusing envelope", slog.Int("events", len(kept)), slog.Int("queued", s.queue.len()))
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "queue full"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"received": len(evs), "queued": len(kept)})
}

// healthz stays healthy while Elasticsearch is down: holding events then is
// the pump's job.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "queued": s.queue.len(), "capacity": s.queue.limit})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
