#!/bin/sh
# Extract the uncompressed ELF vmlinux from an xz-compressed x86 bzImage.
# It carries a PVH note, so QEMU's -kernel boots it directly (no inflate in TCG).
# usage: extract-vmlinux.sh bzImage out
set -eu
in=$1
out=$2
# Offset of the xz stream magic FD 37 7A 58 5A 00.
off=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$in" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "extract-vmlinux: no xz stream in $in" >&2; exit 1; }
tail -c +$((off + 1)) "$in" | xz -dc --single-stream >"$out"
[ "$(head -c 4 "$out" | od -A n -t x1 | tr -d ' ')" = 7f454c46 ] ||
	{ echo "extract-vmlinux: $in did not hold an ELF vmlinux" >&2; exit 1; }
