// Package build turns a service's build section into what the Engine API's
// build endpoint takes: the context as a tar stream that leaves out what the
// ignore files exclude, and the build options. It also reads the build's
// output stream. It makes no engine calls of its own except through the
// client it is handed.
package build

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/go-archive"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// Source says where a build's context and Dockerfile come from.
type Source struct {
	// Dir is the context directory (absolute).
	Dir string
	// Dockerfile is the Dockerfile's path, relative to Dir or absolute;
	// empty means Dir/Dockerfile.
	Dockerfile string
	// Inline is the Dockerfile's text (dockerfile_inline, or a Dockerfile
	// rewritten for named contexts); it wins over Dockerfile, which then
	// only locates the Dockerfile-specific ignore file.
	Inline string
}

// DockerfilePath is the absolute path of the Dockerfile ("" when inline).
func (s Source) DockerfilePath() string {
	if s.Inline != "" && s.Dockerfile == "" {
		return ""
	}
	df := s.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(s.Dir, df)
	}
	return df
}

// Excludes are the ignore patterns for s: those of a Dockerfile-specific
// ignore file (<Dockerfile>.dockerignore next to the Dockerfile) when there is
// one, else those of .dockerignore at the context root, as docker does.
func Excludes(s Source) ([]string, error) {
	var candidates []string
	if df := s.DockerfilePath(); df != "" {
		candidates = append(candidates, df+".dockerignore")
	}
	candidates = append(candidates, filepath.Join(s.Dir, ".dockerignore"))
	for _, path := range candidates {
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		patterns, err := ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return patterns, nil
	}
	return nil, nil
}

// Context is a build context as the engine's build endpoint takes it.
type Context struct {
	// Body is the tar stream; the caller closes it.
	Body io.ReadCloser
	// Dockerfile is the Dockerfile's name inside the tar.
	Dockerfile string
}

// Tar makes the context tar of s. A Dockerfile outside the context, or an
// inline one, is added under a random name that the tar's .dockerignore
// lists, so the engine reads it but COPY . does not see it, as docker does.
func Tar(s Source) (*Context, error) {
	fi, err := os.Stat(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("build context %s is not a directory", s.Dir)
	}
	excludes, err := Excludes(s)
	if err != nil {
		return nil, err
	}
	var extra []byte // a Dockerfile to add to the tar
	name := ""
	if s.Inline != "" {
		extra = []byte(s.Inline)
	} else {
		df := s.DockerfilePath()
		rel, err := filepath.Rel(s.Dir, df)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if extra, err = os.ReadFile(df); err != nil {
				return nil, fmt.Errorf("read Dockerfile: %w", err)
			}
		} else {
			name = filepath.ToSlash(rel)
			if _, err := os.Stat(df); err != nil {
				return nil, fmt.Errorf("Dockerfile %s: %w", df, err)
			}
		}
	}
	excludes = keepBuildFiles(excludes, name)
	body, err := archive.TarWithOptions(s.Dir, &archive.TarOptions{
		ExcludePatterns: excludes,
		// owned by root inside the image, whoever owns the files here
		ChownOpts: &archive.ChownOpts{UID: 0, GID: 0},
	})
	if err != nil {
		return nil, err
	}
	if extra != nil {
		name = randomDockerfileName()
		body = addFile(body, name, extra)
	}
	return &Context{Body: body, Dockerfile: name}, nil
}

// keepBuildFiles makes sure the engine gets the Dockerfile and .dockerignore
// even when the patterns exclude them: it reads them, then drops them from
// the context itself.
func keepBuildFiles(excludes []string, dockerfile string) []string {
	if len(excludes) == 0 {
		return excludes
	}
	if m, _ := patternmatcher.Matches(".dockerignore", excludes); m {
		excludes = append(excludes, "!.dockerignore")
	}
	if dockerfile != "" {
		if m, _ := patternmatcher.Matches(dockerfile, excludes); m {
			excludes = append(excludes, "!"+dockerfile)
		}
	}
	return excludes
}

func randomDockerfileName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return ".dockerfile." + hex.EncodeToString(b)
}

// addFile adds name to the tar stream and lists it in the stream's
// .dockerignore (creating one if needed).
func addFile(body io.ReadCloser, name string, content []byte) io.ReadCloser {
	now := time.Now()
	return archive.ReplaceFileTarWrapper(body, map[string]archive.TarModifierFunc{
		name: func(_ string, _ *tar.Header, _ io.Reader) (*tar.Header, []byte, error) {
			return &tar.Header{Name: name, Mode: 0o600, ModTime: now, Typeflag: tar.TypeReg}, content, nil
		},
		".dockerignore": func(_ string, h *tar.Header, r io.Reader) (*tar.Header, []byte, error) {
			var b bytes.Buffer
			if h != nil && r != nil {
				if _, err := io.Copy(&b, r); err != nil {
					return nil, nil, err
				}
				b.WriteString("\n")
			} else {
				h = &tar.Header{Name: ".dockerignore", Mode: 0o600, ModTime: now, Typeflag: tar.TypeReg}
			}
			b.WriteString(name + "\n")
			return h, b.Bytes(), nil
		},
	})
}

// IsRemote says whether a build context is a URL (git or tarball) that the
// engine fetches itself.
func IsRemote(dir string) bool {
	for _, p := range []string{"http://", "https://", "git://", "git@", "github.com/"} {
		if strings.HasPrefix(dir, p) {
			return true
		}
	}
	return false
}
