#!/usr/bin/env bash
#
# bench/net.sh (make bench-net): virtio-net over user-mode networking, lkvm
# against QEMU, from L2 in the x86 nested test bed (tests/e2e/README.md).
# One QEMU TCG boot of L1; inside it bench/net-l1.sh boots the same L2
# (Debian kernel, 256 MiB, 1 vCPU) with lkvm -n mode=user (passt, which lkvm
# starts), QEMU -M pc with virtio-net-pci on -netdev stream to a passt
# started with the same options, and QEMU on -netdev user (libslirp),
# BENCH_RUNS rounds taking turns. L2 (bench/net-l2-init, bench/nettest.c)
# takes a DHCP lease and connects through the gateway's address to a
# server on L1's loopback: TCP guest -> host and host -> guest (Mbit/s,
# counted where the bytes arrive), then 1-byte request/response (round
# trips/s), BENCH_NET_SECS each. Printed: per configuration the median over
# the rounds, then lkvm/QEMU ratios (higher is better for lkvm on every
# row). Everything runs under QEMU's TCG: absolute numbers are TCG's, the
# ratios are what compares.
# Each run also logs where the CPU time went in L1 (bench/net-l1.sh).
# Settings: BENCH_RUNS (3), BENCH_NET_SECS (5), BENCH_NET_TESTS (tx,rx,rr:
# some only, for a profile), BENCH_NET_CONFIGS ("lkvm
# qemu-passt qemu-user"; add lkvm-base with BENCH_LKVM_BASE=path of another
# lkvm.static), E2E_TIMEOUT.
set -eu -o pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
C=$ROOT/.cache/e2e
LOG_TAG=bench-net
: "${E2E_IDLE:=240}"
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_NET_SECS:-5}
CONFIGS=${BENCH_NET_CONFIGS:-lkvm qemu-passt qemu-user}
. bench/vmm-bed.sh
vmm_bed_start bench-net nettest

L2=$C/bench-net-l2-root
vmm_bed_l2 "$L2" bench/net-l2-init "$C/nettest"
VIRTIO_MODS="virtio_net virtio_mmio virtio_pci"
virtio_l2_modules "$L2"
mkcpio "$L2" "$C/bench-net-l2-initrd.cpio"

L1=$C/bench-net-l1-root
vmm_bed_l1 "$L1" bench/net-l1.sh "$C/bench-net-l2-initrd.cpio"
cp "$C/nettest" "$L1/nettest"
cp tests/e2e/l1-net.sh "$L1/l1-net.sh"
bed_l1_copy_deb "$L1" passt /usr/bin/passt
log "passt for L1: $(basename "$(ls "$C"/dl/passt_*.deb | tail -n 1)" .deb)"
# passt needs an interface with a default route: the dummy one (l1-net.sh).
p=$(find "$MODDIR" -name dummy.ko | sed -n 1p)
[ -n "$p" ] || die "module dummy missing from $KPKG"
mkdir -p "$L1/lib/modules/$KVER/kernel/drivers/net"
cp "$p" "$L1/lib/modules/$KVER/kernel/drivers/net/"
mkcpio "$L1" "$C/bench-net-l1-initrd.cpio"
log "L1 image $(($(stat -c %s "$C/bench-net-l1-initrd.cpio") >> 20)) MiB ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG)"

ROWS=$C/bench-net.rows
: >"$ROWS"
bed_line() {
	case "$1" in
	BENCH-NET-ROW\ *)
		echo "${1#BENCH-NET-ROW }" >>"$ROWS"
		set -- ${1#BENCH-NET-ROW }
		log "$1 round $2: guest->host $3 Mbit/s, host->guest $4 Mbit/s, request/response $5 /s"
		;;
	BENCH-NET-FAIL\ * | BENCH-NET-LOG\ * | BENCH-NET-CPU\ *) log "$1" ;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	esac
}
APPEND="console=ttyS0 panic=-1 quiet job=$(echo "$CONFIGS" | tr ' ' ,) BENCH_RUNS=$RUNS BENCH_NET_SECS=$SECS${BENCH_NET_TESTS:+ BENCH_NET_TESTS=$BENCH_NET_TESTS}"
bed_boot_l1 "$C/bench-net-l1-initrd.cpio" "$APPEND" "$C/bench-net-console.log" </dev/null

median() { vmm_bed_median "$ROWS" "$@"; }	# config column
printf '\n%-11s %5s %18s %18s %16s\n' config runs "guest->host Mbit/s" "host->guest Mbit/s" "req/resp /s"
for c in $CONFIGS; do
	printf '%-11s %5s %18s %18s %16s\n' "$c" "$(awk -v c="$c" '$1 == c' "$ROWS" | wc -l)" \
		"$(median "$c" 3)" "$(median "$c" 4)" "$(median "$c" 5)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
for q in lkvm-base qemu-passt qemu-user; do
	case " $CONFIGS " in *" lkvm "*) ;; *) continue ;; esac
	case " $CONFIGS " in *" $q "*) ;; *) continue ;; esac
	echo "lkvm / $q: guest->host $(ratio "$(median lkvm 3)" "$(median $q 3)"), host->guest $(ratio "$(median lkvm 4)" "$(median $q 4)"), request/response $(ratio "$(median lkvm 5)" "$(median $q 5)")"
done
[ -s "$ROWS" ]
