#!/usr/bin/env bash
# Makes the hall screen's default voice pack (assets/voice/default/*.wav)
# with espeak-ng, a speech synthesiser under the GPL whose output carries no
# licence of its own, so the project may ship the clips. The clips are
# committed, so building onewindow needs no espeak-ng; run this again only
# to change a clip (Debian: apt-get install espeak-ng).
#
# A hall replaces the pack with its own recordings: WAV files (16-bit PCM,
# mono or stereo, any rate) with the same names in a folder given to
# `onewindow display -voice DIR`. See assets/voice/README.md for the names.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/assets/voice/default"
command -v espeak-ng >/dev/null || { echo "make-voice: espeak-ng is missing (apt-get install espeak-ng)" >&2; exit 1; }
mkdir -p "$out"

say() { # say NAME VOICE TEXT
	espeak-ng -v "$2" -s 150 -w "$out/$1.wav" "$3"
}

digits=(零 一 二 三 四 五 六 七 八 九)
for i in "${!digits[@]}"; do say "$i" cmn "${digits[$i]}"; done
say ten cmn 十
say hundred cmn 百
for l in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do say "$l" en "$l"; done
say please cmn 请
say number cmn 号
say to cmn 到
say window cmn 号窗口办理
say prompt-welcome cmn 欢迎使用自助服务，请点击屏幕选择您要办理的事情
say prompt-card cmn 请将身份证放在读卡区
say prompt-category cmn 请选择业务类别
say prompt-ticket cmn 请取走您的号票，留意大屏叫号
echo "make-voice: $(ls "$out"/*.wav | wc -l) clips in $out"
