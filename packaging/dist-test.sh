#!/usr/bin/env bash
# Installs the .deb that 'make dist' built into a clean Debian 12 root made
# by debootstrap, as a technician would on a fresh terminal, and checks the
# systemd units with systemd-analyze verify inside it. Takes minutes (the
# root is downloaded once and kept in dist/debroot-cache.tar), so it is
# 'make dist-test', not part of 'make test'. Needs root (debootstrap, chroot).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/dist"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$root/cmd/onewindow/FyneApp.toml")
deb="$out/onewindow_${version}_amd64.deb"
[ -f "$deb" ] || { echo "dist-test: $deb is missing: run make dist first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "dist-test: needs root for debootstrap and chroot (sudo make dist-test)" >&2; exit 1; }
# The mirror apt already uses, so the test works wherever apt does.
mirror=$(grep -rhoE "https?://[^ ]+/debian/?" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -v security | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d /tmp/onewindow-dist-test.XXXXXX)
chroot="$work/root"
cleanup() {
	for m in proc sys dev/pts dev; do umount -l "$chroot/$m" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
cache="$out/debroot-cache.tar"
if [ -f "$cache" ]; then
	mkdir -p "$chroot"
	tar -C "$chroot" -xf "$cache"
else
	echo "dist-test: debootstrap bookworm from $mirror (once; cached in $cache)"
	debootstrap --variant=minbase --include=systemd,systemd-sysv bookworm "$chroot" "$mirror"
	tar -C "$chroot" -cf "$cache" .
fi
mount -t proc proc "$chroot/proc"
mount -t sysfs sys "$chroot/sys"
mount --bind /dev "$chroot/dev"
cp /etc/resolv.conf "$chroot/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$chroot/tmp/onewindow.deb"
echo "dist-test: installing $(basename "$deb") and its dependencies"
chroot "$chroot" env DEBIAN_FRONTEND=noninteractive apt-get update -q
chroot "$chroot" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/onewindow.deb

fail=0
check() {
	if "$@"; then echo "ok    $*"; else echo "FAIL  $*"; fail=1; fi
}
check chroot "$chroot" test -x /usr/bin/onewindow
check chroot "$chroot" /usr/bin/onewindow help
check chroot "$chroot" getent passwd onewindow
check chroot "$chroot" sh -c 'id -nG onewindow | grep -qw dialout'
check chroot "$chroot" test -d /var/lib/onewindow
check chroot "$chroot" test -x /usr/lib/onewindow/screen-session
units=$(cd "$chroot/lib/systemd/system" && ls onewindow-*.service)
for u in $units; do
	check chroot "$chroot" systemd-analyze verify "/lib/systemd/system/$u"
done
check chroot "$chroot" sh -c '/usr/lib/onewindow/screen-session nonsense 2>/dev/null; [ $? -eq 2 ]'
# Set-up as root, then the service user must be able to read what it wrote.
key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
check chroot "$chroot" onewindow setup -role hub -hall 330106 -terminal 330106H01 -hub :7100 -hall-key "$key"
check chroot "$chroot" runuser -u onewindow -- onewindow config check /etc/onewindow/onewindow.toml
check chroot "$chroot" runuser -u onewindow -- onewindow update migrate
check chroot "$chroot" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q onewindow
check chroot "$chroot" test ! -e /usr/bin/onewindow
check chroot "$chroot" test -d /var/lib/onewindow
[ "$fail" -eq 0 ] && echo "dist-test: all checks passed" || { echo "dist-test: some checks failed" >&2; exit 1; }
