# kvmtool's command line (sourced by run.sh): the lines kvmtool users and
# kvm-unit-tests type, the control directory kvmtool leaves behind, the
# socket's owner check, and `lkvm debug` (--dump, --nmi, --sysrq).

# wait_out FILE REGEX: up to 5 s for a VM's output
wait_out() {
	for i in $(seq 50); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# --- how kvm-unit-tests finds a kvmtool binary (search_kvmtool_binary) ---
t=kvmtool-help
out=$($LKVM --help 2>/dev/null); st=$?
if [ $st -ne 0 ] || ! grep -q 'The most commonly used' <<<"$out"; then bad $t "status $st: $out"
elif ! $LKVM help run | grep -q '^usage: lkvm run \[options\] \[KERNEL\]$'; then bad $t "help run"
elif ! $LKVM help debug | grep -q 'nmi VCPU'; then bad $t "help debug"
else ok $t; fi
badinput kvmtool-help-unknown 2 "no command 'fly'" help fly

# --- kvm-unit-tests' probe: a missing kernel after every option was taken ---
# (scripts/runtime.bash premature_failure, scripts/vmm.bash
# kvmtool_parse_premature_failure: grep "Fatal: Unable to open kernel _NO_FILE_4Uhere_")
t=kvmtool-kut-probe
printf 'KERNEL_VERSION_STRING=test\n' >"$T/kut.env"
run run --kernel _NO_FILE_4Uhere_ --cpus 2 --params 'smp=2 setup' --nodefaults \
	--network mode=none --loglevel=warning --mem 256 --initrd "$T/kut.env"
if ! grep -q "Fatal: Unable to open kernel _NO_FILE_4Uhere_" "$T/err"; then bad $t "no kvmtool wording"
elif [ "$(wc -l <"$T/err")" -ne 1 ] || [ -s "$T/out" ]; then bad $t "more than the one line"
elif [ $st -ne 2 ]; then bad $t "status $st, expected 2"
else ok $t; fi
# The probe without /dev/kvm must not say it (kvm-unit-tests then skips, with the reason).
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	t=kvmtool-kut-probe-no-kvm
	unshare -m sh -c "mount -t tmpfs none /dev && exec $LKVM run --kernel _NO_FILE_4Uhere_ --nodefaults --network mode=none --loglevel=warning" \
		>"$T/out" 2>"$T/err" </dev/null; st=$?
	if [ $st -ne 1 ] || grep -q "_NO_FILE_4Uhere_" "$T/err" || ! grep -q 'cannot open /dev/kvm' "$T/err"; then
		bad $t "status $st: $(cat "$T/err")"
	else ok $t; fi
fi

# --- the kvm-unit-tests run line itself, on a payload that exits with a code ---
t=kvmtool-kut-run
run run --kernel $G/exit.elf --cpus 2 --params 'code=5' --nodefaults --network mode=none \
	--loglevel=warning --mem 256 --initrd "$T/kut.env"
expect_status $t 11 && expect_out $t out '^exit: code 5$' &&
	{ [ ! -s "$T/err" ] || bad $t "stderr at --loglevel=warning: $(cat "$T/err")"; } && ok $t

# --- sizes, vCPU counts, the bare kernel argument ---
for m in 64M 64m 65536K 67108864B 0x40; do
	t=kvmtool-mem-$m
	run run -m $m
	expect_status $t 0 && expect_out $t out 'memory:  64 MiB \(fw_cfg\)' && ok $t
done
t=kvmtool-mem-1G
run run --mem=1G
expect_status $t 0 && expect_out $t out 'memory:  1024 MiB \(fw_cfg\)' && ok $t
badinput kvmtool-mem-fraction 2 "invalid --mem '1000K'" run -m 1000K
badinput kvmtool-mem-unit 2 "invalid --mem '2Q'" run -m 2Q
t=kvmtool-cpus-0
n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc); [ "$n" -gt 64 ] && n=64
run run -c 0
expect_status $t 0 && expect_out $t out "vCPUs:   $n of $n running" &&
	expect_out $t err "^lkvm: warning: --cpus 0: one vCPU per online host CPU \\($n\\)" && ok $t
t=kvmtool-cpus-clamp
run run -c 100 -m 64
expect_status $t 0 && expect_out $t out 'vCPUs:   64 of 64 running' &&
	expect_out $t err '^lkvm: warning: Limiting the number of CPUs to 64: --cpus 100' && ok $t
t=kvmtool-cpus-clamp-quiet
run run -c 100 -m 64 --loglevel error
expect_status $t 0 && { [ ! -s "$T/err" ] || bad $t "stderr at --loglevel error: $(cat "$T/err")"; } && ok $t
t=kvmtool-bare-kernel
run run -m 32 $G/exit.elf -p code=3
expect_status $t 7 && expect_out $t out '^exit: code 3$' && ok $t
badinput kvmtool-two-kernels 2 "unexpected argument 'b.elf': the kernel is 'a.elf'" run a.elf b.elf

# kvmtool's --9p DIR,TAG: DIR is opened at start; a missing one is one line, status 2.
badinput kvmtool-9p-missing-dir 2 "^lkvm: --9p $T/no-such-dir,share: cannot share '$T/no-such-dir': No such file or directory" \
	run -k $G/exit.elf --9p "$T/no-such-dir,share"

# --- kvmtool options lkvm cannot honour: one line naming why, status 2 ---
badinput kvmtool-balloon 2 "kvmtool's option '--balloon' is not available" run --balloon
badinput kvmtool-network-mode 2 "invalid --network 'mode=vde': mode is none, user .passt. or tap" \
	run --network mode=vde
badinput kvmtool-console-hv 2 "invalid --console 'hv': valid consoles are 'serial' and 'virtio'" \
	run --console hv
badinput kvmtool-loglevel 2 "invalid --loglevel 'chatty'" run --loglevel chatty
badinput kvmtool-list-rootfs 2 "kvmtool's option '--rootfs' is not available" list --rootfs
badinput kvmtool-stat-memory 2 "kvmtool's option '--memory' is not available" stat -n x -m

# --- the control directory kvmtool made: ~/.lkvm 0755, with kvmtool's socket in it ---
t=kvmtool-dir-0755
H="$T/home"; mkdir -p "$H"
(umask 022 && mkdir "$H/.lkvm")		# kvmtool: mkdir(~/.lkvm, 0777) under umask 022
# kvmtool's own socket of a VM, left behind (tests/integration/sockpeer.c).
SP=$PWD/tests/integration/sockpeer
$SP bind "$H/.lkvm/old.sock" || : >"$H/.lkvm/old.sock"
(
	unset LKVM_DIR
	export HOME="$H"
	$LKVM run -k $G/idle.elf --name kt >"$T/kt.out" 2>"$T/kt.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	wait_out "$T/kt.out" 'idle: up'
	ls_out=$($LKVM list 2>&1)
	mode=$(stat -c %a "$H/.lkvm/kt.ctl" 2>&1)
	$LKVM stop -n kt >/dev/null 2>&1; s1=$?
	wait $pid; st=$?
	if ! grep -Eq "^ *$pid kt +running\$" <<<"$ls_out"; then echo "list: $ls_out"
	elif grep -q old <<<"$ls_out"; then echo "listed kvmtool's socket: $ls_out"
	elif [ "$mode" != 600 ]; then echo "socket mode $mode"
	elif [ $s1 -ne 0 ] || [ $st -ne 0 ]; then echo "stop $s1, status $st: $(cat "$T/kt.err")"
	elif [ ! -e "$H/.lkvm/old.sock" ]; then echo "kvmtool's socket was removed"
	elif [ "$(stat -c %a "$H/.lkvm")" != 755 ]; then echo "directory mode changed"
	fi
) >"$T/kt.res" 2>&1
if [ -s "$T/kt.res" ]; then bad $t "$(cat "$T/kt.res")"; else ok $t; fi
# One others can write to, or somebody else's: refused, one line, status 1.
chmod 0777 "$H/.lkvm"
HOME="$H" LKVM_DIR= run run -k $G/exit.elf
expect_status kvmtool-dir-0777 1 && expect_out kvmtool-dir-0777 err \
	"control directory $H/.lkvm: others can write to it \\(mode 0777\\); chmod go-w" &&
	ok kvmtool-dir-0777
chmod 0755 "$H/.lkvm"
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$H/.lkvm"
	HOME="$H" LKVM_DIR= run list
	expect_status kvmtool-dir-foreign 1 && expect_out kvmtool-dir-foreign err \
		"belongs to uid 65534, not to you \\(uid 0\\)" && ok kvmtool-dir-foreign
	chown 0 "$H/.lkvm"
else
	skip kvmtool-dir-foreign "needs root to give the directory to another user"
fi

# --- another uid cannot talk to a VM's socket ---
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	t=kvmtool-socket-other-uid
	V=$(mktemp -d /tmp/lkvm-victim.XXXXXX); chmod 0755 "$V"	# others may look in, as in ~/.lkvm
	nd=$(mktemp -d /tmp/lkvm-nobody.XXXXXX); chown 65534 "$nd"; chmod 0700 "$nd"
	LKVM_DIR="$V" $LKVM run -k $G/idle.elf --name victim >"$T/v.out" 2>"$T/v.err" </dev/null &
	pid=$!
	( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
	wait_out "$T/v.out" 'idle: up'
	ln -s "$V/victim.ctl" "$nd/victim.ctl"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env LKVM_DIR="$nd" "$@"; }
	# The socket is 0600: connect() itself fails.
	as_nobody $LKVM stop -n victim >"$T/n1" 2>&1; n1=$?
	# Even with the file opened to all, the VM checks who is calling (SO_PEERCRED).
	chmod 0666 "$V/victim.ctl"
	as_nobody $LKVM stop -n victim >"$T/n2" 2>&1; n2=$?
	as_nobody $LKVM debug -n victim --nmi 0 >"$T/n3" 2>&1; n3=$?
	sleep 0.2
	alive=$(LKVM_DIR="$V" $LKVM list 2>&1)
	LKVM_DIR="$V" $LKVM stop -n victim >/dev/null 2>&1; wait $pid; st=$?
	rm -rf "$nd" "$V"
	if [ $n1 -ne 1 ] || ! grep -q "cannot reach VM 'victim': Permission denied" "$T/n1"; then bad $t "0600 socket: rc $n1: $(cat "$T/n1")"
	elif [ $n2 -ne 1 ] || ! grep -q "VM 'victim': permission denied: VM 'victim' belongs to uid 0" "$T/n2"; then bad $t "0666 socket: rc $n2: $(cat "$T/n2")"
	elif [ $n3 -ne 1 ]; then bad $t "debug as nobody: rc $n3: $(cat "$T/n3")"
	elif ! grep -q 'refused a control connection from uid 65534' "$T/v.err"; then bad $t "VM did not log the refusal: $(cat "$T/v.err")"
	elif ! grep -Eq "^ *$pid victim +running\$" <<<"$alive"; then bad $t "VM not running after the attempts: $alive"
	elif [ $st -ne 0 ]; then bad $t "status $st"
	else ok $t; fi

	# And a client does not talk to a socket served by another (non-root) user.
	t=kvmtool-socket-foreign-server
fi
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	:
elif [ ! -x "$SP" ]; then
	skip kvmtool-socket-foreign-server "needs $SP (make check-kvm builds it)"
else
	t=kvmtool-socket-foreign-server
	F="$T/fdir"; mkdir -m 0700 "$F"; nd=$(mktemp -d /tmp/lkvm-nobody.XXXXXX); chown 65534 "$nd"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SP" listen "$nd/evil.ctl" 5 &
	spid=$!
	for i in $(seq 50); do [ -S "$nd/evil.ctl" ] && break; sleep 0.1; done
	ln -s "$nd/evil.ctl" "$F/evil.ctl"
	LKVM_DIR="$F" run stop -n evil
	kill $spid 2>/dev/null; wait $spid 2>/dev/null; rm -rf "$nd"
	expect_status $t 1 && expect_out $t err "VM 'evil': its control socket belongs to another user" && ok $t
fi
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip kvmtool-socket-other-uid "needs root and setpriv to run a client as another user"
	skip kvmtool-socket-foreign-server "needs root and setpriv to run a server as another user"
fi

# --- lkvm debug: kvmtool's --dump, --nmi, --sysrq; pause/resume/stat --all ---
t=kvmtool-debug
$LKVM run -k $G/debug.elf --name dbg -c 2 >"$T/dbg.out" 2>"$T/dbg.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
wait_out "$T/dbg.out" 'debug: up'
$LKVM pause --all >"$T/pa" 2>&1; pa=$?
$LKVM debug -n dbg --dump >"$T/dump" 2>&1; dp=$?	# paused vCPUs answer too
$LKVM stat --all >"$T/sa" 2>&1; sa=$?
$LKVM resume -a >"$T/ra" 2>&1; ra=$?
$LKVM debug -n dbg -m 5 >"$T/m5" 2>&1; m5=$?
$LKVM debug -n dbg -s hh >"$T/s2" 2>&1; s2=$?
$LKVM debug -n dbg -s h >"$T/s1" 2>&1; s1=$?
$LKVM debug -n dbg -m 0 >"$T/m0" 2>&1; m0=$?
wait $pid; st=$?
if [ $pa -ne 0 ] || ! grep -q '^Guest dbg paused$' "$T/pa"; then bad $t "pause --all: rc $pa: $(cat "$T/pa")"
elif [ $dp -ne 0 ] || ! grep -q '^vCPU 0 (' "$T/dump" || ! grep -q '^vCPU 1 (' "$T/dump" ||
     ! grep -Eq '^  rip 0x[0-9a-f]{16} rflags' "$T/dump" || ! grep -Eq '^  cr0 0x11 ' "$T/dump" ||
     ! grep -Eq '^  code at 0x[0-9a-f]+ \(guest physical 0x[0-9a-f]+\):( [0-9a-f]{2})* <[0-9a-f]{2}>' "$T/dump"; then
	bad $t "dump: rc $dp: $(head -30 "$T/dump")"
elif [ $sa -ne 0 ] || ! grep -q '^dbg:$' "$T/sa" || ! grep -q '^exits ' "$T/sa"; then bad $t "stat --all: rc $sa: $(cat "$T/sa")"
elif [ $ra -ne 0 ] || ! grep -q '^Guest dbg resumed$' "$T/ra"; then bad $t "resume -a: rc $ra: $(cat "$T/ra")"
elif [ $m5 -ne 1 ] || ! grep -q 'no vCPU 5 (the VM has 2)' "$T/m5"; then bad $t "nmi 5: rc $m5: $(cat "$T/m5")"
elif [ $s2 -ne 2 ] || ! grep -q "invalid --sysrq 'hh'" "$T/s2"; then bad $t "sysrq hh: rc $s2: $(cat "$T/s2")"
elif [ $s1 -ne 0 ] || [ $m0 -ne 0 ] || ! grep -q '^NMI sent to vCPU 0$' "$T/m0"; then bad $t "sysrq rc $s1, nmi rc $m0: $(cat "$T/s1" "$T/m0")"
elif [ $st -ne 1 ]; then bad $t "guest did not finish (status $st): $(cat "$T/dbg.out" "$T/dbg.err")"
elif ! grep -q '^debug: nmi on cpu 0 at eip 0x' "$T/dbg.out" || ! grep -q '^debug: break (0x0)$' "$T/dbg.out" ||
     ! grep -q '^debug: sysrq h$' "$T/dbg.out"; then bad $t "guest saw: $(cat "$T/dbg.out")"
else ok $t; fi
badinput kvmtool-debug-nothing 2 "give -n NAME and --dump, --nmi VCPU, --sysrq KEY or --poison GPA" debug -n dbg
badinput kvmtool-debug-novm 1 "no running VM named 'gone'" debug -n gone --dump
