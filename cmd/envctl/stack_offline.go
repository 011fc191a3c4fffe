package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/envctl/envctl/project"
	"github.com/envctl/envctl/stacks"
)

// registryProbeTimeout bounds the question "can this image be pulled?": a
// registry that is out of reach usually fails at once (no route, no DNS), a
// firewall that drops packets takes this long.
const registryProbeTimeout = 15 * time.Second

// stackFiles returns the compose files to load for the extracted stack: its
// compose.yaml, plus its offline override when the official images cannot be
// had. This is the one place that choice is made. `stack up` decides afresh
// (and builds the offline images); down and config load what the last up
// used. ENVCTL_STACK_OFFLINE=1 or 0 decides without asking the registry.
func stackFiles(ctx context.Context, app *App, name, dir string, up bool) ([]string, error) {
	files := []string{filepath.Join(dir, stacks.ComposeFile)}
	if !stacks.HasOffline(dir) {
		return files, nil
	}
	offline, forced, err := offlineSetting(app)
	if err != nil {
		return nil, err
	}
	if !up {
		if !forced {
			offline = stacks.RecordedOffline(dir)
		}
		if offline {
			files = append(files, filepath.Join(dir, stacks.OfflineFile))
		}
		return files, nil
	}
	if !forced {
		missing, err := officialImagesMissing(ctx, app, files)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			offline = true
			which := missing[0].Ref
			if len(missing) > 1 {
				which += fmt.Sprintf(" and %d more", len(missing)-1)
			}
			fmt.Fprintf(app.Err, "envctl: stack %s: the official images cannot be pulled (%s): %s\n", name, which, missing[0].Reason)
		}
	}
	if offline {
		fmt.Fprintf(app.Err, "envctl: stack %s: using the offline images of %s, built by %s\n", name, stacks.OfflineFile, stacks.BuildScript)
		if err := buildOffline(ctx, app, name, dir); err != nil {
			return nil, err
		}
		files = append(files, filepath.Join(dir, stacks.OfflineFile))
	}
	if !app.Global.DryRun {
		if err := stacks.RecordOffline(dir, offline); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// offlineSetting reads ENVCTL_STACK_OFFLINE: forced says it decides.
func offlineSetting(app *App) (offline, forced bool, err error) {
	switch v := app.getenv("ENVCTL_STACK_OFFLINE"); v {
	case "1", "true":
		return true, true, nil
	case "0", "false":
		return false, true, nil
	case "":
		return false, false, nil
	default:
		return false, false, usageError{fmt.Errorf("invalid ENVCTL_STACK_OFFLINE %q: use 1 or 0", v)}
	}
}

// officialImagesMissing asks the engine about every image the official files
// need: the services' images, and what the built ones start FROM.
func officialImagesMissing(ctx context.Context, app *App, files []string) ([]imageProblem, error) {
	p, err := app.loadProject(ctx, func(o *project.Options) {
		o.Files, o.ProjectDir = files, filepath.Dir(files[0])
	})
	if err != nil {
		return nil, err
	}
	var refs []string
	seen := map[string]bool{}
	add := func(ref string) {
		if !seen[ref] {
			seen[ref] = true
			refs = append(refs, ref)
		}
	}
	for _, name := range p.ServiceNames() {
		svc := p.Services[name]
		if svc.Build == nil {
			add(p.ImageName(svc))
			continue
		}
		dockerfile := svc.Build.Dockerfile
		if dockerfile == "" {
			dockerfile = "Dockerfile"
		}
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(svc.Build.Context, dockerfile)
		}
		b, err := os.ReadFile(dockerfile)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		for _, ref := range stacks.FromImages(b) {
			add(ref)
		}
	}
	e, done, err := app.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := e.UnavailableImages(ctx, refs, registryProbeTimeout)
	if err != nil {
		return nil, err
	}
	var out []imageProblem
	for _, u := range list {
		out = append(out, imageProblem{Ref: u.Ref, Reason: u.Reason})
	}
	return out, nil
}

type imageProblem struct{ Ref, Reason string }

// buildOffline runs the stack's build script, which caches what it built.
func buildOffline(ctx context.Context, app *App, name, dir string) error {
	script := filepath.Join(dir, filepath.FromSlash(stacks.BuildScript))
	if app.Global.DryRun {
		fmt.Fprintf(app.Err, "envctl: stack %s: dry run: would run %s\n", name, script)
		return nil
	}
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = dir
	cmd.Env = app.Env
	cmd.Stdout, cmd.Stderr = app.Err, app.Err
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return fmt.Errorf("stack %s: %s failed (%s); its output is above", name, strings.TrimPrefix(script, dir+"/"), err)
	}
	return nil
}
