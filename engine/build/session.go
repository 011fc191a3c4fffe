package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/docker/cli/cli/config/configfile"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	"github.com/moby/buildkit/session/filesync"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"
)

// SessionConfig is what a BuildKit build asks its client for.
type SessionConfig struct {
	Source Source
	// Credentials for base images; nil means none.
	Credentials *configfile.ConfigFile
	Secrets     []secretsprovider.Source
	SSH         []sshprovider.AgentConfig
}

// Session is a BuildKit session: the engine's builder reads the context,
// the Dockerfile, registry credentials, secrets and the ssh agent through it
// instead of receiving a tar.
type Session struct {
	s *session.Session
	// Dockerfile is the Dockerfile's name in the "dockerfile" directory.
	Dockerfile string
	tmp        string
}

// Dialer opens the engine's /session endpoint (client.DialHijack).
type Dialer func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error)

// NewSession prepares a session for c: the context directory filtered by
// the ignore patterns here (so ignored files never leave this machine) and
// the Dockerfile in a directory of its own.
func NewSession(ctx context.Context, c SessionConfig) (*Session, error) {
	src := c.Source
	excludes, err := Excludes(src)
	if err != nil {
		return nil, err
	}
	if hasOwnIgnoreFile(src) {
		// the engine's frontend would apply the context's .dockerignore
		// on top; the Dockerfile's own ignore file replaces it
		excludes = append(excludes, ".dockerignore")
	}
	dockerfile := []byte(src.Inline)
	if src.Inline == "" {
		if dockerfile, err = os.ReadFile(src.DockerfilePath()); err != nil {
			return nil, fmt.Errorf("read Dockerfile: %w", err)
		}
	}
	tmp, err := os.MkdirTemp("", "envctl-dockerfile-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.WriteFile(filepath.Join(tmp, "Dockerfile"), dockerfile, 0o600); err != nil {
		return nil, err
	}
	ctxFS, err := fsutil.NewFS(src.Dir)
	if err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	ctxFS, err = fsutil.NewFilterFS(ctxFS, &fsutil.FilterOpt{ExcludePatterns: excludes, Map: rootOwned})
	if err != nil {
		return nil, err
	}
	dfFS, err := fsutil.NewFS(tmp)
	if err != nil {
		return nil, err
	}
	// the same key for the same directory lets the engine reuse what it
	// synced last time and send only changes, as the docker CLI does
	key := sha256.Sum256([]byte("envctl:" + filepath.Clean(src.Dir)))
	s, err := session.NewSession(ctx, hex.EncodeToString(key[:]))
	if err != nil {
		return nil, err
	}
	s.Allow(filesync.NewFSSyncProvider(filesync.StaticDirSource{"context": ctxFS, "dockerfile": dfFS}))
	s.Allow(authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{ConfigFile: credentialsOrEmpty(c.Credentials)}))
	if len(c.Secrets) > 0 {
		store, err := secretsprovider.NewStore(c.Secrets)
		if err != nil {
			return nil, fmt.Errorf("build secrets: %w", err)
		}
		s.Allow(secretsprovider.NewSecretProvider(store))
	}
	if len(c.SSH) > 0 {
		p, err := sshprovider.NewSSHAgentProvider(c.SSH)
		if err != nil {
			return nil, fmt.Errorf("build ssh: %w", err)
		}
		s.Allow(p)
	}
	ok = true
	return &Session{s: s, Dockerfile: "Dockerfile", tmp: tmp}, nil
}

// ID is the session's ID for the build request.
func (s *Session) ID() string { return s.s.ID() }

// Run serves the session until ctx ends or Close is called.
func (s *Session) Run(ctx context.Context, dial Dialer) error {
	return s.s.Run(ctx, session.Dialer(dial))
}

// Close ends the session and removes its files.
func (s *Session) Close() {
	_ = s.s.Close()
	os.RemoveAll(s.tmp)
}

func hasOwnIgnoreFile(s Source) bool {
	df := s.DockerfilePath()
	if df == "" {
		return false
	}
	_, err := os.Stat(df + ".dockerignore")
	return err == nil
}

// rootOwned gives the context's files to root, as the tar of the classic
// builder does.
func rootOwned(_ string, st *fstypes.Stat) fsutil.MapResult {
	st.Uid, st.Gid = 0, 0
	return fsutil.MapResultKeep
}

func credentialsOrEmpty(cf *configfile.ConfigFile) *configfile.ConfigFile {
	if cf == nil {
		return configfile.New("")
	}
	return cf
}
