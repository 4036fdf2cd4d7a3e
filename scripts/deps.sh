#!/usr/bin/env bash
# Installs what building and testing lkvm needs on Debian (12 or later):
# the native toolchain and libraries, and for the other architectures the
# cross compilers, qemu-user (their unit tests) and dpkg's knowledge of
# those architectures (scripts/cross-sysroot.sh downloads their libraries).
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
set -eu
pkgs="gcc make binutils libc6-dev pkg-config libfdt-dev libseccomp-dev check cppcheck
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static device-tree-compiler
	gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross strace python3"
foreign="arm64 ppc64el"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
update=""
for a in $foreign; do
	if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
		echo "adding dpkg architecture $a" >&2
		$SUDO dpkg --add-architecture "$a"
		update=1
	fi
done
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] && echo "installing:$missing" >&2 && update=1
# An unreachable security mirror must not stop us: the main archive suffices.
[ -n "$update" ] && { $SUDO apt-get update -qq || echo "apt-get update reported errors; going on" >&2; }
[ -z "$missing" ] && exit 0
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
