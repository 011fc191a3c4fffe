package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"

	dbuild "github.com/docker/docker/api/types/build"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"

	"github.com/envctl/envctl/engine/build"
	"github.com/envctl/envctl/project"
)

// errNoBuildKit means the engine would not run a BuildKit build at all (no
// output came), so the classic builder is tried instead.
var errNoBuildKit = errors.New("BuildKit unavailable")

// buildWithBuildKit runs a BuildKit build in the engine: the engine reads the
// context, Dockerfile, credentials, secrets and ssh agent through a session
// on its /session endpoint, as `DOCKER_BUILDKIT=1 docker build` did before
// buildx.
func (e *Engine) buildWithBuildKit(ctx context.Context, p *project.Project, req build.Request, src build.Source, opts dbuild.ImageBuildOptions, log *build.Log) (string, error) {
	cf, err := e.creds.load()
	if err != nil {
		e.warn("%v", err)
		cf = nil
	}
	secrets, err := buildSecrets(p, req)
	if err != nil {
		return "", log.Fail(req.Ref, err.Error())
	}
	sess, err := build.NewSession(ctx, build.SessionConfig{Source: src, Credentials: cf, Secrets: secrets, SSH: buildSSH(req)})
	if err != nil {
		return "", log.Fail(req.Ref, err.Error())
	}
	defer sess.Close()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		_ = sess.Run(sctx, func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
			return e.api.DialHijack(ctx, "/session", proto, meta)
		})
	}()
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	opts.Version = dbuild.BuilderBuildKit
	opts.SessionID = sess.ID()
	opts.BuildID = hex.EncodeToString(id)
	opts.RemoteContext = "client-session"
	opts.Dockerfile = sess.Dockerfile
	// the classic builder's container clean-up flags mean nothing here
	opts.Remove, opts.ForceRemove = false, false
	resp, err := e.api.ImageBuild(ctx, nil, opts)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNoBuildKit, err)
	}
	defer resp.Body.Close()
	ref, err := build.ReadBuildKit(resp.Body, req.Ref, log)
	if ctx.Err() != nil {
		_ = e.api.BuildCancel(context.WithoutCancel(ctx), opts.BuildID)
	}
	return ref, err
}

// buildSecrets are the build's secrets (build.secrets naming top-level
// secrets from a file or the environment), under their target name.
func buildSecrets(p *project.Project, req build.Request) ([]secretsprovider.Source, error) {
	var out []secretsprovider.Source
	for _, s := range req.Service.Build.Secrets {
		cfg, ok := p.Secrets[s.Source]
		if !ok {
			return nil, fmt.Errorf("service %s: build secret %s is not a top-level secret", req.Service.Name, s.Source)
		}
		id := s.Source
		if s.Target != "" {
			id = s.Target
		}
		switch {
		case cfg.File != "":
			out = append(out, secretsprovider.Source{ID: id, FilePath: cfg.File})
		case cfg.Environment != "":
			out = append(out, secretsprovider.Source{ID: id, Env: cfg.Environment})
		default:
			return nil, fmt.Errorf("service %s: build secret %s has neither file nor environment", req.Service.Name, s.Source)
		}
	}
	return out, nil
}

// buildSSH are the ssh agents or keys the build may use (build.ssh;
// "default" is $SSH_AUTH_SOCK).
func buildSSH(req build.Request) []sshprovider.AgentConfig {
	var out []sshprovider.AgentConfig
	for _, k := range req.Service.Build.SSH {
		c := sshprovider.AgentConfig{ID: k.ID}
		if k.Path != "" {
			c.Paths = []string{k.Path}
		}
		out = append(out, c)
	}
	return out
}
