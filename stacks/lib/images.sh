# shellcheck shell=bash
# images.sh: build the images envctl's tests and offline stacks need on a machine that can
# reach no image registry, only Debian's mirrors and the Go module proxy. Source it:
#
#   . stacks/lib/images.sh
#   envctl_debian_image NAME PKG...
#       Debian bookworm (debootstrap --variant=minbase) plus PKG... installed with
#       --no-install-recommends, imported as NAME:h-<hash> and tagged NAME:latest.
#   envctl_derived_image [--context DIR] NAME BASE [DOCKERFILE_LINE...]
#       docker build of "FROM BASE" + the lines (CMD, ENTRYPOINT, EXPOSE, RUN, COPY from DIR).
#   envctl_go_scratch_image [--bin PATH] [--line DOCKERFILE_LINE]... NAME SRC_DIR [EXTRA_DIR]
#       CGO_ENABLED=0 go build of the main package in SRC_DIR, FROM scratch, binary at PATH
#       (default /<last part of NAME>), ENTRYPOINT ["PATH"], an empty /tmp, and the contents
#       of EXTRA_DIR copied to /.
#   envctl_registry_image NAME
#       The Distribution registry (distribution/v3 cmd/registry, ENVCTL_REGISTRY_VERSION,
#       default v3.1.2) FROM scratch, config at /etc/distribution/config.yml.
#
# Every image is tagged NAME:h-<12 hex digits of a sha256 over what it is made of> and
# NAME:latest; when NAME:h-<hash> exists nothing is built, latest is only re-tagged. The
# hash does not cover NAME: an image of the same recipe under another name is tagged
# NAME:h-<hash> instead of being built again.
# Each function prints one line: "NAME:h-<hash> built|cached in N.Ns". Build output goes
# to a log under the cache dir (shown when a step fails; ENVCTL_VERBOSE=1 streams it).
#
# Environment:
#   ENVCTL_CACHE           cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/envctl): the
#                          minbase rootfs tarball, the registry binary, logs, temp dirs
#   ENVCTL_DEBIAN_MIRROR   default http://deb.debian.org/debian
#   ENVCTL_DEBIAN_SECURITY_MIRROR  default http://deb.debian.org/debian-security
#   ENVCTL_VERBOSE=1       stream build output to stderr
#
# Functions return non-zero on failure and never exit the caller's shell, change its options
# or its traps (the work that needs traps runs in subshells). Debian images need root
# (debootstrap, chroot); debootstrap is installed with apt-get when missing.

# Bump when a recipe changes in a way the hashed inputs do not show: every image rebuilds.
ENVCTL_IMAGES_LIB_VERSION=1
_ENVCTL_DEBIAN_SUITE=bookworm
_ENVCTL_PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

_envctl_cache_dir() {
	printf '%s\n' "${ENVCTL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/envctl}"
}

_envctl_err() {
	printf 'envctl images: %s\n' "$*" >&2
}

# _envctl_clock prints the time in milliseconds.
_envctl_clock() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		printf '%s\n' "$((10#$t / 1000))"
	else
		printf '%s\n' "$(($(date +%s) * 1000))"
	fi
}

# _envctl_report REF WHAT START_MS prints the one line per image.
_envctl_report() {
	local ms=$(($(_envctl_clock) - $3))
	printf '%s %s in %d.%ds\n' "$1" "$2" "$((ms / 1000))" "$((ms % 1000 / 100))"
}

_envctl_sha12() {
	local sum
	sum=$(sha256sum) || return 1
	printf '%s\n' "${sum:0:12}"
}

_envctl_image_exists() {
	docker image inspect --format '{{.Id}}' "$1" >/dev/null 2>&1
}

# _envctl_adopt NAME HASH tags an image of the same recipe made under another name (a
# test image, another stack's base) as NAME:h-HASH, when NAME:h-HASH is missing: the hash
# covers everything an image is made of, never its name. Sets _envctl_adopted to it.
_envctl_adopt() {
	_envctl_adopted=""
	_envctl_image_exists "$1:h-$2" && return 1
	_envctl_adopted=$(docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=*/*:h-$2" 2>/dev/null |
		head -n 1)
	[ -n "$_envctl_adopted" ] && docker tag "$_envctl_adopted" "$1:h-$2" 2>/dev/null
}

_envctl_tag_latest() {
	docker tag "$1:$2" "$1:latest" || {
		_envctl_err "cannot tag $1:$2 as $1:latest"
		return 1
	}
}

# _envctl_need CMD... fails with a clear line when a command is missing.
_envctl_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || {
			_envctl_err "$c is needed and not installed"
			return 1
		}
	done
}

# _envctl_go prints the go command to use: go on PATH, else the standard install.
_envctl_go() {
	if command -v go >/dev/null 2>&1; then
		command -v go
	elif [ -x /usr/local/go/bin/go ]; then
		printf '%s\n' /usr/local/go/bin/go
	else
		_envctl_err "go is needed and not installed (not on PATH nor /usr/local/go/bin)"
		return 1
	fi
}

# _envctl_mktemp KIND makes a world-readable temp dir under the cache (same filesystem as
# the cached files, not a possibly small or nodev /tmp).
_envctl_mktemp() {
	local base dir
	base="$(_envctl_cache_dir)/tmp"
	mkdir -p "$base" || return 1
	dir=$(mktemp -d "$base/$1.XXXXXX") || return 1
	# mktemp makes 0700; a rootfs or build context must not carry that mode into the image.
	chmod 755 "$dir" || return 1
	printf '%s\n' "$dir"
}

# _envctl_log_file KEY prints a fresh log file path for one build.
_envctl_log_file() {
	local dir file
	dir="$(_envctl_cache_dir)/logs"
	mkdir -p "$dir" || return 1
	file="$dir/${1//[^A-Za-z0-9._-]/_}.log"
	: >"$file" || return 1
	printf '%s\n' "$file"
}

# _envctl_run LOG CMD... runs CMD with its output in LOG; on failure shows the log's tail.
_envctl_run() {
	local log=$1 rc=0
	shift
	printf '+ %s\n' "$*" >>"$log"
	if [ "${ENVCTL_VERBOSE:-0}" = 1 ]; then
		"$@" 2>&1 | tee -a "$log" >&2
		rc=${PIPESTATUS[0]}
	else
		"$@" >>"$log" 2>&1 || rc=$?
	fi
	if [ "$rc" -ne 0 ]; then
		_envctl_err "failed ($rc): $*"
		if [ "${ENVCTL_VERBOSE:-0}" != 1 ]; then
			tail -n 40 "$log" >&2
			_envctl_err "full log: $log"
		fi
	fi
	return "$rc"
}

# _envctl_lock KEY takes an exclusive lock for the rest of the calling (sub)shell, so
# concurrent runs build a thing once and never share a half-written file.
_envctl_lock() {
	command -v flock >/dev/null 2>&1 || return 0
	local dir
	dir="$(_envctl_cache_dir)/locks"
	mkdir -p "$dir" || return 1
	exec 9>"$dir/${1//[^A-Za-z0-9._-]/_}.lock" || return 1
	flock 9
}

# _envctl_dir_hash DIR hashes a directory's names, modes and contents (not times or owners).
_envctl_dir_hash() {
	tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . | sha256sum
}

### Debian images

_envctl_ensure_debootstrap() {
	local want=()
	command -v debootstrap >/dev/null 2>&1 || want+=(debootstrap)
	[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || want+=(debian-archive-keyring)
	[ "${#want[@]}" -eq 0 ] && return 0
	_envctl_need apt-get || return 1
	local log
	log=$(_envctl_log_file apt-get-debootstrap) || return 1
	DEBIAN_FRONTEND=noninteractive _envctl_run "$log" apt-get install -y "${want[@]}" && return 0
	_envctl_run "$log" apt-get update &&
		DEBIAN_FRONTEND=noninteractive _envctl_run "$log" apt-get install -y "${want[@]}"
}

# _envctl_chroot ROOT CMD... runs CMD in the chroot with a clean, non-interactive env.
_envctl_chroot() {
	local root=$1
	shift
	env -i PATH="$_ENVCTL_PATH_ENV" HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
		chroot "$root" "$@" </dev/null
}

# _envctl_minbase_tarball prints the path of the cached bare minbase rootfs, making it
# once (one debootstrap, ~1 min) for all Debian images.
_envctl_minbase_tarball() {
	local cache file
	cache=$(_envctl_cache_dir)
	file="$cache/debian/$_ENVCTL_DEBIAN_SUITE-minbase-v$ENVCTL_IMAGES_LIB_VERSION.tar"
	if [ ! -s "$file" ]; then
		(
			set -o pipefail
			_envctl_lock minbase || exit 1
			[ -s "$file" ] && exit 0
			_envctl_ensure_debootstrap || exit 1
			_envctl_need tar chroot || exit 1
			mkdir -p "$cache/debian" || exit 1
			log=$(_envctl_log_file "debootstrap-$_ENVCTL_DEBIAN_SUITE") || exit 1
			root=$(_envctl_mktemp minbase) || exit 1
			trap 'rm -rf -- "$root" "$file.part"' EXIT
			trap 'exit 130' INT
			trap 'exit 143' TERM
			mirror=${ENVCTL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
			security=${ENVCTL_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
			_envctl_run "$log" debootstrap --variant=minbase "$_ENVCTL_DEBIAN_SUITE" "$root" "$mirror" \
				</dev/null || exit 1
			printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
				"$mirror" "$_ENVCTL_DEBIAN_SUITE" "$mirror" "$_ENVCTL_DEBIAN_SUITE" \
				"$security" "$_ENVCTL_DEBIAN_SUITE" >"$root/etc/apt/sources.list" || exit 1
			_envctl_chroot "$root" apt-get clean || exit 1
			rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/* || exit 1
			# The engine mounts its own resolv.conf, hosts and hostname in containers; the
			# build host's must not leak into images.
			rm -f "$root/etc/resolv.conf" || exit 1
			: >"$root/etc/resolv.conf" || exit 1
			printf 'localhost\n' >"$root/etc/hostname" || exit 1
			_envctl_run "$log" tar -C "$root" --numeric-owner -cf "$file.part" . || exit 1
			mv -f "$file.part" "$file" || exit 1
		) || return 1
	fi
	printf '%s\n' "$file"
}

# _envctl_debian_build NAME TAG PKG... (run in a subshell: it sets traps).
_envctl_debian_build() {
	local name=$1 tag=$2
	shift 2
	set -o pipefail
	_envctl_lock "debian-$name-$tag" || return 1
	_envctl_image_exists "$name:$tag" && return 0
	[ "$(id -u)" = 0 ] || {
		_envctl_err "building Debian images needs root (debootstrap, chroot)"
		return 1
	}
	local base log root
	base=$(_envctl_minbase_tarball) || return 1
	log=$(_envctl_log_file "debian-$name-$tag") || return 1
	_envctl_tmp=$(_envctl_mktemp rootfs) || return 1
	trap 'rm -rf -- "$_envctl_tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	root=$_envctl_tmp
	_envctl_run "$log" tar -C "$root" --numeric-owner -xf "$base" || return 1
	rm -f "$root/etc/resolv.conf" || return 1
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" || return 1
	# Keep package scripts from starting services inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" || return 1
	chmod 755 "$root/usr/sbin/policy-rc.d" || return 1
	_envctl_run "$log" _envctl_chroot "$root" apt-get update -q -o Acquire::Languages=none || return 1
	if [ "$#" -gt 0 ]; then
		_envctl_run "$log" _envctl_chroot "$root" apt-get install -y -q --no-install-recommends \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" ||
			return 1
	fi
	_envctl_run "$log" _envctl_chroot "$root" apt-get clean || return 1
	rm -f "$root/usr/sbin/policy-rc.d" || return 1
	: >"$root/etc/resolv.conf" || return 1
	rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
		"$root"/var/cache/debconf/*-old "$root"/tmp/* || return 1
	# Docs go, their copyright files (the licences) stay.
	if [ -d "$root/usr/share/doc" ]; then
		find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete || return 1
		find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete || return 1
	fi
	find "$root/var/log" -type f -delete || return 1
	tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
		-cf - . | _envctl_run "$log" docker import --change "ENV PATH=$_ENVCTL_PATH_ENV" - "$name:$tag" ||
		return 1
}

envctl_debian_image() {
	if [ "$#" -lt 1 ]; then
		_envctl_err "usage: envctl_debian_image NAME PKG..."
		return 2
	fi
	local name=$1 start pkgs hash
	shift
	start=$(_envctl_clock)
	_envctl_need docker sha256sum || return 1
	pkgs=$(printf '%s\n' "$@" | LC_ALL=C sort -u)
	hash=$(printf 'envctl_debian_image v%s %s --variant=minbase --no-install-recommends\n%s\n' \
		"$ENVCTL_IMAGES_LIB_VERSION" "$_ENVCTL_DEBIAN_SUITE" "$pkgs" | _envctl_sha12) || return 1
	local what=cached
	_envctl_adopt "$name" "$hash" && what="cached (as $_envctl_adopted)"
	if ! _envctl_image_exists "$name:h-$hash"; then
		(_envctl_debian_build "$name" "h-$hash" "$@") || {
			_envctl_err "building $name:h-$hash failed"
			return 1
		}
		what=built
	fi
	_envctl_tag_latest "$name" "h-$hash" || return 1
	_envctl_report "$name:h-$hash" "$what" "$start"
}

### Dockerfile-built images

# _envctl_docker_build NAME TAG CONTEXT LINE... builds "LINE..." (a whole Dockerfile) in
# CONTEXT with the classic builder (the engine here is 20.10 without BuildKit).
_envctl_docker_build() {
	local name=$1 tag=$2 ctx=$3 log
	shift 3
	log=$(_envctl_log_file "build-$name-$tag") || return 1
	printf '%s\n' "$@" >>"$log"
	printf '%s\n' "$@" | DOCKER_BUILDKIT=0 _envctl_run "$log" docker build --force-rm -t "$name:$tag" -f - "$ctx"
}

# _envctl_derived START CONTEXT NAME BASE LINE... (CONTEXT may be empty).
_envctl_derived() {
	local start=$1 ctx=$2 name=$3 base=$4 base_id ctx_hash="" hash
	shift 4
	if [ "$base" = scratch ]; then
		base_id=scratch
	else
		base_id=$(docker image inspect --format '{{.Id}}' "$base" 2>/dev/null) || {
			_envctl_err "base image $base of $name does not exist (build it first)"
			return 1
		}
	fi
	if [ -n "$ctx" ]; then
		ctx_hash=$(_envctl_dir_hash "$ctx") || return 1
	fi
	hash=$({
		printf 'envctl_derived_image v%s\n%s\n%s\n' "$ENVCTL_IMAGES_LIB_VERSION" "$base_id" "$ctx_hash"
		printf '%s\n' "$@"
	} | _envctl_sha12) || return 1
	local what=cached
	_envctl_adopt "$name" "$hash" && what="cached (as $_envctl_adopted)"
	if ! _envctl_image_exists "$name:h-$hash"; then
		(
			_envctl_lock "build-$name-h-$hash" || exit 1
			_envctl_image_exists "$name:h-$hash" && exit 0
			if [ -z "$ctx" ]; then
				_envctl_tmp=$(_envctl_mktemp context) || exit 1
				trap 'rm -rf -- "$_envctl_tmp"' EXIT
				trap 'exit 130' INT
				trap 'exit 143' TERM
				ctx=$_envctl_tmp
			fi
			# FROM the ID just hashed, so a base re-tagged meanwhile cannot slip in.
			_envctl_docker_build "$name" "h-$hash" "$ctx" "FROM $base_id" "$@" || exit 1
		) || {
			_envctl_err "building $name:h-$hash failed"
			return 1
		}
		what=built
	fi
	_envctl_tag_latest "$name" "h-$hash" || return 1
	_envctl_report "$name:h-$hash" "$what" "$start"
}

envctl_derived_image() {
	local ctx="" start
	start=$(_envctl_clock)
	if [ "${1:-}" = --context ]; then
		ctx=${2:-}
		[ "$#" -ge 2 ] && shift 2
		if [ -z "$ctx" ] || [ ! -d "$ctx" ]; then
			_envctl_err "envctl_derived_image: --context needs a directory, not '$ctx'"
			return 2
		fi
	fi
	if [ "$#" -lt 2 ]; then
		_envctl_err "usage: envctl_derived_image [--context DIR] NAME BASE [DOCKERFILE_LINE...]"
		return 2
	fi
	_envctl_need docker sha256sum tar || return 1
	_envctl_derived "$start" "$ctx" "$@"
}

### Static Go programs FROM scratch

envctl_go_scratch_image() {
	local start bin="" lines=() go
	start=$(_envctl_clock)
	while [ "$#" -gt 0 ]; do
		case $1 in
		--bin | --line)
			[ "$#" -ge 2 ] || {
				_envctl_err "envctl_go_scratch_image: $1 needs a value"
				return 2
			}
			if [ "$1" = --bin ]; then bin=$2; else lines+=("$2"); fi
			shift 2
			;;
		*) break ;;
		esac
	done
	if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
		_envctl_err "usage: envctl_go_scratch_image [--bin PATH] [--line DOCKERFILE_LINE]... NAME SRC_DIR [EXTRA_DIR]"
		return 2
	fi
	local name=$1 src=$2 extra=${3:-}
	[ -n "$bin" ] || bin="/${name##*/}"
	case $bin in
	/*) ;;
	*)
		_envctl_err "envctl_go_scratch_image: --bin must be an absolute path, not $bin"
		return 2
		;;
	esac
	[ -d "$src" ] || {
		_envctl_err "envctl_go_scratch_image: $src is not a directory"
		return 2
	}
	[ -z "$extra" ] || [ -d "$extra" ] || {
		_envctl_err "envctl_go_scratch_image: $extra is not a directory"
		return 2
	}
	_envctl_need docker sha256sum tar || return 1
	go=$(_envctl_go) || return 1
	(
		_envctl_tmp=$(_envctl_mktemp go-context) || exit 1
		trap 'rm -rf -- "$_envctl_tmp"' EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		ctx=$_envctl_tmp
		mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs${bin%/*}" || exit 1
		chmod 1777 "$ctx/rootfs/tmp" || exit 1
		if [ -n "$extra" ]; then
			cp -R "$extra/." "$ctx/rootfs/" || exit 1
		fi
		# -trimpath and no VCS stamp: the same sources give the same binary, so the hash
		# (taken over the binary) changes only when the program does. GOWORK=off unless
		# asked: a go.work elsewhere in the tree must not change how SRC_DIR builds.
		GOWORK=${GOWORK:-off} CGO_ENABLED=0 GOOS=linux "$go" -C "$src" build -trimpath -buildvcs=false \
			-ldflags='-s -w' -o "$ctx/rootfs$bin" . || {
			_envctl_err "go build in $src failed"
			exit 1
		}
		_envctl_derived "$start" "$ctx" "$name" scratch 'COPY rootfs/ /' \
			"ENTRYPOINT [\"$bin\"]" "${lines[@]}"
	)
}

### The Distribution registry

ENVCTL_REGISTRY_CONFIG='version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
'

# _envctl_registry_binary VERSION prints the path of the cached static registry binary.
_envctl_registry_binary() {
	local version=$1 go gover cache file
	go=$(_envctl_go) || return 1
	gover=$("$go" env GOVERSION) || return 1
	cache=$(_envctl_cache_dir)
	file="$cache/bin/registry-$version-$gover"
	if [ ! -x "$file" ]; then
		(
			_envctl_lock "registry-binary-$version" || exit 1
			[ -x "$file" ] && exit 0
			mkdir -p "$cache/bin" || exit 1
			log=$(_envctl_log_file "registry-binary-$version") || exit 1
			gobin=$(_envctl_mktemp gobin) || exit 1
			trap 'rm -rf -- "$gobin"' EXIT
			trap 'exit 130' INT
			trap 'exit 143' TERM
			# go install pkg@version builds with the registry's own go.mod, which has no
			# replace directives, so no nested module is needed to keep ours clean.
			pkg=github.com/distribution/distribution/v3
			GOBIN=$gobin CGO_ENABLED=0 GOOS=linux GOFLAGS='' _envctl_run "$log" "$go" install -trimpath \
				-ldflags="-s -w -X $pkg/version.version=$version" "$pkg/cmd/registry@$version" ||
				exit 1
			mv -f "$gobin/registry" "$file" || exit 1
		) || return 1
	fi
	printf '%s\n' "$file"
}

envctl_registry_image() {
	if [ "$#" -ne 1 ]; then
		_envctl_err "usage: envctl_registry_image NAME"
		return 2
	fi
	local name=$1 start version=${ENVCTL_REGISTRY_VERSION:-v3.1.2} hash lines
	start=$(_envctl_clock)
	_envctl_need docker sha256sum || return 1
	lines=(
		'COPY rootfs/ /'
		'VOLUME ["/var/lib/registry"]'
		'EXPOSE 5000'
		'ENTRYPOINT ["/bin/registry"]'
		'CMD ["serve", "/etc/distribution/config.yml"]'
	)
	hash=$({
		printf 'envctl_registry_image v%s %s\n%s\n' "$ENVCTL_IMAGES_LIB_VERSION" "$version" \
			"$ENVCTL_REGISTRY_CONFIG"
		printf '%s\n' "${lines[@]}"
	} | _envctl_sha12) || return 1
	local what=cached
	_envctl_adopt "$name" "$hash" && what="cached (as $_envctl_adopted)"
	if ! _envctl_image_exists "$name:h-$hash"; then
		(
			_envctl_lock "build-$name-h-$hash" || exit 1
			_envctl_image_exists "$name:h-$hash" && exit 0
			binary=$(_envctl_registry_binary "$version") || exit 1
			ctx=$(_envctl_mktemp registry-context) || exit 1
			trap 'rm -rf -- "$ctx"' EXIT
			trap 'exit 130' INT
			trap 'exit 143' TERM
			mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc/distribution" "$ctx/rootfs/var/lib/registry" \
				"$ctx/rootfs/tmp" || exit 1
			chmod 1777 "$ctx/rootfs/tmp" || exit 1
			cp "$binary" "$ctx/rootfs/bin/registry" || exit 1
			printf '%s' "$ENVCTL_REGISTRY_CONFIG" >"$ctx/rootfs/etc/distribution/config.yml" || exit 1
			_envctl_docker_build "$name" "h-$hash" "$ctx" 'FROM scratch' "${lines[@]}" || exit 1
		) || {
			_envctl_err "building $name:h-$hash failed"
			return 1
		}
		what=built
	fi
	_envctl_tag_latest "$name" "h-$hash" || return 1
	_envctl_report "$name:h-$hash" "$what" "$start"
}
