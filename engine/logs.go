package engine

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/envctl/envctl/engine/convert"
	"github.com/envctl/envctl/engine/logs"
)

// LogsOptions are the flags of `logs`, also used by attached `up`.
type LogsOptions struct {
	Services   []string
	Follow     bool
	Tail       string
	Since      string
	Until      string
	Timestamps bool
	Color      bool
	NoPrefix   bool
	Index      int
	Merge      bool
	// OnExit, when set, hears of every container that stops while followed.
	OnExit func(name, service string, code int)
	// settle is how long a follow waits, once every container has stopped,
	// for one to start again before it ends.
	settle time.Duration
}

// logFollow is one `logs` run: the streams it reads and those it may add.
type logFollow struct {
	e       *Engine
	project string
	o       LogsOptions
	printer *logs.Printer
	merger  *logs.Merger
	want    map[string]bool
	mu      sync.Mutex
	active  map[string]bool   // container IDs being streamed
	again   map[string]bool   // started again while its previous stream was still ending
	last    map[string]string // container ID -> timestamp of its last line
	seen    map[string]bool
	wg      sync.WaitGroup
	changed chan struct{}
	errs    chan error
}

// Logs prints the logs of the project's containers to out.
func (e *Engine) Logs(ctx context.Context, projectName string, o LogsOptions, out io.Writer) error {
	if o.settle == 0 {
		o.settle = 3 * time.Second
	}
	f := &logFollow{e: e, project: projectName, o: o, want: map[string]bool{}, active: map[string]bool{}, again: map[string]bool{},
		last: map[string]string{}, seen: map[string]bool{}, changed: make(chan struct{}, 1), errs: make(chan error, 1)}
	for _, s := range o.Services {
		f.want[s] = true
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var msgs <-chan events.Message
	var evErrs <-chan error
	if o.Follow {
		// subscribe before listing, so a container starting in between is not missed
		ef := filters.NewArgs(filters.Arg("type", "container"), filters.Arg("label", convert.LabelProject+"="+projectName),
			filters.Arg("event", "start"), filters.Arg("event", "die"))
		msgs, evErrs = e.api.Events(ctx, events.ListOptions{Filters: ef})
	}
	list, err := e.containers(ctx, projectName, true, convert.LabelOneOff+"=False")
	if err != nil {
		return err
	}
	var names []string
	var initial []container.Summary
	for _, c := range list {
		if !f.selected(c.Labels) {
			continue
		}
		initial = append(initial, c)
		names = append(names, containerName(c))
	}
	f.printer = logs.NewPrinter(out, logs.Options{Color: o.Color, NoPrefix: o.NoPrefix, Timestamps: o.Timestamps}, names)
	var mergeDone chan error
	if o.Merge {
		patience := time.Duration(0)
		if o.Follow {
			patience = 250 * time.Millisecond
		}
		f.merger = logs.NewMerger(f.printer, patience)
		mergeDone = make(chan error, 1)
		go func() { mergeDone <- f.merger.Run() }()
	}
	for _, c := range initial {
		f.seen[c.ID] = true
		f.start(ctx, c.ID, containerName(c), c.Labels[convert.LabelService], "")
	}
	if o.Follow {
		err = f.follow(ctx, msgs, evErrs)
	}
	f.wg.Wait()
	if f.merger != nil {
		f.merger.Stop()
		if merr := <-mergeDone; err == nil {
			err = merr
		}
	}
	if err == nil {
		select {
		case err = <-f.errs:
		default:
		}
	}
	return err
}

func (f *logFollow) selected(labels map[string]string) bool {
	if len(f.want) > 0 && !f.want[labels[convert.LabelService]] {
		return false
	}
	if f.o.Index > 0 && labels[convert.LabelNumber] != strconv.Itoa(f.o.Index) {
		return false
	}
	return true
}

// start streams one container, from after since when resuming.
func (f *logFollow) start(ctx context.Context, id, name, service, since string) {
	f.mu.Lock()
	if f.active[id] {
		if since != "" || f.seen[id] {
			f.again[id] = true
		}
		f.mu.Unlock()
		return
	}
	f.active[id] = true
	f.mu.Unlock()
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		last, err := f.stream(ctx, id, name, service, since)
		f.mu.Lock()
		delete(f.active, id)
		if last != "" {
			f.last[id] = last
		}
		again := f.again[id]
		delete(f.again, id)
		resume := f.last[id]
		f.mu.Unlock()
		if again && ctx.Err() == nil {
			f.start(ctx, id, name, service, resume)
		}
		if err != nil && ctx.Err() == nil {
			select {
			case f.errs <- fmt.Errorf("logs of %s: %w", name, err):
			default:
			}
		}
		select {
		case f.changed <- struct{}{}:
		default:
		}
	}()
}

func (f *logFollow) stream(ctx context.Context, id, name, service, since string) (string, error) {
	info, err := f.e.api.ContainerInspect(ctx, id)
	if err != nil {
		return "", err
	}
	opts := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: f.o.Follow, Timestamps: true,
		Tail: f.o.Tail, Since: f.o.Since, Until: f.o.Until}
	if since != "" {
		opts.Since, opts.Tail = nextNano(since), ""
	}
	rc, err := f.e.api.ContainerLogs(ctx, id, opts)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	stdout := f.printer.Source(name, service, true)
	stderr := f.printer.Source(name, service, true)
	if f.merger != nil {
		f.merger.Add(stdout)
		f.merger.Add(stderr)
		defer f.merger.Done(stderr)
		defer f.merger.Done(stdout)
	}
	if info.Config != nil && info.Config.Tty {
		_, err = io.Copy(stdout, rc)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, rc)
	}
	stdout.Close()
	stderr.Close()
	last := stdout.LastTimestamp
	if stderr.LastTimestamp > last {
		last = stderr.LastTimestamp
	}
	if ctx.Err() != nil {
		err = nil
	}
	return last, err
}

// nextNano turns a line's timestamp into a since value just after it.
func nextNano(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	t = t.Add(time.Nanosecond)
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// follow reacts to engine events until nothing is left to follow.
func (f *logFollow) follow(ctx context.Context, msgs <-chan events.Message, errs <-chan error) error {
	settle := time.NewTimer(f.o.settle)
	defer settle.Stop()
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
			if !f.selected(m.Actor.Attributes) {
				continue
			}
			name := m.Actor.Attributes["name"]
			service := m.Actor.Attributes[convert.LabelService]
			switch m.Action {
			case "die":
				code, _ := strconv.Atoi(m.Actor.Attributes["exitCode"])
				f.printer.Status(name, service, fmt.Sprintf("%s exited with code %d", name, code))
				if f.o.OnExit != nil {
					f.o.OnExit(name, service, code)
				}
			case "start":
				f.mu.Lock()
				resume, seen := f.last[m.Actor.ID], f.seen[m.Actor.ID]
				f.seen[m.Actor.ID] = true
				f.mu.Unlock()
				if seen {
					f.printer.Status(name, service, name+" restarted")
				}
				f.start(ctx, m.Actor.ID, name, service, resume)
			}
		case <-f.changed:
		case <-settle.C:
			if f.idle(ctx) {
				return nil
			}
			settle.Reset(f.o.settle)
			continue
		}
		if f.streaming() == 0 {
			settle.Reset(f.o.settle)
		}
	}
}

func (f *logFollow) streaming() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.active)
}

// idle: no stream open and no selected container running or restarting.
func (f *logFollow) idle(ctx context.Context) bool {
	if f.streaming() > 0 {
		return false
	}
	list, err := f.e.containers(ctx, f.project, false, convert.LabelOneOff+"=False")
	if err != nil {
		return false
	}
	for _, c := range list {
		if f.selected(c.Labels) {
			return false
		}
	}
	return true
}
