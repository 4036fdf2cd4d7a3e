#!/usr/bin/env bash
#
# bench/9p.sh (make bench-9p): virtio-9p of lkvm against QEMU's, from L2 in
# the nested test bed (tests/e2e/README.md). One QEMU TCG boot of L1; inside
# it bench/9p-l1.sh boots the same L2 (Debian kernel, 512 MiB, 1 vCPU) with
# lkvm (--9p, virtio-mmio), QEMU -M pc (virtio-9p-pci) and QEMU -M microvm
# (virtio-9p-device), each sharing a fresh empty directory of L1 (-fsdev
# local,security_model=none for QEMU), BENCH_RUNS rounds taking turns. L2
# (bench/9p-l2-init, bench/fstest.c) mounts it with the same options on
# every VMM and measures: untar of a ~50 MB tree, find + stat over it,
# 256 MiB written then read sequentially, 1,000 small files created and
# fsynced. The tarball is made here, the same bytes every time (Python's
# tarfile, a seeded generator, fixed names, times and owners): nothing is
# downloaded. Printed: per configuration the median over the rounds and
# lkvm/QEMU ratios (above 1: lkvm faster). Everything runs under QEMU's TCG:
# absolute numbers are TCG's, the ratios are what compares.
# Settings: BENCH_RUNS (3), BENCH_9P_CONFIGS ("lkvm qemu-pc microvm"),
# BENCH_9P_ROWS (all; seq: only the 256 MiB write and read), E2E_TIMEOUT.
set -eu -o pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
C=$ROOT/.cache/e2e
LOG_TAG=bench-9p
: "${E2E_IDLE:=300}"
: "${E2E_TIMEOUT:=3600}"
RUNS=${BENCH_RUNS:-3}
CONFIGS=${BENCH_9P_CONFIGS:-lkvm qemu-pc microvm}
. bench/vmm-bed.sh
vmm_bed_start bench-9p fstest

# The tree: 20 directories of 50 files, 90% of 1-32 KiB, 10% of 256-512
# KiB, random bytes from a fixed seed: ~50 MB, the same every time. (Each
# 9p request costs ~2 ms in this bed: 3,000 files took over 6 minutes per
# untar, too long for rounds of three VMMs.)
python3 - "$C/bench-9p-tree.tar" <<'PY'
import io, random, sys, tarfile
rng = random.Random(9)
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    for d in range(20):
        ti = tarfile.TarInfo(f"tree/d{d:02}")
        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 1700000000
        t.addfile(ti)
        for f in range(50):
            n = rng.randint(256 << 10, 512 << 10) if rng.random() < 0.1 else rng.randint(1 << 10, 32 << 10)
            ti = tarfile.TarInfo(f"tree/d{d:02}/f{f:02}")
            ti.size, ti.mode, ti.mtime = n, 0o644, 1700000000
            t.addfile(ti, io.BytesIO(rng.randbytes(n)))
PY

L2=$C/bench-9p-l2-root
vmm_bed_l2 "$L2" bench/9p-l2-init "$C/fstest" "$C/bench-9p-tree.tar"
mv "$L2/bench-9p-tree.tar" "$L2/tree.tar"
VIRTIO_MODS="virtio_mmio virtio_pci 9pnet_virtio 9p"
virtio_l2_modules "$L2"
mkcpio "$L2" "$C/bench-9p-l2-initrd.cpio"

L1=$C/bench-9p-l1-root
vmm_bed_l1 "$L1" bench/9p-l1.sh "$C/bench-9p-l2-initrd.cpio"
mkcpio "$L1" "$C/bench-9p-l1-initrd.cpio"
log "tree $(($(stat -c %s "$C/bench-9p-tree.tar") >> 20)) MiB ($(sha256sum "$C/bench-9p-tree.tar" | cut -c1-16)); L1 image $(($(stat -c %s "$C/bench-9p-l1-initrd.cpio") >> 20)) MiB ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG)"

ROWS=$C/bench-9p.rows
: >"$ROWS"
bed_line() {
	case "$1" in
	BENCH-9P-ROW\ *)
		echo "${1#BENCH-9P-ROW }" >>"$ROWS"
		set -- ${1#BENCH-9P-ROW }
		log "$1 round $2: untar $3 MB/s, walk $4 files/s, write $5 MB/s, read $6 MB/s, small $7 files/s"
		;;
	BENCH-9P-FAIL\ * | BENCH-9P-LOG\ *) log "$1" ;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	esac
}
APPEND="console=ttyS0 panic=-1 quiet job=$(echo "$CONFIGS" | tr ' ' ,) BENCH_RUNS=$RUNS BENCH_9P_ROWS=${BENCH_9P_ROWS:-all}"
bed_boot_l1 "$C/bench-9p-l1-initrd.cpio" "$APPEND" "$C/bench-9p-console.log" </dev/null

median() { vmm_bed_median "$ROWS" "$@"; }	# config column
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
NAMES=("untar MB/s" "find+stat files/s" "seq write MB/s" "seq read MB/s" "create+fsync files/s")
printf '\n%-22s' row
for c in $CONFIGS; do printf ' %10s' "$c"; done
both() { case " $CONFIGS " in *" lkvm "*) case " $CONFIGS " in *" $1 "*) return 0 ;; esac ;; esac; return 1; }
for q in qemu-pc microvm; do
	if both $q; then printf ' %14s' "lkvm/$q"; fi
done
echo
for k in 3 4 5 6 7; do
	printf '%-22s' "${NAMES[$((k - 3))]}"
	for c in $CONFIGS; do printf ' %10s' "$(median "$c" $k)"; done
	for q in qemu-pc microvm; do
		if both $q; then printf ' %14s' "$(ratio "$(median lkvm $k)" "$(median $q $k)")"; fi
	done
	echo
done
printf '%-22s' rounds
for c in $CONFIGS; do printf ' %10s' "$(awk -v c="$c" '$1 == c' "$ROWS" | wc -l)"; done
echo
[ -s "$ROWS" ]
