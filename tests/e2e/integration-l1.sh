#!/usr/bin/env bash
# The payload suite (tests/integration/run.sh) in the nested bed's L1, for a
# machine without a usable /dev/kvm (or with LKVM_TEST_KVM=l1). run.sh execs
# this; `make check-kvm` has built .cache/e2e/lkvm.static for it.
#
# QEMU (TCG) boots the Debian kernel as L1 (tests/e2e/bed.sh); L1 loads KVM
# (nested SVM) and runs the same run.sh, ras.sh and tests/guests/x86/*.elf
# with lkvm.static as ./lkvm, as root (integration-l1-job.sh). L1 has
# busybox, Debian's bash-static as bash, and the host's util-linux setpriv
# and unshare. With E2E_ARCH=arm64 (make check-kvm ARCH=arm64) L1 is the
# arm64 bed's (KVM built in) and the suite is run.sh's arm64 part
# (tests/integration/arm64.sh) with tests/guests/arm's flat.flat; bash is
# Debian's bash-static:arm64, and no setpriv or unshare (nothing there needs
# them). The suite's lines come out here as they arrive; the exit
# status is the suite's, and non-zero when L1 did not boot, had no /dev/kvm,
# froze, or never printed the suite's closing line.
#
# Environment: E2E_TIMEOUT (whole QEMU run, default 900 s), E2E_IDLE (L1
# console silence that counts as frozen, default 180 s), E2E_L1_CPUS,
# E2E_TCG_THREAD (default single, see below).
set -eu -o pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
C=$ROOT/.cache/e2e
# The payloads, built by make check-kvm (TEST_GUESTS of the arch's build.mk).
case "${E2E_ARCH:-x86}" in
x86) GUESTS_DIR=tests/guests/x86 GUESTS=$(ls tests/guests/x86/*.c | sed 's/\.c$/.elf/') ;;
arm64) GUESTS_DIR=build/arm64/tests/guests/arm GUESTS=build/arm64/tests/guests/arm/flat.flat ;;
*) GUESTS_DIR= ;;
esac
LOG_TAG=integration
: "${E2E_TIMEOUT:=900}" "${E2E_IDLE:=180}"
# One host thread for L1's two CPUs: with QEMU's multi-threaded TCG, L1 froze
# for good in 3 of 8 suite runs (each time in a memory-error test where lkvm
# kicks L2 vCPUs that spin or halt with interrupts off); single-threaded, in
# none of 18, and no slower (~20 s per suite).
: "${E2E_TCG_THREAD:=single}"
. tests/e2e/bed.sh

if [ "${LKVM_TEST_KVM:-}" = l1 ]; then
	why="LKVM_TEST_KVM=l1"
elif [ -e /dev/kvm ]; then
	why="/dev/kvm is not accessible"
else
	why="no /dev/kvm"
fi
echo "integration: no usable /dev/kvm here ($why); running the suite in the nested bed's L1 (real KVM)"

# Setup failures: one FAIL line and the closing line, never a silent pass.
die() {
	log "$*"
	echo "FAIL integration-l1: test bed not set up: $*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

mkdir -p "$C"
[ -n "$GUESTS_DIR" ] || die "E2E_ARCH=$E2E_ARCH: the payload suite in L1 runs x86 and arm64 payloads (tests/guests/x86, tests/guests/arm)"
[ -x "$C/lkvm.static" ] || die "$C/lkvm.static missing: run 'make check-kvm'"
# The objects of this arch's build (build/ARCH/, subdirectories included).
[ -z "$(find "build/$E2E_ARCH" -name '*.o' -newer "$C/lkvm.static" -print -quit 2>/dev/null)" ] ||
	die "$C/lkvm.static is older than lkvm's objects: run 'make check-kvm'"
for g in $GUESTS; do
	[ -f "$g" ] || die "$g missing: run 'make check-kvm'"
done
if [ "$E2E_ARCH" = x86 ]; then
	bed_packages bash-static time strace
	BASH_STATIC=/bin/bash-static
else
	bed_packages
	bed_deb "bash-static$BED_DEB_ARCH" "$C/bash-static"
	BASH_STATIC=$C/bash-static/bin/bash-static
fi
bed_kernel

L1=$C/integration-l1-root
bed_l1_root "$L1" "$E2E/integration-l1-job.sh"
cp "$BASH_STATIC" "$L1/bin/bash"
mkdir -p "$L1/suite/tests/integration" "$L1/suite/$GUESTS_DIR"
cp -r tests/integration/. "$L1/suite/tests/integration/"
cp $GUESTS "$L1/suite/$GUESTS_DIR/"
cp "$C/lkvm.static" "$L1/suite/lkvm"
# LKVM_IT_ONLY=file,...: only those test files; LKVM_IT_BEFORE=static lkvm:
# they run with it first (tests/integration/run.sh).
[ -z "${LKVM_IT_ONLY:-}" ] || echo "$LKVM_IT_ONLY" >"$L1/suite/tests/integration/ONLY"
[ -z "${LKVM_IT_BEFORE:-}" ] || install -m 755 "$LKVM_IT_BEFORE" "$L1/suite/lkvm.before"
chmod 755 "$L1/bin/bash" "$L1/suite/lkvm" "$L1/suite/tests/integration/run.sh"
# The root-only tests use util-linux's options (busybox's setpriv has no --reuid);
# hard.sh measures peak RSS with GNU time, ctl.sh slows a bind() with strace.
# The host's are x86 programs: arm64's suite has no such tests.
[ "$E2E_ARCH" = x86 ] && for p in setpriv unshare time strace; do
	f=$(type -P "$p") || { log "no $p here: the suite in L1 skips the tests that need it"; continue; }
	bed_l1_copy "$L1" "$f"
	mkdir -p "$L1/usr/bin"
	[ "$(dirname "$f")" = /usr/bin ] || cp "$f" "$L1/usr/bin/$p"
done
# seccomp.sh's violation test preloads a shim into a dynamically linked lkvm:
# the host's ./lkvm (make check-kvm built it) with the libraries ldd lists
# (libseccomp, libc), and the shim, built here: L1 has no gcc.
if [ "$E2E_ARCH" = x86 ] && ldd lkvm >/dev/null 2>&1 && command -v gcc >/dev/null; then
	bed_l1_copy "$L1" "$PWD/lkvm"
	mv "$L1$PWD/lkvm" "$L1/suite/lkvm.dyn"
	gcc -shared -fPIC -O2 -o "$L1/suite/tests/integration/seccomp-shim.so" \
		tests/integration/seccomp-shim.c -ldl || die "cannot build tests/integration/seccomp-shim.c"
elif [ "$E2E_ARCH" = x86 ]; then
	log "no dynamically linked ./lkvm or no gcc: the suite in L1 skips seccomp-violation"
fi
mkcpio "$L1" "$C/integration-l1-initrd.cpio"
log "L1 $KPKG ready after $(elapsed "$T_START") s; booting L1 (QEMU TCG, timeout $TIMEOUT s)"

CONSOLE=$C/integration-l1-console.log
rm -f "$C/integration-l1-stuck"
# bed_line runs in one subshell for the whole boot: last_it survives calls.
last_it=$SECONDS
bed_line() {
	case "$1" in
	IT\ [0-9]*:\ *)
		printf '%s\n' "${1#IT *: }"
		last_it=$SECONDS
		;;
	E2E-L1:*) log "L1: ${1#E2E-L1: }" ;;
	*)
		# A stuck L1 may still print (soft-lockup reports): the suite's
		# own silence is what counts.
		if [ $((SECONDS - last_it)) -ge "$IDLE" ] && [ ! -f "$C/integration-l1-stuck" ] &&
			[ ! -f "$C/l1-frozen" ]; then
			log "the suite printed nothing for $IDLE s; L1 said: $1; CPU state in $C/l1-frozen.regs; stopping QEMU"
			echo "$1" >"$C/integration-l1-stuck"
			bed_monitor "info registers -a" >"$C/l1-frozen.regs" 2>&1
			kill "$(cat "$C/qemu.pid")" 2>/dev/null
		fi
		;;
	esac
}
bed_boot_l1 "$C/integration-l1-initrd.cpio" "console=$L1_CONSOLE panic=-1 quiet" "$CONSOLE"

# The verdict comes from the console log (bed_line runs in a subshell).
lines=$(tr -d '\r' <"$CONSOLE" | sed -n 's/^IT [0-9.]*: //p')
closing=$(echo "$lines" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -n 1) || true
status=$(tr -d '\r' <"$CONSOLE" | sed -n 's/^IT-STATUS \([0-9]*\)$/\1/p' | tail -n 1)
log "L1 console: $CONSOLE; total $(elapsed "$T_START") s"
if [ -n "$closing" ] && [ -n "$status" ]; then
	set -- $closing
	if [ "$status" != 0 ]; then
		exit 1
	elif [ "$3" != 0 ] || [ "$1" = 0 ]; then
		echo "FAIL integration-l1: the suite exited 0 but said '$closing'"
		exit 1
	fi
	exit 0
fi
if grep -aq E2E-L1-NOKVM "$CONSOLE"; then
	why="L1 has no /dev/kvm ($NOKVM_WHY)"
elif [ -f "$C/l1-frozen" ]; then
	why="L1 froze (no console output for $IDLE s)"
elif [ -f "$C/integration-l1-stuck" ]; then
	why="L1 got stuck (the suite printed nothing for $IDLE s; L1 said '$(cat "$C/integration-l1-stuck")')"
elif [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	why="QEMU hit the $TIMEOUT s time limit"
elif [ -z "$lines" ]; then
	why="L1 ended (QEMU status $QRC) before the suite printed anything"
else
	why="L1 ended (QEMU status $QRC) before the suite's closing line"
fi
after=$(echo "$lines" | grep -E '^(PASS|FAIL|SKIP) ' | tail -n 1 | cut -d: -f1)
echo "FAIL integration-l1: $why${after:+, after '$after'}; see $CONSOLE"
n() { echo "$lines" | grep -c "^$1 " || true; }
echo "$(n PASS) passed, $(($(n FAIL) + 1)) failed, $(n SKIP) skipped"
exit 1
