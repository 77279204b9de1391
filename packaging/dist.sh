#!/usr/bin/env bash
# Builds everything a hall is installed from, into dist/:
#   onewindow_VERSION_amd64.deb, onewindow_VERSION_arm64.deb   (nfpm)
#   onewindow-VERSION-windows-amd64.zip                        (mingw-w64)
#   and, when UPDATE_KEY names a private key file (ed25519, or SM2) made by
#   'onewindow update keygen', a signed update package (.owu) for each .deb.
# The version is FyneApp.toml's. Run from anywhere: packaging/dist.sh
# Needs gcc-mingw-w64-x86-64, gcc-aarch64-linux-gnu and the :arm64 -dev
# libraries (bash packaging/install-deps.sh; the arm64 ones need
# 'dpkg --add-architecture arm64' first, which packaging/dist-deps.sh does).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out="$root/dist"
mkdir -p "$out"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' cmd/onewindow/FyneApp.toml)
[ -n "$version" ] || { echo "dist: cannot read Version from cmd/onewindow/FyneApp.toml" >&2; exit 1; }
ldflags="-s -w -X main.version=$version"

step() { printf '\n== %s\n' "$*"; }

# build GOOS GOARCH CC OUTPUT [extra go build flags...]
build() {
	local goos=$1 goarch=$2 cc=$3 output=$4
	shift 4
	command -v "$cc" >/dev/null || { echo "dist: $cc is missing (bash packaging/dist-deps.sh)" >&2; exit 1; }
	CGO_ENABLED=1 GOOS=$goos GOARCH=$goarch CC=$cc go build -trimpath -tags no_emoji -ldflags "$ldflags $*" -o "$output" ./cmd/onewindow
}

deb() {
	local arch=$1 binary=$2
	cp "$binary" "$out/onewindow"
	ARCH=$arch VERSION=$version go tool nfpm package --config packaging/nfpm.yaml --packager deb --target "$out/onewindow_${version}_${arch}.deb"
}

step "linux/amd64"
build linux amd64 gcc "$out/onewindow-linux-amd64"
deb amd64 "$out/onewindow-linux-amd64"

step "linux/arm64 (Kylin, UOS on ARM)"
PKG_CONFIG_PATH=/usr/lib/aarch64-linux-gnu/pkgconfig PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
	build linux arm64 aarch64-linux-gnu-gcc "$out/onewindow-linux-arm64"
deb arm64 "$out/onewindow-linux-arm64"

if [ -n "${UPDATE_KEY:-}" ]; then
	step "signed update packages"
	for d in "$out"/onewindow_"$version"_*.deb; do
		"$out/onewindow-linux-amd64" update sign -key "$UPDATE_KEY" -version "$version" -o "${d%.deb}.owu" "$d"
	done
fi

step "windows/amd64"
win="$out/onewindow-$version-windows-amd64"
rm -rf "$win"
mkdir -p "$win"
# Two builds: onewindow.exe keeps its console for the technician's
# commands; onewindow-screen.exe has none, so the shell that Shell Launcher
# starts shows no console window behind the kiosk.
build windows amd64 x86_64-w64-mingw32-gcc "$win/onewindow.exe"
build windows amd64 x86_64-w64-mingw32-gcc "$win/onewindow-screen.exe" -H windowsgui
cp packaging/windows/README-windows.txt packaging/windows/shell-launcher.ps1 "$win/"
cp cmd/onewindow/Icon.png "$win/onewindow.png"
(cd "$out" && rm -f "$(basename "$win").zip" && zip -qr "$(basename "$win").zip" "$(basename "$win")")

step "done"
ls -l "$out"
