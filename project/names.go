package project

import (
	"fmt"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// CheckName refuses a project name given with -p or COMPOSE_PROJECT_NAME that
// compose would have to change to use.
func CheckName(name string) error {
	if loader.NormalizeProjectName(name) != name {
		return &Error{Msg: fmt.Sprintf("invalid project name %q: use lowercase letters, digits, '-' and '_', starting with a letter or digit", name)}
	}
	return nil
}

// separator joins project, service and number in generated names: "-" as docker
// compose does, "_" for legacy-format projects as docker-compose v1 did.
func (p *Project) separator() string {
	if p.Legacy {
		return "_"
	}
	return "-"
}

// ImageName is the service's image, or the name envctl gives the image it builds.
func (p *Project) ImageName(s types.ServiceConfig) string {
	if s.Image != "" {
		return s.Image
	}
	return p.Name + p.separator() + s.Name
}

// ContainerName is the name of replica n of a service.
func (p *Project) ContainerName(s types.ServiceConfig, n int) string {
	if s.ContainerName != "" {
		return s.ContainerName
	}
	return fmt.Sprintf("%s%s%s%s%d", p.Name, p.separator(), s.Name, p.separator(), n)
}

// OneOffName is the name of a `run` container.
func (p *Project) OneOffName(s types.ServiceConfig, id string) string {
	sep := p.separator()
	return p.Name + sep + s.Name + sep + "run" + sep + id
}

// NetworkName is the engine name of a project network.
func (p *Project) NetworkName(key string) string {
	if n, ok := p.Networks[key]; ok && n.Name != "" {
		return n.Name
	}
	return p.Name + "_" + key
}

// VolumeName is the engine name of a project volume.
func (p *Project) VolumeName(key string) string {
	if v, ok := p.Volumes[key]; ok && v.Name != "" {
		return v.Name
	}
	return p.Name + "_" + key
}
