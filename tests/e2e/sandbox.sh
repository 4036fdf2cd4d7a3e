# `lkvm sandbox -- CMD` in L1 (sourced by scenarios.sh): every row of issue
# 24's "Done when", each a whole sandbox run with L1's own Debian kernel and
# modules found as on a fresh Debian host (/boot, /lib/modules; bed.sh).
# One scenario per row group: sandbox (statuses, output, files), sandbox-panic,
# sandbox-timeout, sandbox-ras. Each run is bounded by busybox timeout.
SB_LIMIT=${E2E_SANDBOX_LIMIT:-180}
SB=/tmp/sb

# Run lkvm sandbox ARGS with stdin from $SB_IN (default /dev/null): sets RC,
# SB_SECS; stdout in $SB/out, stderr in $SB/err.
sb_run() {
	local t0
	t0=$(now)
	timeout -s KILL "$SB_LIMIT" $LKVM sandbox "$@" <"${SB_IN:-/dev/null}" >"$SB/out" 2>"$SB/err"
	RC=$?
	SB_SECS=$(secs "$t0" "$(now)")
}

sb_fail() {	# name reason
	result FAIL "$1" "$2"
	for f in out err; do
		[ -s "$SB/$f" ] && head -c 4000 "$SB/$f" | sed "s|^|E2E-LOG $1 $f: |"
	done
	echo
	return 1
}

# One row: want status, then the command.
sb_row() {	# name want args...
	local name=$1 want=$2
	shift 2
	sb_run "$@"
	[ "$RC" = "$want" ] || { sb_fail sandbox "$name: status $RC, want $want ($SB_SECS s)"; return 1; }
	echo "$name: $RC in $SB_SECS s" | info
}

scn_sandbox() {
	T0=$(now)
	rm -rf $SB && mkdir -p $SB/cwd
	ls /boot/ /lib/modules/*/ | tr '\n' ' ' | info
	sb_row exit22 22 -- sh -c 'exit 22' || return
	sb_row false 1 -- false || return
	sb_row not-found 127 -- /nonexistent || return
	grep -q 'nonexistent' $SB/err || { sb_fail sandbox "not-found: stderr does not name it"; return; }
	sb_row kill9 137 -- sh -c 'kill -9 $$' || return
	sb_row out-err 0 -- sh -c 'echo out; echo err >&2' || return
	[ "$(od -An -c $SB/out | tr -s ' ')" = "$(echo out | od -An -c | tr -s ' ')" ] ||
		{ sb_fail sandbox "out-err: stdout is not exactly 'out\\n'"; return; }
	[ "$(od -An -c $SB/err | tr -s ' ')" = "$(echo err | od -An -c | tr -s ' ')" ] ||
		{ sb_fail sandbox "out-err: stderr is not exactly 'err\\n'"; return; }
	head -c 1048576 /dev/urandom >$SB/in
	SB_IN=$SB/in sb_row cat-1MiB 0 -- cat || return
	cmp -s $SB/in $SB/out || { sb_fail sandbox "cat-1MiB: $(wc -c <$SB/out) bytes came back, not the same 1048576 ($(cmp $SB/in $SB/out 2>&1 | head -n 1); lkvm's stderr: $(tail -n 3 $SB/err | tr '\n' ' '))"; return; }
	mkdir -p /etc && echo host >/etc/sandbox-host
	ls -lA /etc >$SB/etc.before
	sb_row touch-etc 0 -- sh -c 'touch /etc/x && ls /etc/x' || return
	ls -lA /etc >$SB/etc.after
	[ ! -e /etc/x ] && cmp -s $SB/etc.before $SB/etc.after ||
		{ sb_fail sandbox "touch-etc: the host's /etc changed"; return; }
	(cd $SB/cwd && sb_row pwd 0 -- pwd && [ "$(cat $SB/out)" = "$SB/cwd" ]) ||
		{ sb_fail sandbox "pwd: printed '$(cat $SB/out)', want $SB/cwd"; return; }
	result PASS sandbox "exit 22, false 1, /nonexistent 127, kill -9 137, stdout/stderr exact, 1 MiB binary stdin through cat identical, touch /etc/x left the host's /etc alone, pwd the invoking directory"
}

scn_sandbox_panic() {
	T0=$(now)
	rm -rf $SB && mkdir -p $SB
	sb_run -- true
	[ "$RC" = 0 ] || { sb_fail sandbox-panic "true: status $RC"; return; }
	local base=$SB_SECS
	sb_run -- sh -c 'echo c >/proc/sysrq-trigger; sleep 100'
	[ "$RC" = 122 ] || { sb_fail sandbox-panic "sysrq c: status $RC, want 122"; return; }
	grep -q 'panicked' $SB/err || { sb_fail sandbox-panic "no reason on stderr"; return; }
	awk -v a="$SB_SECS" -v b="$base" 'BEGIN { exit !(a < b + 10) }' ||
		{ sb_fail sandbox-panic "took $SB_SECS s, 'true' $base s: not within 10 s of a normal run"; return; }
	[ -s $SB/out ] && { sb_fail sandbox-panic "stdout is not empty"; return; }
	result PASS sandbox-panic "sysrq c: status 122 in $SB_SECS s ('true': $base s), reason on stderr, stdout empty"
}

scn_sandbox_timeout() {
	T0=$(now)
	rm -rf $SB && mkdir -p $SB
	sb_run --timeout 20 -- sleep 300
	[ "$RC" = 124 ] || { sb_fail sandbox-timeout "status $RC, want 124"; return; }
	awk -v a="$SB_SECS" 'BEGIN { exit !(a < 40) }' || { sb_fail sandbox-timeout "took $SB_SECS s"; return; }
	result PASS sandbox-timeout "--timeout 20 -- sleep 300: status 124 after $SB_SECS s"
}

# memtest ar in the sandbox: it prints its page's GPA and waits for a line on
# stdin; L1 poisons that page for real (MADV_HWPOISON), then sends the line.
scn_sandbox_ras() {
	T0=$(now)
	rm -rf $SB && mkdir -p $SB
	mkfifo $SB/in
	local pid gpa i
	# arm64: the consumed error as a synchronous external abort, so Linux
	# kills only the reader (an SError would stop the whole guest).
	timeout -s KILL "$SB_LIMIT" $LKVM sandbox --name sbras $RECOVERY_OPTS -- memtest ar <$SB/in >$SB/out 2>$SB/err &
	pid=$!
	exec 4>$SB/in
	for i in $(seq 1 120); do
		gpa=$(sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p' $SB/out | head -n 1)
		[ -n "$gpa" ] && break
		sleep 1
	done
	[ -n "$gpa" ] || { exec 4>&-; kill -9 $pid; sb_fail sandbox-ras "memtest printed no page address"; return; }
	$LKVM debug --name sbras --poison "$gpa" >$SB/debug.out 2>&1 ||
		{ exec 4>&-; kill -9 $pid; sb_fail sandbox-ras "lkvm debug --poison $gpa: $(cat $SB/debug.out)"; return; }
	echo go >&4
	exec 4>&-
	wait $pid
	RC=$?
	grep 'lkvm: memory error' $SB/err | info
	grep -q 'for real' $SB/debug.out || { sb_fail sandbox-ras "MADV_HWPOISON did not work in L1: $(cat $SB/debug.out)"; return; }
	[ "$RC" = 135 ] || { sb_fail sandbox-ras "status $RC, want 135 (memtest killed by SIGBUS)"; return; }
	result PASS sandbox-ras "page $gpa poisoned with MADV_HWPOISON while memtest held it: memtest died of SIGBUS, the guest reported it, lkvm exit 135"
}
