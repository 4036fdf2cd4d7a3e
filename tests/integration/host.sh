#!/usr/bin/env bash
# lkvm's behaviour that needs no /dev/kvm, run here by `make check`
# (check-host): the control client against stand-in servers. Prints
# PASS/FAIL/SKIP per test and a closing "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
LKVM=./lkvm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
ok()   { pass=$((pass + 1)); echo "PASS $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1: $2"; }
skip() { skip=$((skip + 1)); echo "SKIP $1: $2"; }
PY=$(command -v python3 || true)

# A control socket that resets the connection at once (closed with the
# request unread): 'stop' says so, and exits 1 at once. It said "did not answer within
# 10 s" (issue 22 item 6).
t=ctl-reset-at-once
if [ -z "$PY" ]; then
	skip $t "needs python3 to serve a control socket that resets"
else
	mkdir -m 0700 "$T/rst"
	"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); time.sleep(0.2)
c.close()	# the request unread: the client sees ECONNRESET' "$T/rst/rst.ctl" &
	spid=$!
	for i in $(seq 50); do [ -S "$T/rst/rst.ctl" ] && break; sleep 0.1; done
	t0=$(date +%s%N)
	LKVM_DIR="$T/rst" timeout 20 $LKVM stop -n rst >"$T/out" 2>"$T/err" </dev/null; st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kill $spid 2>/dev/null; wait $spid 2>/dev/null
	if [ $st -ne 1 ]; then bad $t "exit status $st, expected 1: $(cat "$T/err")"
	elif ! grep -q "^lkvm: VM 'rst' did not answer 'stop': the connection was reset by lkvm; it may not have been done\$" "$T/err"; then
		bad $t "stderr: $(cat "$T/err")"
	elif [ $ms -gt 5000 ]; then bad $t "took $ms ms"
	else ok $t; fi
fi

# lkvm sandbox's own failures before any VM: one line naming the problem,
# status 125 (GNU timeout's), nothing on stdout (docs/sandbox.md).
sandbox_bad() {	# name line-regexp args...
	local t=$1 want=$2
	shift 2
	$LKVM sandbox "$@" >"$T/out" 2>"$T/err" </dev/null; st=$?
	if [ $st -ne 125 ]; then bad $t "exit status $st, expected 125: $(cat "$T/err")"
	elif [ -s "$T/out" ]; then bad $t "stdout: $(cat "$T/out")"
	elif [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -qE "$want" "$T/err"; then bad $t "stderr: $(cat "$T/err")"
	else ok $t; fi
}
sandbox_bad sandbox-no-cmd "^lkvm: sandbox: no command: give it after '--'" --
sandbox_bad sandbox-bad-timeout "^lkvm: sandbox: invalid --timeout 'x'" --timeout x -- true
sandbox_bad sandbox-initrd "^lkvm: sandbox: option '-i' cannot be used here" -i /dev/null -- true
printf 'HdrS' >"$T/notakernel"
sandbox_bad sandbox-no-version "^lkvm: sandbox: no version found in kernel $T/notakernel" -k "$T/notakernel" -- true
mkdir -p "$T/mods" && printf 'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko\n' >"$T/mods/modules.dep"
sandbox_bad sandbox-missing-module "^lkvm: sandbox: kernel module 'virtio_mmio' is neither in modules.dep nor built in" \
	-k "$T/notakernel" --modules "$T/mods" -- true

# -n mode=user without passt: one line naming the package, status 2, before
# /dev/kvm is even opened (so this host can run it). Bad network specs too.
net_bad() {	# name status regexp args...
	local t=$1 want_st=$2 want=$3 st
	shift 3
	env PATH=/nonexistent-lkvm-test $LKVM run "$@" >"$T/out" 2>"$T/err" </dev/null; st=$?
	if [ $st -ne $want_st ]; then bad $t "exit status $st, expected $want_st: $(cat "$T/err")"
	elif [ -s "$T/out" ]; then bad $t "stdout: $(cat "$T/out")"
	elif [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -qE "$want" "$T/err"; then bad $t "stderr: $(cat "$T/err")"
	else ok $t; fi
}
net_bad net-no-passt 2 "^lkvm: --network mode=user needs passt, which is not installed: install the Debian package 'passt'\$" \
	-n mode=user,hostfwd=tcp::8080-:80
net_bad net-no-socket 2 "^lkvm: --network mode=user: cannot connect to passt at '$T/none.sock': No such file or directory\$" \
	-n "mode=user,socket=$T/none.sock"
net_bad net-bad-hostfwd 2 "^lkvm: invalid --network 'mode=user,hostfwd=tcp:10.0.0.1:80-:80': hostfwd is tcp::HOSTPORT-:GUESTPORT" \
	-n mode=user,hostfwd=tcp:10.0.0.1:80-:80

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
