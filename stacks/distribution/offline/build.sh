#!/usr/bin/env bash
# Builds every image compose.offline.yaml uses, from Debian's packages and the Go module
# proxy only: nothing is pulled from an image registry. Cached: an image whose inputs have
# not changed is not rebuilt (see stacks/lib/images.sh). Needs root (debootstrap, chroot),
# docker and go. A few minutes cold on 2 cores, seconds when cached.
#
#   stacks/distribution/offline/build.sh
#
# Images (all :latest, plus an :h-<hash> tag each):
#   envctl-offline/distribution-registry    Distribution registry v3.1.2 FROM scratch + httpcheck
#   envctl-offline/distribution-debian      Debian bookworm nginx-light, redis-server, openssl,
#                                           apache2-utils, curl, ca-certificates, procps
#   envctl-offline/distribution-proxy       the Debian base running nginx
#   envctl-offline/distribution-redis       the Debian base running redis-server
#   envctl-offline/distribution-init        the Debian base with init.sh (openssl, htpasswd)
#   envctl-offline/distribution-pump        the event pump FROM scratch
#   envctl-offline/distribution-es-standin  the Elasticsearch stand-in FROM scratch
set -euo pipefail

# shellcheck source=../../lib/images.sh
. "$(dirname "$0")/../../lib/images.sh"

offline=$(cd "$(dirname "$0")" && pwd)
stack=$(dirname "$offline")
prefix=envctl-offline/distribution

go=$(command -v go || echo /usr/local/go/bin/go)
work=$(mktemp -d)
# On any exit, let the background registry build finish first: nothing is left running
# and its context is not removed under it.
trap 'wait; rm -rf -- "$work"' EXIT

# go_module NAME DIR copies the Go package in DIR (standard library only) to a module of its
# own and prints its path. In the source tree the package belongs to the envctl module,
# in a stack envctl wrote out there is no go.mod at all: built this way, the binary is
# the same in both, and so is its image's hash.
go_module() {
	local dir="$work/src/$1"
	mkdir -p "$dir" || return 1
	find "$2" -maxdepth 1 -name '*.go' ! -name '*_test.go' -exec cp {} "$dir/" \; || return 1
	(cd "$dir" && GOWORK=off "$go" mod init "$1" 2>/dev/null) || return 1
	printf '%s\n' "$dir"
}
pump_src=$(go_module pump "$stack/pump")
standin_src=$(go_module es-standin "$offline/es-standin")
httpcheck_src=$(go_module httpcheck "$offline/httpcheck")

# The registry binary is the slow part (a cold Go build of distribution): start it first
# and build the Debian images meanwhile.
(
	set -e
	mkdir -p "$work/registry"
	# Same flags as the library's Go images, so an unchanged httpcheck hashes the same.
	CGO_ENABLED=0 GOOS=linux GOWORK=off "$go" -C "$httpcheck_src" build -trimpath \
		-buildvcs=false -ldflags='-s -w' -o "$work/registry/httpcheck" .
	envctl_registry_image "$prefix-registry-base"
	envctl_derived_image --context "$work/registry" "$prefix-registry" "$prefix-registry-base:latest" \
		'COPY httpcheck /bin/httpcheck' \
		'ENV OTEL_TRACES_EXPORTER=none'
) >"$work/registry.out" 2>&1 &
registry_pid=$!

# One Debian base for the proxy, redis and init: one package install instead of three,
# shared layers on disk. The same packages as the test kit's envctl-test/debian, so where
# that exists (a test run) nothing is installed at all.
envctl_debian_image "$prefix-debian" nginx-light redis-server openssl apache2-utils \
	ca-certificates curl procps

envctl_derived_image "$prefix-proxy" "$prefix-debian:latest" \
	'EXPOSE 443' \
	'STOPSIGNAL SIGQUIT' \
	'CMD ["nginx", "-g", "daemon off;"]'

envctl_derived_image "$prefix-redis" "$prefix-debian:latest" \
	'EXPOSE 6379' \
	'USER redis' \
	'CMD ["redis-server", "--save", "", "--appendonly", "no"]'

envctl_derived_image --context "$stack/init" "$prefix-init" "$prefix-debian:latest" \
	'COPY init.sh /usr/local/bin/envctl-distribution-init' \
	'ENTRYPOINT ["/bin/sh", "/usr/local/bin/envctl-distribution-init"]'

envctl_go_scratch_image --bin /pump \
	--line 'EXPOSE 8080' \
	--line 'USER 65534:65534' \
	"$prefix-pump" "$pump_src"

envctl_go_scratch_image --bin /es-standin \
	--line 'EXPOSE 9200' \
	--line 'LABEL org.opencontainers.image.title="Elasticsearch stand-in" org.opencontainers.image.description="envctl Elasticsearch stand-in: the subset of the Elasticsearch REST API the distribution stack uses; not Elasticsearch"' \
	"$prefix-es-standin" "$standin_src"

rc=0
wait "$registry_pid" || rc=$?
cat "$work/registry.out"
if [ "$rc" -ne 0 ]; then
	echo "build.sh: building the registry image failed" >&2
	exit "$rc"
fi
