package main

import (
	"fmt"
	"slices"
	"time"
)

// summary is median, min and max of one measure over a tool's runs.
type summary struct {
	med, min, max float64
	n             int
}

func summarize(xs []float64) summary {
	if len(xs) == 0 {
		return summary{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return summary{med: median(s), min: s[0], max: s[len(s)-1], n: len(s)}
}

// median of sorted values.
func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (tr *toolResult) measure(f func(sample) float64) summary {
	var xs []float64
	for _, s := range tr.runs {
		if s != nil {
			xs = append(xs, f(*s))
		}
	}
	return summarize(xs)
}

func wallOf(s sample) float64 { return s.wall.Seconds() }
func cpuOf(s sample) float64  { return s.cpu.Seconds() }
func rssOf(s sample) float64  { return float64(s.rss) }

// ratio is a over b round by round (the runs next to each other in time),
// summarised: the median of those ratios is the reported ratio.
func ratio(a, b *toolResult, f func(sample) float64) summary {
	var rs []float64
	for i := range min(len(a.runs), len(b.runs)) {
		x, y := a.runs[i], b.runs[i]
		if x == nil || y == nil || f(*y) == 0 {
			continue
		}
		rs = append(rs, f(*x)/f(*y))
	}
	return summarize(rs)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.1fMiB", float64(b)/(1<<20)) }

func secs(x float64) string {
	if x < 10 {
		return fmt.Sprintf("%.3f s", x)
	}
	return fmt.Sprintf("%.2f s", x)
}
