package convert

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
)

func mounts(in Input, h *container.HostConfig, out *Output) error {
	s := in.Service
	for i, v := range s.Volumes {
		where := fmt.Sprintf("services.%s.volumes[%d]", s.Name, i)
		switch v.Type {
		case types.VolumeTypeBind:
			h.Binds = append(h.Binds, bind(v))
		case types.VolumeTypeVolume:
			m := mount.Mount{Type: mount.TypeVolume, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Source == "" {
				m.Source = in.AnonVolumes[v.Target]
			} else {
				m.Source = in.Project.VolumeName(v.Source)
			}
			if v.Volume != nil {
				m.VolumeOptions = &mount.VolumeOptions{NoCopy: v.Volume.NoCopy, Labels: v.Volume.Labels}
				if v.Volume.Subpath != "" {
					if !versionAtLeast(in.APIVersion, "1.45") {
						return fmt.Errorf("%s: volume subpath needs Engine API 1.45 (Docker 26); this engine speaks %s", where, in.APIVersion)
					}
					m.VolumeOptions.Subpath = v.Volume.Subpath
				}
			}
			h.Mounts = append(h.Mounts, m)
		case types.VolumeTypeTmpfs:
			// HostConfig.Tmpfs, not a tmpfs mount: the engine (20.10) fails
			// to create a container with volumes_from a container that has a
			// tmpfs mount ("get: no such volume"); tmpfs is never shared anyway
			if h.Tmpfs == nil {
				h.Tmpfs = map[string]string{}
			}
			h.Tmpfs[v.Target] = tmpfsOptions(v)
		default:
			return fmt.Errorf("%s: volume type %q is not supported by envctl", where, v.Type)
		}
	}
	return secretsAndConfigs(in, h, out)
}

func tmpfsOptions(v types.ServiceVolumeConfig) string {
	var opts []string
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	if v.Tmpfs != nil {
		if v.Tmpfs.Size > 0 {
			opts = append(opts, "size="+strconv.FormatInt(int64(v.Tmpfs.Size), 10))
		}
		if v.Tmpfs.Mode != 0 {
			opts = append(opts, "mode="+strconv.FormatUint(uint64(v.Tmpfs.Mode), 8))
		}
	}
	return strings.Join(opts, ",")
}

// bind uses the Binds form, which creates a missing host directory as docker
// compose's short syntax promises.
func bind(v types.ServiceVolumeConfig) string {
	opts := []string{}
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	if v.Bind != nil {
		if v.Bind.SELinux != "" {
			opts = append(opts, v.Bind.SELinux)
		}
		if v.Bind.Propagation != "" {
			opts = append(opts, v.Bind.Propagation)
		}
	}
	spec := v.Source + ":" + v.Target
	if len(opts) > 0 {
		spec += ":" + strings.Join(opts, ",")
	}
	return spec
}

// secretsAndConfigs mounts file-backed secrets and configs read-only and
// queues environment- or content-backed ones to be copied in after create:
// outside swarm there is no secret store, which is what docker compose does too.
func secretsAndConfigs(in Input, h *container.HostConfig, out *Output) error {
	p := in.Project
	for _, ref := range in.Service.Secrets {
		def := p.Secrets[ref.Source]
		target := ref.Target
		if target == "" {
			target = ref.Source
		}
		if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		if err := fileObject(types.FileObjectConfig(def), types.FileReferenceConfig(ref), target, p.Environment, h, out); err != nil {
			return fmt.Errorf("secret %s: %w", ref.Source, err)
		}
	}
	for _, ref := range in.Service.Configs {
		def := p.Configs[ref.Source]
		target := ref.Target
		if target == "" {
			target = "/" + ref.Source
		}
		if err := fileObject(types.FileObjectConfig(def), types.FileReferenceConfig(ref), target, p.Environment, h, out); err != nil {
			return fmt.Errorf("config %s: %w", ref.Source, err)
		}
	}
	return nil
}

func fileObject(def types.FileObjectConfig, ref types.FileReferenceConfig, target string, env types.Mapping, h *container.HostConfig, out *Output) error {
	switch {
	case def.File != "":
		h.Mounts = append(h.Mounts, mount.Mount{Type: mount.TypeBind, Source: def.File, Target: target, ReadOnly: true})
		return nil
	case def.Environment != "" || def.Content != "":
		// compose-go fills Content from the project environment when loading
		content := def.Content
		if content == "" && def.Environment != "" {
			content = env[def.Environment]
		}
		fc := FileCopy{Path: target, Content: []byte(content), Mode: 0o444}
		if ref.Mode != nil {
			fc.Mode = int64(*ref.Mode)
		}
		fc.UID, _ = strconv.Atoi(ref.UID)
		fc.GID, _ = strconv.Atoi(ref.GID)
		out.Copies = append(out.Copies, fc)
		return nil
	case bool(def.External):
		return fmt.Errorf("external secrets and configs need swarm mode")
	}
	return fmt.Errorf("no file, environment or content source")
}
