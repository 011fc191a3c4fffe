package main

import (
	"strings"
	"testing"
	"time"
)

func runs(walls ...float64) []*sample {
	var out []*sample
	for _, w := range walls {
		if w < 0 {
			out = append(out, nil) // a round the tool did not complete
			continue
		}
		out = append(out, &sample{wall: time.Duration(w * float64(time.Second)), rss: 10 << 20})
	}
	return out
}

func TestRatioIsMedianOfPairsByRound(t *testing.T) {
	a := &toolResult{runs: runs(2, 4, 9, -1, 3)}
	b := &toolResult{runs: runs(1, 4, 3, 5, -1)}
	// pairs: rounds 0-2 only; ratios 2, 1, 3 → median 2 (the ratio of the
	// medians, 4/3, would hide that the rounds disagree)
	r := ratio(a, b, wallOf)
	if r.n != 3 || r.med != 2 || r.min != 1 || r.max != 3 {
		t.Errorf("ratio = %+v, want n 3, median 2, min 1, max 3", r)
	}
	if s := a.measure(wallOf); s.n != 4 || s.med != 3.5 || s.min != 2 || s.max != 9 {
		t.Errorf("summary = %+v", s)
	}
}

func TestTargetsSayMetOrMissed(t *testing.T) {
	env := &tool{name: "envctl", kind: kindEnvctl}
	floor := &tool{name: "floor", kind: kindFloor}
	r := &report{results: []*result{
		{sc: scenario{id: "1", title: "one", args: []string{"up"}, target: &target{kindFloor, 1.10}},
			tools: []*toolResult{{tool: env, runs: runs(1.05, 1.2, 1.0)}, {tool: floor, runs: runs(1, 1, 1)}}},
		{sc: scenario{id: "2", title: "two", args: []string{"up"}, target: &target{kindFloor, 1.10}},
			tools: []*toolResult{{tool: env, runs: runs(1.3, 1.2, 1.5)}, {tool: floor, runs: runs(1, 1, 1)}}},
		{sc: scenario{id: "4", title: "four", args: []string{"up"}, target: &target{kindCompose, 0.5}},
			tools: []*toolResult{{tool: env, runs: runs(1)}, {tool: floor, runs: runs(1)}}},
		{sc: scenario{id: "9", title: "nine", args: []string{"build"}},
			tools: []*toolResult{{tool: env, unavailable: true, runs: runs(-1)}, {tool: floor, runs: runs(1)}}},
	}}
	md := r.tables()
	for _, want := range []string{
		"| 1 | envctl / floor ≤ 1.10× | 1.05× (3 pairs) | **met** |",
		"| 2 | envctl / floor ≤ 1.10× | 1.30× (3 pairs) | **missed** |",
		"| 4 | envctl / docker compose ≤ 0.50× | none found | not measured |",
		"| 9 | envctl peak RSS ≤ 50 MiB | no runs (envctl has no `build`) | not measured |",
		"- envctl: not available (no `build` command)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestComposeFileMatchesSpec(t *testing.T) {
	p := healthChain("x", 2, time.Second)
	got := composeFile(p)
	want := `services:
  c1:
    image: envctl-test/testapp:latest
    command: ["sleep","-ready-file","/tmp/ready"]
    environment: ["BENCH_REV=1"]
    healthcheck:
      test: ["CMD","/testapp","health","-file","/tmp/ready"]
      interval: 1s
  c2:
    image: envctl-test/testapp:latest
    command: ["sleep","-ready-file","/tmp/ready"]
    environment: ["BENCH_REV=1"]
    healthcheck:
      test: ["CMD","/testapp","health","-file","/tmp/ready"]
      interval: 1s
    depends_on:
      c1:
        condition: service_healthy
`
	if got != want {
		t.Errorf("compose file:\n%s\nwant:\n%s", got, want)
	}
}
