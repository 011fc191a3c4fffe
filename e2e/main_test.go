// Package e2e drives the built envctl binary against the real Docker engine.
// Each test has its own project name and removes everything labelled with it
// when it ends, pass or fail; nothing else on the engine is touched.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bin is the envctl binary under test.
var bin string

// repo is the repository root.
var repo string

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	wd, _ := os.Getwd()
	repo = filepath.Dir(wd)
	bin = os.Getenv("ENVCTL_BIN")
	if bin == "" {
		dir, err := os.MkdirTemp("", "envctl-e2e-bin")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "envctl")
		build := exec.Command("go", "build", "-o", bin, "./cmd/envctl")
		build.Dir = repo
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building envctl:", err)
			return 1
		}
	}
	// the test images are cached by content hash: this is a second when nothing changed
	images := exec.Command(filepath.Join(repo, "testdata/images/build.sh"), "all")
	images.Stdout, images.Stderr = os.Stderr, os.Stderr
	if err := images.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building test images:", err)
		return 1
	}
	return m.Run()
}
