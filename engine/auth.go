package engine

import (
	"fmt"
	"sync"

	"github.com/distribution/reference"
	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	"github.com/docker/docker/api/types/registry"
)

// emptyAuth is an X-Registry-Auth header with no credentials: base64 "{}".
const emptyAuth = "e30="

// dockerHubAuthKey is where the docker CLI keeps Docker Hub's credentials.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// credentials is the docker CLI's configuration (config.json with auths,
// credsStore, credHelpers), read once, through docker's own library so that
// `docker login` is all it takes.
type credentials struct {
	dir  string
	once sync.Once
	cf   *configfile.ConfigFile
	err  error
}

func (c *credentials) load() (*configfile.ConfigFile, error) {
	c.once.Do(func() {
		dir := c.dir
		if dir == "" {
			dir = config.Dir()
		}
		c.cf, c.err = config.Load(dir)
		if c.err != nil {
			c.err = fmt.Errorf("docker configuration in %s: %w", dir, c.err)
		}
	})
	return c.cf, c.err
}

// registryOf is the registry host of an image reference ("docker.io" for
// Docker Hub).
func registryOf(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ""
	}
	return reference.Domain(named)
}

func authKey(host string) string {
	if host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io" {
		return dockerHubAuthKey
	}
	return host
}

// registryAuth is the X-Registry-Auth value for pulling or pushing ref: the
// credentials `docker login` stored for its registry, or none.
func (e *Engine) registryAuth(ref string) (string, error) {
	cf, err := e.creds.load()
	if err != nil {
		return "", err
	}
	host := registryOf(ref)
	if host == "" {
		return "", nil
	}
	ac, err := cf.GetAuthConfig(authKey(host))
	if err != nil {
		// as the docker CLI does: a broken helper means anonymous access
		e.warn("credentials for %s: %v", host, err)
		return "", nil
	}
	if ac.Username == "" && ac.Password == "" && ac.IdentityToken == "" && ac.RegistryToken == "" && ac.Auth == "" {
		return "", nil
	}
	return registry.EncodeAuthConfig(registry.AuthConfig{
		Username:      ac.Username,
		Password:      ac.Password,
		Auth:          ac.Auth,
		ServerAddress: ac.ServerAddress,
		IdentityToken: ac.IdentityToken,
		RegistryToken: ac.RegistryToken,
	})
}

// buildAuths are all stored credentials, for a build that pulls base images.
func (e *Engine) buildAuths() map[string]registry.AuthConfig {
	cf, err := e.creds.load()
	if err != nil {
		e.warn("%v", err)
		return nil
	}
	all, err := cf.GetAllCredentials()
	if err != nil {
		e.warn("reading registry credentials: %v", err)
	}
	out := map[string]registry.AuthConfig{}
	for k, ac := range all {
		out[k] = registry.AuthConfig{
			Username:      ac.Username,
			Password:      ac.Password,
			Auth:          ac.Auth,
			ServerAddress: ac.ServerAddress,
			IdentityToken: ac.IdentityToken,
			RegistryToken: ac.RegistryToken,
		}
	}
	return out
}
