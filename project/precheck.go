package project

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/go-units"
	"github.com/mattn/go-shellwords"
)

// precheck looks at literal values in each file before compose-go loads them.
// compose-go rejects the same values later but without saying where, so the
// checks here exist only to name the file and the key. Values that still hold
// ${...} are left to compose-go, which sees them after interpolation.
func precheck(sources []*source) error {
	for _, s := range sources {
		services, _ := s.raw["services"].(map[string]any)
		for _, name := range sortedKeys(services) {
			svc, ok := services[name].(map[string]any)
			if !ok {
				continue
			}
			if err := precheckService(s.display, name, svc); err != nil {
				return err
			}
		}
	}
	return nil
}

func precheckService(file, name string, svc map[string]any) error {
	if ports, ok := svc["ports"].([]any); ok {
		for i, p := range ports {
			if err := checkPort(p); err != nil {
				return &Error{File: file, Path: keyPath("services", name, "ports", i), Msg: err.Error()}
			}
		}
	}
	durations := map[string]any{"stop_grace_period": svc["stop_grace_period"]}
	if hc, ok := svc["healthcheck"].(map[string]any); ok {
		for _, k := range []string{"interval", "timeout", "start_period", "start_interval"} {
			durations["healthcheck."+k] = hc[k]
		}
	}
	for _, k := range sortedKeys(durations) {
		if err := checkDuration(durations[k]); err != nil {
			return &Error{File: file, Path: keyPath("services", name, k), Msg: err.Error()}
		}
	}
	for _, k := range []string{"mem_limit", "mem_reservation", "memswap_limit", "shm_size"} {
		if err := checkSize(svc[k]); err != nil {
			return &Error{File: file, Path: keyPath("services", name, k), Msg: err.Error()}
		}
	}
	if b, ok := svc["build"].(map[string]any); ok {
		if err := checkSize(b["shm_size"]); err != nil {
			return &Error{File: file, Path: keyPath("services", name, "build", "shm_size"), Msg: err.Error()}
		}
	}
	for _, k := range []string{"command", "entrypoint"} {
		if err := checkShellString(svc[k]); err != nil {
			return &Error{File: file, Path: keyPath("services", name, k), Msg: err.Error()}
		}
	}
	if v, ok := literal(svc["cpus"]); ok {
		if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 {
			return &Error{File: file, Path: keyPath("services", name, "cpus"), Msg: fmt.Sprintf("invalid number of CPUs %q", v)}
		}
	}
	return nil
}

// literal returns a string value that has no interpolation left in it.
func literal(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || strings.Contains(s, "$") {
		return "", false
	}
	return s, true
}

func checkPort(p any) error {
	switch v := p.(type) {
	case string:
		if strings.Contains(v, "$") {
			return nil
		}
		if _, err := types.ParsePortConfig(v); err != nil {
			return fmt.Errorf("invalid port %q: %s", v, portReason(err))
		}
	case int:
		if v < 1 || v > 65535 {
			return fmt.Errorf("invalid port %d: must be between 1 and 65535", v)
		}
	case map[string]any:
		t, ok := v["target"]
		if !ok {
			return fmt.Errorf("long port syntax needs target")
		}
		if n, ok := t.(int); ok && (n < 1 || n > 65535) {
			return fmt.Errorf("invalid target port %d: must be between 1 and 65535", n)
		}
		if pub, ok := literal(v["published"]); ok && pub != "" {
			if _, err := types.ParsePortConfig(pub + ":1"); err != nil && !strings.Contains(pub, "-") {
				return fmt.Errorf("invalid published port %q", pub)
			}
		}
		if proto, ok := literal(v["protocol"]); ok && proto != "tcp" && proto != "udp" && proto != "sctp" {
			return fmt.Errorf("invalid protocol %q: use tcp, udp or sctp", proto)
		}
	}
	return nil
}

// portReason turns go-connections' messages into the reason alone.
func portReason(err error) string {
	// go-connections changed the capitalisation of these between releases
	msg := strings.ToLower(err.Error())
	switch {
	case strings.HasPrefix(msg, "invalid hostport"):
		return "host port must be a number from 1 to 65535 or a range"
	case strings.HasPrefix(msg, "invalid containerport"):
		return "container port must be a number from 1 to 65535 or a range"
	case strings.HasPrefix(msg, "invalid ranges"):
		return "host and container port ranges differ in size"
	case strings.HasPrefix(msg, "invalid proto"):
		return "protocol must be tcp, udp or sctp"
	case strings.HasPrefix(msg, "invalid ip address"):
		return "invalid host IP address"
	}
	return err.Error()
}

func checkDuration(v any) error {
	s, ok := literal(v)
	if !ok {
		return nil
	}
	if _, err := time.ParseDuration(s); err != nil {
		return fmt.Errorf("invalid duration %q: use a number with a unit such as 500ms, 10s or 1m30s", s)
	}
	return nil
}

func checkSize(v any) error {
	s, ok := literal(v)
	if !ok {
		return nil
	}
	if _, err := units.RAMInBytes(s); err != nil {
		return fmt.Errorf("invalid byte size %q: use a number with an optional unit b, k, m or g", s)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkShellString refuses a string command that holds shell operators: the
// specification splits it into words without a shell, and the splitter stops
// at the first unquoted operator, so `echo hi && sleep 1` would run as
// `echo hi`, the rest dropped without a word.
func checkShellString(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	p := shellwords.NewParser()
	if _, err := p.Parse(s); err != nil {
		return fmt.Errorf("cannot split %q into words: %v", s, err)
	}
	if p.Position > 0 {
		op := strings.TrimSpace(s[p.Position:])
		if len(op) > 2 {
			op = op[:2]
		}
		return fmt.Errorf("%q contains the shell operator %q but is not run by a shell: write [\"sh\", \"-c\", %q] to use a shell", s, strings.TrimSpace(op), s)
	}
	return nil
}
