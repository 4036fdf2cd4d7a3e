#!/usr/bin/env bash
#
# bench/io.sh (make bench-io): virtio-blk throughput of lkvm against QEMU,
# from L2 in the nested test bed (tests/e2e/README.md). One QEMU TCG boot of
# L1; inside it bench/io-l1.sh boots the same L2 (Debian kernel, 256 MiB, 1
# vCPU) with lkvm (-d, virtio-mmio), QEMU -M pc (virtio-blk-pci) and QEMU -M
# microvm (virtio-blk-device on virtio-mmio), BENCH_RUNS rounds taking turns.
# L2 (bench/io-l2-init, bench/iotest.c) reads a 64 MiB raw image of random
# bytes with O_DIRECT: sequentially in 1 MiB requests (MB/s), writes it over
# the same way (MB/s, the fdatasync included), then 4 KiB reads at random
# offsets for 3 s (IOPS). Printed: per configuration the
# median over the rounds, the VMM's RSS outside guest RAM with the disk
# attached, and lkvm/QEMU ratios. Everything runs under QEMU's TCG: absolute
# numbers are TCG's, the ratios are what compares.
# Settings: BENCH_RUNS (3), BENCH_IO_CONFIGS ("lkvm qemu-pc microvm"; add
# lkvm-base with BENCH_LKVM_BASE=path of another lkvm.static), E2E_TIMEOUT.
set -eu -o pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
C=$ROOT/.cache/e2e
LOG_TAG=bench-io
: "${E2E_IDLE:=240}"
RUNS=${BENCH_RUNS:-3}
CONFIGS=${BENCH_IO_CONFIGS:-lkvm qemu-pc microvm}
. bench/vmm-bed.sh
vmm_bed_start bench-io iotest

L2=$C/bench-io-l2-root
vmm_bed_l2 "$L2" bench/io-l2-init "$C/iotest"
VIRTIO_MODS="virtio_blk virtio_mmio virtio_pci"
virtio_l2_modules "$L2"
mkcpio "$L2" "$C/bench-io-l2-initrd.cpio"

L1=$C/bench-io-l1-root
vmm_bed_l1 "$L1" bench/io-l1.sh "$C/bench-io-l2-initrd.cpio"
head -c $((64 << 20)) /dev/urandom >"$L1/l2/io.img"
mkcpio "$L1" "$C/bench-io-l1-initrd.cpio"
log "L1 image $(($(stat -c %s "$C/bench-io-l1-initrd.cpio") >> 20)) MiB ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG)"

ROWS=$C/bench-io.rows
: >"$ROWS"
bed_line() {
	case "$1" in
	BENCH-IO-ROW\ *)
		echo "${1#BENCH-IO-ROW }" >>"$ROWS"
		set -- ${1#BENCH-IO-ROW }
		log "$1 round $2: sequential read $3 MB/s, write $4 MB/s, random 4 KiB $5 IOPS, VMM RSS $6 kB"
		;;
	BENCH-IO-FAIL\ * | BENCH-IO-LOG\ *) log "$1" ;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	esac
}
APPEND="console=ttyS0 panic=-1 quiet job=$(echo "$CONFIGS" | tr ' ' ,) BENCH_RUNS=$RUNS"
bed_boot_l1 "$C/bench-io-l1-initrd.cpio" "$APPEND" "$C/bench-io-console.log" </dev/null

median() { vmm_bed_median "$ROWS" "$@"; }	# config column
printf '\n%-10s %6s %14s %16s %16s %12s\n' config runs "seq read MB/s" "seq write MB/s" "rand 4K IOPS" "VMM RSS kB"
for c in $CONFIGS; do
	printf '%-10s %6s %14s %16s %16s %12s\n' "$c" "$(awk -v c="$c" '$1 == c' "$ROWS" | wc -l)" \
		"$(median "$c" 3)" "$(median "$c" 4)" "$(median "$c" 5)" "$(median "$c" 6)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
for q in lkvm-base qemu-pc microvm; do
	case " $CONFIGS " in *" lkvm "*) ;; *) continue ;; esac
	case " $CONFIGS " in *" $q "*) ;; *) continue ;; esac
	echo "lkvm / $q: sequential read $(ratio "$(median lkvm 3)" "$(median $q 3)"), sequential write $(ratio "$(median lkvm 4)" "$(median $q 4)"), random 4K $(ratio "$(median lkvm 5)" "$(median $q 5)"), VMM RSS $(ratio "$(median lkvm 6)" "$(median $q 6)")"
done
[ -s "$ROWS" ]
