#!/usr/bin/env bash
# Idle CPU of the window terminal, under Xvfb with the real OpenGL driver
# (Mesa's llvmpipe here), as a hall runs it: the device simulators and the
# hub beside it, the sample hall loaded, the window full screen on its login
# screen. The window is left alone for SECONDS twice: once with its clerk-id
# field focused (clicked with xdotool, as a clerk would), once with nothing
# focused (a click on the empty background). CPU is user + system time of
# the process, from /proc/PID/stat, over the interval, as % of one core.
# Each state is measured RUNS times, each with a freshly started window.
#
# Run from the repository root after building the binary:
#   go build -tags no_emoji -o bin/onewindow ./cmd/onewindow   (or make build)
#   packaging/bench-idle-cpu.sh [RUNS] [SECONDS] [BINARY]
# SHOT=FILE also saves a screenshot of the focused field after typing into it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-3}
secs=${2:-30}
bin=${3:-$root/bin/onewindow}
[ -x "$bin" ] || { echo "bench-idle-cpu: build first: make build" >&2; exit 1; }
for tool in xvfb-run xdotool; do
	command -v "$tool" >/dev/null || { echo "bench-idle-cpu: $tool is missing (bash packaging/install-deps.sh)" >&2; exit 1; }
done

if [ "${4:-}" != "--inside" ]; then
	exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$runs" "$secs" "$bin" --inside
fi

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
source "$root/packaging/bench-hall.sh"
hall_up "$tmp" 17102

ticks() { # utime + stime of a process, in clock ticks
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
hz=$(getconf CLK_TCK)
# The login screen at 1280×1024, scale 1: the clerk-id field sits in the
# middle of the screen, the background at the top left is empty.
field_x=700 field_y=420 blank_x=40 blank_y=1000
export FYNE_SCALE=1
# A first start fills the window's database from the sample hall; the
# runs measured start on it, as a terminal does every morning.
"$bin" window -config "$tmp/window.toml" -sample >/dev/null 2>&1 &
sleep 8
kill $! && wait $! 2>/dev/null || true
for state in focused unfocused; do
	for i in $(seq "$runs"); do
		"$bin" window -config "$tmp/window.toml" >/dev/null 2>"$tmp/window.log" &
		pid=$!
		sleep 6
		kill -0 "$pid" 2>/dev/null || { echo "bench-idle-cpu: the window stopped; it said:" >&2; cat "$tmp/window.log" >&2; exit 1; }
		if [ "$state" = focused ]; then
			xdotool mousemove "$field_x" "$field_y" click 1
		else
			xdotool mousemove "$blank_x" "$blank_y" click 1
		fi
		xdotool mousemove 0 0 # the pointer off every widget: no hover
		sleep 2
		t0=$(ticks "$pid") s0=$(date +%s%N)
		sleep "$secs"
		t1=$(ticks "$pid") s1=$(date +%s%N)
		awk -v t=$((t1 - t0)) -v hz="$hz" -v ns=$((s1 - s0)) -v st="$state" -v i="$i" \
			'BEGIN { printf "window %-9s run %d: %5.1f %% of a core (%d ticks in %.1f s)\n", st, i, 100 * t / hz / (ns / 1e9), t, ns / 1e9 }'
		if [ -n "${SHOT:-}" ] && [ "$state" = focused ] && [ "$i" = 1 ]; then
			xdotool type --delay 50 "A1002"
			sleep 1
			import -window root "$SHOT"
			echo "bench-idle-cpu: screenshot in $SHOT"
		fi
		kill "$pid"
		wait "$pid" 2>/dev/null || true
		sleep 1
	done
done
