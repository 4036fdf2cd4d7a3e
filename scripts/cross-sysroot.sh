#!/usr/bin/env bash
# usage: cross-sysroot.sh ARCH DIR
# The target architecture's libfdt, libseccomp (libseccomp.a for the static
# link) and Check for a cross build of lkvm and its unit tests: Debian's
# packages for that architecture, fetched with `apt-get download` and
# unpacked into DIR (never installed: an installed foreign package can
# replace the host's own files). Needs the architecture added to dpkg
# (`dpkg --add-architecture`); scripts/deps.sh does that.
set -eu
arch=$1 dir=$2
case "$arch" in
arm64) deb=arm64 ;;
powerpc) deb=ppc64el ;;
*) echo "cross-sysroot.sh: no Debian architecture for ARCH=$arch" >&2; exit 2 ;;
esac
pkgs="libfdt-dev:$deb libfdt1:$deb libseccomp-dev:$deb libseccomp2:$deb check:$deb libsubunit-dev:$deb libsubunit0:$deb"
dl=$(dirname "$dir")/dl-$deb
mkdir -p "$dl"
if ! (cd "$dl" && apt-get download $pkgs >download.log 2>&1); then
	if ! dpkg --print-foreign-architectures | grep -qx "$deb"; then
		echo "cross-sysroot.sh: dpkg does not know $deb: run scripts/deps.sh (or dpkg --add-architecture $deb && apt-get update)" >&2
		exit 1
	fi
	echo "cross-sysroot.sh: apt-get download $pkgs failed (see $dl/download.log)" >&2
	exit 1
fi
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
for f in "$dl"/*.deb; do
	dpkg -x "$f" "$dir.tmp"
done
rm -rf "$dir"
mv "$dir.tmp" "$dir"
touch "$dir/.unpacked"
