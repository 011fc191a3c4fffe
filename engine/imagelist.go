package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/docker/docker/errdefs"
)

// ImageInfo is one line of `images`: the image a container runs.
type ImageInfo struct {
	ContainerName string `json:"ContainerName"`
	Repository    string `json:"Repository"`
	Tag           string `json:"Tag"`
	ID            string `json:"ID"`
	Platform      string `json:"Platform"`
	Size          int64  `json:"Size"`
	LastTagTime   string `json:"LastTagTime"`
}

// Images lists the images of the services' containers.
func (e *Engine) Images(ctx context.Context, projectName string, services []string) ([]ImageInfo, error) {
	list, err := e.serviceContainers(ctx, projectName, services, true)
	if err != nil {
		return nil, err
	}
	var out []ImageInfo
	for _, c := range list {
		img, err := e.api.ImageInspect(ctx, c.ImageID)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("image of %s: %w", containerName(c), err)
		}
		repo, tag := splitRef(pickTag(c.Image, img.RepoTags))
		info := ImageInfo{ContainerName: containerName(c), Repository: repo, Tag: tag, ID: img.ID,
			Platform: img.Os + "/" + img.Architecture, Size: img.Size}
		if !img.Metadata.LastTagTime.IsZero() {
			info.LastTagTime = img.Metadata.LastTagTime.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ContainerName < out[j].ContainerName })
	return out, nil
}

// pickTag prefers the reference the container was created from.
func pickTag(ref string, tags []string) string {
	for _, t := range tags {
		if t == ref || t == ref+":latest" {
			return t
		}
	}
	if len(tags) > 0 {
		return tags[0]
	}
	if strings.HasPrefix(ref, "sha256:") {
		return "<none>:<none>"
	}
	return ref
}

func splitRef(ref string) (string, string) {
	slash := strings.LastIndexByte(ref, '/')
	if i := strings.LastIndexByte(ref, ':'); i > slash {
		return ref[:i], ref[i+1:]
	}
	return ref, "latest"
}
