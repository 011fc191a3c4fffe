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
	"github.com/docker/docker/errdefs"
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
	// Hold, while open, keeps a follow from ending for want of running
	// containers: attached up is still creating and starting them.
	Hold <-chan struct{}
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
	ctrs    map[string]*followed // by container ID
	wg      sync.WaitGroup
	changed chan struct{}
	errs    chan error
}

// followed is what a follow knows of one container. Status lines wait for
// the container's stream to end, so they come after its last line.
type followed struct {
	name, service string
	active        bool   // its stream is open
	again         bool   // started again while its stream was still ending
	last          string // timestamp of its last line printed
	stopped       bool   // not running, as far as events tell
	exit          *int   // exit code heard while its stream was still open
	exitAt        string // engine time of that exit
	restartedAt   string // print "restarted" (at that engine time) when the next stream opens
	// fresh: first started while followed, so all its output is new and
	// --tail does not cut it
	fresh bool
}

// Logs prints the logs of the project's containers to out.
func (e *Engine) Logs(ctx context.Context, projectName string, o LogsOptions, out io.Writer) error {
	if o.settle == 0 {
		o.settle = 3 * time.Second
	}
	f := &logFollow{e: e, project: projectName, o: o, want: map[string]bool{}, ctrs: map[string]*followed{},
		changed: make(chan struct{}, 1), errs: make(chan error, 1)}
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
		f.ctrs[c.ID] = &followed{name: containerName(c), service: c.Labels[convert.LabelService],
			stopped: c.State != "running" && c.State != "paused"}
	}
	// every lane of the first containers exists before any stream flows:
	// the merger can only wait for lanes it knows
	lanes := make([]*logs.Lane, len(initial))
	for i := range initial {
		if f.merger != nil {
			lanes[i] = f.merger.Lane()
		}
	}
	for i, c := range initial {
		f.startLane(ctx, c.ID, "", lanes[i])
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
	if ferr := f.printer.Flush(); err == nil {
		err = ferr
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
	if labels[convert.LabelOneOff] == "True" {
		return false
	}
	if len(f.want) > 0 && !f.want[labels[convert.LabelService]] {
		return false
	}
	if f.o.Index > 0 && labels[convert.LabelNumber] != strconv.Itoa(f.o.Index) {
		return false
	}
	return true
}

// start streams one known container, from after since when resuming. A
// merge lane is opened here, before the stream goroutine, so the merger
// waits for this container from the start.
func (f *logFollow) start(ctx context.Context, id, since string) {
	f.startLane(ctx, id, since, nil)
}

// startLane is start with the merge lane already open (or nil for a new one).
func (f *logFollow) startLane(ctx context.Context, id, since string, lane *logs.Lane) {
	f.mu.Lock()
	c := f.ctrs[id]
	if c.active {
		c.again = true
		f.mu.Unlock()
		if lane != nil {
			lane.Done()
		}
		return
	}
	c.active = true
	restarted := c.restartedAt
	c.restartedAt = ""
	f.mu.Unlock()
	if restarted != "" {
		f.status(c, restarted, c.name+" restarted")
	}
	if lane == nil && f.merger != nil {
		lane = f.merger.Lane()
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		last, err := f.stream(ctx, id, c, since, lane)
		f.mu.Lock()
		c.active = false
		if last != "" {
			c.last = last
		}
		again, exit, exitAt, resume := c.again, c.exit, c.exitAt, c.last
		c.again, c.exit = false, nil
		f.mu.Unlock()
		if exit != nil {
			f.exited(c, *exit, exitAt)
		}
		if again && ctx.Err() == nil {
			f.start(ctx, id, resume)
		}
		if err != nil && ctx.Err() == nil {
			select {
			case f.errs <- fmt.Errorf("logs of %s: %w", c.name, err):
			default:
			}
		}
		select {
		case f.changed <- struct{}{}:
		default:
		}
	}()
}

func (f *logFollow) exited(c *followed, code int, at string) {
	f.status(c, at, fmt.Sprintf("%s exited with code %d", c.name, code))
	if f.o.OnExit != nil {
		f.o.OnExit(c.name, c.service, code)
	}
}

// status prints a line about a container; merged, at the engine time of
// what it tells, among the lines around it.
func (f *logFollow) status(c *followed, at, msg string) {
	if f.merger != nil {
		f.merger.Status(f.printer.Source(c.name, c.service, true), at, msg)
		return
	}
	f.printer.Status(c.name, c.service, msg)
}

// engineTime formats an event's time as the engine stamps log lines.
func engineTime(nano int64) string {
	return time.Unix(0, nano).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
}

func (f *logFollow) stream(ctx context.Context, id string, c *followed, since string, lane *logs.Lane) (string, error) {
	if lane != nil {
		defer lane.Done()
	}
	info, err := f.e.api.ContainerInspect(ctx, id)
	if errdefs.IsNotFound(err) {
		return "", nil // removed meanwhile, by a recreate or rm
	}
	if err != nil {
		return "", err
	}
	// stamps cost the engine a time.Format per line: ask for them only when
	// printed, merged by, or resumed after (a follow)
	stamped := f.o.Follow || f.o.Timestamps || f.merger != nil
	opts := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: f.o.Follow, Timestamps: stamped,
		Tail: f.o.Tail, Since: f.o.Since, Until: f.o.Until}
	if since != "" {
		opts.Since, opts.Tail = nextNano(since), ""
	} else if c.fresh {
		opts.Tail = "all"
	}
	rc, err := f.e.api.ContainerLogs(ctx, id, opts)
	if errdefs.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer rc.Close()
	stdout := f.printer.Source(c.name, c.service, stamped)
	stderr := f.printer.Source(c.name, c.service, stamped)
	if lane != nil {
		lane.Attach(stdout)
		lane.Attach(stderr)
	}
	switch tty := info.Config != nil && info.Config.Tty; {
	case tty && stamped:
		_, err = io.Copy(stdout.Unframed(), rc)
	case tty:
		_, err = io.Copy(stdout, rc)
	default:
		stdout.Framed, stderr.Framed = true, true
		_, err = stdcopy.StdCopy(stdout, stderr, rc)
	}
	if cerr := stdout.Close(); err == nil {
		err = cerr
	}
	if cerr := stderr.Close(); err == nil {
		err = cerr
	}
	last := max(stdout.LastTimestamp(), stderr.LastTimestamp())
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
