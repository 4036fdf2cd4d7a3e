# Hardening (issue 13), sourced by run.sh: a guest, a client, a slow
# terminal, a stray file or signal must never wedge lkvm or lose an event.
SP=tests/integration/sockpeer

# A console nobody reads: the guest prints for ever into a pipe whose
# reader never reads. Pause and stop still work at once, lkvm ends with 0
# and says how much console output it dropped.
t=console-unread
mkfifo "$T/unread"
sleep 200 <>"$T/unread" >/dev/null 2>&1 &	# holds the pipe open, never reads
rpid=$!
$LKVM run -k $G/chatty.elf --name chatty >"$T/unread" 2>"$T/ch.err" </dev/null &
pid=$!
# A backstop only: in the nested bed on a busy host the loop below alone
# has taken 90 s.
( sleep 180; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
# Until the guest wrote more than the pipe (64 KiB) and lkvm's buffer (64
# KiB) hold: at least one UART exit a byte.
for i in $(seq 300); do
	n=$($LKVM stat -n chatty 2>/dev/null | sed -n 's/^pio.uart //p')
	[ "${n:-0}" -gt 300000 ] && break; sleep 0.1
done
timeout 10 $LKVM pause -n chatty >"$T/cp" 2>&1; cp=$?
timeout 10 $LKVM stop -n chatty >"$T/cs" 2>&1; cs=$?
wait $pid; st=$?
kill $rpid 2>/dev/null; wait $rpid 2>/dev/null
if [ $cp -ne 0 ] || ! grep -q '^Guest chatty paused$' "$T/cp"; then bad $t "pause: rc $cp: $(cat "$T/cp")"
elif [ $cs -ne 0 ]; then bad $t "stop: rc $cs: $(cat "$T/cs")"
elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/ch.err")"
elif ! grep -Eq 'warning: [0-9]+ bytes of guest console output were dropped' "$T/ch.err"; then
	bad $t "no count of dropped output: $(cat "$T/ch.err")"
else ok $t; fi

# A command that gets no reply says so and exits 1 (it was 0: "stop"
# looked done while the VM ran on).
t=ctl-no-reply
if [ ! -x $SP ]; then
	skip $t "needs $SP (make check-kvm builds it)"
else
	mkdir -m 0700 "$T/mute"
	$SP mute "$T/mute/mute.ctl" &
	spid=$!
	for i in $(seq 50); do [ -S "$T/mute/mute.ctl" ] && break; sleep 0.1; done
	LKVM_DIR="$T/mute" timeout 20 $LKVM stop -n mute >"$T/out" 2>"$T/err" </dev/null; st=$?
	kill $spid 2>/dev/null; wait $spid 2>/dev/null
	expect_status $t 1 && expect_out $t err "VM 'mute' closed the connection without answering 'stop'" && ok $t
fi

# Files: a FIFO as kernel must not hang start-up, a device is named as one,
# and a huge file that is no kernel is refused without being read whole.
t=file-fifo-kernel
mkfifo "$T/k.fifo"
run run -k "$T/k.fifo"
expect_status $t 2 && expect_out $t err "Fatal: Unable to open kernel $T/k.fifo: not a regular file \\(a FIFO\\)" && ok $t
t=file-device-kernel
run run -k /dev/zero
expect_status $t 2 && expect_out $t err "Fatal: Unable to open kernel /dev/zero: not a regular file \\(a device\\)" && ok $t
t=file-huge-non-kernel
truncate -s 512M "$T/big.img"
/usr/bin/time -f 'maxrss_kib %M' -o "$T/rss" timeout 30 $LKVM run -k "$T/big.img" >"$T/out" 2>"$T/err" </dev/null; st=$?
rss=$(sed -n 's/^maxrss_kib //p' "$T/rss")
rm -f "$T/big.img"
if expect_status $t 2; then
	if [ "${rss:-999999}" -gt 131072 ]; then bad $t "peak RSS ${rss} KiB: the 512 MiB file was read before the format probe"
	else ok $t; fi
fi

# SIGTERM (as SIGINT, SIGHUP): the VM stops, the socket is removed, lkvm
# dies of the signal after cleaning up (status 143), 'lkvm list' is clean.
t=sigterm-cleanup
$LKVM run -k $G/idle.elf --name termvm >"$T/tv.out" 2>"$T/tv.err" </dev/null &
pid=$!
( sleep 60; kill -9 $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do grep -q 'idle: up' "$T/tv.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM $pid; wait $pid; st=$?
$LKVM list >"$T/tl" 2>&1; lst=$?
if [ $st -ne 143 ]; then bad $t "exit status $st, expected 143 (SIGTERM): $(cat "$T/tv.err")"
elif [ -e "$LKVM_DIR/termvm.ctl" ]; then bad $t "the control socket was left behind"
elif [ $lst -ne 0 ] || grep -q termvm "$T/tl"; then bad $t "list: rc $lst: $(cat "$T/tl")"
elif ! grep -q "stopped by Terminated" "$T/tv.err"; then bad $t "no line saying why: $(cat "$T/tv.err")"
else ok $t; fi

# A guest that resets in a loop under --reboot: backoff, then a limit.
t=reboot-loop-limit
run run -k $G/reset.elf --reboot
if expect_status $t 8 && expect_out $t err 'the guest reset 10 times in a row within 1 s of booting: giving up'; then
	n=$(wc -l < "$T/err")
	if [ "$n" -gt 15 ]; then bad $t "$n lines on stderr"; else ok $t; fi
fi

# debug --poison on a paused VM, simulated: refused, and nothing is
# injected on resume (it used to report failure and inject anyway).
t=poison-paused
nocap=
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && setpriv --bounding-set=-sys_admin true 2>/dev/null &&
	nocap="setpriv --bounding-set=-sys_admin"
$nocap $LKVM run -k $M --name pausedp --ras-log "$T/pp.json" -p "mode=wait" >"$T/pp.out" 2>"$T/pp.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do grep -q 'mce: waiting' "$T/pp.out" 2>/dev/null && break; sleep 0.1; done
$LKVM pause -n pausedp >/dev/null 2>&1
$LKVM debug -n pausedp --poison 0x345000 >"$T/pd" 2>&1; pd=$?
$LKVM resume -n pausedp >/dev/null 2>&1
sleep 1
$LKVM stop -n pausedp >/dev/null 2>&1; wait $pid; st=$?
touch "$T/pp.json"
if [ $pd -ne 1 ] || ! grep -q 'is paused' "$T/pd"; then bad $t "debug --poison on a paused VM: rc $pd: $(cat "$T/pd")"
elif grep -q '"action":"injected"' "$T/pp.json"; then bad $t "injected on resume after a refused drill: $(cat "$T/pp.json")"
elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st"
else ok $t; fi

# The kernel's part of a memory error where this host cannot play it: a
# ptrace stand-in (sigbus-kernel.c) gives lkvm the SIGBUS a kernel would.
SK=tests/integration/sigbus-kernel
sk_ok=
[ -x $SK ] && $SK early-ar -- true 2>/dev/null && sk_ok=1

# debug --poison on Linux >= 6.11: MADV_HWPOISON sends the calling thread
# (lkvm's main thread, outside KVM_RUN) BUS_MCEERR_AR for the page. That is
# the page's report, as the early-kill AO of older kernels: the drill
# succeeds, the guest is told action-optional, lkvm runs on (it exited 6,
# "lkvm itself read poisoned memory").
t=poison-madvise-ar
if [ -z "$sk_ok" ]; then
	skip $t "needs $SK (x86-64 ptrace and seccomp; make check-kvm builds it)"
else
	$SK madvise-ar -- $LKVM run -k $M --name newk --ras-log "$T/nk.json" -p "mode=wait" >"$T/nk.out" 2>"$T/nk.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	for i in $(seq 100); do grep -q 'mce: waiting' "$T/nk.out" 2>/dev/null && break; sleep 0.1; done
	$LKVM debug -n newk --poison 0x345000 >"$T/nd" 2>&1; nd=$?
	for i in $(seq 100); do grep -q '"action":"injected"' "$T/nk.json" 2>/dev/null && break; sleep 0.1; done
	$LKVM stop -n newk >/dev/null 2>&1; wait $pid; st=$?
	touch "$T/nk.json"
	if [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/nk.err")"
	elif [ $nd -ne 0 ] || ! grep -q 'guest page 0x345000 poisoned for real' "$T/nd"; then bad $t "debug --poison: rc $nd: $(cat "$T/nd")"
	elif ! grep -q '"vcpu":null,"kind":"AO",.*"gpa":"0x345000".*"action":"injected".*"simulated":false' "$T/nk.json"; then
		bad $t "no AO injected for 0x345000: $(cat "$T/nk.json")"
	elif grep -q '"kind":"AR"' "$T/nk.json" || grep -q fatal "$T/nk.err"; then bad $t "an AR or a fatal line: $(cat "$T/nk.err" "$T/nk.json")"
	else ok $t; fi
fi

# A memory error in lkvm's own memory before 'lkvm run' set up memory-error
# handling (at its first signal set-up): status 6 and the fatal line, not a
# core dump (status 135).
t=ar-before-ras-init
if [ -z "$sk_ok" ]; then
	skip $t "needs $SK (x86-64 ptrace and seccomp; make check-kvm builds it)"
else
	(ulimit -c 0; exec $SK early-ar -- $LKVM run -k $G/exit.elf) >"$T/out" 2>"$T/err" </dev/null; st=$?
	expect_status $t 6 && expect_out $t err '^lkvm: fatal: lkvm itself read poisoned memory at host address 0x[0-9a-f]+ \(not guest RAM\); cannot continue, exiting with status 6$' && ok $t
fi

# lkvm's own load hitting poison on the memory-error thread (lkvm-ras), as
# it raises the simulated AO of 'debug --poison --ao': such an AR is
# forced, and that thread ran with SIGBUS blocked outside its wait, where
# the kernel then resets SIGBUS to its default action (a core dump, status
# 135). No lkvm thread blocks SIGBUS now: status 6 and the fatal line. As
# root without CAP_SYS_ADMIN, so MADV_HWPOISON fails and the AO is simulated.
t=ar-on-ras-thread
if [ -z "$sk_ok" ]; then
	skip $t "needs $SK (x86-64 ptrace and seccomp; make check-kvm builds it)"
else
	(ulimit -c 0; exec $nocap $SK forced-ar -- $LKVM run -k $M --name rasthr -p "mode=wait") >"$T/rt.out" 2>"$T/rt.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	for i in $(seq 100); do grep -q 'mce: waiting' "$T/rt.out" 2>/dev/null && break; sleep 0.1; done
	$LKVM debug -n rasthr --poison 0x456000 --ao >/dev/null 2>&1
	wait $pid; st=$?
	if [ $st -ne 6 ]; then bad $t "exit status $st, expected 6: $(cat "$T/rt.err")"
	elif ! grep -Eq '^lkvm: fatal: lkvm itself read poisoned memory at host address 0x[0-9a-f]+ \(not guest RAM\)' "$T/rt.err"; then
		bad $t "no fatal line: $(cat "$T/rt.err")"
	else ok $t; fi
fi
