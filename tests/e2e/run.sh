#!/bin/bash
# Nested end-to-end tests: real Linux guests and real memory errors.
#
# QEMU (TCG, no KVM needed on the host) boots a stock Debian kernel as L1;
# L1 loads KVM (kvm_amd, nested) and runs lkvm, which boots the same kernel
# as L2. Memory errors are real: lkvm debug --poison uses MADV_HWPOISON in L1.
# Called by `make e2e` after it built .cache/e2e/lkvm.static and memtest.
#
# Environment:
#   E2E_SCENARIOS    "recovery,stop,..." (default: all)
#   E2E_TIMEOUT      seconds for the whole QEMU run (default 1200)
#   E2E_IDLE         seconds without L1 console output before L1 counts as frozen (240)
#   E2E_CPUS         vCPUs of L2 in the memory-error drills (default 1)
#   E2E_SMP_CPUS     vCPUs of L2 in the boot scenario (default 2)
#   E2E_BOOT_TIMEOUT seconds to wait for each L2 boot (default 180)
#   E2E_DEBUG=1      L1 not quiet, L2's console live in L1's, L2's kernel log in boot
#   E2E_L2_PARAMS    L2's command line, '+' for spaces (default console=ttyS0+quiet)
#   E2E_KVM_AMD      kvm_amd options in L1, '+' for spaces
# While it runs, QEMU's monitor is at .cache/e2e/qemu-monitor.sock (for a hang:
# "info registers" tells whether L1 or L2 code holds the CPU).
set -eu -o pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
E2E=$ROOT/tests/e2e
C=$ROOT/.cache/e2e
TIMEOUT=${E2E_TIMEOUT:-1200}
IDLE=${E2E_IDLE:-240}
# boot (2 vCPUs) last: if L1 freezes there (see README.md) the drills are done.
ALL="recovery stop ao lkvm-hit reboot boot"
SCENARIOS=$(echo "${E2E_SCENARIOS:-$ALL}" | tr ',' ' ')
T_START=$(date +%s.%N)

log() { echo "e2e: $*" >&2; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# Setup failures: every scenario fails with the reason, never a silent pass.
die() {
	local n=0 s
	log "$*"
	for s in $SCENARIOS; do
		echo "FAIL $s: test bed not set up: $* (0.0 s)"
		n=$((n + 1))
	done
	echo "0 passed, $n failed, 0 skipped"
	exit 1
}

mkdir -p "$C/dl"
[ -x "$C/lkvm.static" ] || die "$C/lkvm.static missing: run 'make e2e'"
[ -x "$C/memtest" ] || die "$C/memtest missing: run 'make e2e'"

# ---- host packages ----
missing=
for p in qemu-system-x86 cpio kmod busybox-static xz-utils; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	log "installing$missing"
	$SUDO apt-get install -y -qq $missing >"$C/apt.log" 2>&1 ||
		{ $SUDO apt-get update -qq >>"$C/apt.log" 2>&1 && $SUDO apt-get install -y -qq $missing >>"$C/apt.log" 2>&1; } ||
		die "cannot install$missing (see $C/apt.log)"
fi
BUSYBOX=/bin/busybox	# from busybox-static: no shared libraries in the guests

# ---- the Debian kernel (L1 and L2) ----
kpkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | sed -n 1p
}
KPKG=$(kpkg) || true
if [ -z "$KPKG" ]; then
	apt-get update -qq >"$C/apt.log" 2>&1 || true
	KPKG=$(kpkg) || true
fi
if [ -z "$KPKG" ]; then
	# Offline: the newest kernel already in the cache.
	KPKG=$(ls -d "$C"/linux-image-*/ 2>/dev/null | sort -V | tail -n 1 | xargs -r basename) || true
	[ -n "$KPKG" ] || die "cannot find the current Debian kernel (apt-cache depends linux-image-amd64)"
fi
KVER=${KPKG#linux-image-}
KDIR=$C/$KPKG
if [ ! -f "$KDIR/.unpacked" ]; then
	if ! ls "$C/dl/${KPKG}"_*.deb >/dev/null 2>&1; then
		log "downloading $KPKG"
		(cd "$C/dl" && apt-get download "$KPKG" >"$C/download.log" 2>&1) ||
			die "apt-get download $KPKG failed (see $C/download.log)"
	fi
	rm -rf "$KDIR"
	dpkg -x "$(ls "$C/dl/${KPKG}"_*.deb | tail -n 1)" "$KDIR"
	touch "$KDIR/.unpacked"
fi
BZIMAGE=$KDIR/boot/vmlinuz-$KVER
MODDIR=$KDIR/lib/modules/$KVER/kernel
[ -f "$BZIMAGE" ] || die "$BZIMAGE missing"

# L1 boots the uncompressed ELF vmlinux through its PVH note: no decompression.
VMLINUX=$C/vmlinux-$KVER
if [ ! -s "$VMLINUX" ]; then
	log "extracting $VMLINUX"
	"$E2E/extract-vmlinux.sh" "$BZIMAGE" "$VMLINUX.tmp" || die "cannot extract vmlinux from $BZIMAGE"
	mv "$VMLINUX.tmp" "$VMLINUX"
fi

# ---- initramfs images (uncompressed cpio: nothing to inflate at TCG speed) ----
mkcpio() {	# dir out
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2.tmp"
	mv "$2.tmp" "$2"
}

L2=$C/l2-root
rm -rf "$L2"
mkdir -p "$L2/bin" "$L2/proc" "$L2/sys" "$L2/dev" "$L2/tmp"
cp "$BUSYBOX" "$L2/bin/busybox"
cp "$E2E/l2-init" "$L2/init"
cp "$C/memtest" "$L2/memtest"
chmod 755 "$L2/init" "$L2/memtest"
mkcpio "$L2" "$C/l2-initrd.cpio"

L1=$C/l1-root
rm -rf "$L1"
mkdir -p "$L1/bin" "$L1/proc" "$L1/sys" "$L1/dev" "$L1/tmp" "$L1/l2"
cp "$BUSYBOX" "$L1/bin/busybox"
cp "$E2E/l1-init" "$L1/init"
cp "$E2E/scenarios.sh" "$L1/scenarios.sh"
cp "$C/lkvm.static" "$L1/lkvm"
cp "$BZIMAGE" "$L1/l2/bzImage"
# The uncompressed kernel for the opt-in boot-pvh scenario (PVH entry, no decompressor).
case ",${E2E_SCENARIOS:-}," in *,boot-pvh,*) cp "$VMLINUX" "$L1/l2/vmlinux" ;; esac
cp "$C/l2-initrd.cpio" "$L1/l2/initrd"
chmod 755 "$L1/init" "$L1/lkvm"
for m in virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko; do
	src=$MODDIR/$m
	[ -f "$src" ] || die "module $m missing from $KPKG"
	mkdir -p "$L1/lib/modules/$KVER/kernel/$(dirname "$m")"
	cp "$src" "$L1/lib/modules/$KVER/kernel/$m"
done
mkcpio "$L1" "$C/l1-initrd.cpio"
log "L1 $KPKG, images ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG, timeout $TIMEOUT s)"

# ---- L1 ----
CONSOLE=$C/l1-console.log
L1_LOG=quiet
[ -n "${E2E_DEBUG:-}" ] && L1_LOG=loglevel=7
APPEND="console=ttyS0 panic=-1 $L1_LOG e2e=$(echo "$SCENARIOS" | tr ' ' ,)"
# Unknown name=value parameters reach L1's init as environment variables.
for v in E2E_CPUS E2E_SMP_CPUS E2E_DEBUG E2E_L2_PARAMS E2E_BOOT_TIMEOUT E2E_KVM_AMD; do
	[ -n "${!v:-}" ] && APPEND="$APPEND $v=${!v}"
done
pass=0 fail=0 skip=0
rm -f "$C/qemu-monitor.sock" "$C/l1-frozen"
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -bios /usr/share/qemu/qboot.rom \
	-cpu max -smp 1 -m 2G -nographic -no-reboot -net none -vga none \
	-kernel "$VMLINUX" -initrd "$C/l1-initrd.cpio" -append "$APPEND" \
	-monitor "unix:$C/qemu-monitor.sock,server,nowait" -pidfile "$C/qemu.pid" </dev/null 2>&1 |
	tee "$CONSOLE" | {
	# Every scenario prints within its own time limits (at most a few minutes):
	# silence much longer than that means L1 itself froze. Stop QEMU then.
	eof=
	while [ -z "$eof" ]; do
		IFS= read -r -t "$IDLE" line
		st=$?
		if [ $st -gt 128 ]; then
			log "L1 printed nothing for $IDLE s: it froze; stopping QEMU"
			touch "$C/l1-frozen"
			kill "$(cat "$C/qemu.pid")" 2>/dev/null
			continue
		elif [ $st -ne 0 ]; then
			eof=1		# QEMU ended; a last line without newline is still read
		fi
		line=${line%$'\r'}
		case "$line" in
		E2E-RESULT:\ *)
			line=${line#E2E-RESULT: }
			echo "$line"
			;;
		E2E-INFO\ *)
			echo "    ${line#E2E-INFO }"
			;;
		E2E-L1:*)
			log "${line#E2E-L1: }"
			;;
		esac
	done
}
QRC=${PIPESTATUS[0]}
set -e

# Every scenario asked for gets exactly one line, even if L1 never said.
for s in $SCENARIOS; do
	r=$(tr -d '\r' <"$CONSOLE" | grep -m 1 -E "^E2E-RESULT: (PASS|FAIL|SKIP) $s: " | cut -d' ' -f2) || true
	case "$r" in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	FAIL) fail=$((fail + 1)) ;;
	*)
		fail=$((fail + 1))
		if grep -aq E2E-L1-NOKVM "$CONSOLE"; then
			why="L1 has no /dev/kvm (kvm_amd did not load)"
		elif [ -f "$C/l1-frozen" ]; then
			why="no result: L1 froze during '$(tr -d '\r' <"$CONSOLE" | sed -n 's/^E2E-L1: scenario \([^:]*\):.*/\1/p' | tail -n 1)' (no console output for $IDLE s)"
		elif [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
			why="no result: QEMU hit the $TIMEOUT s time limit"
		else
			why="no result: L1 ended (QEMU status $QRC) before reporting it"
		fi
		echo "FAIL $s: $why; see $CONSOLE (0.0 s)"
		;;
	esac
done
log "L1 console: $CONSOLE; total $(elapsed "$T_START") s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ $((pass + skip)) -gt 0 ]
