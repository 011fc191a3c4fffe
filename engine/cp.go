package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/moby/go-archive"
)

// CopyOptions are the flags of `cp`. One of the paths is in the container
// of Service; "-" as the local path is a tar stream on stdin or stdout.
type CopyOptions struct {
	Service    string
	Index      int
	Path       string // in the container
	Local      string
	FromServ   bool // copy from the container to Local
	Archive    bool // -a: keep uid and gid
	FollowLink bool // -L
}

// Copy copies files between a service's container and the host with the
// engine's archive endpoints, as docker cp does.
func (e *Engine) Copy(ctx context.Context, projectName string, o CopyOptions, stdin io.Reader, stdout io.Writer) error {
	c, err := e.serviceContainer(ctx, projectName, o.Service, o.Index, false)
	if err != nil {
		return err
	}
	if e.opts.DryRun {
		from, to := o.Local, containerName(c)+":"+o.Path
		if o.FromServ {
			from, to = to, from
		}
		_, err := fmt.Fprintf(e.opts.Out, "dry run: nothing was changed\ncopy %s to %s\n", from, to)
		return err
	}
	if o.FromServ {
		return e.copyFrom(ctx, c.ID, o, stdout)
	}
	return e.copyTo(ctx, c.ID, o, stdin)
}

func localPath(p string) (string, error) {
	if p == "-" {
		return p, nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return archive.PreserveTrailingDotOrSeparator(abs, p), nil
}

func (e *Engine) copyFrom(ctx context.Context, id string, o CopyOptions, stdout io.Writer) error {
	dst, err := localPath(o.Local)
	if err != nil {
		return err
	}
	src := o.Path
	rebase := ""
	if o.FollowLink {
		st, err := e.api.ContainerStatPath(ctx, id, src)
		if err == nil && st.Mode&os.ModeSymlink != 0 {
			target := st.LinkTarget
			if !strings.HasPrefix(target, "/") {
				parent, _ := archive.SplitPathDirEntry(src)
				target = filepath.Join(parent, target)
			}
			src, rebase = archive.GetRebaseName(src, target)
		}
	}
	content, st, err := e.api.CopyFromContainer(ctx, id, src)
	if err != nil {
		return fmt.Errorf("copy from %s: %w", o.Path, err)
	}
	defer content.Close()
	if dst == "-" {
		_, err = io.Copy(stdout, content)
		return err
	}
	info := archive.CopyInfo{Path: src, Exists: true, IsDir: st.Mode.IsDir(), RebaseName: rebase}
	var r io.Reader = content
	if rebase != "" {
		_, base := archive.SplitPathDirEntry(src)
		rc := archive.RebaseArchiveEntries(content, base, rebase)
		defer rc.Close()
		r = rc
	}
	return archive.CopyTo(r, info, dst)
}

func (e *Engine) copyTo(ctx context.Context, id string, o CopyOptions, stdin io.Reader) error {
	src, err := localPath(o.Local)
	if err != nil {
		return err
	}
	dstInfo := archive.CopyInfo{Path: o.Path}
	st, err := e.api.ContainerStatPath(ctx, id, o.Path)
	if err == nil && st.Mode&os.ModeSymlink != 0 {
		target := st.LinkTarget
		if !strings.HasPrefix(target, "/") {
			parent, _ := archive.SplitPathDirEntry(o.Path)
			target = filepath.Join(parent, target)
		}
		dstInfo.Path = target
		st, err = e.api.ContainerStatPath(ctx, id, target)
	}
	if err == nil {
		dstInfo.Exists, dstInfo.IsDir = true, st.Mode.IsDir()
	}
	var content io.Reader
	dir := dstInfo.Path
	if src == "-" {
		if !dstInfo.IsDir {
			return fmt.Errorf("destination %s must be a directory to extract a tar stream into", o.Path)
		}
		content = stdin
	} else {
		srcInfo, err := archive.CopyInfoSourcePath(src, o.FollowLink)
		if err != nil {
			return err
		}
		tarball, err := archive.TarResource(srcInfo)
		if err != nil {
			return err
		}
		defer tarball.Close()
		d, prepared, err := archive.PrepareArchiveCopy(tarball, srcInfo, dstInfo)
		if err != nil {
			return err
		}
		defer prepared.Close()
		dir, content = d, prepared
	}
	if err := e.api.CopyToContainer(ctx, id, dir, content, container.CopyToContainerOptions{CopyUIDGID: o.Archive}); err != nil {
		return fmt.Errorf("copy to %s: %w", o.Path, err)
	}
	return nil
}
