package e2e

import (
	"strings"
	"testing"
)

// sharedBaseFiles: base is built from a target stage with a build arg; web
// (called a in messages) and b build FROM it through additional_contexts
// service:base and are independent of each other; c runs web's image
// without building, and sorts before web, so what looks at c first must
// still see a built image.
func sharedBaseFiles(project string) map[string]string {
	return map[string]string{
		"compose.yaml": `
services:
  base:
    build:
      context: base
      target: runtime
      args:
        GREETING: hello
  web:
    build:
      context: app
      args: {NAME: a}
      additional_contexts:
        base: service:base
  b:
    build:
      context: app
      args: {NAME: b}
      additional_contexts:
        base: service:base
  c:
    image: ` + project + `-web
`,
		"base/Dockerfile": `FROM envctl-test/testapp:latest AS runtime
ARG GREETING=unset
ENV GREETING=${GREETING}
FROM runtime AS debug
ENV STAGE=debug
`,
		"app/Dockerfile": `FROM base
ARG NAME
ENV NAME=${NAME}
COPY version /version
# this project's own file, so no earlier run's cache skips the RUN, which is
# long enough for the two builds to be seen running at once
COPY id /id
RUN ["/testapp", "sleep", "3"]
`,
		"app/version": "1\n",
		"app/id":      project + "\n",
	}
}

func TestBuildSharedBaseOnceIndependentConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.write(sharedBaseFiles(e.project))
	removeProjectImages(t, e.project)
	r := e.must("--progress", "json", "build")
	spans := buildSpans(progressEvents(t, r.stderr))
	base, a, b := spans[e.project+"-base"], spans[e.project+"-web"], spans[e.project+"-b"]
	if base == nil || a == nil || b == nil {
		t.Fatalf("missing builds in %v\n%s", spans, r.stderr)
	}
	for name, s := range map[string]*span{"base": base, "a": a, "b": b} {
		if s.starts != 1 || s.end.IsZero() {
			t.Errorf("%s: %d builds, ended %v; want one finished build", name, s.starts, s.end)
		}
	}
	if len(spans) != 3 {
		t.Errorf("built %d images, want 3 (c uses a's): %v", len(spans), spans)
	}
	// the base first, then a and b overlapping
	if !base.end.Before(a.start) || !base.end.Before(b.start) {
		t.Errorf("a or b started before base was built: base ends %v, a starts %v, b starts %v", base.end, a.start, b.start)
	}
	if !a.start.Before(b.end) || !b.start.Before(a.end) {
		t.Errorf("a [%v, %v] and b [%v, %v] did not overlap", a.start, a.end, b.start, b.end)
	}

	// the target stage, the build arg and the project label
	env, _ := inImage(t, e.project+"-web", "env")
	for _, want := range []string{"GREETING=hello", "NAME=a"} {
		if !strings.Contains(env, want+"\n") {
			t.Errorf("env of %s-web lacks %s:\n%s", e.project, want, env)
		}
	}
	if strings.Contains(env, "STAGE=") {
		t.Errorf("target runtime not honoured, env has STAGE:\n%s", env)
	}
	img, _, err := docker(t).ImageInspectWithRaw(t.Context(), e.project+"-b")
	if err != nil {
		t.Fatal(err)
	}
	if l := img.Config.Labels; l["com.docker.compose.project"] != e.project || l["com.docker.compose.service"] != "b" {
		t.Errorf("labels of %s-b: %v", e.project, l)
	}

	// --build-arg overrides the file's args
	e.must("build", "--build-arg", "GREETING=override", "base")
	if env, _ := inImage(t, e.project+"-base", "env"); !strings.Contains(env, "GREETING=override\n") {
		t.Errorf("--build-arg not applied:\n%s", env)
	}
}

func TestUpBuildAndDownRmiLocal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.write(sharedBaseFiles(e.project))
	removeProjectImages(t, e.project)
	// up builds what is missing, and c runs a's image
	r := e.must("up", "-d")
	if n := strings.Count(r.stderr, "Image "+e.project+"-web Building with "); n != 1 {
		t.Errorf("web built %d times by up:\n%s", n, r.stderr)
	}
	st := states(t, e.project)
	for _, s := range []string{"base", "web", "b", "c"} {
		if st[e.project+"-"+s+"-1"] != "running" {
			t.Errorf("%s: %v", s, st)
		}
	}
	ids := byName(t, e.project)
	// a second up builds nothing; up --build rebuilds, and a changed image recreates
	if r := e.must("up", "-d"); strings.Contains(r.stderr, "Building") {
		t.Errorf("up rebuilt present images:\n%s", r.stderr)
	}
	e.write(map[string]string{"app/version": "2\n"})
	r = e.must("up", "-d", "--build")
	if !strings.Contains(r.stderr, "Image "+e.project+"-web Built") {
		t.Errorf("up --build did not build web:\n%s", r.stderr)
	}
	after := byName(t, e.project)
	for _, s := range []string{"web", "b", "c"} {
		n := e.project + "-" + s + "-1"
		if after[n] == ids[n] {
			t.Errorf("%s not recreated after its image changed", n)
		}
	}
	if out, _ := inImage(t, e.project+"-web", "read", "/version"); out != "2\n" {
		t.Errorf("rebuilt image has version %q", out)
	}
	// down --rmi local removes exactly the built images
	e.must("down", "--rmi", "local")
	for _, s := range []string{"base", "web", "b"} {
		if imageExists(t, e.project+"-"+s) {
			t.Errorf("image %s-%s left by down --rmi local", e.project, s)
		}
	}
	if !imageExists(t, testapp) {
		t.Fatal("down --rmi local removed the base image it did not build")
	}
}

// builders are the engine's two builders; each test that depends on how
// the context reaches the engine runs with both.
var builders = []struct{ name, env, progress string }{
	{"buildkit", "DOCKER_BUILDKIT=1", "with BuildKit"},
	{"classic", "DOCKER_BUILDKIT=0", "with the classic builder"},
}

func TestBuildDockerignore(t *testing.T) {
	t.Parallel()
	for _, b := range builders {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			testBuildDockerignore(t, b.env, b.progress)
		})
	}
}

func testBuildDockerignore(t *testing.T, builderEnv, progress string) {
	e := newEnv(t, map[string]string{
		"compose.yaml": `
services:
  app:
    build: .
  special:
    build:
      context: .
      dockerfile: special.Dockerfile
  outside:
    build:
      context: .
      dockerfile: ../` + "outside.Dockerfile" + `
  inline:
    build:
      context: .
      dockerfile_inline: |
        FROM envctl-test/testapp:latest
        COPY . /ctx/
`,
		"Dockerfile":                      "FROM envctl-test/testapp:latest\nCOPY . /ctx/\n",
		"special.Dockerfile":              "FROM envctl-test/testapp:latest\nCOPY . /ctx/\n",
		"special.Dockerfile.dockerignore": "keep.txt\n",
		".dockerignore":                   "secret.txt\nlogs/**\n!logs/important.log\n**/*.tmp\n",
		"secret.txt":                      "fake-secret\n",
		"keep.txt":                        "kept\n",
		"logs/debug.log":                  "noise\n",
		"logs/important.log":              "important\n",
		"deep/er/x.tmp":                   "tmp\n",
	})
	e.write(map[string]string{"../outside.Dockerfile": "FROM envctl-test/testapp:latest\nCOPY . /ctx/\n"})
	removeProjectImages(t, e.project)
	e.vars = append(e.vars, builderEnv)
	if r := e.must("build"); !strings.Contains(r.stderr, "Image "+e.project+"-app Building "+progress) {
		t.Errorf("progress does not say %q:\n%s", progress, r.stderr)
	}
	// run the image: the ignored secret cannot be read inside it, the re-included file can
	if out, code := inImage(t, e.project+"-app", "read", "/ctx/secret.txt"); code == 0 {
		t.Errorf("the ignored secret is in the image: %q", out)
	}
	if out, code := inImage(t, e.project+"-app", "read", "/ctx/logs/important.log"); code != 0 || out != "important\n" {
		t.Errorf("the file re-included with ! is not in the image: %q, exit %d", out, code)
	}
	paths := []string{"/ctx/secret.txt", "/ctx/logs/debug.log", "/ctx/deep/er/x.tmp", "/ctx/logs/important.log", "/ctx/keep.txt", "/ctx/.dockerignore"}
	check := func(svc string, files map[string]string, path string, present bool) {
		t.Helper()
		if _, ok := files[path]; ok != present {
			t.Errorf("%s: %s in the image: %v, want %v", svc, path, ok, present)
		}
	}
	for _, svc := range []string{"app", "outside", "inline"} {
		files := imageFiles(t, e.project, e.project+"-"+svc, paths...)
		check(svc, files, "/ctx/secret.txt", false)
		check(svc, files, "/ctx/logs/debug.log", false)
		check(svc, files, "/ctx/deep/er/x.tmp", false)
		check(svc, files, "/ctx/logs/important.log", true)
		check(svc, files, "/ctx/keep.txt", true)
		if svc == "app" {
			continue
		}
		if builderEnv != "DOCKER_BUILDKIT=0" {
			// BuildKit reads the Dockerfile from a directory of its own
			if strings.Contains(files["/ctx/.dockerignore"], ".dockerfile.") {
				t.Errorf("%s: a Dockerfile was added to the context:\n%s", svc, files["/ctx/.dockerignore"])
			}
			continue
		}
		// the Dockerfile added to the classic builder's context for outside
		// and inline builds is listed in the context's .dockerignore, so the
		// engine reads it and COPY . leaves it out
		added := ""
		for _, l := range strings.Split(files["/ctx/.dockerignore"], "\n") {
			if strings.HasPrefix(l, ".dockerfile.") {
				added = l
			}
		}
		if added == "" {
			t.Errorf("%s: .dockerignore does not list the added Dockerfile:\n%s", svc, files["/ctx/.dockerignore"])
			continue
		}
		check(svc, imageFiles(t, e.project, e.project+"-"+svc, "/ctx/"+added), "/ctx/"+added, false)
	}
	// its own ignore file replaces .dockerignore for special.Dockerfile
	files := imageFiles(t, e.project, e.project+"-special", paths...)
	check("special", files, "/ctx/keep.txt", false)
	check("special", files, "/ctx/secret.txt", true)
	check("special", files, "/ctx/logs/debug.log", true)
}

func TestBuildFailureShowsStepAndLog(t *testing.T) {
	t.Parallel()
	for _, b := range builders {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			testBuildFailure(t, b.env)
		})
	}
}

func testBuildFailure(t *testing.T, builderEnv string) {
	e := newEnv(t, map[string]string{
		"compose.yaml":    "services:\n  bad:\n    build: .\n  good:\n    build: good\n",
		"Dockerfile":      "FROM envctl-test/testapp:latest\nRUN [\"/testapp\", \"echo\", \"about to fail\"]\nRUN [\"/testapp\", \"exit\", \"3\"]\n",
		"good/Dockerfile": "FROM envctl-test/testapp:latest\nENV OK=1\n",
	})
	removeProjectImages(t, e.project)
	e.vars = append(e.vars, builderEnv)
	r := e.run("build")
	if r.code == 0 {
		t.Fatalf("build of a failing Dockerfile succeeded:\n%s", r.stderr)
	}
	// BuildKit numbers stages, the classic builder steps (labels are steps too)
	failed := `failed at [3/3] RUN ["/testapp", "exit", "3"]: `
	code := "exit code: 3"
	if builderEnv == "DOCKER_BUILDKIT=0" {
		failed = `failed at Step 3/5 : RUN ["/testapp", "exit", "3"]: `
		code = "returned a non-zero code: 3"
	}
	at := strings.Index(r.stderr, "---- build log of "+e.project+"-bad ----")
	if at < 0 {
		t.Fatalf("no build log printed:\n%s", r.stderr)
	}
	log := r.stderr[at:]
	for _, want := range []string{"about to fail", failed, code} {
		if !strings.Contains(log, want) {
			t.Errorf("build log lacks %q:\n%s", want, r.stderr)
		}
	}
	if last := lastLine(r.stderr); !strings.HasPrefix(last, "envctl: build of image "+e.project+"-bad "+failed) {
		t.Errorf("last line: %q", last)
	}
	// an independent build is not stopped by the failure
	if !imageExists(t, e.project+"-good") {
		t.Errorf("good was not built:\n%s", r.stderr)
	}
}
