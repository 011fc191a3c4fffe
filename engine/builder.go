package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	dbuild "github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/versions"

	"github.com/envctl/envctl/engine/build"
	"github.com/envctl/envctl/engine/progress"
	"github.com/envctl/envctl/project"
)

// Builders the engine may offer.
const (
	builderClassic  = "the classic builder"
	builderBuildKit = "BuildKit"
)

// builder picks BuildKit when the engine offers it (a Linux engine with API
// 1.39 or later, where BuildKit sessions are not experimental), unless
// DOCKER_BUILDKIT=0 (or false) asks for the classic builder.
func (e *Engine) builder() string {
	if off, err := strconv.ParseBool(e.opts.BuildKit); err == nil && !off {
		return builderClassic
	}
	if e.osType != "linux" || versions.LessThan(e.apiVersion, "1.39") {
		return builderClassic
	}
	return builderBuildKit
}

// buildOutput turns build lines into progress events of one image.
type buildOutput struct {
	e  *Engine
	id string
}

func (b buildOutput) Line(text string) { b.e.event(b.id, "Building", text, false) }
func (b buildOutput) Step(text string) { b.e.event(b.id, "Building", text, false) }

// buildImage builds the image of service name with the chosen builder.
func (e *Engine) buildImage(ctx context.Context, p *project.Project, name string, o BuildOptions, builder string) error {
	ev := "Image " + p.ImageName(p.Services[name])
	req, src, err := e.buildRequest(p, name, o)
	if err != nil {
		e.eventErr(ev, err)
		return err
	}
	opts, err := build.Options(req)
	if err != nil {
		e.eventErr(ev, err)
		return err
	}
	opts.AuthConfigs = e.buildAuths()
	b := req.Service.Build
	if builder == builderClassic && (len(b.Secrets) > 0 || len(b.SSH) > 0) {
		err := fmt.Errorf("service %s: build.secrets and build.ssh need BuildKit, and the classic builder is in use", name)
		e.eventErr(ev, err)
		return err
	}
	start := time.Now()
	e.event(ev, "Building", "with "+builder, false)
	log := &build.Log{Out: buildOutput{e: e, id: ev}}
	var id string
	if builder == builderBuildKit && !build.IsRemote(src.Dir) {
		id, err = e.buildWithBuildKit(ctx, p, req, src, opts, log)
		if errors.Is(err, errNoBuildKit) && len(b.Secrets) == 0 && len(b.SSH) == 0 {
			e.event(ev, "Building", fmt.Sprintf("with %s (%v)", builderClassic, err), false)
			log = &build.Log{Out: buildOutput{e: e, id: ev}}
			id, err = e.buildClassic(ctx, req, src, opts, log)
		}
	} else {
		id, err = e.buildClassic(ctx, req, src, opts, log)
	}
	if err != nil {
		e.opts.Progress.Event(progress.Event{ID: ev, Status: "Error", Text: err.Error(), Error: true})
		return err
	}
	e.event(ev, "Built", fmt.Sprintf("%s in %s", shortID(id), time.Since(start).Round(100*time.Millisecond)), true)
	return nil
}

func shortID(id string) string {
	if len(id) > 19 && id[:7] == "sha256:" {
		return id[7:19]
	}
	return id
}

// buildClassic sends the context tar to the classic builder.
func (e *Engine) buildClassic(ctx context.Context, req build.Request, src build.Source, opts dbuild.ImageBuildOptions, log *build.Log) (string, error) {
	if build.IsRemote(src.Dir) {
		opts.RemoteContext = src.Dir
		opts.Dockerfile = req.Service.Build.Dockerfile
		resp, err := e.api.ImageBuild(ctx, nil, opts)
		if err != nil {
			return "", log.Fail(req.Ref, err.Error())
		}
		defer resp.Body.Close()
		return build.ReadClassic(resp.Body, req.Ref, log)
	}
	c, err := build.Tar(src)
	if err != nil {
		return "", log.Fail(req.Ref, err.Error())
	}
	defer c.Body.Close()
	opts.Dockerfile = c.Dockerfile
	opts.Version = dbuild.BuilderV1
	resp, err := e.api.ImageBuild(ctx, c.Body, opts)
	if err != nil {
		return "", log.Fail(req.Ref, err.Error())
	}
	defer resp.Body.Close()
	return build.ReadClassic(resp.Body, req.Ref, log)
}
