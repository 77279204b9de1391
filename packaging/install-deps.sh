#!/usr/bin/env bash
# Installs what a Debian 12 machine lacks to build and test onewindow: checks
# that Go is there and new enough, installs the Debian packages listed in
# packaging/apt-packages.txt that are missing, and downloads the Go modules.
#
# Safe to run again and again: apt runs only when a package is missing, so a
# machine that has everything is done in a fraction of a second. `make test`
# and `make build` run it first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
list="$root/packaging/apt-packages.txt"

fail() {
	printf 'install-deps: %s\n' "$*" >&2
	exit 1
}

# --- Go ---------------------------------------------------------------------
# Our machines carry Go in /usr/local/go, which a non-login shell may not have
# on PATH. Appended, so that a Go the user put first still wins.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	PATH="$PATH:/usr/local/go/bin"
	export PATH
fi
need=$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' "$root/go.mod")
[ -n "$need" ] || fail "cannot read the Go version from $root/go.mod"
command -v go >/dev/null 2>&1 ||
	fail "Go is not installed (no 'go' on PATH, none in /usr/local/go/bin). Install Go $need or newer from https://go.dev/dl/ into /usr/local/go."
# Asked outside the module and with GOTOOLCHAIN=local, go reports its own
# version instead of switching to the toolchain go.mod names.
have=$(cd / && GOTOOLCHAIN=local go version 2>/dev/null | awk '{ print $3 }') || true
[ -n "$have" ] || fail "$(command -v go) does not run. Install Go $need or newer from https://go.dev/dl/ into /usr/local/go."
case "$have" in
devel*) ;; # a toolchain built from source: trust whoever built it
*)
	have=${have#go}
	have=${have%%[!0-9.]*} # go1.27rc1 → 1.27
	if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
		fail "$(command -v go) is Go $have, but go.mod needs Go $need or newer. Install it from https://go.dev/dl/ into /usr/local/go."
	fi
	;;
esac

# --- Debian packages --------------------------------------------------------
[ -r "$list" ] || fail "cannot read the package list $list"
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list")
missing=()
if [ "${#wanted[@]}" -gt 0 ]; then
	command -v dpkg-query >/dev/null 2>&1 ||
		fail "dpkg-query is missing: this script is for Debian 12. Install these packages yourself: ${wanted[*]}"
	# One dpkg-query for all packages keeps the common case fast. A package
	# dpkg has never heard of prints nothing here and so counts as missing.
	declare -A installed=()
	while read -r name; do
		installed[$name]=1
	done < <(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null | awk '$NF == "installed" { print $1 }')
	for p in "${wanted[@]}"; do
		[ -n "${installed[${p%%:*}]:-}" ] || missing+=("$p")
	done
fi
if [ "${#missing[@]}" -gt 0 ]; then
	printf 'install-deps: installing %s\n' "${missing[*]}"
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 ||
			fail "these packages are missing and installing them needs root, but sudo is not installed: ${missing[*]}"
		sudo=(sudo)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Go modules -------------------------------------------------------------
# Downloading here, before the tests, keeps a network failure from looking
# like a test failure.
(cd "$root" && go mod download) || fail "go mod download failed: is the Go module proxy reachable? (GOPROXY=$(go env GOPROXY))"
