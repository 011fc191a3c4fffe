package stacks

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A stack that can run without an image registry ships an override that swaps
// every official image for a local one, and the script that builds those.
const (
	ComposeFile = "compose.yaml"
	OfflineFile = "compose.offline.yaml"
	BuildScript = "offline/build.sh"
)

// modeFile records, in an extracted stack, that the last `stack up` chose the
// offline images, so that down and config load the same files.
const modeFile = ".envctl-offline"

// HasOffline says whether the extracted stack in dir has an offline variant.
func HasOffline(dir string) bool {
	for _, f := range []string{OfflineFile, BuildScript} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			return false
		}
	}
	return true
}

// RecordOffline remembers the choice of `stack up` for later commands.
func RecordOffline(dir string, offline bool) error {
	path := filepath.Join(dir, modeFile)
	if offline {
		return os.WriteFile(path, []byte("the last `envctl stack up` used "+OfflineFile+"\n"), 0o644)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// RecordedOffline says whether the last `stack up` in dir used the offline images.
func RecordedOffline(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, modeFile))
	return err == nil
}

// FromImages returns the images a Dockerfile builds from: the FROM lines'
// images, without scratch, the file's own stages, or references made of build
// arguments (which only the build can resolve).
func FromImages(dockerfile []byte) []string {
	var out []string
	stages := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(dockerfile))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !strings.EqualFold(fields[0], "FROM") {
			continue
		}
		args := fields[1:]
		for len(args) > 0 && strings.HasPrefix(args[0], "--") {
			args = args[1:]
		}
		if len(args) == 0 {
			continue
		}
		ref := args[0]
		own := stages[strings.ToLower(ref)]
		if len(args) >= 3 && strings.EqualFold(args[1], "AS") {
			stages[strings.ToLower(args[2])] = true
		}
		if ref == "scratch" || own || strings.Contains(ref, "$") {
			continue
		}
		out = append(out, ref)
	}
	return out
}
