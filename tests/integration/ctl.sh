# The control directory and socket (issue 13 item 4), sourced by run.sh:
# where the directory is, that lkvm never follows a link or removes what is
# not its socket there, that a name is held for the VM's life, and that a
# slow client holds up no one else.
SP=tests/integration/sockpeer
me=$(id -u)

# An idle VM in the background with env ENV...; waits for it to be up.
bg_vm() { # tag name [env...]
	local tag=$1 name=$2
	shift 2
	env "$@" $LKVM run -k $G/idle.elf --name "$name" >"$T/$tag.out" 2>"$T/$tag.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	for i in $(seq 100); do grep -q 'idle: up' "$T/$tag.out" 2>/dev/null && break; sleep 0.1; done
}

# $XDG_RUNTIME_DIR/lkvm when there is no $LKVM_DIR, before ~/.lkvm; and a
# /tmp/lkvm-<uid> squatted by another user no longer blocks 'lkvm run'
# without $HOME (it did: that was the only place left).
t=ctl-xdg-runtime-dir
X="$T/xdg"; mkdir -m 0700 "$X"
squat=
if [ "$me" -eq 0 ] && [ ! -e "/tmp/lkvm-$me" ]; then
	mkdir -m 0755 "/tmp/lkvm-$me" && chown 65534 "/tmp/lkvm-$me" && squat=1
fi
xenv="-u HOME -u LKVM_DIR XDG_RUNTIME_DIR=$X"
bg_vm xdg xdgvm $xenv
ls_out=$(env $xenv $LKVM list 2>&1)
sock_mode=$(stat -c %a "$X/lkvm/xdgvm.ctl" 2>&1)
env $xenv $LKVM stop -n xdgvm >/dev/null 2>&1; s1=$?
wait $pid; st=$?
[ -n "$squat" ] && rmdir "/tmp/lkvm-$me"
if [ $st -ne 0 ]; then bad $t "lkvm exit status $st$([ -n "$squat" ] && echo " (/tmp/lkvm-$me squatted by uid 65534)"): $(cat "$T/xdg.err")"
elif [ "$sock_mode" != 600 ]; then bad $t "no socket $X/lkvm/xdgvm.ctl: $sock_mode"
elif ! grep -Eq "^ *[0-9]+ xdgvm +running\$" <<<"$ls_out"; then bad $t "list: $ls_out"
elif [ $s1 -ne 0 ]; then bad $t "stop: rc $s1"
elif [ -e "$X/lkvm/xdgvm.ctl" ] || [ -e "$X/lkvm/xdgvm.lock" ]; then bad $t "left behind: $(ls "$X/lkvm")"
else ok $t; fi

# An $XDG_RUNTIME_DIR that is not the user's (sudo keeps the caller's) is
# passed over for ~/.lkvm.
t=ctl-xdg-not-ours
if [ "$me" -ne 0 ]; then
	skip $t "needs root to give a directory to another user"
else
	XN="$T/xdg-nobody"; mkdir -m 0700 "$XN"; chown 65534 "$XN"
	H2="$T/home2"; mkdir -p "$H2"
	bg_vm xn xnvm -u LKVM_DIR HOME="$H2" XDG_RUNTIME_DIR="$XN"
	there=$([ -S "$H2/.lkvm/xnvm.ctl" ] && echo yes)
	env -u LKVM_DIR HOME="$H2" XDG_RUNTIME_DIR="$XN" $LKVM stop -n xnvm >/dev/null 2>&1
	wait $pid; st=$?
	if [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/xn.err")"
	elif [ "$there" != yes ]; then bad $t "socket not in $H2/.lkvm: $(ls -la "$XN" "$H2/.lkvm" 2>&1)"
	elif [ -e "$XN/lkvm" ]; then bad $t "made a directory in another user's runtime directory"
	else ok $t; fi
fi

# The directory is opened without following a link: a planted link to
# someone's directory must not make lkvm remove a file there (the socket's
# name was unlinked whatever it was).
t=ctl-dir-symlink
V="$T/victim"; mkdir -m 0700 "$V"; echo precious >"$V/sym.ctl"
ln -s "$V" "$T/link"
LKVM_DIR="$T/link" run run -k $G/exit.elf --name sym
if ! grep -q precious "$V/sym.ctl" 2>/dev/null; then bad $t "the file behind the link was removed (exit status $st)"
elif expect_status $t 1 && expect_out $t err "control directory $T/link: it is a symbolic link"; then ok $t; fi

# What has the socket's name and is not a socket stays; lkvm says so.
t=ctl-not-a-socket
mkdir -p "$LKVM_DIR"; echo keep >"$LKVM_DIR/nsock.ctl"
run run -k $G/exit.elf --name nsock
if ! grep -q keep "$LKVM_DIR/nsock.ctl" 2>/dev/null; then bad $t "the file was removed (exit status $st)"
elif expect_status $t 1 && expect_out $t err "^lkvm: cannot create control socket .*/nsock.ctl: something that is not a socket has that name; lkvm does not remove it\$"; then ok $t; fi
rm -f "$LKVM_DIR/nsock.ctl"

# Two runs for one name at once: the first takes it (a lock held for the
# VM's life), the second is refused with one line, status 2, and the
# first's socket is untouched. The first one's bind() is slowed down
# (strace) to open the window: the second used to take the name, and the
# first failed.
t=ctl-name-race
if ! command -v strace >/dev/null; then
	skip $t "needs strace to slow down the first VM's bind()"
else
	strace -f -o /dev/null -e trace=bind -e inject=bind:delay_enter=3000000 \
		$LKVM run -k $G/idle.elf --name race >"$T/r1.out" 2>"$T/r1.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	sleep 1	# the first is in its bind() now
	timeout 20 $LKVM run -k $G/idle.elf --name race >"$T/out" 2>"$T/err" </dev/null; st2=$?
	for i in $(seq 100); do grep -q 'idle: up' "$T/r1.out" 2>/dev/null && break; sleep 0.1; done
	ino1=$(stat -c %i "$LKVM_DIR/race.ctl" 2>/dev/null)
	$LKVM stat -n race >"$T/rs" 2>&1; rs=$?
	$LKVM stop -n race >/dev/null 2>&1; wait $pid; st=$?
	if [ $st2 -ne 2 ] || [ "$(wc -l <"$T/err")" -ne 1 ] ||
		! grep -q "^lkvm: a VM named 'race' is already running; choose another --name\$" "$T/err"; then
		bad $t "second run: status $st2 (first: $st: $(cat "$T/r1.err"))"
	elif [ $rs -ne 0 ]; then bad $t "the first VM does not answer: $(cat "$T/rs")"
	elif [ $st -ne 0 ]; then bad $t "first run: status $st: $(cat "$T/r1.err")"
	elif [ -e "$LKVM_DIR/race.ctl" ] || [ -e "$LKVM_DIR/race.lock" ]; then bad $t "left behind: $(ls "$LKVM_DIR")"
	else ok $t; fi
fi

# A directory whose socket paths are longer than a UNIX socket address
# (108 bytes): it was cut silently (a directory of the cut name made, then
# "File name too long"). Now the socket is bound in the open directory
# (/proc/self/fd/N/...), whatever its path's length; without /proc such a
# path is refused with one line.
t=ctl-long-dir
L="$T/$(printf 'd%.0s' $(seq 120))"
bg_vm long longvm LKVM_DIR="$L"
sock=$([ -S "$L/longvm.ctl" ] && echo yes)
ls_out=$(LKVM_DIR="$L" $LKVM list 2>&1)
LKVM_DIR="$L" $LKVM stop -n longvm >/dev/null 2>&1; s1=$?
wait $pid; st=$?
cut=$(find "$T" -maxdepth 1 -name 'ddd*' ! -path "$L" | head -1)
if [ $st -ne 0 ]; then bad $t "lkvm exit status $st: $(cat "$T/long.err")"
elif [ "$sock" != yes ]; then bad $t "no socket in $L"
elif ! grep -Eq "^ *[0-9]+ longvm +running\$" <<<"$ls_out"; then bad $t "list: $ls_out"
elif [ $s1 -ne 0 ]; then bad $t "stop: rc $s1"
elif [ -n "$cut" ]; then bad $t "a directory of a cut name was made: $cut"
else ok $t; fi
t=ctl-long-dir-no-proc
if [ "$me" -ne 0 ] || ! command -v unshare >/dev/null; then
	skip $t "needs root and unshare for a mount namespace without /proc"
else
	LKVM_DIR="$L" timeout 30 unshare -m sh -c 'umount -l /proc && exec "$@"' sh \
		$LKVM run -k $G/exit.elf --name longvm >"$T/out" 2>"$T/err" </dev/null; st=$?
	expect_status $t 1 && expect_out $t err "^lkvm: cannot use the control directory $L: a socket path in it would be longer than a UNIX socket address holds \\(107 bytes\\)" && ok $t
fi

# A client that trickles its request (a byte every 0.3 s, never a whole
# line) holds up nobody: 'lkvm stat' answers at once (it waited for the
# trickle to end: seconds, minutes at worst), and the trickler is cut off
# after 2 s.
t=ctl-trickle
if [ ! -x $SP ]; then
	skip $t "needs $SP (make check-kvm builds it)"
else
	bg_vm tr trvm
	$SP trickle "$LKVM_DIR/trvm.ctl" "$T/trickle" &
	tpid=$!
	sleep 0.5
	t0=${EPOCHREALTIME/./}	# bash's clock in µs (busybox date has no %N)
	$LKVM stat -n trvm >"$T/ts" 2>&1; ts=$?
	ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
	wait $tpid
	$LKVM stop -n trvm >/dev/null 2>&1; wait $pid; st=$?
	if [ $ts -ne 0 ] || ! grep -q '^exits.io ' "$T/ts"; then bad $t "stat: rc $ts: $(cat "$T/ts")"
	elif [ $ms -gt 1000 ]; then bad $t "stat took $ms ms behind a trickling client"
	elif ! grep -q '^error: no complete request line within 2000 ms$' "$T/trickle"; then bad $t "the trickler was told: $(cat "$T/trickle")"
	elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st"
	else ok $t; fi
fi
