# The arm64 payload guests on a real /dev/kvm (sourced by run.sh on an arm64
# machine; without a local arm64 KVM, `make check-kvm ARCH=arm64` runs it in
# the arm64 bed's L1). $G holds flat.flat (tests/guests/arm/flat.c); the
# helpers (run, expect_*, badinput, ok/bad/skip) are run.sh's.

# --- the built-in guest: PSCI says how many vCPUs; --dump-dtb writes the tree ---
t=builtin-guest
run run -c 3 -m 128 --dump-dtb "$T/tree.dtb"
if expect_status $t 0 && expect_out $t out 'lkvm built-in guest \(arm64\): vCPUs seen: 3'; then
	magic=$(od -An -tx1 -N4 "$T/tree.dtb" 2>/dev/null | tr -d ' \n')
	if [ "$magic" != d00dfeed ]; then bad $t "--dump-dtb wrote no device tree (magic '$magic')"
	elif [ -s "$T/err" ]; then bad $t "lkvm wrote to stderr on a clean run"
	else ok $t; fi
fi

# --- --pmu: the guest's tree gets a PMU node (needs KVM_CAP_ARM_PMU_V3 here) ---
t=builtin-pmu
run run -c 2 --pmu --dump-dtb "$T/pmu.dtb"
if grep -q 'this host.s KVM has no PMUv3' "$T/err"; then
	skip $t "this KVM has no PMUv3 for guests"
elif expect_status $t 0 && expect_out $t out 'vCPUs seen: 2'; then
	if grep -aq 'arm,armv8-pmuv3' "$T/pmu.dtb"; then ok $t; else bad $t "no arm,armv8-pmuv3 node in the dumped tree"; fi
fi

# --- kvm-unit-tests' invocation: bootargs exactly -p, the environment as initrd ---
printf 'FOO=bar\nKUT_TESTNAME=selftest\n' >"$T/env"
kut="--cpus 2 --nodefaults --network mode=none --loglevel=warning --mem 256"
for gic in "" --irqchip=gicv3; do
	t=flat-kut${gic:+-gicv3}
	run run --kernel $G/flat.flat $kut $gic --params 'setup smp=2 mem=256' --initrd "$T/env"
	expect_status $t 0 && expect_out $t out '^flat: entered' &&
		expect_out $t out 'flat: bootargs=\[setup smp=2 mem=256\]' &&
		expect_out $t out 'flat: env: FOO=bar KUT_TESTNAME=selftest' &&
		expect_out $t out 'EXIT: STATUS=1' &&
		if [ -s "$T/err" ]; then bad $t "lkvm wrote to stderr under --loglevel=warning"; else ok $t; fi
done
t=flat-no-initrd
run run -k $G/flat.flat -p 'a b=c'
expect_status $t 0 && expect_out $t out 'flat: bootargs=\[a b=c\]' &&
	expect_out $t out 'flat: initrd 0x0000000000000000\.\.0x0000000000000000' && ok $t

# --- SVE and pointer authentication: on when KVM offers them, off when told ---
# The host CPU's features (arm64 KVM gives guests SVE and ptrauth when the
# host kernel uses them) say what the guest must see.
t=cpufeat
hf=" $(grep -m1 '^Features' /proc/cpuinfo | cut -d: -f2) "
want_sve=0 want_pac=0
case "$hf" in *" sve "*) want_sve=1 ;; esac
case "$hf" in *" paca "*) case "$hf" in *" pacg "*) want_pac=1 ;; esac ;; esac
run run -k $G/flat.flat -p cpufeat
if expect_status $t 0 && expect_out $t out 'cpufeat: done'; then
	f=$(grep -o 'cpufeat: sve=[01] ptrauth=[a-z0-9]*' "$T/out")
	echo "# $t: host Features:$hf"
	echo "# $t: host sve=$want_sve ptrauth=$want_pac; the guest sees ${f#cpufeat: };" \
		"$(grep -m1 'cpufeat: sve vl' "$T/out" | tr -d '\r')"
	if grep -q 'BAD' "$T/out"; then bad $t "$(grep BAD "$T/out" | head -2 | tr -d '\r')"
	elif [ "$f" != "cpufeat: sve=$want_sve ptrauth=$want_pac" ]; then
		bad $t "the guest sees ${f#cpufeat: }, the host has sve=$want_sve ptrauth=$want_pac"
	elif [ $want_sve = 1 ] && ! grep -q 'cpufeat: sve vl=.* ok' "$T/out"; then bad $t "SVE seen but not checked"
	elif [ $want_pac = 1 ] && ! grep -q 'cpufeat: pac ok' "$T/out"; then bad $t "ptrauth seen but not checked"
	elif [ $want_sve$want_pac = 00 ]; then skip $t "this host has neither SVE nor pointer authentication"
	else ok $t; fi
fi
t=cpufeat-disabled
run run -k $G/flat.flat -p cpufeat --disable-sve --disable-ptrauth
expect_status $t 0 && expect_out $t out 'cpufeat: sve=0 ptrauth=0' && ok $t

# --- --irqchip gicv3-its: an MSI through the ITS, from the guest's own commands ---
t=its
run run -k $G/flat.flat -c 1 --irqchip=gicv3-its -p its
if expect_status $t 0 && expect_out $t out 'its: GITS at'; then
	if grep -q 'its: LPI 8192 taken ok' "$T/out"; then ok $t
	else bad $t "$(grep -m1 'its: BAD' "$T/out" | tr -d '\r')"; fi
fi
t=its-absent
run run -k $G/flat.flat -c 1 --irqchip=gicv3 -p its
expect_status $t 0 && expect_out $t out 'its: BAD no arm,gic-v3-its node' && ok $t

# --- bad input: one line, status 2, nothing on stdout ---
: >"$T/empty"
badinput bad-kernel-missing 2 "^lkvm: Fatal: Unable to open kernel /nonexistent: No such file" run -k /nonexistent
badinput bad-kernel-empty 2 "empty kernel file" run -k "$T/empty"
badinput bad-option 2 "unknown option '--frobnicate'" run --frobnicate
badinput bad-irqchip 2 "invalid --irqchip 'vgic': use gicv3, gicv3-its or gicv2" run --irqchip=vgic
badinput bad-pmu-value 2 "option '--pmu' takes no value" run --pmu=yes
badinput bad-ras-notify 2 "invalid --ras-arm-notify 'nmi': use serror or sea" run --ras-arm-notify=nmi
badinput bad-dump-dtb 2 "invalid --dump-dtb '': give a file name" run --dump-dtb=
badinput bad-mem 2 "invalid --mem 'lots'" run -m lots
badinput bad-policy 2 "valid policies are 'inject' and 'stop'" run --ras-policy=maybe
badinput stop-unknown-vm 1 "no running VM named 'nosuchvm'" stop --name nosuchvm

# --- control socket: list, stat, pause, resume, stop on an idle guest ---
t=ctl
$LKVM run -k $G/flat.flat -p idle --name ctltest -c 2 >"$T/ctl.out" 2>"$T/ctl.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do grep -q 'flat: idle' "$T/ctl.out" 2>/dev/null && break; sleep 0.1; done
l1=$($LKVM list 2>&1)
stat=$($LKVM stat --name ctltest 2>&1)
dump=$(timeout 20 $LKVM debug -n ctltest --dump 2>&1)
echo "# $t: debug --dump says:$(echo "$dump" | grep -m1 '  sve:')"
$LKVM pause --name ctltest >/dev/null 2>&1; p1=$?
l2=$($LKVM list 2>&1)
$LKVM resume --name ctltest >/dev/null 2>&1; r1=$?
l3=$($LKVM list 2>&1)
$LKVM stop --name ctltest >/dev/null 2>&1; s1=$?
wait $pid; st=$?
if ! echo "$l1" | grep -Eq "^ *$pid ctltest +running\$"; then bad $t "list while running: $l1"
elif ! echo "$stat" | grep -Eq '^startup_us [1-9][0-9]*$'; then bad $t "stat has no start-up time: $stat"
elif ! echo "$dump" | grep -Eq '^  sve: (on, vector length [1-9][0-9]* bytes \([0-9]+ bits\)|off \(KVM offers none\)); ptrauth: '; then
	bad $t "debug --dump lacks the sve/ptrauth line: $(echo "$dump" | head -3)"
elif [ $p1 -ne 0 ] || ! echo "$l2" | grep -Eq "^ *$pid ctltest +paused\$"; then bad $t "pause: rc $p1, list: $l2"
elif [ $r1 -ne 0 ] || ! echo "$l3" | grep -Eq "^ *$pid ctltest +running\$"; then bad $t "resume: rc $r1, list: $l3"
elif [ $s1 -ne 0 ] || [ $st -ne 0 ]; then bad $t "stop: rc $s1, lkvm exit status $st: $(head -3 "$T/ctl.err")"
elif [ -e "$LKVM_DIR/ctltest.ctl" ]; then bad $t "control socket left behind"
else ok $t; fi
