package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envctl/envctl/engine"
	"github.com/envctl/envctl/project"
)

func TestParseCopyArgs(t *testing.T) {
	p := &project.Project{Project: &types.Project{Services: types.Services{"web": {Name: "web"}, "db": {Name: "db"}}}}
	cases := []struct {
		src, dst string
		want     engine.CopyOptions
		err      string
	}{
		{"web:/etc/hosts", "hosts", engine.CopyOptions{Service: "web", Path: "/etc/hosts", Local: "hosts", FromServ: true}, ""},
		{"./a:b", "db:/tmp", engine.CopyOptions{Service: "db", Path: "/tmp", Local: "./a:b"}, ""},
		{"-", "db:/tmp", engine.CopyOptions{Service: "db", Path: "/tmp", Local: "-"}, ""},
		{"web:/a", "db:/b", engine.CopyOptions{}, "copying between containers is not supported"},
		{"a", "b", engine.CopyOptions{}, "one of the paths must be SERVICE:PATH"},
		{"nosuch:/a", "b", engine.CopyOptions{}, "one of the paths must be SERVICE:PATH"},
		{"web:", "b", engine.CopyOptions{}, "empty path in the service web"},
	}
	for _, c := range cases {
		var got engine.CopyOptions
		err := parseCopyArgs(p, c.src, c.dst, &got)
		if c.err != "" {
			if _, usage := err.(usageError); err == nil || !strings.Contains(err.Error(), c.err) || !usage {
				t.Errorf("%s %s: error %v, want usage error %q", c.src, c.dst, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %s: %+v %v, want %+v", c.src, c.dst, got, err, c.want)
		}
	}
}

func TestEventLine(t *testing.T) {
	ev := engine.Event{Time: time.Date(2026, 12, 1, 10, 2, 3, 456789000, time.Local), Type: "container", Action: "start",
		ID: "abc", Service: "web", Attributes: map[string]string{"name": "p-web-1", "image": "img"}}
	if got, want := eventLine(ev), "2026-12-01 10:02:03.456789 container start abc (image=img, name=p-web-1)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestResolveEnv(t *testing.T) {
	app := &App{Env: []string{"HOME_DIR=/h", "EMPTY="}}
	got := resolveEnv(app, []string{"A=1", "HOME_DIR", "EMPTY", "UNSET", "B=x=y"})
	if want := "A=1 HOME_DIR=/h EMPTY= B=x=y"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// Bad flags of the new verbs are usage errors (exit 2), caught before any
// engine call.
func TestWorkVerbsRejectBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte("services:\n  web:\n    image: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"exec", "web"}, 2, "requires at least 2 arg"},
		{[]string{"exec", "nosuch", "ls"}, 1, "no such service: nosuch"},
		{[]string{"run"}, 2, "requires at least 1 arg"},
		{[]string{"run", "-l", "novalue", "web"}, 2, `invalid --label "novalue"`},
		{[]string{"run", "--entrypoint", "'unclosed", "web"}, 2, "invalid --entrypoint"},
		{[]string{"port", "web", "http"}, 2, `invalid port "http"`},
		{[]string{"port", "--protocol", "icmp", "web", "80"}, 2, `invalid --protocol "icmp"`},
		{[]string{"images", "--format", "yaml"}, 2, `invalid --format "yaml"`},
		{[]string{"cp", "a", "b"}, 2, "one of the paths must be SERVICE:PATH"},
		{[]string{"wait"}, 2, "requires at least 1 arg"},
		{[]string{"attach", "a", "b"}, 2, "accepts 1 arg"},
		{[]string{"top", "nosuch"}, 1, "no such service: nosuch"},
	}
	for _, c := range cases {
		code, _, stderr := run(t, []string{"DOCKER_HOST=unix:///nonexistent"}, "", append([]string{"-f", file}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.msg) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}
