# envctl — see README.md. `make test` is what CI runs (.ci/run).
GO        ?= go
BIN       := bin/envctl
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
E2E_PARALLEL ?= 3

.PHONY: all build unit e2e test lint images tools bench bench-quick clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/envctl

# unit tests: no engine needed, except config_v1_test which calls docker-compose if present
unit:
	$(GO) test ./cmd/... ./engine/... ./project/... ./stacks/... ./bench/...
	$(GO) -C testdata/images/testapp test ./...

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# host tools the tests need and CI's fresh machine lacks
tools:
	@command -v debootstrap >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

images: tools
	testdata/images/build.sh all

e2e: build images
	ENVCTL_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 45m -parallel $(E2E_PARALLEL) ./e2e/

test: lint unit e2e bench-quick

# side by side with docker compose and the engine floor; BENCH_FLAGS e.g. -only 1,3 -runs 7
bench: build images
	$(GO) run ./bench -envctl $(CURDIR)/$(BIN) -out BENCHMARKS.md $(BENCH_FLAGS)

# the benchmark as a smoke test: every scenario once, and an interrupted run cleans up
bench-quick: build images
	ENVCTL_BIN=$(CURDIR)/$(BIN) BENCH_QUICK=1 $(GO) test -count=1 -timeout 20m ./bench/...

clean:
	rm -rf bin
