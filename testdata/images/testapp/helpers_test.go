package main

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func resetSignals() { signal.Reset(stopSignals...) }

func TestParseArgsInterleaved(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	width := fs.Int("width", 0, "")
	then := fs.String("then", "", "")
	pos, err := parseArgs(fs, []string{"10", "-width", "5", "x", "-then", "sleep", "--", "-y", "z"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10", "x", "-y", "z"}; !reflect.DeepEqual(pos, want) {
		t.Errorf("positional %q, want %q", pos, want)
	}
	if *width != 5 || *then != "sleep" {
		t.Errorf("width %d then %q", *width, *then)
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"1.5s": 1500 * time.Millisecond, "200ms": 200 * time.Millisecond,
		"3": 3 * time.Second, "0.5": 500 * time.Millisecond, "0": 0,
	}
	for in, want := range good {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1s", "-2", "1e300", "NaN"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) accepted", in)
		}
	}
}

func TestSplitCommands(t *testing.T) {
	got := splitCommands([]string{"write", "f", "x", "+", "sleep"})
	want := [][]string{{"write", "f", "x"}, {"sleep"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendLine(t *testing.T) {
	tests := []struct {
		o    linesOptions
		i    int
		want string
	}{
		{linesOptions{}, 7, "7\n"},
		{linesOptions{prefix: "web-"}, 12, "web-12\n"},
		{linesOptions{prefix: "p", width: 6, fill: '.'}, 3, "p3....\n"},
		{linesOptions{width: 2, fill: '.'}, 12345, "12345\n"}, // never truncated
	}
	for _, tt := range tests {
		if got := string(appendLine([]byte("keep:"), tt.o, tt.i)); got != "keep:"+tt.want {
			t.Errorf("appendLine(%+v, %d) = %q, want %q", tt.o, tt.i, got, "keep:"+tt.want)
		}
	}
}

func TestWriteLinesWidth(t *testing.T) {
	var buf bytes.Buffer
	w := newOutput(&buf)
	if err := writeLines(w, linesOptions{n: 1000, width: 5000, fill: 'x', prefix: "L"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 1000 {
		t.Fatalf("%d lines, want 1000", len(lines))
	}
	for i, l := range lines {
		if len(l) != 5000 || !strings.HasPrefix(l, "L"+strconv.Itoa(i+1)+"x") {
			t.Fatalf("line %d: length %d, starts %q", i+1, len(l), l[:10])
		}
	}
}

func BenchmarkLines200k(b *testing.B) {
	w := newOutput(io.Discard)
	for b.Loop() {
		writeLines(w, linesOptions{n: 200000})
	}
}

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("content"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := newTestApp("", "Z=26", "A=1")
	h := a.handler("hello")
	tests := []struct {
		path string
		code int
		body string
	}{
		{"/", 200, "hello\n"},
		{"/env", 200, "A=1\nZ=26\n"},
		{"/health", 200, "ok\n"},
		{"/file?path=" + file, 200, "content"},
		{"/file?path=" + filepath.Join(dir, "nope"), 404, ""},
		{"/file", 400, ""},
		{"/elsewhere", 404, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.code || (tt.body != "" && rec.Body.String() != tt.body) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, rec.Code, rec.Body.String(), tt.code, tt.body)
		}
	}
}
