package project

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/compose-spec/compose-go/v2/types"
)

// ServiceHash is the config hash stored on containers: it changes exactly when
// the container would be created differently. Build, pull policy, scale,
// replicas, depends_on and profiles are left out because changing them changes
// how many containers exist or how they are obtained, not what any one of them
// is. The same definition as docker compose, so either tool sees the other's
// containers as up to date.
func ServiceHash(s types.ServiceConfig) (string, error) {
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
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
