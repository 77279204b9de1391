#!/usr/bin/env bash
# Measures the kiosk's cold start to first frame and its idle resident
# memory, under Xvfb, with the real OpenGL driver: the device simulators
# and the hub run beside it, as in a hall.
#
# First frame: from the moment the kiosk process is started until the
# screen shows the kiosk's blue header band (sampled with ImageMagick's
# import every few milliseconds; the first sample that shows it counts).
# Idle memory: VmRSS of the kiosk process 20 s after its first frame,
# nobody touching it.
#
# Run from the repository root after `make build`: packaging/bench-kiosk.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/bin/onewindow"
runs=${1:-5}
[ -x "$bin" ] || { echo "bench-kiosk: build first: make build" >&2; exit 1; }

if [ "${2:-}" != "--inside" ]; then
	exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$runs" --inside
fi

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
openssl rand -hex 32 >"$tmp/hall.key" 2>/dev/null || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/hall.key"
chmod 600 "$tmp/hall.key"
"$bin" sim -dir "$tmp/sim" -quiet </dev/null >/dev/null 2>&1 &
sleep 1
cat >"$tmp/hub.toml" <<EOT
role = "hub"
hall = "330106"
terminal = "HUB"
[hub]
address = "127.0.0.1:17100"
hall_key_file = "hall.key"
[paths]
data_dir = "hub-data"
EOT
cat >"$tmp/kiosk.toml" <<EOT
role = "kiosk"
hall = "330106"
terminal = "K01"
[hub]
address = "127.0.0.1:17100"
hall_key_file = "hall.key"
[central]
url = "http://127.0.0.1:9"
[paths]
data_dir = "kiosk-data"
[devices.idcard]
port = "$tmp/sim/idreader"
[devices.printer]
port = "$tmp/sim/printer"
[devices.scanner]
port = "$tmp/sim/scanner"
EOT
"$bin" hub -config "$tmp/hub.toml" -sample >/dev/null 2>&1 &
sleep 1
# A first run fills the kiosk's database; the runs measured start warm on
# disk, as a kiosk does every morning.
"$bin" kiosk -config "$tmp/kiosk.toml" -sample >/dev/null 2>&1 &
sleep 5
kill %3 2>/dev/null || true
wait %3 2>/dev/null || true

blue() { # is the header band's blue at (1000, 20)?
	import -window root -crop 1x1+1000+20 txt:- 2>/dev/null | grep -q 'srgb(10,71,140)'
}
frames=()
for i in $(seq "$runs"); do
	start=$(date +%s%N)
	"$bin" kiosk -config "$tmp/kiosk.toml" >/dev/null 2>"$tmp/kiosk.log" &
	pid=$!
	until blue; do
		sleep 0.005
		[ $(($(date +%s%N) - start)) -lt 20000000000 ] || { echo "bench-kiosk: no frame in 20 s; the kiosk said:" >&2; cat "$tmp/kiosk.log" >&2; import -window root -crop 3x3+1000+20 txt:- >&2; exit 1; }
	done
	ms=$((($(date +%s%N) - start) / 1000000))
	frames+=("$ms")
	if [ "$i" = "$runs" ]; then
		sleep 20
		rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
		split=$(grep -E "RssAnon|RssFile" "/proc/$pid/status" | tr -s " \t" " " | tr "\n" " ")
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	sleep 1
done
sorted=$(printf '%s\n' "${frames[@]}" | sort -n)
echo "first frame (ms), $runs runs: $(echo $sorted)"
echo "first frame median: $(echo "$sorted" | sed -n "$(((runs + 1) / 2))p") ms, worst: $(echo "$sorted" | tail -1) ms"
echo "idle resident memory after 20 s: $((rss / 1024)) MiB ($split)"
