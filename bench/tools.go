package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

type toolKind int

const (
	kindEnvctl toolKind = iota
	kindCompose
	kindFloor
)

// tool is one program being measured.
type tool struct {
	name    string // as shown in the report
	kind    toolKind
	argv    []string // the command itself: [envctl], [docker compose], [docker-compose]
	quiet   []string // global flags that keep progress output down
	v1      bool     // the Python docker-compose: serial builds unless --parallel
	version string
	verbs   map[string]bool // which commands it has, probed once
}

func discoverTools(ctx context.Context, cfg config, floor string, log io.Writer) []*tool {
	tools := []*tool{{name: "envctl", kind: kindEnvctl, argv: []string{cfg.envctl}, quiet: []string{"--progress", "quiet"}}}
	if out, err := probe(ctx, cfg.envctl, "version"); err == nil {
		tools[0].version = firstLine(out)
	}
	var candidates [][]string
	if _, err := probe(ctx, "docker", "compose", "version"); err == nil {
		candidates = append(candidates, []string{"docker", "compose"})
	}
	if path, err := exec.LookPath("docker-compose"); err == nil {
		candidates = append(candidates, []string{path})
	}
	for _, b := range cfg.composeBins {
		candidates = append(candidates, strings.Fields(b))
	}
	seen := map[string]bool{}
	for _, argv := range candidates {
		short, err := probe(ctx, append(argv, "version", "--short")...)
		if err != nil {
			fmt.Fprintf(log, "skipping %s: %v\n", strings.Join(argv, " "), err)
			continue
		}
		v := strings.TrimPrefix(firstLine(short), "v")
		key := strings.Join(argv, " ") + "@" + v
		if seen[key] {
			continue
		}
		seen[key] = true
		t := &tool{kind: kindCompose, argv: argv, version: v, v1: strings.HasPrefix(v, "1.")}
		t.name = strings.Join(argv, " ")
		if i := strings.LastIndex(t.name, "/"); i >= 0 && len(argv) == 1 {
			t.name = t.name[i+1:]
		}
		t.name += " " + v
		if help, _ := probe(ctx, append(argv, "--help")...); strings.Contains(help, "--progress") {
			t.quiet = []string{"--progress", "quiet"}
		}
		tools = append(tools, t)
	}
	tools = append(tools, &tool{name: "floor", kind: kindFloor, argv: []string{floor}, version: "bench/floor"})
	return tools
}

// has says whether the tool implements a command: envctl's help must name
// it (cobra prints the root's help for an unknown command), compose's
// `VERB --help` must succeed.
func (t *tool) has(ctx context.Context, verb string) bool {
	if t.kind == kindFloor {
		return true
	}
	if v, ok := t.verbs[verb]; ok {
		return v
	}
	if t.verbs == nil {
		t.verbs = map[string]bool{}
	}
	out, err := probe(ctx, append(append([]string{}, t.argv...), verb, "--help")...)
	ok := err == nil
	if t.kind == kindEnvctl {
		ok = ok && strings.Contains(out, "envctl "+verb)
	}
	t.verbs[verb] = ok
	return ok
}

func probe(ctx context.Context, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = toolEnv()
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, firstLine(out.String()))
	}
	return out.String(), nil
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
