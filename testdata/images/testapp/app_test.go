package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testApp is an app whose streams are buffers.
type testApp struct {
	*app
	stdout, stderr *bytes.Buffer
}

func newTestApp(stdin string, env ...string) testApp {
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:    strings.NewReader(stdin),
		out:      newOutput(&stdout),
		errOut:   newOutput(&stderr),
		environ:  func() []string { return env },
		hostname: func() (string, error) { return "box1", nil },
		exit:     func(int) { panic("exit called") },
	}
	return testApp{a, &stdout, &stderr}
}

// runApp runs testapp with args and returns the exit code and the flushed output.
func runApp(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	a := newTestApp(stdin, "B=2", "A=1")
	code := a.run(args)
	a.out.Flush()
	a.errOut.Flush()
	return code, a.stdout.String(), a.stderr.String()
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "dir", "f.txt")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
	}{
		{"echo keeps flags", "", []string{"echo", "a", "-x", "b"}, 0, "a -x b\n"},
		{"env is sorted", "", []string{"env"}, 0, "A=1\nB=2\n"},
		{"hostname", "", []string{"hostname"}, 0, "box1\n"},
		{"cat", "in\nput", []string{"cat"}, 0, "in\nput"},
		{"exit code", "", []string{"exit", "7"}, 7, ""},
		{"exit after prints ready", "", []string{"exit", "3", "-after", "1ms"}, 3, "ready\n"},
		{"exit quiet", "", []string{"-quiet", "exit", "3", "-after", "1ms"}, 3, ""},
		{"sleep prints ready", "", []string{"sleep", "0.001"}, 0, "ready\n"},
		{"write then read", "", []string{"write", file, "hello", "world", "+", "read", file}, 0, "hello world\n"},
		{"write -append", "", []string{"write", file, "one", "+", "write", "-append", file, "two", "+", "read", file}, 0, "one\ntwo\n"},
		{"read missing", "", []string{"read", filepath.Join(dir, "nope")}, 1, ""},
		{"chain stops at failure", "", []string{"echo", "a", "+", "exit", "4", "+", "echo", "b"}, 4, "a\n"},
		{"health file present", "", []string{"write", file, "x", "+", "health", "-file", file}, 0, ""},
		{"health file missing", "", []string{"health", "-file", filepath.Join(dir, "nope")}, 1, ""},
		{"lines", "", []string{"lines", "3", "-prefix", "p"}, 0, "p1\np2\np3\n"},
		{"term per command", "", []string{"exit", "0", "-term", "ignore"}, 0, ""},
		{"unknown command", "", []string{"frob"}, 2, ""},
		{"no command", "", nil, 2, ""},
		{"empty command in chain", "", []string{"echo", "a", "+"}, 2, ""},
		{"bad term", "", []string{"-term", "maybe", "echo", "a"}, 2, ""},
		{"bad flag anywhere runs nothing", "", []string{"echo", "a", "+", "lines", "1", "-nope"}, 2, ""},
		{"exit code range", "", []string{"exit", "256"}, 2, ""},
		{"health needs one of file and url", "", []string{"health"}, 2, ""},
		{"write needs text", "", []string{"write", file}, 2, ""},
		{"lines -then", "", []string{"lines", "1", "-then", "later"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runApp(t, tt.stdin, tt.args...)
			if code != tt.code || stdout != tt.stdout {
				t.Errorf("testapp %q = %d, stdout %q (stderr %q); want %d, %q",
					tt.args, code, stdout, stderr, tt.code, tt.stdout)
			}
			if code == 2 && stderr == "" {
				t.Errorf("testapp %q: usage error without a message", tt.args)
			}
		})
	}
}

func TestLinesToStderr(t *testing.T) {
	code, stdout, stderr := runApp(t, "", "lines", "2", "-stderr")
	if code != 0 || stdout != "" || stderr != "1\n2\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestCommonFlagsBeforeAndAfterCommand(t *testing.T) {
	for _, args := range [][]string{
		{"-term", "trap", "-term-delay", "2s", "exit", "0"},
		{"exit", "0", "-term", "trap", "-term-delay", "2"},
	} {
		a := newTestApp("")
		if code := a.run(args); code != 0 {
			t.Fatalf("%q: exit %d", args, code)
		}
		if a.common.term != "trap" || a.common.termDelay != 2*time.Second {
			t.Errorf("%q: common = %+v", args, a.common)
		}
	}
}

func TestHealthURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ok" {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if code, _, stderr := runApp(t, "", "health", "-url", srv.URL+"/ok"); code != 0 {
		t.Errorf("healthy URL: exit %d (%s)", code, stderr)
	}
	if code, _, _ := runApp(t, "", "health", "-url", srv.URL+"/down"); code != 1 {
		t.Errorf("503 URL: exit %d, want 1", code)
	}
}

func TestReadyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a", "ready")
	code, _, _ := runApp(t, "", "-ready-file", file, "-ready-after", "1ms", "sleep", "0.2")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("ready file not created: %v", err)
	}
}

func TestTrapPrintsSignalAndExitsZero(t *testing.T) {
	a := newTestApp("")
	a.common = common{term: "trap"}
	exited := make(chan int, 1)
	a.exit = func(code int) { exited <- code }
	a.setupSignals()
	defer resetSignals()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("exit code %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM not handled")
	}
	if got := a.stdout.String(); got != "got SIGTERM\n" {
		t.Errorf("stdout %q, want %q", got, "got SIGTERM\n")
	}
}
