package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/docker/docker/client"
)

func TestNextNanoResumesJustAfterALine(t *testing.T) {
	cases := map[string]string{
		"2026-12-01T10:00:00.000000000Z": "1796119200.000000001",
		"2026-12-01T10:00:00.999999999Z": "1796119201.000000000",
		"not a time":                     "not a time",
	}
	for in, want := range cases {
		if got := nextNano(in); got != want {
			t.Errorf("nextNano(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEngineTimeMatchesLogStamps(t *testing.T) {
	if got := engineTime(1796119200000000005); got != "2026-12-01T10:00:00.000000005Z" {
		t.Errorf("got %q", got)
	}
}

// A follow must not end while an envctl restart or up works on the project.
func TestProjectBusyReadsTheLockHolder(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	api, err := client.NewClientWithOpts(client.WithHost("unix:///nonexistent.sock"))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{api: api}
	path := e.lockPath("p")
	if e.projectBusy("p") {
		t.Error("busy without a lock file")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	for content, want := range map[string]bool{
		"": false, // released
		"pid " + strconv.Itoa(os.Getpid()) + "\n": true,
		"pid 2147483646\n":                        false, // its holder died
	} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := e.projectBusy("p"); got != want {
			t.Errorf("lock file %q: busy %v, want %v", content, got, want)
		}
	}
}
