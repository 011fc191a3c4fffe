// Command dockerfile-frontend is BuildKit's Dockerfile frontend (what the
// docker/dockerfile image runs), built from the Go module proxy because no
// registry can be reached here. The engine's BuildKit runs it for Dockerfiles
// that start with "# syntax=envctl-test/dockerfile-frontend:latest", which
// gives an engine whose built-in frontend is old (Docker 20.10) heredocs and
// the rest of the current Dockerfile syntax.
package main

import (
	"fmt"
	"os"

	dockerfile "github.com/moby/buildkit/frontend/dockerfile/builder"
	"github.com/moby/buildkit/frontend/gateway/grpcclient"
	"github.com/moby/buildkit/util/appcontext"
	_ "github.com/moby/buildkit/util/grpcutil/encoding/proto"
)

func main() {
	if err := grpcclient.RunFromEnvironment(appcontext.Context(), dockerfile.Build); err != nil {
		fmt.Fprintf(os.Stderr, "dockerfile-frontend: %+v\n", err)
		os.Exit(1)
	}
}
