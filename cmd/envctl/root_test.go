package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -f and -p before the subcommand are --file and --project-name; after it
// they are the subcommand's own (rm -f, logs -f), as in docker compose.
func TestGlobalShorthandsDoNotClashWithSubcommands(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(file, []byte("services:\n  web:\n    image: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, nil, "", "-f", file, "-p", "shorthands", "config", "--services")
	if code != 0 || strings.TrimSpace(out) != "web" {
		t.Fatalf("-f before config: exit %d, out %q, stderr %q", code, out, stderr)
	}
	for _, args := range [][]string{{"rm", "--help"}, {"logs", "--help"}} {
		code, out, stderr := run(t, nil, "", args...)
		if code != 0 || !strings.Contains(out, "-f, --") {
			t.Errorf("%v: exit %d, stderr %q, out:\n%s", args, code, stderr, out)
		}
	}
	code, _, stderr = run(t, nil, "", "-f", file, "config", "-p", "late")
	if code != exitUsage || !strings.Contains(stderr, "unknown shorthand flag: 'p'") {
		t.Errorf("-p after config: exit %d, stderr %q", code, stderr)
	}
}
