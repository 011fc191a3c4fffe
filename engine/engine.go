// Package engine is everything that talks to the Docker engine: it observes a
// project's objects, plans and converges them, builds and pulls images,
// streams logs. Every engine call of envctl goes through here.
package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/docker/docker/client"

	"github.com/envctl/envctl/engine/progress"
)

// Options configure an Engine.
type Options struct {
	// Parallel bounds the engine calls in flight; < 1 means no bound.
	Parallel int
	// Progress receives what is being done; nil means quiet.
	Progress progress.Writer
	// Warn receives warnings (stderr).
	Warn io.Writer
	// DryRun: mutating operations print their plan and change nothing.
	DryRun bool
	// Out is where plans and data go (stdout).
	Out io.Writer
	// DockerConfig is the docker CLI's configuration directory, where
	// registry credentials are; empty means DOCKER_CONFIG or ~/.docker.
	DockerConfig string
	// RegistryTimeout aborts a pull or push whose stream stays silent this
	// long (an unreachable registry); <= 0 means 60s.
	RegistryTimeout time.Duration
	// BuildKit is DOCKER_BUILDKIT: "0" or "false" forces the classic
	// builder; otherwise BuildKit is used when the engine offers it.
	BuildKit string
}

// Engine is a connection to one Docker engine.
type Engine struct {
	api  *client.Client
	opts Options
	// apiVersion is the negotiated Engine API version.
	apiVersion string
	warnOnce   sync.Map
	creds      *credentials
	osType     string
}

// Connect opens a client from the DOCKER_* environment, negotiating the API
// version, with every request bounded by o.Parallel.
func Connect(ctx context.Context, o Options) (*Engine, error) {
	base, err := client.NewClientWithOpts(client.FromEnv)
	if err != nil {
		return nil, err
	}
	hc := base.HTTPClient()
	if o.Parallel > 0 {
		hc.Transport = &limitedTransport{base: hc.Transport, slots: make(chan struct{}, o.Parallel)}
	}
	api, err := client.NewClientWithOpts(client.FromEnv, client.WithHTTPClient(hc), client.WithAPIVersionNegotiation())
	_ = base.Close()
	if err != nil {
		return nil, err
	}
	api.NegotiateAPIVersion(ctx)
	ping, err := api.Ping(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the Docker engine at %s: %w", api.DaemonHost(), err)
	}
	if o.Progress == nil {
		o.Progress = progress.Quiet{}
	}
	if o.Warn == nil {
		o.Warn = io.Discard
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.RegistryTimeout <= 0 {
		o.RegistryTimeout = 60 * time.Second
	}
	return &Engine{api: api, opts: o, apiVersion: api.ClientVersion(), creds: &credentials{dir: o.DockerConfig}, osType: ping.OSType}, nil
}

// Close releases the connection.
func (e *Engine) Close() error { return e.api.Close() }

// APIVersion is the negotiated Engine API version.
func (e *Engine) APIVersion() string { return e.apiVersion }

// warn prints a warning once per distinct text.
func (e *Engine) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if _, dup := e.warnOnce.LoadOrStore(msg, true); !dup {
		fmt.Fprintf(e.opts.Warn, "warning: %s\n", msg)
	}
}

func (e *Engine) event(id, status, text string, done bool) {
	e.opts.Progress.Event(progress.Event{ID: id, Status: status, Text: text, Done: done})
}

func (e *Engine) eventErr(id string, err error) {
	e.opts.Progress.Event(progress.Event{ID: id, Status: "Error", Text: err.Error(), Error: true})
}

// limitedTransport holds a slot from sending a request until its response
// headers arrive: that is when the engine has done the work of a call, also
// for streaming calls (logs, events, attach) whose bodies then flow freely.
// Bounding requests here bounds every engine operation, not only pulls.
type limitedTransport struct {
	base  http.RoundTripper
	slots chan struct{}
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	defer func() { <-t.slots }()
	return t.base.RoundTrip(r)
}
