#!/usr/bin/env bash
# Builds the images envctl's end-to-end tests use (tests refer to them as NAME:latest).
# Usage: build.sh [all|testapp|debian|registry|frontend]...   (default: all; frontend is
# not in all: the BuildKit test asks for it)
# Cached images cost a second; see README.md for what a cold build costs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../stacks/lib/images.sh
. "$here/../../stacks/lib/images.sh"

build_testapp() {
	envctl_go_scratch_image --bin /testapp --line 'CMD ["sleep"]' envctl-test/testapp "$here/testapp"
}

build_debian() {
	envctl_debian_image envctl-test/debian \
		nginx-light redis-server openssl apache2-utils ca-certificates curl procps
	# As the official nginx image: logs to the container's streams, a graceful stop.
	envctl_derived_image envctl-test/nginx envctl-test/debian:latest \
		'RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log' \
		'EXPOSE 80' \
		'STOPSIGNAL SIGQUIT' \
		'CMD ["nginx", "-g", "daemon off;"]'
	envctl_derived_image envctl-test/redis envctl-test/debian:latest \
		'EXPOSE 6379' \
		'CMD ["redis-server", "--protected-mode", "no", "--save", ""]'
	envctl_derived_image envctl-test/tools envctl-test/debian:latest \
		'CMD ["sleep", "infinity"]'
}

build_registry() {
	envctl_registry_image envctl-test/registry
}

# BuildKit's Dockerfile frontend (heredocs and the rest of the current syntax), for
# Dockerfiles with "# syntax=envctl-test/dockerfile-frontend:latest"; labelled as the
# docker/dockerfile image is.
build_frontend() {
	envctl_go_scratch_image --bin /bin/dockerfile-frontend \
		--line 'LABEL moby.buildkit.frontend.network.none="true"' \
		--line 'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"' \
		envctl-test/dockerfile-frontend "$here/dockerfile-frontend"
}

main() {
	local targets=("$@") t start=$SECONDS
	[ "${#targets[@]}" -gt 0 ] || targets=(all)
	for t in "${targets[@]}"; do
		case $t in
		all | testapp | debian | registry | frontend) ;;
		*)
			printf 'build.sh: unknown target %q (want all, testapp, debian, registry or frontend)\n' "$t" >&2
			exit 2
			;;
		esac
	done
	for t in "${targets[@]}"; do
		case $t in
		all)
			build_testapp
			build_debian
			build_registry
			;;
		*) "build_$t" ;;
		esac
	done
	printf 'test images ready in %ds\n' "$((SECONDS - start))"
}

main "$@"
