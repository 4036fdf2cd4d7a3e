#!/usr/bin/env bash
# Installs what building and testing lkvm needs on Debian (12 or later):
# the native toolchain and libraries, and for the other architectures the
# cross compilers, qemu-user (their unit tests) and dpkg's knowledge of
# those architectures (scripts/cross-sysroot.sh downloads their libraries);
# then QEMU for the nested test beds (make e2e, make bench-*): see qemu below.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
#   scripts/deps.sh        everything
#   scripts/deps.sh qemu   QEMU for the beds only (tests/e2e/bed.sh calls it)
set -eu
pkgs="gcc make binutils libc6-dev pkg-config libfdt-dev libseccomp-dev liblzma-dev check cppcheck
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static device-tree-compiler
	gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross strace python3 acpica-tools
	passt"	# -n mode=user's backend (docs/net.md); its unit test SKIPs without it
foreign="arm64 ppc64el"
# The beds' L0 QEMU (x86, arm64, ppc64 L1s) and its firmware (qboot.rom,
# vof.bin, seabios). Debian 12's own QEMU 7.2 froze L1 under multi-threaded
# TCG and made x86 L2s triple-fault (tests/e2e/README.md): the beds want
# QEMU_MIN or later, from Debian 12's backports suite (Debian's registry, the
# same mirror), or the distribution's own where that is new enough (Debian 13).
qemu_pkgs="qemu-system-x86 qemu-system-arm qemu-system-ppc qemu-system-common qemu-system-data"
QEMU_MIN=10
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
say() { echo "deps: $*" >&2; }

# The upstream major version of an installed package, or nothing.
installed_major() {	# package
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^install ok installed \([0-9]*:\)\{0,1\}\([0-9]*\).*/\2/p'
}

# The backports suite of this release (bookworm-backports), or nothing.
backports_suite() {
	local c
	c=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$c" ] && echo "$c-backports"
}

# The suite's highest version of qemu-system-x86 that apt knows, or nothing.
suite_version() {	# suite
	apt-cache madison qemu-system-x86 2>/dev/null | awk -F'|' -v s="$1/" 'index($3, s) { gsub(/ /, "", $2); print $2; exit }'
}

# Adds SUITE beside the release's own entry: same URIs, same keyring (a
# deb822 file in sources.list.d), then apt-get update.
add_suite() {	# suite
	local s=$1 rel=${1%-backports} uri key
	uri=$(awk -v r="$rel" '
		/^URIs:/ { u = $2 } /^Signed-By:/ { k = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == r) hit = 1 }
		/^$/ { if (hit) { print u, k; hit = 0; exit } u = k = "" }
		END { if (hit) print u, k }' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 1p)
	[ -n "$uri" ] || uri=$(awk -v r="$rel" '$1 == "deb" && $0 ~ " " r " " { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | sed -n 1p)
	[ -n "$uri" ] || { say "no Debian $rel entry in apt's sources: cannot add $s"; return 1; }
	key=${uri#* }
	uri=${uri%% *}
	[ "$key" != "$uri" ] && [ -n "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg
	say "adding the $s suite to apt ($uri, /etc/apt/sources.list.d/$s.sources)"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$uri" "$s" "$key" |
		$SUDO tee "/etc/apt/sources.list.d/$s.sources" >/dev/null
	$SUDO apt-get update -qq || say "apt-get update reported errors; going on"
}

# QEMU QEMU_MIN+ for the beds: the release's own if new enough, else the
# backports suite's; failing both, the release's own with a warning. Says
# which QEMU the beds will use.
install_qemu() {
	local have bp v p missing=
	have=$(installed_major qemu-system-x86)
	for p in $qemu_pkgs; do
		[ -n "$(installed_major "$p")" ] || missing=1
	done
	if [ -z "$missing" ] && [ "${have:-0}" -ge $QEMU_MIN ]; then
		say "QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86) for the beds"
		return 0
	fi
	v=$(apt-cache policy qemu-system-x86 2>/dev/null | sed -n 's/^ *Candidate: \([0-9]*:\)\{0,1\}\([0-9]*\).*/\2/p')
	bp=$(backports_suite)
	if [ "${v:-0}" -lt $QEMU_MIN ] && [ -n "$bp" ]; then
		[ -n "$(suite_version "$bp")" ] || add_suite "$bp" || true
		v=$(suite_version "$bp")
		if [ -n "$v" ] && [ "$(echo "$v" | sed 's/^[0-9]*://; s/[^0-9].*//')" -ge $QEMU_MIN ]; then
			say "installing QEMU $v from $bp:$(echo " $qemu_pkgs")"
			if $SUDO apt-get install -y -qq --no-install-recommends -t "$bp" $qemu_pkgs >/dev/null; then
				say "QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86) for the beds (from $bp)"
				return 0
			fi
		fi
		say "WARNING: QEMU $QEMU_MIN or later cannot be had from $bp (apt-cache madison qemu-system-x86);" \
			"the beds use Debian's own QEMU, whose TCG froze L1 now and then (tests/e2e/README.md)"
	fi
	if [ -n "$missing" ]; then
		say "installing Debian's own QEMU:$(echo " $qemu_pkgs")"
		$SUDO apt-get install -y -qq --no-install-recommends $qemu_pkgs >/dev/null ||
			{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $qemu_pkgs >/dev/null; }
	fi
	say "QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86) for the beds"
}

if [ "${1:-}" = qemu ]; then
	install_qemu
	exit 0
fi
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
[ -n "$missing" ] && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
install_qemu
