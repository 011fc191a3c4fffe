package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/envctl/envctl/bench/spec"
)

const testapp = "envctl-test/testapp:latest"

// proj is one scenario's project on disk: the compose file every compose
// tool reads and the same services as a spec for the floor.
type proj struct {
	name     string
	dir      string
	spec     *spec.Project
	specPath string
}

// write puts the compose file and the spec into the project directory.
func (p *proj) write(s *spec.Project) error {
	p.spec = s
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(p.dir, "docker-compose.yml"), []byte(composeFile(s)), 0o644); err != nil {
		return err
	}
	p.specPath = filepath.Join(p.dir, "spec.json")
	return s.Write(p.specPath)
}

func sleeper(name string) spec.Service {
	return spec.Service{Name: name, Image: testapp, Environment: []string{"BENCH_REV=1"}}
}

// layered is layers × width services; each depends on every service of the
// layer before it.
func layered(name string, layers, width int) *spec.Project {
	p := &spec.Project{Name: name}
	for l := 1; l <= layers; l++ {
		for i := 1; i <= width; i++ {
			s := sleeper(fmt.Sprintf("l%ds%d", l, i))
			if l > 1 {
				for j := 1; j <= width; j++ {
					s.DependsOn = append(s.DependsOn, spec.Dep{Service: fmt.Sprintf("l%ds%d", l-1, j)})
				}
			}
			p.Services = append(p.Services, s)
		}
	}
	return p
}

func independent(name string, n int) *spec.Project {
	p := &spec.Project{Name: name}
	for i := 1; i <= n; i++ {
		p.Services = append(p.Services, sleeper(fmt.Sprintf("s%d", i)))
	}
	return p
}

// healthChain is n services, each service_healthy on the one before; each
// is healthy once its ready file exists (at once), as the first check, one
// interval after start, finds.
func healthChain(name string, n int, interval time.Duration) *spec.Project {
	p := &spec.Project{Name: name}
	for i := 1; i <= n; i++ {
		s := sleeper(fmt.Sprintf("c%d", i))
		s.Command = []string{"sleep", "-ready-file", "/tmp/ready"}
		s.Health = &spec.Health{Test: []string{"CMD", "/testapp", "health", "-file", "/tmp/ready"}, Interval: interval}
		if i > 1 {
			s.DependsOn = []spec.Dep{{Service: fmt.Sprintf("c%d", i-1), Healthy: true}}
		}
		p.Services = append(p.Services, s)
	}
	return p
}

// chatty is n services that print lines lines each and exit.
func chatty(name string, n, lines int) *spec.Project {
	p := &spec.Project{Name: name}
	for i := 1; i <= n; i++ {
		s := sleeper(fmt.Sprintf("log%d", i))
		s.Command = []string{"lines", fmt.Sprint(lines), "-prefix", fmt.Sprintf("log%d-", i)}
		p.Services = append(p.Services, s)
	}
	return p
}

// builds is n services each built from its own tiny context.
func builds(name, dir string, n int) *spec.Project {
	p := &spec.Project{Name: name}
	for i := 1; i <= n; i++ {
		svc := fmt.Sprintf("b%d", i)
		p.Services = append(p.Services, spec.Service{
			Name: svc, Image: name + "-" + svc + ":latest", Build: filepath.Join(dir, svc),
		})
	}
	return p
}

// freshContexts writes each build context with new content, so no tool's
// build can come from a cache.
func freshContexts(p *spec.Project) error {
	for _, s := range p.Services {
		if s.Build == "" {
			continue
		}
		if err := os.MkdirAll(s.Build, 0o755); err != nil {
			return err
		}
		nonce := make([]byte, 16)
		_, _ = rand.Read(nonce)
		files := map[string]string{
			"Dockerfile":  "FROM " + testapp + "\nCOPY payload.txt /payload.txt\n",
			"payload.txt": s.Name + " " + hex.EncodeToString(nonce) + "\n",
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(s.Build, name), []byte(content), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// composeFile renders the spec as a Compose Specification file that
// docker-compose v1 reads too (flow lists, long depends_on, duration strings).
func composeFile(p *spec.Project) string {
	var b strings.Builder
	b.WriteString("services:\n")
	for _, s := range p.Services {
		fmt.Fprintf(&b, "  %s:\n", s.Name)
		fmt.Fprintf(&b, "    image: %s\n", s.Image)
		if s.Build != "" {
			fmt.Fprintf(&b, "    build: ./%s\n", filepath.Base(s.Build))
		}
		if s.Command != nil {
			fmt.Fprintf(&b, "    command: %s\n", flow(s.Command))
		}
		if s.Environment != nil {
			fmt.Fprintf(&b, "    environment: %s\n", flow(s.Environment))
		}
		if h := s.Health; h != nil {
			fmt.Fprintf(&b, "    healthcheck:\n      test: %s\n      interval: %s\n", flow(h.Test), h.Interval)
		}
		if len(s.DependsOn) > 0 {
			b.WriteString("    depends_on:\n")
			for _, d := range s.DependsOn {
				cond := "service_started"
				if d.Healthy {
					cond = "service_healthy"
				}
				fmt.Fprintf(&b, "      %s:\n        condition: %s\n", d.Service, cond)
			}
		}
	}
	return b.String()
}

func flow(items []string) string {
	b, _ := json.Marshal(items) // a JSON array is a YAML flow sequence
	return string(b)
}
