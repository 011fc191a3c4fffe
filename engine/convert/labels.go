// Package convert turns a compose service into the Docker Engine API's
// container, host and network configuration. It is pure: references to other
// containers and volumes are resolved by the caller and passed in.
package convert

// Labels shared with docker compose, so that each tool sees the other's objects.
const (
	LabelProject     = "com.docker.compose.project"
	LabelService     = "com.docker.compose.service"
	LabelNumber      = "com.docker.compose.container-number"
	LabelOneOff      = "com.docker.compose.oneoff"
	LabelConfigHash  = "com.docker.compose.config-hash"
	LabelWorkingDir  = "com.docker.compose.project.working_dir"
	LabelConfigFiles = "com.docker.compose.project.config_files"
	LabelEnvFile     = "com.docker.compose.project.environment_file"
	LabelNetwork     = "com.docker.compose.network"
	LabelVolume      = "com.docker.compose.volume"
	LabelVersion     = "com.docker.compose.version"
	LabelDependsOn   = "com.docker.compose.depends_on"
	LabelImage       = "com.docker.compose.image"
	LabelReplace     = "com.docker.compose.replace"
	LabelSlug        = "com.docker.compose.slug"

	// LabelConfigKeys holds a short hash per service key so a plan can say
	// which keys changed; docker compose does not read it.
	LabelConfigKeys = "dev.envctl.config-keys"
	// LabelAnonTarget marks a volume envctl created for an anonymous mount,
	// with the container path it serves; with the service and number labels it
	// lets a recreated or re-scaled replica find its data again.
	LabelAnonTarget = "dev.envctl.anonymous-volume.target"
)

// ComposeVersion is what envctl writes in com.docker.compose.version: the
// docker compose release whose labels and naming envctl follows.
const ComposeVersion = "2.30.0"
