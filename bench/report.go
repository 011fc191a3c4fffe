package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

type report struct {
	started, finished time.Time
	quick             bool
	prefix            string // of every project name the run used
	runs              int
	machine           machine
	results           []*result
}

const profilesHeading = "## Profiles"

const profilesPlaceholder = `Notes on where envctl spends its time, before and after a change, go here
(` + "`ENVCTL_CPUPROFILE=cpu.out envctl ...`" + `, then ` + "`go tool pprof -top bin/envctl cpu.out`" + `).
This section is kept when ` + "`make bench`" + ` rewrites the file.
`

// writeReport writes the report, keeping the Profiles section of the file
// it replaces: those notes are written by people.
func writeReport(path string, r *report) error {
	profiles := profilesPlaceholder
	if old, err := os.ReadFile(path); err == nil {
		if i := strings.Index(string(old), profilesHeading+"\n"); i >= 0 {
			profiles = strings.TrimLeft(string(old)[i+len(profilesHeading)+1:], "\n")
		}
	}
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `make bench` (`bench/`) on %s, in %s. ", r.started.UTC().Format("2006-01-02 15:04 MST"), r.finished.Sub(r.started).Round(time.Second))
	if r.quick {
		b.WriteString("**Quick mode (`BENCH_QUICK=1`): one run of each, no warm-up — a smoke test, not a measurement.** ")
	} else {
		fmt.Fprintf(&b, "Each tool ran each scenario once as a warm-up, then %d counted times, ", r.runs)
		b.WriteString("the tools in alternation (A B C A B C …), each run from a clean state made untimed. ")
	}
	b.WriteString("Wall time is the command's; CPU is the user+system time of the process and of the children it waited for (rusage); " +
		"peak RSS is the rusage maximum resident set. Ratios are envctl / other computed run by run (runs next to each other in time), " +
		"then the median of those ratios. The floor is `bench/floor`: the same Engine API calls with the best parallelism " +
		"the dependencies allow and nothing else (its input is a resolved JSON spec, so it does no YAML work); for `ps` it is " +
		"`docker ps --filter label=com.docker.compose.project=P`, for `config` a bare compose-go load printed as YAML, " +
		"for `logs` concurrent `docker logs` of the containers.\n\n")
	r.writeMachine(&b)
	b.WriteString(r.tables())
	b.WriteString("\n" + profilesHeading + "\n\n")
	b.WriteString(profiles)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func (r *report) writeMachine(b *strings.Builder) {
	m := r.machine
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(b, "- CPU: %s, %d cores; memory %s; kernel %s\n", m.cpu, m.cores, m.memory, m.kernel)
	fmt.Fprintf(b, "- %s; docker CLI %s\n", m.engine, m.cli)
	fmt.Fprintf(b, "- %s; compose-go %s (floor's `config`)\n", m.gover, m.composeGo)
	for _, t := range m.tools {
		fmt.Fprintf(b, "- %s\n", t)
	}
	fmt.Fprintf(b, "- load average (1, 5, 15 min) at start: %s; at end: %s\n\n", m.loadStart, m.loadEnd)
}

// tables are the per-scenario results and the targets, also printed on stdout.
func (r *report) tables() string {
	var b strings.Builder
	b.WriteString("## Results\n\n")
	for _, res := range r.results {
		res.write(&b)
	}
	r.writeTargets(&b)
	return b.String()
}

func (res *result) write(b *strings.Builder) {
	fmt.Fprintf(b, "### %s. %s\n\n", res.sc.id, res.sc.title)
	if res.note != "" {
		fmt.Fprintf(b, "Not measured: %s\n\n", res.note)
		return
	}
	b.WriteString("| tool | runs | wall median | wall min | wall max | CPU median | CPU min | CPU max | peak RSS median | peak RSS max |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var notes []string
	for _, tr := range res.tools {
		switch {
		case tr.unavailable:
			notes = append(notes, fmt.Sprintf("- %s: not available (no `%s` command)", tr.tool.name, res.sc.args[0]))
		case tr.failure != "":
			notes = append(notes, fmt.Sprintf("- %s: failed: %s", tr.tool.name, tr.failure))
		}
		w, c, m := tr.measure(wallOf), tr.measure(cpuOf), tr.measure(rssOf)
		if w.n == 0 {
			fmt.Fprintf(b, "| %s | 0 | – | – | – | – | – | – | – | – |\n", tr.tool.name)
			continue
		}
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", tr.tool.name, w.n,
			secs(w.med), secs(w.min), secs(w.max), secs(c.med), secs(c.min), secs(c.max),
			mib(int64(m.med)), mib(int64(m.max)))
	}
	b.WriteString("\n")
	env := res.tools[0]
	var ratios []string
	for _, tr := range res.tools[1:] {
		w := ratio(env, tr, wallOf)
		if w.n == 0 {
			continue
		}
		c := ratio(env, tr, cpuOf)
		ratios = append(ratios, fmt.Sprintf("| envctl / %s | %d | %.2f× | %.2f× | %.2f× | %.2f× |", tr.tool.name, w.n, w.med, w.min, w.max, c.med))
	}
	if len(ratios) > 0 {
		b.WriteString("| ratio | pairs | wall median | wall min | wall max | CPU median |\n|---|---:|---:|---:|---:|---:|\n")
		b.WriteString(strings.Join(ratios, "\n") + "\n\n")
	}
	if len(notes) > 0 {
		b.WriteString(strings.Join(notes, "\n") + "\n\n")
	}
}

// rssLimit is envctl's peak RSS target in every scenario.
const rssLimit = 50 << 20

func (r *report) writeTargets(b *strings.Builder) {
	b.WriteString("## Targets\n\n| scenario | target | measured (median pairwise wall ratio) | |\n|---|---|---|---|\n")
	for _, res := range r.results {
		if res.sc.target == nil {
			continue
		}
		t := *res.sc.target
		found := false
		for _, tr := range res.tools[1:] {
			if tr.tool.kind != t.vs {
				continue
			}
			found = true
			w := ratio(res.tools[0], tr, wallOf)
			if w.n == 0 {
				fmt.Fprintf(b, "| %s | envctl / %s %s | no pairs (%s) | not measured |\n", res.sc.id, tr.tool.name, t, why(res, tr))
				continue
			}
			verdict := "**met**"
			if w.med > t.max {
				verdict = "**missed**"
			}
			fmt.Fprintf(b, "| %s | envctl / %s %s | %.2f× (%d pairs) | %s |\n", res.sc.id, tr.tool.name, t, w.med, w.n, verdict)
		}
		if !found {
			fmt.Fprintf(b, "| %s | envctl / %s %s | none found | not measured |\n", res.sc.id, t.against(), t)
		}
	}
	for _, res := range r.results {
		m := res.tools[0].measure(rssOf)
		if m.n == 0 {
			fmt.Fprintf(b, "| %s | envctl peak RSS ≤ 50 MiB | no runs (%s) | not measured |\n", res.sc.id, why(res, res.tools[0]))
			continue
		}
		verdict := "**met**"
		if m.max > rssLimit {
			verdict = "**missed**"
		}
		fmt.Fprintf(b, "| %s | envctl peak RSS ≤ 50 MiB | max %s | %s |\n", res.sc.id, mib(int64(m.max)), verdict)
	}
	b.WriteString("\n")
}

func why(res *result, tr *toolResult) string {
	switch {
	case res.note != "":
		return res.note
	case tr.unavailable:
		return tr.tool.name + " has no `" + res.sc.args[0] + "`"
	case tr.failure != "":
		return tr.tool.name + " failed"
	}
	return "no successful runs"
}
