package e2e

import (
	"context"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// offlineBuild is one run of a stack's offline/build.sh, shared by the tests
// of this binary (the script itself caches by content hash across runs).
type offlineBuild struct {
	once sync.Once
	out  string
	err  error
	took time.Duration
}

var offlineBuilds sync.Map // stack name → *offlineBuild

// offlineImages builds the stack's offline images, as its README says.
func offlineImages(t *testing.T, stack string) {
	t.Helper()
	v, _ := offlineBuilds.LoadOrStore(stack, &offlineBuild{})
	b := v.(*offlineBuild)
	b.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		start := time.Now()
		out, err := exec.CommandContext(ctx, filepath.Join(repo, "stacks", stack, "offline", "build.sh")).CombinedOutput()
		b.out, b.err, b.took = string(out), err, time.Since(start)
	})
	if b.err != nil {
		t.Fatalf("stacks/%s/offline/build.sh: %v\n%s", stack, b.err, b.out)
	}
	t.Logf("offline images of %s ready (the build took %s):\n%s", stack, b.took.Round(time.Second), b.out)
}

// freePort is a TCP port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// copyTree copies a source directory (files and modes) into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Name() == ".env" {
			return nil // a developer's own settings never reach a test
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// volumeFile reads a file from one of the project's volumes, through a
// throw-away container labelled with the project (so a purge finds it).
func volumeFile(t *testing.T, project, volume, path string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "run", "--rm",
		"--label", "com.docker.compose.project="+project,
		"-v", project+"_"+volume+":/v:ro", testapp, "-quiet", "read", "/v/"+path).Output()
	if err != nil {
		t.Fatalf("reading %s from volume %s_%s: %v", path, project, volume, err)
	}
	return out
}

// chromium opens url in headless Chromium (Debian's package), saves a
// screenshot to png and returns the DOM after the page's scripts ran.
func chromium(t *testing.T, url, png string) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (make tools installs it)")
	}
	profile := t.TempDir()
	run := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		// root needs --no-sandbox; the stack's certificate is self-signed
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--ignore-certificate-errors", "--user-data-dir=" + profile, "--window-size=1280,900",
			"--virtual-time-budget=15000"}
		cmd := exec.CommandContext(ctx, bin, append(append(base, args...), url)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	run("--screenshot=" + png)
	return run("--dump-dom")
}
