# Hardening (issue 13), sourced by run.sh: a guest, a client, a slow
# terminal, a stray file or signal must never wedge lkvm or lose an event.
PY=$(command -v python3 || true)

# A console nobody reads: the guest prints for ever into a pipe whose
# reader never reads. Pause and stop still work at once, lkvm ends with 0
# and says how much console output it dropped.
t=console-unread
mkfifo "$T/unread"
sleep 60 <>"$T/unread" >/dev/null 2>&1 &	# holds the pipe open, never reads
rpid=$!
$LKVM run -k $G/chatty.elf --name chatty >"$T/unread" 2>"$T/ch.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
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
if [ -z "$PY" ]; then
	skip $t "needs python3 to serve a mute control socket"
else
	mkdir -m 0700 "$T/mute"
	"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.recv(100); c.close(); time.sleep(1)' "$T/mute/mute.ctl" &
	spid=$!
	for i in $(seq 50); do [ -S "$T/mute/mute.ctl" ] && break; sleep 0.1; done
	LKVM_DIR="$T/mute" timeout 20 $LKVM stop -n mute >"$T/out" 2>"$T/err" </dev/null; st=$?
	kill $spid 2>/dev/null; wait $spid 2>/dev/null
	expect_status $t 1 && expect_out $t err "VM 'mute' closed the connection without answering 'stop'" && ok $t
fi
