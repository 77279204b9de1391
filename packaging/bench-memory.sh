#!/usr/bin/env bash
# Idle resident memory of the kiosk and of the window terminal, under Xvfb
# with the real OpenGL driver (Mesa's llvmpipe here), as a hall runs them:
# the device simulators and the hub beside them, the sample hall loaded.
# Each terminal is started fresh RUNS times, left alone for IDLE seconds
# (the kiosk on its home screen, the window on its login screen), and its
# VmRSS read, with where that memory lives: anonymous (Go heap, C heap, GL
# buffers), the binary's own pages, and llvmpipe's libLLVM.
#
# Run from the repository root after `make build`:
#   packaging/bench-memory.sh [RUNS] [IDLE]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/bin/onewindow"
runs=${1:-3}
idle=${2:-30}
[ -x "$bin" ] || { echo "bench-memory: build first: make build" >&2; exit 1; }

if [ "${3:-}" != "--inside" ]; then
	exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$runs" "$idle" --inside
fi

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
source "$root/packaging/bench-hall.sh"
hall_up "$tmp" 17101

kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$2/status"; }
mapped() { # pid pattern: resident KiB of the mappings whose path matches
	awk -v p="$2" '/^[0-9a-f]+-[0-9a-f]+ / { hit = ($6 ~ p) } /^Rss:/ && hit { s += $2 } END { print s + 0 }' "/proc/$1/smaps"
}
for role in kiosk window; do
	# A first start fills the terminal's database from the sample hall; the
	# runs measured start on it, as a terminal does every morning.
	"$bin" "$role" -config "$tmp/$role.toml" -sample >/dev/null 2>&1 &
	sleep 8
	kill $! && wait $! 2>/dev/null || true
	for i in $(seq "$runs"); do
		"$bin" "$role" -config "$tmp/$role.toml" -sample >/dev/null 2>"$tmp/$role.log" &
		pid=$!
		sleep "$idle"
		kill -0 "$pid" 2>/dev/null || { echo "bench-memory: the $role stopped; it said:" >&2; cat "$tmp/$role.log" >&2; exit 1; }
		printf '%-6s run %d: VmRSS %3d MiB = anonymous %3d + file %3d + shared %d; of the file part: binary %d, libLLVM %d MiB\n' \
			"$role" "$i" $(($(kib VmRSS $pid) / 1024)) $(($(kib RssAnon $pid) / 1024)) $(($(kib RssFile $pid) / 1024)) \
			$(($(kib RssShmem $pid) / 1024)) $(($(mapped $pid "$bin\$") / 1024)) $(($(mapped $pid libLLVM) / 1024))
		kill "$pid"
		wait "$pid" 2>/dev/null || true
		sleep 1
	done
done
