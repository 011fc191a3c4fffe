// Package spec is the project description the benchmark harness hands to the
// floor program: the same services as the compose file, already resolved, so
// the floor measures engine work and nothing else.
package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"time"
)

// Labels the floor writes, the ones docker compose and envctl read back.
const (
	LabelProject    = "com.docker.compose.project"
	LabelService    = "com.docker.compose.service"
	LabelNumber     = "com.docker.compose.container-number"
	LabelOneOff     = "com.docker.compose.oneoff"
	LabelConfigHash = "com.docker.compose.config-hash"
	LabelNetwork    = "com.docker.compose.network"
)

// Project is one benchmark project.
type Project struct {
	Name     string    `json:"name"`
	Services []Service `json:"services"`
}

// Service is one service with one replica.
type Service struct {
	Name        string   `json:"name"`
	Image       string   `json:"image"`
	Command     []string `json:"command,omitempty"`
	Environment []string `json:"environment,omitempty"`
	DependsOn   []Dep    `json:"depends_on,omitempty"`
	Health      *Health  `json:"healthcheck,omitempty"`
	Build       string   `json:"build,omitempty"` // context directory; Image is then the tag
	StopTimeout *int     `json:"stop_timeout,omitempty"`
}

// Dep is one depends_on entry; Healthy means condition service_healthy.
type Dep struct {
	Service string `json:"service"`
	Healthy bool   `json:"healthy,omitempty"`
}

// Health is a healthcheck in Engine API terms.
type Health struct {
	Test     []string      `json:"test"`
	Interval time.Duration `json:"interval"`
	Timeout  time.Duration `json:"timeout,omitempty"`
	Retries  int           `json:"retries,omitempty"`
}

// Network is the project's default network, as compose names it.
func (p *Project) Network() string { return p.Name + "_default" }

// ContainerName is compose's name for the service's only replica.
func (p *Project) ContainerName(s Service) string { return p.Name + "-" + s.Name + "-1" }

// Hash identifies a service's configuration, for the floor's no-op check.
func (s Service) Hash() string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Read loads a project written by Write.
func Read(path string) (*Project, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Project
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Write stores the project as JSON.
func (p *Project) Write(path string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
