#!/usr/bin/env bash
#
# bench/sandbox.sh (make bench-sandbox): wall time of `lkvm sandbox -- true`
# against QEMU running the same kernel, init, initramfs and 9p root with
# virtme-ng's QEMU arguments (bench/sandbox-l1.sh), in the x86 nested bed:
# one QEMU TCG boot of L1 (Debian kernel, nested KVM), BENCH_RUNS rounds
# (default 5) in which the two take turns; medians of all rounds.
# QEMU runs inside L1 from the host's own package, copied with its
# libraries and firmware as in bench/boot.sh. BENCH_PROFILE=1: one profiled
# run of each instead of the rounds (bench/sandbox-l1.sh, docs/sandbox.md).
set -eu -o pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
C=$ROOT/.cache/e2e
LOG_TAG=bench-sandbox
: "${E2E_IDLE:=240}"
RUNS=${BENCH_RUNS:-5}
. tests/e2e/bed.sh
die() { log "$*"; exit 1; }
[ "$E2E_ARCH" = x86 ] || die "make bench-sandbox runs in the x86 bed only"
case "$RUNS" in '' | *[!0-9]* | 0) die "BENCH_RUNS=$RUNS: want a whole number of rounds >= 1" ;; esac
[ -x "$C/lkvm.static" ] || die "$C/lkvm.static missing: run 'make bench-sandbox'"
bed_packages
bed_kernel

L1=$C/bench-sandbox-l1-root
bed_l1_root "$L1" bench/sandbox-l1.sh
cp "$C/lkvm.static" "$L1/lkvm"
chmod 755 "$L1/lkvm"
cp "$L2_KERNEL" "$L1/l2/$L2_KNAME"
bed_l1_sandbox "$L1"
# virtio_pci for QEMU's pc machine, with its dependencies.
mroot=${MODDIR%/kernel}
line=$(grep -E '(^|/)virtio_pci\.ko[^:]*:' "$mroot/modules.dep")
for f in ${line%%:*} ${line#*:}; do
	mkdir -p "$L1/lib/modules/$KVER/$(dirname "$f")"
	cp "$mroot/$f" "$L1/lib/modules/$KVER/$f"
done
fw=
for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
	p=$(bed_qemu_fw "$f")
	[ -n "$p" ] || die "QEMU's $f missing (qemu-system-data, seabios)"
	fw="$fw $p"
done
bed_l1_copy "$L1" /usr/bin/qemu-system-x86_64 $fw
mkcpio "$L1" "$C/bench-sandbox-l1.cpio"
log "L1 $KPKG, image $(($(stat -c %s "$C/bench-sandbox-l1.cpio") >> 20)) MiB, ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG)"

ROWS=$C/bench-sandbox.rows
: >"$ROWS"
bed_line() {
	case "$1" in
	BENCH-ROW\ *) echo "${1#BENCH-ROW }" >>"$ROWS"; log "${1#BENCH-ROW }" ;;
	BENCH-FAIL\ * | BENCH-LOG\ *) log "$1" ;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	esac
}
bed_boot_l1 "$C/bench-sandbox-l1.cpio" "console=$L1_CONSOLE panic=-1 quiet BENCH_RUNS=$RUNS BENCH_PROFILE=${BENCH_PROFILE:-0}" \
	"$C/bench-sandbox-l1.log" </dev/null
# BENCH_PROFILE=1: the profile's lines above are the result (bench/sandbox-l1.sh).
[ "${BENCH_PROFILE:-0}" != 1 ] || exit 0

awk -v kpkg="$KPKG" -v runs="$RUNS" '
function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$4 == "0" { t[$1] = t[$1] " " $3; n[$1]++ }
$4 != "0" { bad[$1]++ }
END {
	printf "make bench-sandbox: Debian %s, 256 MiB, 1 vCPU, nested KVM in QEMU TCG; %d rounds, medians\n\n", kpkg, runs
	printf "%-58s %4s %8s %12s\n", "configuration", "ok", "failed", "wall (s)"
	printf "%-58s %4d %8d %12s\n", "lkvm sandbox -- true", n["lkvm"], bad["lkvm"], median(t["lkvm"])
	printf "%-58s %4d %8d %12s\n", "QEMU pc, virtme-ng arguments, same kernel/init/9p root", n["qemu"], bad["qemu"], median(t["qemu"])
	a = median(t["lkvm"]); b = median(t["qemu"])
	if (a != "" && b != "" && b > 0)
		printf "\nlkvm / QEMU: %.2f (goal <= 0.5)\n", a / b
	if (!n["lkvm"] || !n["qemu"]) exit 1
}' "$ROWS"
