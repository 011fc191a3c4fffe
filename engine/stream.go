package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/docker/docker/pkg/jsonmessage"
)

// errSilent is returned when a registry operation's stream said nothing for
// the registry timeout.
var errSilent = errors.New("no answer")

// watchStream opens a JSON-message stream (pull, push) and hands each
// message to fn. A registry that does not answer shows up as an engine that
// says nothing (no response, or no message), so silence longer than timeout
// cancels the call instead of hanging.
func watchStream(ctx context.Context, timeout time.Duration, open func(context.Context) (io.ReadCloser, error), fn func(jsonmessage.JSONMessage) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	alive := make(chan struct{}, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTimer(timeout)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-alive:
				if !t.Stop() {
					<-t.C
				}
				t.Reset(timeout)
			case <-t.C:
				cancel(errSilent)
				return
			}
		}
	}()
	ping := func() {
		select {
		case alive <- struct{}{}:
		default:
		}
	}
	silent := func(err error) error {
		if errors.Is(context.Cause(ctx), errSilent) {
			return fmt.Errorf("%w for %s", errSilent, timeout)
		}
		return err
	}
	body, err := open(ctx)
	if err != nil {
		return silent(err)
	}
	defer body.Close()
	ping()
	dec := json.NewDecoder(body)
	for {
		var m jsonmessage.JSONMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return silent(err)
		}
		ping()
		if err := fn(m); err != nil {
			return err
		}
	}
}

// messageError is the error a stream message carries, if any.
func messageError(m jsonmessage.JSONMessage) error {
	if m.Error != nil && m.Error.Message != "" {
		return errors.New(m.Error.Message)
	}
	if m.ErrorMessage != "" {
		return errors.New(m.ErrorMessage)
	}
	return nil
}
