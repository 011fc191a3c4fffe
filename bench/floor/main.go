// Command floor is the benchmark's lower bound: the Engine API calls a
// compose tool has to make for each scenario, made with the best parallelism
// the dependencies allow and nothing else (no progress, no planning output).
//
//	floor up SPEC.json       network, create all, start each as soon as its dependencies allow
//	floor down SPEC.json     stop and remove in reverse dependency order, in parallel
//	floor build SPEC.json    build every service image concurrently
//	floor config NAME        a bare compose-go load of the project, printed as YAML
//	floor logs CONTAINER...  `docker logs` of every container, concurrently
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/docker/docker/client"

	"github.com/envctl/envctl/bench/spec"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor up|down|build SPEC.json | config PROJECT | logs CONTAINER...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "up", "down", "build":
		err = withProject(ctx, cmd, args)
	case "config":
		err = config(ctx, args)
	case "logs":
		err = logs(ctx, args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func withProject(ctx context.Context, cmd string, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%s takes one SPEC.json", cmd)
	}
	p, err := spec.Read(args[0])
	if err != nil {
		return err
	}
	api, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return err
	}
	defer api.Close()
	switch cmd {
	case "up":
		return up(ctx, api, p)
	case "down":
		return down(ctx, api, p)
	default:
		return buildAll(ctx, api, p)
	}
}
