#!/usr/bin/env bash
#
# bench/boot.sh (make bench-boot): lkvm and QEMU boot the same Linux guest,
# side by side, in the nested test bed (tests/e2e/README.md).
#
# One QEMU TCG boot of L1 (the Debian kernel, with nested KVM). Inside it,
# bench/boot-l1.sh boots L2 -- the same Debian kernel, the same initramfs
# (busybox and bench/boot-l2-init), 256 MiB, 1 vCPU, "console=ttyS0 quiet" --
# with six VMM configurations, BENCH_RUNS rounds in which they take turns:
#   lkvm vmlinux      lkvm run -k vmlinux (ELF, PVH entry: no decompressor)
#   lkvm bzImage      lkvm run -k vmlinuz (Linux boot protocol, decompressor)
#   QEMU pc vmlinux   qemu-system-x86_64 -accel kvm -M pc -cpu host -nodefaults
#                     -kernel vmlinux (QEMU's PVH option ROM), SeaBIOS
#   QEMU pc bzImage   the same with -kernel vmlinuz (linuxboot_dma option ROM)
#   QEMU microvm      -M microvm (no PCI, ACPI tables, qboot firmware), with
#                     the vmlinux (PVH) and the bzImage: the peer closest to lkvm
# QEMU runs inside L1 from the host's own package (the L0 QEMU: 10.0.2 on
# Debian 12 via scripts/deps.sh): its binary, the shared
# libraries ldd lists and its firmware files are copied into L1's initramfs.
# lkvm adds pci=off to the command line (it has no PCI); QEMU's pc machine has
# a PCI bus and gets the command line as it is.
#
# E2E_ARCH=arm64 (make bench-boot ARCH=arm64): L1 and L2 are arm64 (the bed's
# Debian arm64 kernel, an uncompressed Image, for both), three configurations:
#   lkvm Image, DT    lkvm run -k Image (16550 UART: console=ttyS0)
#   lkvm Image, ACPI  lkvm run -k Image --tables acpi (EFI hand-over, ACPI
#                     tables, GHES sources: docs/arm64-acpi.md), same UART
#   QEMU virt Image   qemu-system-aarch64 -accel kvm -M virt,gic-version=3
#                     -cpu host -nodefaults -kernel Image (PL011 UART: the
#                     command line's console=ttyS0 becomes console=ttyAMA0)
# QEMU is Debian's qemu-system-arm:arm64 at the host's QEMU version (the
# release L0 runs: 10.0.2 from Debian 12's backports suite, scripts/deps.sh),
# downloaded with every library it needs into the cache (.cache/e2e/arm64/deb/, bed_l1_copy_deb), never
# installed; no firmware (-kernel on virt boots the Image directly).
#
# E2E_ARCH=powerpc (make bench-boot ARCH=powerpc): L1 and L2 are ppc64el
# pseries (the bed's Debian ELF vmlinux for both; KVM-HV in L1, L2 radix),
# two configurations, console=hvc0 for both (the PAPR vty):
#   lkvm vmlinux      lkvm run -k vmlinux (device tree, no firmware)
#   QEMU pseries      qemu-system-ppc64 -accel kvm -M pseries,x-vof=on
#     vmlinux         -cpu host -nodefaults -kernel vmlinux: VOF (QEMU's
#                     minimal Open Firmware client interface, vof.bin)
#                     instead of SLOF; QEMU's default capabilities
# QEMU is Debian's qemu-system-ppc:ppc64el at the host's version with its
# libraries, as on arm64
# (.cache/e2e/powerpc/deb/); vof.bin comes from the host's qemu-system-data
# (Architecture: all, the same file on every architecture).
#
# Printed, per configuration, medians over the rounds after the first (the
# first round is a warm-up and is dropped):
#   to /init   seconds from the VMM's start to the arrival of L2's first
#              /init line on its stdout (L1's clock; see bench/boot-l1.sh),
#              and its spread (lowest-highest over those rounds)
#   exits      every exit of the VM up to then (L1's KVM statistics), and
#              the ones that reached the VMM (io_exits + mmio_exits; ppc64:
#              from L1's trace buffer, see bench/boot-l1.sh)
#   VMM RSS    the VMM process's resident memory outside guest RAM
# then lkvm/QEMU ratios: lkvm's best configuration against QEMU's best, and
# each kernel format against the same format; on arm64 also ACPI/DT: lkvm's
# two ways of describing the machine, per round (the same L1, taking turns),
# median and spread, against issue 25's goal (ACPI within 10% of DT).
#
# Settings (environment): BENCH_RUNS (5 rounds, the first dropped),
# BENCH_CONFIGS (default "lkvm-vmlinux lkvm-bzimage qemu-vmlinux
# qemu-bzimage microvm-vmlinux microvm-bzimage"; arm64: "lkvm-image
# lkvm-acpi-image qemu-image"), BENCH_DMESG=1 (each L2 prints its kernel log after the
# marker, not counted: .cache/e2e/bench-boot-console.log has it; with
# initcall_debug in BENCH_L2_PARAMS, the initcalls of 1 ms or more),
# BENCH_IDLE=1 (L1 logs the idle guest's exits per second after /init),
# BENCH_L2_PARAMS (L2's command line, '+' for spaces), E2E_TIMEOUT.
# Exit status: 0 when every configuration has at least one measured boot,
# 1 otherwise (each failed boot is printed with its reason).
set -eu -o pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
C=$ROOT/.cache/e2e
LOG_TAG=bench-boot
# Boots take well under a minute: 2 minutes of silence is a frozen L1.
: "${E2E_IDLE:=120}"
RUNS=${BENCH_RUNS:-5}
. tests/e2e/bed.sh
case "$E2E_ARCH" in
x86) CONFIGS=${BENCH_CONFIGS:-lkvm-vmlinux lkvm-bzimage qemu-vmlinux qemu-bzimage microvm-vmlinux microvm-bzimage} ;;
arm64) CONFIGS=${BENCH_CONFIGS:-lkvm-image lkvm-acpi-image qemu-image} ;;
powerpc) CONFIGS=${BENCH_CONFIGS:-lkvm-vmlinux qemu-vmlinux} ;;
esac
die() { log "$*"; exit 1; }

case "$RUNS" in '' | *[!0-9]*) die "BENCH_RUNS=$RUNS: want a whole number of rounds >= 2 (the first is dropped)" ;; esac
[ "$RUNS" -ge 2 ] || die "BENCH_RUNS=$RUNS: want >= 2 rounds (the first is dropped)"
mkdir -p "$C"
[ -x "$C/lkvm.static" ] || die "$C/lkvm.static missing: run 'make bench-boot'"
bed_packages
bed_kernel

# L2's initramfs: busybox and the marker-printing init.
L2=$C/bench-l2-root
rm -rf "$L2"
mkdir -p "$L2/bin" "$L2/proc" "$L2/sys" "$L2/dev" "$L2/tmp"
cp "$BUSYBOX" "$L2/bin/busybox"
cp bench/boot-l2-init "$L2/init"
chmod 755 "$L2/init"
mkcpio "$L2" "$C/bench-l2-initrd.cpio"

# L1: lkvm, QEMU with its libraries (and firmware), the kernels, the initramfs.
L1=$C/bench-l1-root
bed_l1_root "$L1" bench/boot-l1.sh
cp "$C/lkvm.static" "$L1/lkvm"
cp "$L2_KERNEL" "$L1/l2/$L2_KNAME"
cp "$C/bench-l2-initrd.cpio" "$L1/l2/initrd"
if [ "$E2E_ARCH" = x86 ]; then
	cp "$VMLINUX" "$L1/l2/vmlinux"
	fw=
	for f in bios-256k.bin linuxboot_dma.bin pvh.bin kvmvapic.bin bios-microvm.bin; do
		p=$(bed_qemu_fw "$f")
		[ -n "$p" ] || die "QEMU's $f missing (from the qemu-system-data and seabios packages)"
		fw="$fw $p"
	done
	bed_l1_copy "$L1" /usr/bin/qemu-system-x86_64 $fw
else
	case "$E2E_ARCH" in
	arm64) bed_l1_copy_deb "$L1" qemu-system-arm /usr/bin/qemu-system-aarch64 ;;
	powerpc)
		[ -f /usr/share/qemu/vof.bin ] || die "/usr/share/qemu/vof.bin missing (from the qemu-system-data package)"
		bed_l1_copy "$L1" /usr/share/qemu/vof.bin
		bed_l1_copy_deb "$L1" qemu-system-ppc /usr/bin/qemu-system-ppc64
		;;
	esac
	log "QEMU for L1 from $(echo $L1_COPIED | wc -w) $BED_DEB_ARCH packages"
fi
chmod 755 "$L1/lkvm"
cp bench/vmm-rss.sh "$L1/vmm-rss.sh"
# BENCH_LKVM_BASE: another static lkvm as /lkvm-base, for base-* configurations
# (base-vmlinux, base-bzimage, base-image): before and after a change in one L1.
if [ -n "${BENCH_LKVM_BASE:-}" ]; then
	cp "$BENCH_LKVM_BASE" "$L1/lkvm-base"
	chmod 755 "$L1/lkvm-base"
fi
mkcpio "$L1" "$C/bench-l1-initrd.cpio"
log "L1 and L2 $KPKG, L1 image $(($(stat -c %s "$C/bench-l1-initrd.cpio") >> 20)) MiB, ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG)"

ROWS=$C/bench-boot.rows
CONSOLE=$C/bench-boot-console.log
: >"$ROWS"
: >"$CONSOLE"
bed_line() {
	case "$1" in
	BENCH-ROW\ *)
		echo "${1#BENCH-ROW }" >>"$ROWS"
		set -- ${1#BENCH-ROW }
		log "$1 round $2: /init after $3 s, $4 exits ($5 to the VMM), VMM RSS $6 kB"
		;;
	BENCH-FAIL\ *) log "FAILED: ${1#BENCH-FAIL }" ;;
	BENCH-STUCK\ *)
		echo "${1#BENCH-STUCK }" >"$C/bench-stuck"	# bed_line runs in a subshell
		log "STUCK: ${1#BENCH-STUCK }; stopping this L1"
		kill "$(cat "$C/qemu.pid")" 2>/dev/null
		;;
	BENCH-L1:*) log "${1#BENCH-L1: }" ;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	esac
}

# A boot stuck for good (QEMU TCG, see tests/e2e/README.md) ends that L1; a
# new L1 redoes the round it was in, after a warm-up round of its own.
first=1
for l1 in 1 2 3; do
	APPEND="console=$L1_CONSOLE panic=-1 quiet ${E2E_L1_PARAMS:-} job=$(echo "$CONFIGS" | tr ' ' ,) BENCH_RUNS=$RUNS BENCH_FIRST=$first"
	for v in BENCH_DMESG BENCH_IDLE BENCH_L2_PARAMS BENCH_BOOT_TIMEOUT E2E_KVM_AMD; do
		[ -n "${!v:-}" ] && APPEND="$APPEND $v=${!v}"
	done
	rm -f "$C/bench-stuck"
	bed_boot_l1 "$C/bench-l1-initrd.cpio" "$APPEND" "$C/bench-boot-l1.log" < /dev/null
	cat "$C/bench-boot-l1.log" >>"$CONSOLE"
	STUCK=$(awk '{ print $1, $2 }' "$C/bench-stuck" 2>/dev/null) || true
	grep -aq E2E-L1-NOKVM "$CONSOLE" && die "L1 has no /dev/kvm ($NOKVM_WHY); see $CONSOLE"
	if [ -z "$STUCK" ] && ! grep -aq '^E2E-L1-DONE' "$C/bench-boot-l1.log"; then
		# Frozen, or L1's kernel died (seen once: "corrupted stack end
		# detected inside scheduler" in QEMU's thread, under TCG).
		if [ -f "$C/l1-frozen" ]; then
			log "L1 $l1 froze (no output for $IDLE s)"
		else
			log "L1 $l1 ended before its job did: $(grep -a -m 1 -E 'Kernel panic|BUG:' "$C/bench-boot-l1.log" | tr -d '\r' || echo "QEMU status $QRC")"
		fi
		STUCK=$(tail -n 1 "$ROWS" | awk '{ print $1, $2 }')
		[ -n "$STUCK" ] || STUCK="- $first"
	fi
	[ -n "$STUCK" ] || break
	set -- $STUCK
	# The stuck round is redone whole (its rows so far go); stuck in a
	# warm-up round 0, the new L1 starts where the last one meant to.
	if [ "$2" -ge 1 ]; then
		first=$2
		awk -v r="$first" '$2 != r' "$ROWS" >"$ROWS.tmp" && mv "$ROWS.tmp" "$ROWS"
	fi
	[ $l1 = 3 ] && { log "three L1s failed; the table has what was measured"; break; }
	log "booting a new L1 for rounds $first..$RUNS"
done

# The table: medians of rounds 2.., ratios.
st=0
case "$E2E_ARCH" in
x86) QM=pc ;;
arm64) QM=virt ;;
powerpc) QM=pseries ;;
esac
awk -v configs="$CONFIGS" -v hasacpi="$(case " $CONFIGS" in *-acpi-image*) echo 1 ;; esac)" -v kpkg="$KPKG" -v runs="$RUNS" -v qm="$QM" -v pvh="$([ "$E2E_ARCH" = x86 ] && echo " (PVH)")" '
function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function label(c,    acpi) {
	acpi = sub(/-acpi-image$/, "-image", c)
	sub(/^lkvm-/, "lkvm     ", c); sub(/^base-/, "lkvm base ", c); sub(/^qemu-/, sprintf("%-9s", "QEMU " qm " "), c); sub(/^microvm-/, "QEMU microvm ", c)
	sub(/vmlinux$/, "vmlinux" pvh, c); sub(/bzimage$/, "bzImage", c); sub(/image$/, "Image", c)
	if (acpi) c = c ", ACPI"
	else if (hasacpi && c ~ /^(lkvm|base)/) c = c ", DT"
	return c
}
function spread(list,    a, n, i, lo, hi) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) {
		if (i == 1 || a[i] + 0 < lo) lo = a[i] + 0
		if (i == 1 || a[i] + 0 > hi) hi = a[i] + 0
	}
	return sprintf("%.2f-%.2f", lo, hi)
}
function kfile(c) { return c ~ /bzimage$/ ? "bzImage" : c ~ /image$/ ? "Image" : "vmlinux" }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
$2 > 1 { t[$1] = t[$1] " " $3; e[$1] = e[$1] " " $4; u[$1] = u[$1] " " $5; r[$1] = r[$1] " " $6; n[$1]++; tr[$1, $2] = $3; rd[$2] = 1 }
END {
	printf "make bench-boot: L2 = Debian %s, 256 MiB, 1 vCPU, nested KVM in QEMU TCG;\n", kpkg
	printf "medians of rounds 2..%d (round 1 dropped)\n\n", runs
	printf "%-28s %5s %12s %11s %8s %16s %12s\n", "configuration", "boots", "to /init (s)", "spread", "exits", "to the VMM", "VMM RSS (MiB)"
	nc = split(configs, cs, " ")
	bad = 0
	for (i = 1; i <= nc; i++) {
		c = cs[i]
		if (!n[c]) {
			printf "%-28s %5d %12s\n", label(c), 0, "failed"
			bad = 1
			continue
		}
		T[c] = median(t[c]); E[c] = median(e[c]); U[c] = median(u[c]); R[c] = median(r[c]) / 1024
		printf "%-28s %5d %12.2f %11s %8d %16d %12.1f\n", label(c), n[c], T[c], spread(t[c]), E[c], U[c], R[c]
		if (c ~ /^lkvm/ && (bl == "" || T[c] < T[bl])) bl = c
		if (c ~ /^(qemu|microvm)-/ && (bq == "" || T[c] < T[bq])) bq = c
	}
	printf "\n"
	if (bl != "" && bq != "") {
		printf "lkvm best (%s) / QEMU best (%s): time %s (target <= 0.60), exits %s, to the VMM %s, VMM RSS %s\n",
			bl, bq, ratio(T[bl], T[bq]), ratio(E[bl], E[bq]), ratio(U[bl], U[bq]), ratio(R[bl], R[bq])
		for (i = 1; i <= nc; i++) {
			c = cs[i]
			if (c !~ /^lkvm-/) continue
			q = c; sub(/^lkvm-/, "qemu-", q)
			if (n[c] && n[q])
				printf "same kernel file, %-8s lkvm/QEMU %s:%*s time %s, exits %s, VMM RSS %s\n",
					kfile(c) ":", qm, 7 - length(qm), "", ratio(T[c], T[q]), ratio(E[c], E[q]), ratio(R[c], R[q])
			q = c; sub(/^lkvm-/, "microvm-", q)
			if (n[c] && n[q])
				printf "same kernel file, %-8s lkvm/QEMU microvm: time %s, exits %s, VMM RSS %s\n",
					kfile(c) ":", ratio(T[c], T[q]), ratio(E[c], E[q]), ratio(R[c], R[q])
		}
	}
	# ACPI against DT, the same VMM: per round, then median and spread.
	for (i = 1; i <= nc; i++) {
		c = cs[i]
		if (c !~ /-acpi-image$/) continue
		d = c; sub(/-acpi-image$/, "-image", d)
		if (!n[c] || !n[d]) continue
		pr = ""
		for (x in rd)
			if ((c, x) in tr && (d, x) in tr && tr[d, x] > 0)
				pr = pr " " sprintf("%.3f", tr[c, x] / tr[d, x])
		printf "%s ACPI / DT: time %s (medians; target <= 1.10), per round %s (median, spread), exits %s, to the VMM %s\n",
			(c ~ /^base-/ ? "base" : "lkvm"), ratio(T[c], T[d]), pr == "" ? "n/a" : sprintf("%.2f", median(pr)) " " spread(pr), ratio(E[c], E[d]), ratio(U[c], U[d])
	}
	exit bad
}' "$ROWS" || st=$?
log "L1 console: $CONSOLE; per-boot rows: $ROWS; total $(elapsed "$T_START") s"
exit $st
