#!/usr/bin/env bash
# Installs what 'make dist' needs beyond 'make test': the cross compilers,
# and Fyne's OpenGL/X11 libraries for arm64 from Debian's multiarch archive
# (which needs the arm64 architecture added to dpkg first). Safe to rerun.
set -euo pipefail
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	"${sudo[@]}" dpkg --add-architecture arm64
	"${sudo[@]}" apt-get update -q
fi
want=(gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu zip debootstrap
	libgl1-mesa-dev:arm64 libx11-dev:arm64 libxcursor-dev:arm64 libxrandr-dev:arm64
	libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64 libxkbcommon-dev:arm64 libasound2-dev:arm64)
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
