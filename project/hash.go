package project

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// hashable strips what does not change a container: build, pull policy, scale,
// replicas, depends_on and profiles change how many containers exist or how
// their image is obtained, not what any one of them is. The same definition as
// docker compose, so either tool sees the other's containers as up to date.
func hashable(s types.ServiceConfig) types.ServiceConfig {
	s.Build = nil
	s.PullPolicy = ""
	s.Scale = nil
	if s.Deploy != nil {
		d := *s.Deploy
		d.Replicas = nil
		s.Deploy = &d
	}
	s.DependsOn = nil
	s.Profiles = nil
	return s
}

// ServiceHash is the config hash stored on containers: it changes exactly when
// the container would be created differently.
func ServiceHash(s types.ServiceConfig) (string, error) {
	b, err := json.Marshal(hashable(s))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// KeyHashes hashes each top-level key of the service on its own (8 hex
// digits), so that a plan can say which keys changed, not only that one did.
func KeyHashes(s types.ServiceConfig) (map[string]string, error) {
	b, err := json.Marshal(hashable(s))
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		sum := sha256.Sum256(v)
		out[k] = hex.EncodeToString(sum[:4])
	}
	return out, nil
}

// FormatKeyHashes renders key hashes as one label value: key=hash,key=hash.
func FormatKeyHashes(h map[string]string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + h[k]
	}
	return strings.Join(parts, ",")
}

// ParseKeyHashes reads a label written by FormatKeyHashes.
func ParseKeyHashes(label string) map[string]string {
	if label == "" {
		return nil
	}
	out := map[string]string{}
	for _, part := range strings.Split(label, ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			out[k] = v
		}
	}
	return out
}

// ChangedKeys lists the keys whose hashes differ, in name order.
func ChangedKeys(old, cur map[string]string) []string {
	var out []string
	for k, v := range cur {
		if old[k] != v {
			out = append(out, k)
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
