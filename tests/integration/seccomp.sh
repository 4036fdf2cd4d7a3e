# seccomp confinement (sourced by run.sh; docs/threat-model.md): every
# thread of a running lkvm is under its filter by default, none with
# --seccomp=off; a forbidden call on a vCPU thread is reported by name and
# ends lkvm with status 10. Every other test in this suite runs with the
# filters on too: they are the default.

# The threads of lkvm PID: "name seccomp-mode filters" each (kernel workers
# such as kvm-nx-lpage-recovery are KVM's, not lkvm's: left out).
sc_threads() {
	local s
	for s in /proc/"$1"/task/*/status; do
		awk '/^Name:/ { n = $2 } /^Seccomp:/ { m = $2 } /^Seccomp_filters:/ { f = $2 }
			END { if (n !~ /^kvm-/) print n, m, f }' "$s"
	done | sort
}

# sc_running NAME ARGS...: start an idle guest with every kind of thread;
# sets $pid once it is up.
sc_running() {
	local name=$1
	shift
	truncate -s 1M "$T/sc.img"
	$LKVM run -k $G/idle.elf --name "$name" -c 2 -d "$T/sc.img" --rng "$@" \
		>"$T/sc.out" 2>"$T/sc.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	for i in $(seq 50); do grep -q 'idle: up' "$T/sc.out" 2>/dev/null && break; sleep 0.1; done
}

# Default: the main (control) thread has one filter, every thread it
# started has it beneath its own: two.
t=seccomp-threads
sc_running scon
got=$(sc_threads $pid)
$LKVM stop -n scon >/dev/null 2>&1; wait $pid; st=$?
want="lkvm 2 1
lkvm-console 2 2
lkvm-ras 2 2
lkvm-rtc 2 2
vcpu0 2 2
vcpu1 2 2
virtio-blk0 2 2
virtio-rng 2 2"
if [ "$got" != "$want" ]; then bad $t "threads (name, seccomp mode, filters): $(echo $got), expected: $(echo $want)"
elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/sc.err")"
else ok $t; fi

t=seccomp-off-threads
sc_running scoff --seccomp=off
got=$(sc_threads $pid | awk '{ print $2, $3 }' | sort -u)
$LKVM stop -n scoff >/dev/null 2>&1; wait $pid; st=$?
if [ "$got" != "0 0" ]; then bad $t "with --seccomp=off, threads have seccomp mode and filters: $(echo $got)"
elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/sc.err")"
else ok $t; fi

# The built-in guest, the filters on (the default, builtin-guest above), off and logging.
for mode in off log; do
	t=seccomp-$mode-builtin-guest
	run run -c 2 -m 128 --seccomp=$mode
	expect_status $t 0 && expect_out $t out '^  vCPUs:   2 of 2 running \(APIC ids: 0 1\)' &&
		expect_out $t out 'powering off' && ok $t
done
badinput bad-seccomp 2 "^lkvm: invalid --seccomp 'maybe': use on, off or log\$" run --seccomp=maybe

# A vCPU thread makes a call its list does not have (openat, from a
# preloaded ioctl(), seccomp-shim.c, before each KVM_RUN): lkvm names it and
# the thread, and exits 10 at once; with --seccomp=off the same lkvm runs on.
# The shim needs a dynamically linked lkvm: ./lkvm here; in L1, where ./lkvm
# is lkvm.static and there is no gcc, integration-l1.sh brings the host's
# lkvm as lkvm.dyn with its libraries, and the shim built.
t=seccomp-violation
sc_lkvm= shim=
if [ -x ./lkvm.dyn ]; then
	sc_lkvm=./lkvm.dyn
elif ldd "$LKVM" >/dev/null 2>&1; then
	sc_lkvm=$LKVM
fi
if [ -f tests/integration/seccomp-shim.so ]; then
	shim=$PWD/tests/integration/seccomp-shim.so
elif command -v gcc >/dev/null && gcc -shared -fPIC -O2 -o "$T/shim.so" tests/integration/seccomp-shim.c -ldl; then
	shim=$T/shim.so
fi
if [ -z "$sc_lkvm" ] || [ -z "$shim" ]; then
	skip $t "needs a dynamically linked lkvm (${sc_lkvm:-none}) and the shim (${shim:-no gcc to build it}): the unit tests report violations in every thread kind"
else
	LD_PRELOAD=$shim timeout 30 $sc_lkvm run -k $G/exit.elf -p code=0 >"$T/out" 2>"$T/err" </dev/null
	st=$?
	line="^lkvm: fatal: seccomp: the vCPU thread 'vcpu0' made a system call its filter does not allow: openat \\([0-9]+\\); exiting with status 10 "
	if expect_status $t 10 && expect_out $t err "$line"; then
		if [ "$(wc -l < "$T/err")" -ne 1 ]; then bad $t "expected one line on stderr"
		elif grep -q '^exit: code' "$T/out"; then bad $t "the guest ran on after the violation"
		else
			LD_PRELOAD=$shim timeout 30 $sc_lkvm run -k $G/exit.elf -p code=0 --seccomp=off \
				>"$T/out" 2>"$T/err" </dev/null
			st=$?
			expect_status $t 1 && expect_out $t out '^exit: code 0$' && ok $t
		fi
	fi
fi
