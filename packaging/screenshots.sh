#!/usr/bin/env bash
# Takes the screenshots in docs/screenshots/ from the real windows, drawn by
# Fyne's OpenGL driver on a virtual X display (Xvfb): the demo is started
# with one screen full screen, driven by mouse clicks (xdotool) and by the
# simulators' console (place a card, run out of paper, call a number), and
# the screen is captured with ImageMagick's import.
#
# Run from the repository root: packaging/screenshots.sh
# Needs xvfb, xauth, xdotool and imagemagick (packaging/apt-packages.txt).
# The click positions belong to the layouts at 1280×1024 (kiosk) and
# 1920×1080 (hall screen), scale 1; a layout change may move them.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/docs/screenshots"
bin="$root/bin/onewindow"
mkdir -p "$out"
[ -x "$bin" ] || { echo "screenshots: build first: make build" >&2; exit 1; }
for tool in xvfb-run xdotool import; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (bash packaging/install-deps.sh)" >&2; exit 1; }
done

# run SCREEN WIDTHxHEIGHT SCRIPT: runs the demo showing SCREEN under Xvfb,
# then the steps of SCRIPT (a function name) against it.
run() {
	local screen=$1 size=$2 steps=$3
	local tmp
	tmp=$(mktemp -d)
	mkfifo "$tmp/console"
	export SHOT_TMP=$tmp SHOT_OUT=$out SHOT_BIN=$bin SHOT_SCREEN=$screen
	xvfb-run -a -s "-screen 0 ${size}x24" bash -c "
		set -euo pipefail
		source '$root/packaging/screenshots.sh' --steps
		FYNE_SCALE=1 \"\$SHOT_BIN\" demo -screen \"\$SHOT_SCREEN\" -dir \"\$SHOT_TMP/hall\" <\"\$SHOT_TMP/console\" >\"\$SHOT_TMP/out.log\" 2>\"\$SHOT_TMP/err.log\" &
		demo=\$!
		exec 3>\"\$SHOT_TMP/console\"
		sleep 4
		$steps
		echo quit >&3
		sleep 1
		kill \$demo 2>/dev/null || true
	"
	rm -rf "$tmp"
}

if [ "${1:-}" = "--steps" ]; then
	# The steps, sourced inside the Xvfb session.
	shot() { sleep "${2:-1.5}"; import -window root "$SHOT_OUT/$1.png"; echo "screenshots: $1.png"; }
	click() { xdotool mousemove "$1" "$2" click 1; sleep 0.8; }
	say() { echo "$*" >&3; sleep 0.8; }
	kiosk_steps() {
		shot kiosk-home
		click 320 276                 # 取号
		say place 1                   # 王秀英, 75: elderly priority
		shot kiosk-take-number
		say paper out
		click 320 400                 # A 户籍业务
		shot kiosk-ticket-paper-out 2.5
		click 640 978                 # 完成，返回首页
		click 990 276                 # 办事指南
		shot kiosk-guide
		click 640 134                 # 按拼音首字母查找
		for k in H K Q Y; do click_key "$k"; done
		shot kiosk-guide-search
		click 640 277                 # 户口迁移（市内）
		shot kiosk-guide-item
		click 1190 48                 # 返回首页
		click 990 978                 # English
		shot kiosk-home-en
		click 320 978                 # elderly mode
		shot kiosk-home-elderly
	}
	# click_key K: a key of the search keyboard (rows QWERTYUIOP, ASDFGHJKL-, ZXCVBNM).
	click_key() {
		local rows=("1234567890" "QWERTYUIOP" "ASDFGHJKL-" "ZXCVBNM") r i
		for r in 0 1 2 3; do
			i=$(expr index "${rows[$r]}" "$1") || true
			if [ "$i" -gt 0 ]; then
				local n=${#rows[$r]} w
				[ "$r" = 3 ] && n=9
				w=$((1248 / n))
				click $((16 + (i - 1) * w + w / 2)) $((KEY_TOP + r * KEY_ROW))
				return
			fi
		done
	}
	KEY_TOP=${KEY_TOP:-746} KEY_ROW=${KEY_ROW:-68}
	display_steps() {
		for c in A A A B B C F A B; do say issue "$c"; done
		for w in 2 3 5 1 2 3; do say call "$w"; done
		shot display-calls 2
	}
	return 0 2>/dev/null || exit 0
fi

run kiosk 1280x1024 kiosk_steps
# The kiosk's 办件查询 of a case the departments decided, and its receipt,
# need a window's intake and central's opinions, which the demo's walk
# cannot give: internal/kioskshots walks the real kiosk in front of a real
# hub for those (kiosk-receipt.png, kiosk-progress-*.png).
(cd "$root" && xvfb-run -a -s '-screen 0 1280x1024x24' go run -tags no_emoji ./internal/kioskshots -out "$out")
[ "${SHOTS:-all}" = kiosk ] || run display 1920x1080 display_steps
# The clerk's window terminal is walked by its own program on the real
# driver, in front of simulated devices (internal/windowshots), once in
# Chinese and once in English (window-*-en.png).
if [ "${SHOTS:-all}" = all ]; then
	for lang in zh en; do
		(cd "$root" && xvfb-run -a -s '-screen 0 1280x800x24' go run ./internal/windowshots -out "$out" -lang "$lang")
	done
fi
