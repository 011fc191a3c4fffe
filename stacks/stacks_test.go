package stacks

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestListNamesTheShippedStacks(t *testing.T) {
	got := strings.Join(Names(), ",")
	if got != "distribution,wordpress" {
		t.Fatalf("stacks %q, want distribution,wordpress", got)
	}
	for _, s := range List() {
		if s.Title == "" || strings.HasPrefix(s.Title, "#") {
			t.Errorf("stack %s: title %q", s.Name, s.Title)
		}
	}
	if _, ok := Lookup("lib"); ok {
		t.Error("lib is listed as a stack")
	}
}

// The embed patterns name dot files one by one (so a developer's .env stays out
// of the binary): every other file of the source tree must be embedded, with
// the mode Extract will give it.
func TestEveryFileOfTheSourceTreeIsEmbedded(t *testing.T) {
	for _, top := range append(Names(), lib) {
		err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == EnvFile {
				return err
			}
			rel := filepath.ToSlash(p)
			data, err := embedded.ReadFile(rel)
			if err != nil {
				t.Errorf("%s is not embedded: add it to the go:embed lines in stacks.go", rel)
				return nil
			}
			disk, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !bytes.Equal(data, disk) {
				t.Errorf("%s: embedded copy differs", rel)
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if exec, want := info.Mode().Perm()&0o100 != 0, modeOf(data) == 0o755; exec != want {
				t.Errorf("%s: executable %v on disk, %v when extracted (scripts start with #! and are executable)", rel, exec, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestExtractRefreshesOnlyWhatIsShipped(t *testing.T) {
	root := t.TempDir()
	dir, err := Extract(root, "wordpress")
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(root, "wordpress") {
		t.Fatalf("dir %s", dir)
	}
	for _, p := range []string{"wordpress/compose.yaml", "wordpress/.env.example", "lib/images.sh"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "offline/build.sh"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("build.sh: %v %v", st.Mode(), err)
	}

	compose := filepath.Join(dir, "compose.yaml")
	shipped, _ := os.ReadFile(compose)
	write(t, compose, "edited")
	write(t, filepath.Join(dir, EnvFile), "MINE=1\n")
	write(t, filepath.Join(dir, "notes.txt"), "mine")
	// a file an older binary shipped, and this one does not
	write(t, filepath.Join(dir, "old/gone.txt"), "old")
	manifest := filepath.Join(dir, manifestName)
	m, _ := os.ReadFile(manifest)
	write(t, manifest, string(m)+"old/gone.txt\n.env\n")

	if _, err := Extract(root, "wordpress"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(compose); !bytes.Equal(got, shipped) {
		t.Error("compose.yaml not restored")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, EnvFile)); string(got) != "MINE=1\n" {
		t.Errorf(".env changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("a file of the user's was removed")
	}
	if _, err := os.Stat(filepath.Join(dir, "old")); !os.IsNotExist(err) {
		t.Errorf("a file no longer shipped is left: %v", err)
	}
	if _, err := Extract(root, "nosuch"); err == nil {
		t.Error("unknown stack extracted")
	}
}

func TestGenerateEnvReplacesEveryPlaceholder(t *testing.T) {
	example := "# comment with change-me\nPORT=443\nA=change-me-a\nB=\"change-me\"\nC=keep\n"
	got, err := GenerateEnv([]byte(example), bytes.NewReader(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, 4)))
	if err != nil {
		t.Fatal(err)
	}
	want := "# comment with change-me\nPORT=443\nA=0102030405060708090a0b0c0d0e0f10\nB=1112010203040506070809" +
		"0a0b0c0d0e\nC=keep\n"
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEnsureEnvMakesEnvOnce(t *testing.T) {
	root := t.TempDir()
	dir, err := Extract(root, "distribution")
	if err != nil {
		t.Fatal(err)
	}
	created, err := EnsureEnv(dir)
	if err != nil || !created {
		t.Fatalf("created %v, %v", created, err)
	}
	path := filepath.Join(dir, EnvFile)
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf(".env mode %v", st.Mode())
	}
	first, _ := os.ReadFile(path)
	if bytes.Contains(first, []byte(placeholder)) {
		t.Errorf("placeholder left in .env:\n%s", first)
	}
	if !bytes.Contains(first, []byte("REGISTRY_USER=admin\n")) {
		t.Errorf("plain values not kept:\n%s", first)
	}
	created, err = EnsureEnv(dir)
	if err != nil || created {
		t.Fatalf("second call: created %v, %v", created, err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(first, again) {
		t.Error(".env rewritten")
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFromImagesSkipsStagesScratchAndArgs(t *testing.T) {
	df := "ARG GO=1.26\nFROM golang:${GO} AS tools\nFROM --platform=linux/amd64 golang:1.26 AS build\n" +
		"from alpine:3.21.3\nFROM build AS again\nFROM scratch\nCOPY --from=build /x /x\n"
	got := strings.Join(FromImages([]byte(df)), ",")
	if got != "golang:1.26,alpine:3.21.3" {
		t.Fatalf("got %s", got)
	}
}
