package build

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tarFiles lists the regular files of the context and their content.
func tarFiles(t *testing.T, s Source) (map[string]string, string) {
	t.Helper()
	c, err := Tar(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Body.Close()
	out := map[string]string{}
	tr := tar.NewReader(c.Body)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s owned by %d:%d, want 0:0", h.Name, h.Uid, h.Gid)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
	return out, c.Dockerfile
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestTarHonoursDockerignore(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Dockerfile":           "FROM scratch\n",
		".dockerignore":        "secret.txt\n**/*.log\n!keep.log\ndocs/**\n!docs/README.md\n# comment\nnode_modules\n",
		"secret.txt":           "s3cret",
		"app.txt":              "app",
		"a.log":                "x",
		"keep.log":             "kept",
		"sub/deep/b.log":       "x",
		"sub/deep/c.txt":       "c",
		"docs/README.md":       "readme",
		"docs/internal/x.md":   "x",
		"node_modules/m/i.js":  "x",
		"sub/node_modules/k.j": "not at the root: kept",
	})
	files, df := tarFiles(t, Source{Dir: dir})
	want := []string{".dockerignore", "Dockerfile", "app.txt", "docs/README.md", "keep.log", "sub/deep/c.txt", "sub/node_modules/k.j"}
	if got := names(files); !slices.Equal(got, want) {
		t.Errorf("files:\n got %v\nwant %v", got, want)
	}
	if df != "Dockerfile" {
		t.Errorf("dockerfile %q", df)
	}
}

func TestTarKeepsExcludedBuildFiles(t *testing.T) {
	// the engine must read both even when excluded; it drops them itself
	dir := writeTree(t, map[string]string{
		"build/app.Dockerfile": "FROM scratch\n",
		".dockerignore":        "*\n!src\n",
		"src/main.go":          "package main",
		"other":                "x",
	})
	files, df := tarFiles(t, Source{Dir: dir, Dockerfile: "build/app.Dockerfile"})
	want := []string{".dockerignore", "build/app.Dockerfile", "src/main.go"}
	if got := names(files); !slices.Equal(got, want) {
		t.Errorf("files:\n got %v\nwant %v", got, want)
	}
	if df != "build/app.Dockerfile" {
		t.Errorf("dockerfile %q", df)
	}
}

func TestDockerfileSpecificIgnoreWins(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Dockerfile":              "FROM scratch\n",
		"Dockerfile.dockerignore": "only-for-dockerfile\n",
		"prod.Dockerfile":         "FROM scratch\n",
		".dockerignore":           "general\n",
		"general":                 "g",
		"only-for-dockerfile":     "o",
	})
	files, _ := tarFiles(t, Source{Dir: dir})
	if _, ok := files["only-for-dockerfile"]; ok {
		t.Error("Dockerfile.dockerignore not applied")
	}
	if _, ok := files["general"]; !ok {
		t.Error(".dockerignore applied although Dockerfile.dockerignore exists")
	}
	// another Dockerfile without its own ignore file falls back to .dockerignore
	files, _ = tarFiles(t, Source{Dir: dir, Dockerfile: "prod.Dockerfile"})
	if _, ok := files["general"]; ok {
		t.Error(".dockerignore not applied for prod.Dockerfile")
	}
	if _, ok := files["only-for-dockerfile"]; !ok {
		t.Error("Dockerfile.dockerignore applied to prod.Dockerfile")
	}
}

func TestDockerfileOutsideContext(t *testing.T) {
	root := writeTree(t, map[string]string{
		"ctx/app.txt":                        "app",
		"ctx/.dockerignore":                  "ignored\n",
		"ctx/ignored":                        "x",
		"docker/web.Dockerfile":              "FROM scratch\nCOPY . /\n",
		"docker/web.Dockerfile.dockerignore": "app.txt\n",
	})
	files, df := tarFiles(t, Source{Dir: filepath.Join(root, "ctx"), Dockerfile: filepath.Join(root, "docker/web.Dockerfile")})
	if !strings.HasPrefix(df, ".dockerfile.") {
		t.Fatalf("dockerfile name %q", df)
	}
	if files[df] != "FROM scratch\nCOPY . /\n" {
		t.Errorf("dockerfile content %q", files[df])
	}
	// the Dockerfile's own ignore file applies; the engine is told to leave the added Dockerfile out of COPY
	if _, ok := files["app.txt"]; ok {
		t.Error("web.Dockerfile.dockerignore not applied")
	}
	if _, ok := files["ignored"]; !ok {
		t.Error(".dockerignore applied although the Dockerfile has its own")
	}
	if !strings.HasSuffix(files[".dockerignore"], df+"\n") {
		t.Errorf(".dockerignore does not list the added Dockerfile: %q", files[".dockerignore"])
	}
}

func TestInlineDockerfile(t *testing.T) {
	dir := writeTree(t, map[string]string{"a": "a"})
	files, df := tarFiles(t, Source{Dir: dir, Inline: "FROM scratch\nCOPY a /a\n"})
	if files[df] != "FROM scratch\nCOPY a /a\n" {
		t.Errorf("inline dockerfile %q = %q", df, files[df])
	}
	if files[".dockerignore"] != df+"\n" {
		t.Errorf(".dockerignore %q", files[".dockerignore"])
	}
}

func TestTarMissingDockerfile(t *testing.T) {
	dir := writeTree(t, map[string]string{"a": "a"})
	if _, err := Tar(Source{Dir: dir}); err == nil || !strings.Contains(err.Error(), "Dockerfile") {
		t.Errorf("err = %v", err)
	}
}

func TestRewrittenDockerfileKeepsItsIgnoreFile(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Dockerfile":              "FROM base\n",
		"Dockerfile.dockerignore": "x\n",
		"x":                       "x",
		"y":                       "y",
	})
	files, df := tarFiles(t, Source{Dir: dir, Dockerfile: "Dockerfile", Inline: "FROM e2e-base\n"})
	if files[df] != "FROM e2e-base\n" {
		t.Errorf("dockerfile %q = %q", df, files[df])
	}
	if _, ok := files["x"]; ok {
		t.Error("Dockerfile.dockerignore not applied to the rewritten Dockerfile")
	}
}
