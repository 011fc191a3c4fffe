package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// run calls Main as the binary would and returns exit code, stdout and stderr.
func run(t *testing.T, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, env)
	return code, out.String(), errOut.String()
}
