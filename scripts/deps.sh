#!/usr/bin/env bash
# Installs what building and testing lkvm needs on Debian (12 or later).
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
set -eu
pkgs="gcc make binutils libc6-dev pkg-config libfdt-dev check cppcheck"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
