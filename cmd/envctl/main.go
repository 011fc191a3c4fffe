// Command envctl runs multi-container environments described by Compose files.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func main() {
	// ENVCTL_CPUPROFILE=file writes a CPU profile of the run (hidden; for
	// `go tool pprof`, see BENCHMARKS.md)
	if path := os.Getenv("ENVCTL_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "envctl: ENVCTL_CPUPROFILE:", err)
			os.Exit(1)
		}
		code := Main(os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Environ())
		pprof.StopCPUProfile()
		f.Close()
		os.Exit(code)
	}
	os.Exit(Main(os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Environ()))
}
