#!/usr/bin/env bash
# Payload guests on the real /dev/kvm: each test runs ./lkvm and asserts the
# exit status and what the guest (stdout) and lkvm (stderr) said.
# Prints PASS/FAIL/SKIP per test and a closing "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
# Where: here, on a usable /dev/kvm. Without one (or with LKVM_TEST_KVM=l1)
# this same suite runs in the nested bed's L1, on real nested KVM, with
# .cache/e2e/lkvm.static (tests/e2e/integration-l1.sh; make check-kvm builds
# it). LKVM_TEST_KVM=local: here in any case (everything skips without KVM).
# The payloads are this machine's architecture's (x86, arm64), or E2E_ARCH's
# (make check-kvm ARCH=arm64 sets it): another architecture's run in its L1.
HOST_ARCH=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64.*/powerpc/')
SUITE_ARCH=${E2E_ARCH:-$HOST_ARCH}
case "${LKVM_TEST_KVM:-}" in
l1) exec tests/e2e/integration-l1.sh ;;
local) ;;
'') { [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "$SUITE_ARCH" = "$HOST_ARCH" ]; } ||
	exec tests/e2e/integration-l1.sh ;;
*) echo "LKVM_TEST_KVM=$LKVM_TEST_KVM: want l1 or local" >&2; exit 2 ;;
esac
LKVM=./lkvm
case "$SUITE_ARCH" in
x86) G=tests/guests/x86 ;;
arm64) G=${LKVM_TEST_GUESTS:-build/arm64/tests/guests/arm} ;;
*) echo "the payload suite has no guests for $SUITE_ARCH (tests/guests/)" >&2; exit 2 ;;
esac
T=$(mktemp -d)
export LKVM_DIR="$T/ctl"
unset XDG_RUNTIME_DIR	# $LKVM_DIR decides; ctl.sh sets it where it tests it
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
ok()   { pass=$((pass + 1)); echo "PASS $TP$1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $TP$1: $2"; [ -f "$T/out" ] && sed 's/^/    out: /' "$T/out" | head -20; [ -f "$T/err" ] && sed 's/^/    err: /' "$T/err" | head -20; rm -f "$T/out" "$T/err"; }
skip() { skip=$((skip + 1)); echo "SKIP $TP$1: $2"; }
TP=

# run NAME -- lkvm args...: sets $st, $T/out, $T/err (bounded by a timeout)
run() {
	timeout 30 "$LKVM" "$@" >"$T/out" 2>"$T/err" </dev/null
	st=$?
}
expect_status() { # name expected
	if [ "$st" -ne "$2" ]; then bad "$1" "exit status $st, expected $2"; return 1; fi
}
expect_out() { # name file regex
	if ! grep -Eq -- "$3" "$T/$2"; then bad "$1" "$2 lacks /$3/"; return 1; fi
}

# Bad input: one line, documented status.
badinput() { # name status regex args...
	local name=$1 want=$2 re=$3; shift 3
	run "$@"
	if [ "$st" -ne "$want" ]; then bad "$name" "exit status $st, expected $want"
	elif [ "$(wc -l < "$T/err")" -ne 1 ]; then bad "$name" "expected exactly one line on stderr"
	elif ! grep -Eq -- "$re" "$T/err"; then bad "$name" "stderr lacks /$re/"
	elif [ -s "$T/out" ]; then bad "$name" "wrote to stdout"
	else ok "$name"; fi
}

if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	for t in builtin exit smp mbinfo echo ctl ras kvmtool ctl-dir seccomp; do skip "$t" "/dev/kvm is missing or not accessible"; done
	echo "0 passed, 0 failed, $skip skipped"
	exit 0
fi

# LKVM_IT_ONLY=hard2,ras (or the file tests/integration/ONLY, which the L1
# runner writes from it): only those files, while working on them. With a
# ./lkvm.before as well (LKVM_IT_BEFORE in tests/e2e/integration-l1.sh),
# they run with it first, as "before:": to see new tests fail on old code.
ONLY=${LKVM_IT_ONLY:-$(cat tests/integration/ONLY 2>/dev/null)}
if [ -n "$ONLY" ]; then
	for who in ./lkvm.before ./lkvm; do
		[ -x "$who" ] || continue
		LKVM=$who TP=${who#./lkvm}; TP=${TP:+${TP#.}: }
		for f in ${ONLY//,/ }; do . tests/integration/$f.sh; done
	done
	LKVM=./lkvm TP=
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
	exit
fi

if [ "$SUITE_ARCH" = arm64 ]; then
	. tests/integration/arm64.sh
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
	exit
fi

# --- the built-in guest: what a newcomer sees first ---
t=builtin-guest
run run -c 2 -m 128
if expect_status $t 0 && expect_out $t out '^  vCPUs:   2 of 2 running \(APIC ids: 0 1\)' &&
	expect_out $t out 'memory:  128 MiB \(fw_cfg\)' && expect_out $t out 'powering off'; then
	if [ -s "$T/err" ]; then bad $t "lkvm wrote to stderr on a clean run"; else ok $t; fi
fi

# --- debug-exit port: (code << 1) | 1 ---
for code in 0 1 21 100; do
	t=debug-exit-$code
	run run -k $G/exit.elf -p "code=$code"
	expect_status $t $(( ((code << 1) | 1) & 255 )) && expect_out $t out "exit: code $code" && ok $t
done

# --- SMP bring-up via INIT/SIPI ---
for n in 2 4; do
	t=smp-$n
	run run -k $G/smp.elf -c $n
	ids=$(seq -s, 0 $((n - 1)))
	expect_status $t 1 && expect_out $t out "smp: fw_cfg cpus=$n online=$n ids=$ids\$" && ok $t
done

# --- multiboot info, module and fw_cfg as seen by the guest ---
t=multiboot-info
printf 'lkvm-module-test-0123456789\n%.0s' $(seq 100) > "$T/mod"
sum=$(od -An -v -tu1 "$T/mod" | awk '{for (i = 1; i <= NF; i++) s += $i} END {print s}')
size=$(stat -c %s "$T/mod")
run run -k $G/mbinfo.elf -i "$T/mod" -m 48 -c 3 -p "alpha beta=1"
expect_status $t 67 && expect_out $t out '^magic=0x2badb002$' &&
	expect_out $t out "^cmdline=$G/mbinfo.elf alpha beta=1\$" &&
	expect_out $t out '^mem_lower=640$' && expect_out $t out "^mem_upper=$(( (48 - 1) * 1024 ))\$" &&
	expect_out $t out '^mmap0=0x0\+0xa0000:1$' && expect_out $t out '^mmap1=0xa0000\+0x60000:2$' &&
	expect_out $t out "^mmap2=0x100000\+0x$(printf %x $(( (48 - 1) << 20 ))):1\$" &&
	expect_out $t out '^mods=1$' && expect_out $t out '^mod0_start_aligned=1$' &&
	expect_out $t out "^mod0_size=$size\$" && expect_out $t out "^mod0_sum=$sum\$" &&
	expect_out $t out '^loader=lkvm$' && expect_out $t out '^fw_cfg_sig=QEMU$' &&
	expect_out $t out '^fw_cfg_ram_mib=48$' && expect_out $t out '^fw_cfg_cpus=3$' && ok $t

# --- console input reaches the guest's UART ---
t=console-input
echo "hello lkvm" | timeout 30 $LKVM run -k $G/echo.elf >"$T/out" 2>"$T/err"; st=$?
expect_status $t 1 && expect_out $t out '^echo: HELLO LKVM$' && ok $t

head -c 4096 /dev/urandom > "$T/junk"
: > "$T/empty"
printf 'not a kernel' > "$T/short"
head -c 1500 $G/exit.elf > "$T/truncated.elf"	# cuts the text segment
badinput bad-kernel-missing 2 "^lkvm: Fatal: Unable to open kernel /nonexistent: No such file" run -k /nonexistent
badinput bad-kernel-dir 2 "Unable to open kernel /: not a regular file \\(a directory\\)" run -k /
badinput bad-kernel-format 2 "unknown kernel format" run -k "$T/junk"
badinput bad-kernel-empty 2 "unknown kernel format" run -k "$T/empty"
badinput bad-kernel-truncated 2 "outside the file|truncated" run -k "$T/truncated.elf"
badinput bad-initrd-missing 2 "Fatal: Unable to open initrd /nonexistent" run -k $G/exit.elf -i /nonexistent
head -c $((3 << 20)) /dev/zero > "$T/big"
badinput bad-initrd-too-big 2 "does not fit after the kernel; raise --mem" run -k $G/exit.elf -i "$T/big" -m 2
badinput bad-mem 2 "invalid --mem 'lots'" run -m lots
badinput bad-mem-small 2 "invalid --mem '1'" run -m 1
badinput bad-cpus 2 "invalid --cpus 'two'" run -c two
badinput bad-option 2 "unknown option '--frobnicate'" run --frobnicate
badinput bad-arm64-option 2 "^lkvm: --irqchip is an arm64 option; lkvm for x86 has no such setting" run --irqchip=gicv3
badinput bad-dump-dtb 2 "^lkvm: --dump-dtb: lkvm for x86 boots its guests without a device tree" run --dump-dtb /tmp/x.dtb
badinput bad-policy 2 "valid policies are 'inject' and 'stop'" run --ras-policy=maybe
badinput bad-name 2 "invalid --name" run --name ../x
badinput bad-command 2 "unknown command 'fly'" fly
badinput bad-missing-value 2 "needs a value" run --mem
badinput bad-ras-log 2 "cannot open --ras-log" run --ras-log /nonexistent/dir/log
badinput stop-unknown-vm 1 "no running VM named 'nosuchvm'" stop --name nosuchvm

t=triple-fault
run run -k $G/triple.elf
expect_status $t 8 && expect_out $t out '^triple: faulting$' && expect_out $t err 'guest triple fault' && ok $t

# No /dev/kvm, or no permission: one line, status 1. Needs root to arrange.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null; then
	t=no-dev-kvm
	unshare -m sh -c "mount -t tmpfs none /dev && exec $LKVM run" >"$T/out" 2>"$T/err" </dev/null; st=$?
	expect_status $t 1 && expect_out $t err '^lkvm: cannot open /dev/kvm: no such device' &&
		[ "$(wc -l < "$T/err")" -eq 1 ] && ok $t
	t=no-kvm-permission
	if [ "$(stat -c %a /dev/kvm)" = 600 ]; then
		nd=$(mktemp -d /tmp/lkvm-nobody.XXXXXX); chown 65534 "$nd"
		setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$nd" LKVM_DIR="$nd/ctl" \
			$LKVM run >"$T/out" 2>"$T/err" </dev/null; st=$?
		rm -rf "$nd"
		expect_status $t 1 && expect_out $t err 'cannot open /dev/kvm: permission denied' && ok $t
	else
		skip $t "/dev/kvm is mode $(stat -c %a /dev/kvm): any user may open it"
	fi
else
	skip no-dev-kvm "needs root, unshare and setpriv"
	skip no-kvm-permission "needs root, unshare and setpriv"
fi

# --- guest RAM from hugetlbfs (needs root to mount and reserve pages) ---
t=hugetlbfs
badinput hugetlbfs-not-mount 2 "is not a hugetlbfs mount" run --hugetlbfs "$T"
hp="$T/hp"; mkdir -p "$hp"
if [ "$(id -u)" -eq 0 ] && mount -t hugetlbfs none "$hp" 2>/dev/null; then
	old=$(cat /proc/sys/vm/nr_hugepages)
	echo $((old + 32)) > /proc/sys/vm/nr_hugepages
	if [ "$(cat /proc/sys/vm/nr_hugepages)" -ge $((old + 32)) ]; then
		run run --hugetlbfs "$hp" -m 64
		expect_status $t 0 && expect_out $t out 'memory:  64 MiB' && ok $t
		badinput hugetlbfs-odd-size 2 "multiple of the huge page size" run --hugetlbfs "$hp" -m 63
	else
		skip $t "the host could not reserve 32 huge pages"
	fi
	echo "$old" > /proc/sys/vm/nr_hugepages
	umount "$hp"
else
	skip $t "needs root to mount hugetlbfs"
fi

# --- control socket: list, pause, resume, stop ---
t=ctl
$LKVM run -k $G/idle.elf --name ctltest -c 2 >"$T/ctl.out" 2>"$T/ctl.err" </dev/null &
pid=$!
# Watchdogs write nowhere: they must not keep a pipe reading the suite open.
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 50); do grep -q 'idle: up' "$T/ctl.out" 2>/dev/null && break; sleep 0.1; done
l1=$($LKVM list 2>&1)
stat=$($LKVM stat --name ctltest 2>&1)
$LKVM pause --name ctltest >/dev/null 2>&1; p1=$?
l2=$($LKVM list 2>&1)
$LKVM pause --name ctltest >"$T/p2" 2>&1; p2=$?
$LKVM resume --name ctltest >/dev/null 2>&1; r1=$?
l3=$($LKVM list 2>&1)
$LKVM stop --name ctltest >/dev/null 2>&1; s1=$?
wait $pid; st=$?
if ! echo "$l1" | grep -Eq "^ *$pid ctltest +running\$"; then bad $t "list while running: $l1"
elif ! echo "$stat" | grep -q '^pio.uart 9$' || ! echo "$stat" | grep -q '^exits.io 9$'; then bad $t "stat: $stat"
elif ! echo "$stat" | grep -Eq '^startup_us [1-9][0-9]*$'; then bad $t "stat has no start-up time: $stat"
elif [ $p1 -ne 0 ] || ! echo "$l2" | grep -Eq "^ *$pid ctltest +paused\$"; then bad $t "pause: rc $p1, list: $l2"
elif [ $p2 -ne 0 ] || ! grep -q "^Guest ctltest is already paused.\$" "$T/p2"; then bad $t "second pause: rc $p2: $(cat "$T/p2")"
elif [ $r1 -ne 0 ] || ! echo "$l3" | grep -Eq "^ *$pid ctltest +running\$"; then bad $t "resume: rc $r1, list: $l3"
elif [ $s1 -ne 0 ] || [ $st -ne 0 ]; then bad $t "stop: rc $s1, lkvm exit status $st"
elif [ -e "$LKVM_DIR/ctltest.ctl" ]; then bad $t "control socket left behind"
else ok $t; fi

t=ctl-duplicate-name
$LKVM run -k $G/idle.elf --name dup >"$T/dup.out" 2>&1 </dev/null &
pid=$!
for i in $(seq 50); do grep -q 'idle: up' "$T/dup.out" 2>/dev/null && break; sleep 0.1; done
run run -k $G/idle.elf --name dup
$LKVM stop --name dup >/dev/null 2>&1; wait $pid
expect_status $t 2 && expect_out $t err "a VM named 'dup' is already running" && ok $t

# --- guest reset: ends the VM (status 0), or boots it again with --reboot ---
t=reset-ends-vm
run run -k $G/reset.elf
expect_status $t 0 && expect_out $t out '^reset: booted$' &&
	expect_out $t err 'guest requested a reset; VM ended' && ok $t
t=reset-reboot
$LKVM run -k $G/reset.elf --reboot --name rebooter >"$T/rb.out" 2>"$T/rb.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do [ "$(grep -c booted "$T/rb.out")" -ge 3 ] && break; sleep 0.05; done
$LKVM stop --name rebooter >/dev/null 2>&1; wait $pid; st=$?
n=$(grep -c '^reset: booted$' "$T/rb.out")
if [ "$n" -lt 3 ] || ! grep -q 'guest reset: booting again (boot 3)' "$T/rb.err" || [ $st -ne 0 ]; then
	bad $t "boots $n, status $st: $(tail -3 "$T/rb.err")"
else ok $t; fi

. tests/integration/ras.sh
. tests/integration/acpi.sh
. tests/integration/testdev.sh
. tests/integration/kvmtool.sh
. tests/integration/hard.sh
. tests/integration/ctl.sh
. tests/integration/virtio.sh
. tests/integration/seccomp.sh
. tests/integration/hard2.sh

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
