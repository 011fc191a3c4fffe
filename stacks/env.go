package stacks

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// placeholder starts every value in a .env.example that must be a secret of the
// user's own: EnsureEnv replaces each with a random one.
const placeholder = "change-me"

// EnsureEnv makes dir/.env from dir/.env.example when there is none yet, with
// a random value for every placeholder, and says whether it did. An existing
// .env is never read or changed. A stack without .env.example needs none.
func EnsureEnv(dir string) (bool, error) {
	path := filepath.Join(dir, EnvFile)
	if _, err := os.Lstat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	example, err := os.ReadFile(filepath.Join(dir, ".env.example"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	content, err := GenerateEnv(example, rand.Reader)
	if err != nil {
		return false, err
	}
	// O_EXCL: of two envctl racing here, one writes, and neither overwrites.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(path)
		return false, err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return false, err
	}
	return true, nil
}

// GenerateEnv copies a .env.example, replacing each value that starts with
// the placeholder by 32 random hex digits: safe unquoted in .env files, shells,
// URLs, SQL and htpasswd. Comments and other values stay as they are.
func GenerateEnv(example []byte, random io.Reader) ([]byte, error) {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(example))
	for sc.Scan() {
		line := sc.Text()
		key, value, ok := strings.Cut(line, "=")
		trimmed := strings.TrimSpace(key)
		if ok && trimmed != "" && !strings.HasPrefix(trimmed, "#") && strings.HasPrefix(strings.Trim(value, `"'`), placeholder) {
			secret := make([]byte, 16)
			if _, err := io.ReadFull(random, secret); err != nil {
				return nil, fmt.Errorf("generating a password: %w", err)
			}
			line = key + "=" + hex.EncodeToString(secret)
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.Bytes(), sc.Err()
}
