package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/errdefs"

	"github.com/envctl/envctl/engine/convert"
)

// createContainer creates one container. One that needs work after create
// (more networks, copied secrets) is created under a temporary name and
// renamed when complete: an envctl killed half-way leaves a container the
// next plan sees as misnamed and replaces, never one that looks finished.
func (e *Engine) createContainer(ctx context.Context, in convert.Input) (string, error) {
	ev := "Container " + in.Name
	e.event(ev, "Creating", "", false)
	out, err := convert.Container(in)
	if err != nil {
		e.eventErr(ev, err)
		return "", err
	}
	for _, w := range out.Warnings {
		e.warn("service %s: %s", in.Service.Name, w)
	}
	id, err := e.createComplete(ctx, in, out)
	if err != nil {
		e.eventErr(ev, err)
		return "", err
	}
	e.event(ev, "Created", "", true)
	return id, nil
}

func (e *Engine) createComplete(ctx context.Context, in convert.Input, out *convert.Output) (string, error) {
	partial := len(out.Connect) > 0 || len(out.Copies) > 0
	name := in.Name
	if partial {
		name = partialName(in.Name)
	}
	var resp container.CreateResponse
	err := e.claimName(ctx, in, func() error {
		var err error
		resp, err = e.api.ContainerCreate(ctx, out.Config, out.Host, out.Network, out.Platform, name)
		return err
	})
	if err != nil {
		return "", describeCreateError(in, err)
	}
	if !partial {
		return resp.ID, nil
	}
	err = e.finishCreate(ctx, in, out, resp.ID)
	if err == nil {
		err = e.claimName(ctx, in, func() error { return e.api.ContainerRename(ctx, resp.ID, in.Name) })
	}
	if err != nil {
		// best effort: a leftover would be replaced by the next up anyway
		_ = e.api.ContainerRemove(context.WithoutCancel(ctx), resp.ID, container.RemoveOptions{Force: true})
		return "", err
	}
	return resp.ID, nil
}

func (e *Engine) finishCreate(ctx context.Context, in convert.Input, out *convert.Output, id string) error {
	for _, ep := range out.Connect {
		if err := e.api.NetworkConnect(ctx, ep.Network, id, ep.Settings); err != nil {
			return fmt.Errorf("connect %s to %s: %w", in.Name, ep.Network, err)
		}
	}
	if len(out.Copies) > 0 {
		if err := e.copyFiles(ctx, id, out.Copies); err != nil {
			return fmt.Errorf("secrets and configs of %s: %w", in.Name, err)
		}
	}
	return nil
}

func partialName(name string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "partial-" + hex.EncodeToString(b) + "_" + name
}

// claimName runs a create or rename and, if the name is taken by a container
// of this very replica, removes that one and tries again. The project lock
// means no other envctl is working here, so such a container is what a
// killed run left, possibly created by the engine after the plan looked.
func (e *Engine) claimName(ctx context.Context, in convert.Input, do func() error) error {
	err := do()
	if !errdefs.IsConflict(err) {
		return err
	}
	info, ierr := e.api.ContainerInspect(ctx, in.Name)
	if ierr != nil || info.Config == nil {
		return err
	}
	l := info.Config.Labels
	oneOff := "False"
	if in.OneOff {
		oneOff = "True"
	}
	if l[convert.LabelProject] != in.Project.Name || l[convert.LabelService] != in.Service.Name ||
		l[convert.LabelNumber] != strconv.Itoa(in.Number) || l[convert.LabelOneOff] != oneOff {
		return err
	}
	e.warn("removing container %s left by an interrupted run", in.Name)
	if rerr := e.api.ContainerRemove(ctx, info.ID, container.RemoveOptions{Force: true}); rerr != nil && !errdefs.IsNotFound(rerr) {
		return err
	}
	return do()
}

func describeCreateError(in convert.Input, err error) error {
	if errdefs.IsNotFound(err) && strings.Contains(err.Error(), "image") {
		return fmt.Errorf("service %s: image %s not found locally: build or pull it first", in.Service.Name, in.Project.ImageName(in.Service))
	}
	return fmt.Errorf("create %s: %w", in.Name, err)
}

// copyFiles writes secrets and configs that have no file on the host.
func (e *Engine) copyFiles(ctx context.Context, id string, files []convert.FileCopy) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	now := time.Now()
	for _, f := range files {
		rel := strings.TrimPrefix(path.Clean(f.Path), "/")
		for d := path.Dir(rel); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
		if err := tw.WriteHeader(&tar.Header{Name: rel, Mode: f.Mode, Size: int64(len(f.Content)), Uid: f.UID, Gid: f.GID, ModTime: now, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Content); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	// parent directories must exist in the container before the archive
	// lands, so they go first in their own archive
	if len(dirs) > 0 {
		var db bytes.Buffer
		dw := tar.NewWriter(&db)
		for _, d := range sortedDirs(dirs) {
			if err := dw.WriteHeader(&tar.Header{Name: d + "/", Mode: 0o755, ModTime: now, Typeflag: tar.TypeDir}); err != nil {
				return err
			}
		}
		if err := dw.Close(); err != nil {
			return err
		}
		if err := e.api.CopyToContainer(ctx, id, "/", &db, container.CopyToContainerOptions{}); err != nil {
			return err
		}
	}
	return e.api.CopyToContainer(ctx, id, "/", &buf, container.CopyToContainerOptions{})
}

func (e *Engine) startContainer(ctx context.Context, id, name string) error {
	ev := "Container " + name
	e.event(ev, "Starting", "", false)
	if err := e.api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		err = fmt.Errorf("start %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Started", "", true)
	return nil
}

// stopContainer stops with the given timeout in seconds, or the container's
// own stop_grace_period when nil.
func (e *Engine) stopContainer(ctx context.Context, id, name string, timeout *int) error {
	ev := "Container " + name
	e.event(ev, "Stopping", "", false)
	if err := e.api.ContainerStop(ctx, id, container.StopOptions{Timeout: timeout}); err != nil && !errdefs.IsNotFound(err) {
		err = fmt.Errorf("stop %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Stopped", "", true)
	return nil
}

// removeContainer stops and removes; volumes goes with its anonymous
// volumes: those the engine created for it and those envctl created for it.
func (e *Engine) removeContainer(ctx context.Context, id, name string, timeout *int, volumes bool) error {
	if err := e.stopContainer(ctx, id, name, timeout); err != nil {
		return err
	}
	var anon []string
	if volumes {
		var err error
		if anon, err = e.ownAnonVolumes(ctx, id); err != nil {
			return err
		}
	}
	ev := "Container " + name
	e.event(ev, "Removing", "", false)
	err := e.api.ContainerRemove(ctx, id, container.RemoveOptions{RemoveVolumes: volumes, Force: true})
	if errdefs.IsConflict(err) && strings.Contains(err.Error(), "already in progress") {
		// an envctl killed mid-remove left the engine removing it: wait for that
		err = e.waitRemoved(ctx, id)
	}
	if err != nil && !errdefs.IsNotFound(err) {
		err = fmt.Errorf("remove %s: %w", name, err)
		e.eventErr(ev, err)
		return err
	}
	e.event(ev, "Removed", "", true)
	for _, v := range anon {
		if err := e.removeVolume(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) waitRemoved(ctx context.Context, id string) error {
	waitC, errC := e.api.ContainerWait(ctx, id, container.WaitConditionRemoved)
	select {
	case <-waitC:
		return nil
	case err := <-errC:
		return err
	}
}

// ownAnonVolumes are the volumes envctl created for a container's anonymous
// mounts. To the engine they are named volumes, so RemoveVolumes leaves them.
func (e *Engine) ownAnonVolumes(ctx context.Context, id string) ([]string, error) {
	info, err := e.api.ContainerInspect(ctx, id)
	if errdefs.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range info.Mounts {
		if m.Type != "volume" || m.Name == "" {
			continue
		}
		v, err := e.api.VolumeInspect(ctx, m.Name)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if v.Labels[convert.LabelAnonTarget] != "" {
			out = append(out, v.Name)
		}
	}
	return out, nil
}

func sortedDirs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	// shorter paths are parents: create them first
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) < len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
