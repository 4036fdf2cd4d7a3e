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

# A hostile guest keeps a device's queue full of the biggest requests it
# can name (tests/guests/x86/flood.c), its two vCPUs reading the device's
# Status register in a loop. `lkvm debug --dump` answers for both vCPUs
# within 3 s, and `lkvm stop`, then SIGTERM, each end lkvm within 1 s. It
# lived 100 s after stop and 20 s after SIGTERM (console), only SIGKILL
# ended it: the I/O thread held the device's lock through ~9 min of queued
# work, the vCPUs waited for it, and the main thread for them.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((10#$t / 1000)); }
flood_case() {	# kind how(stop|term) lkvm-args...
	local kind=$1 how=$2 name=fl$1$2 n= t0 t1 dump_ms st
	shift 2
	t=flood-$kind-$how
	rm -f "$T/fl.fifo"; mkfifo "$T/fl.fifo"
	head -c 65536 <"$T/fl.fifo" >"$T/fl.out" &	# the console flood ends here
	$LKVM run -k $G/flood.elf -m 64 -c 2 --name $name -p "$kind=1" "$@" >"$T/fl.fifo" 2>"$T/fl.err" </dev/null &
	pid=$!
	( sleep 40; kill -9 $pid 2>/dev/null ) >/dev/null 2>&1 &
	for i in $(seq 100); do
		n=$($LKVM stat -n $name 2>/dev/null | sed -n "s/^virtio-[a-z]*[0-9]*\.requests //p" | head -1)
		[ "${n:-0}" -gt 2 ] && break; sleep 0.1
	done
	sleep 1
	t0=$(now_ms)
	timeout 20 $LKVM debug -n $name --dump >"$T/fl.dump" 2>&1
	dump_ms=$(( $(now_ms) - t0 ))
	t0=$(now_ms)
	if [ $how = stop ]; then timeout 20 $LKVM stop -n $name >/dev/null 2>&1; else kill -TERM $pid; fi
	wait $pid; st=$?
	t1=$(now_ms)
	echo "    $t: ${n:-0} requests served; debug --dump ${dump_ms} ms; $how to exit $((t1 - t0)) ms, status $st"
	if ! grep -aq "flooding with 2 vCPUs" "$T/fl.out"; then bad $t "the guest did not start its flood: $(head -c 300 "$T/fl.out" | tr -d '\0') $(cat "$T/fl.err")"
	elif [ "${n:-0}" -le 2 ]; then bad $t "the device served ${n:-no} requests"
	elif ! grep -q '^vCPU 0 (' "$T/fl.dump" || ! grep -q '^vCPU 1 (' "$T/fl.dump"; then bad $t "debug --dump: $(head -5 "$T/fl.dump")"
	elif [ $dump_ms -gt 3000 ]; then bad $t "debug --dump took $dump_ms ms"
	elif [ $((t1 - t0)) -gt 1000 ]; then bad $t "lkvm ended $((t1 - t0)) ms after $how (status $st)"
	elif [ $how = stop ] && [ $st -ne 0 ]; then bad $t "status $st after stop: $(tail -3 "$T/fl.err")"
	elif [ $how = term ] && [ $st -ne 143 ]; then bad $t "status $st after SIGTERM: $(tail -3 "$T/fl.err")"
	else ok $t; fi
	wait 2>/dev/null
}
truncate -s 64M "$T/flood.img"
for how in stop term; do
	flood_case con $how --console virtio
	flood_case blk $how -d "$T/flood.img"
	flood_case rng $how --rng
done

# A guest that makes bad chains of four kinds in turn, then breaks its ring
# and resets the device, for ever: each kind is reported once, every line
# it causes goes through one rate limit, `lkvm stat` counts what was held
# back and one line at exit says how many. It was 61,071 lines in 5 s.
t=guest-log-flood
$LKVM run -k $G/flood.elf -m 64 --rng --name badlog -p bad=1 >"$T/bl.out" 2>"$T/bl.err" </dev/null &
pid=$!
( sleep 60; kill -9 $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do grep -q 'flood: bad: flooding' "$T/bl.out" 2>/dev/null && break; sleep 0.1; done
sleep 3
$LKVM stat -n badlog >"$T/bl.stat" 2>&1
$LKVM stop -n badlog >/dev/null 2>&1; wait $pid; st=$?
lines=$(grep -c 'bad request\|needs a reset' "$T/bl.err")
kinds=$(grep -o 'bad request ([^)]*)' "$T/bl.err" | sort -u | wc -l)
held=$(sed -n 's/^log.guest_suppressed //p' "$T/bl.stat")
bad=$(sed -n 's/^virtio-rng[0-9]*\.bad_requests //p' "$T/bl.stat")
echo "    $t: $lines lines on stderr, $kinds kinds, ${bad:-0} bad requests, ${held:-0} lines held back"
if [ $st -ne 0 ]; then bad $t "exit status $st"
elif [ "${bad:-0}" -lt 100 ]; then bad $t "only ${bad:-0} bad requests: the guest did not flood"
elif [ "$lines" -gt 20 ]; then bad $t "$lines lines on stderr in 3 s"
elif [ "$kinds" -ne 4 ]; then bad $t "$kinds kinds of bad request reported, expected 4 once each"
elif [ "${held:-0}" -lt 1 ]; then bad $t "lkvm stat: log.guest_suppressed ${held:-missing}"
elif ! grep -Eq 'warning: [0-9]+ more lines the guest caused were not shown' "$T/bl.err"; then bad $t "no summary line at exit"
else ok $t; fi
