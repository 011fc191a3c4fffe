package project

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// topLevelKeys are the keys the Compose Specification allows at the top of a file;
// a file with none of them and only mappings below is in the first Compose format.
var topLevelKeys = map[string]bool{
	"version": true, "name": true, "include": true, "services": true, "networks": true,
	"volumes": true, "secrets": true, "configs": true, "models": true,
}

// serviceHints are keys that only a service definition has; one of them is what
// tells a legacy file from a file with typos at the top level.
var serviceHints = []string{"image", "build", "command", "links", "ports", "expose", "environment", "volumes", "extends"}

// parseRaw decodes a file into a plain tree. It is used only to locate keys for
// messages and to recognise the legacy format; compose-go does the real loading.
func parseRaw(content []byte) (map[string]any, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(content, &raw); err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return raw, nil
}

func isLegacy(raw map[string]any) bool {
	if len(raw) == 0 {
		return false
	}
	hinted := false
	for k, v := range raw {
		if topLevelKeys[k] || strings.HasPrefix(k, "x-") {
			return false
		}
		svc, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, h := range serviceHints {
			if _, ok := svc[h]; ok {
				hinted = true
			}
		}
	}
	return hinted
}

// convertLegacy rewrites a legacy file into the Compose Specification with the
// same meaning. It reports whether the file was legacy.
func convertLegacy(s *source) (bool, error) {
	if !isLegacy(s.raw) {
		return false, nil
	}
	services := map[string]any{}
	for name, v := range s.raw {
		svc := v.(map[string]any)
		if err := translateLegacyKeys(svc); err != nil {
			return true, &Error{File: s.display, Path: keyPath(name), Msg: err.Error()}
		}
		services[name] = svc
	}
	addLinkAliases(services)
	doc := map[string]any{"services": services, LegacyExtension: true}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return true, err
	}
	// messages must still point at the user's keys, which now sit under services
	s.raw = doc
	s.content = out
	return true, nil
}

// translateLegacyKeys maps version 1 keys that the specification renamed.
func translateLegacyKeys(svc map[string]any) error {
	if net, ok := svc["net"]; ok {
		delete(svc, "net")
		svc["network_mode"] = net
	}
	if df, ok := svc["dockerfile"]; ok {
		delete(svc, "dockerfile")
		build := map[string]any{"dockerfile": df}
		switch b := svc["build"].(type) {
		case string:
			build["context"] = b
		case map[string]any:
			for k, v := range b {
				build[k] = v
			}
		case nil:
			return fmt.Errorf("dockerfile is set but build is not")
		}
		svc["build"] = build
	}
	driver, hasDriver := svc["log_driver"]
	opt, hasOpt := svc["log_opt"]
	if hasDriver || hasOpt {
		delete(svc, "log_driver")
		delete(svc, "log_opt")
		logging := map[string]any{}
		if hasDriver {
			logging["driver"] = driver
		}
		if hasOpt {
			logging["options"] = opt
		}
		svc["logging"] = logging
	}
	return nil
}

// addLinkAliases gives each link target its alias on the default network: in
// the legacy format every container shares one network and a link alias is a
// name the others can resolve.
func addLinkAliases(services map[string]any) {
	aliases := map[string][]string{}
	for _, v := range services {
		links, _ := v.(map[string]any)["links"].([]any)
		for _, l := range links {
			target, alias, found := strings.Cut(fmt.Sprint(l), ":")
			if found && alias != target {
				aliases[target] = append(aliases[target], alias)
			}
		}
	}
	for target, list := range aliases {
		svc, ok := services[target].(map[string]any)
		if !ok {
			continue // an unknown link target is reported by validation
		}
		if mode, ok := svc["network_mode"]; ok && mode != "bridge" {
			continue
		}
		sort.Strings(list)
		list = dedupe(list)
		anyList := make([]any, len(list))
		for i, a := range list {
			anyList[i] = a
		}
		svc["networks"] = map[string]any{"default": map[string]any{"aliases": anyList}}
	}
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
