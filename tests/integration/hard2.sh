# Hardening, round two (issue 22), sourced by run.sh: odd standard fds, a
# hostile guest flooding its devices, stop and SIGTERM that must still work.

# Started with stdin and stdout closed: /dev/null takes fds 0 and 1, so the
# name's lock file (the first file lkvm opens) does not become stdout and
# receive the guest's console output (it did).
t=closed-std-fds
$LKVM run -k $G/idle.elf --name nofds <&- >&- 2>"$T/nf.err" &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do [ -S "$LKVM_DIR/nofds.ctl" ] && break; sleep 0.1; done
sleep 1		# the guest said "idle: up" by now
fd0=$(readlink /proc/$pid/fd/0) fd1=$(readlink /proc/$pid/fd/1)
lock=$(cat "$LKVM_DIR/nofds.lock" 2>/dev/null)
$LKVM stop -n nofds >/dev/null 2>&1; wait $pid; st=$?
if [ "$fd0" != /dev/null ] || [ "$fd1" != /dev/null ]; then bad $t "fd 0 is '$fd0', fd 1 is '$fd1', expected /dev/null"
elif [ -n "$lock" ]; then bad $t "the lock file holds '$lock'"
elif [ $st -ne 0 ]; then bad $t "exit status $st: $(cat "$T/nf.err")"
else ok $t; fi

# --ras-log naming a FIFO: named as one, with a reader or without (without,
# it said "No such device or address"); never a hang.
for rd in without with; do
	t=ras-log-fifo-$rd-reader
	rm -f "$T/log.fifo"; mkfifo "$T/log.fifo"
	rpid=
	if [ $rd = with ]; then sleep 30 <"$T/log.fifo" & rpid=$!; exec 9>"$T/log.fifo"; fi
	run run -k $G/exit.elf --ras-log "$T/log.fifo"
	[ -n "$rpid" ] && { exec 9>&-; kill $rpid 2>/dev/null; wait $rpid 2>/dev/null; }
	expect_status $t 2 &&
		expect_out $t err "cannot open --ras-log '$T/log.fifo': not a regular file \\(a FIFO\\); give a regular file" && ok $t
done
