package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every directory under testdata/invalid holds a project that must fail with
// exactly the line in its expected.txt, and exit 1.
func TestInvalidFixtures(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/invalid/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 30 {
		t.Fatalf("only %d invalid fixtures", len(dirs))
	}
	for _, dir := range dirs {
		dir, _ := filepath.Abs(dir)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := []string{"--project-directory", dir}
			if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args = append(args, strings.Fields(string(extra))...)
			}
			code, out, stderr := run(t, nil, "", append(args, "config", "-q")...)
			got := strings.ReplaceAll(stderr, dir+string(filepath.Separator), "")
			golden := filepath.Join(dir, "expected.txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			if got != string(want) {
				t.Errorf("stderr\n got: %q\nwant: %q", got, want)
			}
			if strings.Count(strings.TrimSpace(got), "\n") != 0 {
				t.Errorf("want one line, got %q", got)
			}
		})
	}
}
