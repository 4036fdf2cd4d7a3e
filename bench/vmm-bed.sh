# What the virtio benchmarks in the nested bed share (bench/io.sh,
# bench/9p.sh), sourced from the tree's top with C and LOG_TAG set:
#   vmm_bed_start TARGET FILE...  the bed's packages and kernel; dies unless
#                                 lkvm.static and each FILE are built in $C
#   vmm_bed_l2 DIR INIT FILE...   L2's root: busybox, INIT as /init, each
#                                 FILE at its top
#   vmm_bed_l1 DIR JOB L2CPIO     L1's root: JOB, lkvm (and BENCH_LKVM_BASE
#                                 as lkvm-base), L2's kernel and initrd,
#                                 QEMU x86 with its firmware
#   vmm_bed_median ROWS CONFIG COLUMN   the median of a column over the rounds
. tests/e2e/bed.sh
. tests/e2e/virtio-bed.sh
die() { log "$*"; exit 1; }
QEMU=/usr/bin/qemu-system-x86_64

vmm_bed_start() {	# target file...
	local t=$1 f
	shift
	mkdir -p "$C"
	for f in lkvm.static "$@"; do
		[ -x "$C/$f" ] || die "$C/$f missing: run 'make $t'"
	done
	bed_packages
	bed_kernel
}

vmm_bed_l2() {	# dir init file...
	local d=$1 f
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/tmp"
	cp "$BUSYBOX" "$d/bin/busybox"
	cp "$2" "$d/init"
	chmod 755 "$d/init"
	shift 2
	for f in "$@"; do cp "$f" "$d/"; done
}

vmm_bed_l1() {	# dir job l2-cpio
	local f
	bed_l1_root "$1" "$2"
	cp "$C/lkvm.static" "$1/lkvm"
	chmod 755 "$1/lkvm"
	cp bench/vmm-rss.sh "$1/vmm-rss.sh"
	# BENCH_LKVM_BASE: another static lkvm (the tree before a change) as
	# /lkvm-base, for the lkvm-base configuration: before and after in one L1.
	if [ -n "${BENCH_LKVM_BASE:-}" ]; then
		cp "$BENCH_LKVM_BASE" "$1/lkvm-base"
		chmod 755 "$1/lkvm-base"
	fi
	cp "$BZIMAGE" "$1/l2/bzImage"
	cp "$3" "$1/l2/initrd"
	bed_l1_copy "$1" "$QEMU"
	for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin bios-microvm.bin vgabios-stdvga.bin efi-virtio.rom; do
		f=$(bed_qemu_fw "$f")
		[ -z "$f" ] || bed_l1_copy "$1" "$f"
	done
}

vmm_bed_median() {	# rows config column
	awk -v c="$2" -v k="$3" '$1 == c { print $k }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
