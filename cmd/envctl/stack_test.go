package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stack config needs no engine: down and config load the files the last
// stack up chose, or what ENVCTL_STACK_OFFLINE says.
func TestStackConfigLoadsTheExtractedStack(t *testing.T) {
	data := t.TempDir()
	env := []string{"XDG_DATA_HOME=" + data, "HOME=/nonexistent"}
	code, out, errOut := run(t, env, "", "stack", "config", "wordpress", "--images")
	if code != 0 || out != "mariadb:11.4.5\nwordpress:6.7.2-apache\n" {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	envPath := filepath.Join(data, "envctl", "stacks", "wordpress", ".env")
	if !strings.Contains(errOut, envPath) {
		t.Errorf("the first use does not say where .env is:\n%s", errOut)
	}
	code, out, errOut = run(t, append(env, "ENVCTL_STACK_OFFLINE=1"), "", "stack", "config", "wordpress", "--images")
	if code != 0 || out != "envctl-offline/wordpress-db:latest\nenvctl-offline/wordpress-web:latest\n" {
		t.Fatalf("offline: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, ".env") {
		t.Errorf("second use mentions .env again:\n%s", errOut)
	}
	// the project is named after the stack, and -p still wins
	code, out, _ = run(t, env, "", "stack", "config", "wordpress", "--format", "json")
	if code != 0 || !strings.Contains(out, `"name": "wordpress"`) {
		t.Errorf("project name: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "", "-p", "mine", "stack", "config", "wordpress", "--format", "json")
	if code != 0 || !strings.Contains(out, `"name": "mine"`) {
		t.Errorf("-p: exit %d\n%s", code, out)
	}
	// a setting in .env reaches the model; the process environment overrides it
	b, _ := os.ReadFile(envPath)
	if err := os.WriteFile(envPath, []byte(strings.Replace(string(b), "WORDPRESS_PORT=8080", "WORDPRESS_PORT=8181", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _ = run(t, env, "", "stack", "config", "wordpress")
	if !strings.Contains(out, `published: "8181"`) {
		t.Errorf("WORDPRESS_PORT from .env not used:\n%s", out)
	}
	_, out, _ = run(t, append(env, "WORDPRESS_PORT=8282"), "", "stack", "config", "wordpress")
	if !strings.Contains(out, `published: "8282"`) {
		t.Errorf("WORDPRESS_PORT from the environment not used:\n%s", out)
	}
}

func TestStackUsageErrors(t *testing.T) {
	env := []string{"XDG_DATA_HOME=" + t.TempDir()}
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"stack", "config", "nosuch"}, "", `unknown stack "nosuch"`},
		{[]string{"stack", "down"}, "", "needs a stack name"},
		{[]string{"-f", "x.yaml", "stack", "config", "wordpress"}, "", "cannot be used with a stack"},
		{[]string{"stack", "config", "wordpress"}, "ENVCTL_STACK_OFFLINE=maybe", `invalid ENVCTL_STACK_OFFLINE "maybe"`},
		{[]string{"stack", "ls", "x"}, "", "unknown command"},
	} {
		e := env
		if c.env != "" {
			e = append(e, c.env)
		}
		code, _, errOut := run(t, e, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, want 2 and one line with %q:\n%s", c.args, code, c.want, errOut)
		}
	}
	code, _, errOut := run(t, []string{"HOME=", "XDG_DATA_HOME="}, "", "stack", "config", "wordpress")
	if code != 1 || !strings.Contains(errOut, "set HOME or XDG_DATA_HOME") {
		t.Errorf("no HOME: exit %d\n%s", code, errOut)
	}
}
