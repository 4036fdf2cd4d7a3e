# Memory errors on the real /dev/kvm (sourced by run.sh). The host here has
# no memory-failure support, so the payload asks lkvm (--ras-test-port) to
# raise the same SIGBUS the kernel would; lkvm's path from the signal on is
# the real one: handler, ring, memory map, policy, KVM_X86_SETUP_MCE/SET_MCE.
M=$G/mce.elf
GPA=0x234000

# The guest's CPU vendor, from the payload's first line (default: $T/out).
amd_guest() { grep -q 'vendor=AuthenticAMD\|vendor=HygonGenuine' "${1:-$T/out}"; }

# Expected MCi_STATUS by the guest's CPU vendor (ras-reference.md).
vendor_status() { # kind -> status
	if amd_guest; then
		[ "$1" = AR ] && echo 0xbc00080000000000 || echo 0x9c00180000000000
	else
		[ "$1" = AR ] && echo 0xbd80000000000134 || echo 0xbd000000000000c0
	fi
}

t=ras-inject-ar
run run -k $M --ras-test-port --ras-log "$T/ar.json" --name rasvm -p "mode=inject gpa=$GPA"
if expect_status $t 33; then
	S=$(vendor_status AR)
	expect_out $t out "^mce: cpu=0 bank=9 status=$S addr=$GPA misc=0x8c mcg_status=0x7 " &&
	expect_out $t err "memory error AR \\(simulated\\) on vCPU 0: guest physical $GPA .*: injected" &&
	expect_out $t ar.json "\"vm\":\"rasvm\",\"vcpu\":0,\"kind\":\"AR\",\"hva\":\"0x[0-9a-f]+\",\"gpa\":\"$GPA\",\"extent\":4096,\"action\":\"injected\"" &&
	[ "$(wc -l < "$T/ar.json")" -eq 1 ] && ok $t
fi

# On an AMD guest the AO is a deferred error (MCi_STATUS.UC clear): KVM only
# writes it into bank 8 and raises no #MC, as AMD hardware does. The payload
# then finds it by polling the banks, as Linux does (exit 0x13, status 39).
# It never reads lkvm's GHES source (docs/ras.md 3a): the deferred error is
# the fallback, and the event says why.
t=ras-inject-ao
run run -k $M --ras-test-port --ras-log "$T/ao.json" -c 2 -p "mode=ao gpa=$GPA"
S=$(vendor_status AO)
if amd_guest; then
	expect_status $t 39 && expect_out $t out '^mce: 0 machine checks$' &&
	expect_out $t out "^mce: polled bank=8 status=$S addr=$GPA\$" &&
	expect_out $t err "memory error AO \\(simulated\\): guest physical $GPA .*: injected: AMD machine check to vCPU 0, bank 8, MCi_STATUS $S, MCi_ADDR $GPA, MCG_STATUS 0x5 \\(deferred error: the guest does not poll lkvm's GHES source\\)\$" &&
	expect_out $t ao.json "\"vcpu\":null,\"kind\":\"AO\",.*\"gpa\":\"$GPA\".*\"action\":\"injected\"" && ok $t
elif expect_status $t 33; then
	expect_out $t out "^mce: cpu=0 bank=8 status=$S addr=$GPA misc=0x8c mcg_status=0x5 " &&
	expect_out $t ao.json "\"vcpu\":null,\"kind\":\"AO\",.*\"gpa\":\"$GPA\".*\"action\":\"injected\"" && ok $t
fi

t=ras-no-cr4-mce
run run -k $M --ras-test-port --ras-log "$T/nomce.json" -p "mode=nomce gpa=$GPA"
expect_status $t 4 && expect_out $t err 'CR4.MCE clear' &&
	expect_out $t err "stopped after a memory error at guest physical $GPA \\(exit status 4\\)" &&
	expect_out $t nomce.json '"action":"stopped","reason":"guest on vCPU 0 has not enabled machine checks' &&
	! grep -q '^mce: cpu=' "$T/out" && ok $t

t=ras-policy-stop
run run -k $M --ras-test-port --ras-policy=stop --ras-log "$T/stop.json" -p "mode=inject gpa=$GPA"
expect_status $t 4 && expect_out $t err 'stopped; --ras-policy=stop' &&
	expect_out $t stop.json "\"vcpu\":0,\"kind\":\"AR\".*\"gpa\":\"$GPA\".*\"action\":\"stopped\"" &&
	! grep -q '^mce: cpu=' "$T/out" && ok $t

t=ras-policy-stop-ao
run run -k $M --ras-test-port --ras-policy=stop -p "mode=ao gpa=$GPA"
expect_status $t 4 && expect_out $t err 'memory error AO .*stopped' && ! grep -q '^mce: cpu=' "$T/out" && ok $t

# What the payload prints for an action-optional error at gpa in bank 8: an
# Intel guest takes a #MC (SRAO), an AMD one finds the deferred error by polling.
bank8_line() { # status gpa
	if amd_guest; then echo "^mce: polled bank=8 status=$1 addr=$2\$"
	else echo "^mce: cpu=0 bank=8 status=$1 addr=$2 "; fi
}

# An AO that arrives while the guest is still in its #MC handler (MCIP set)
# is held and delivered once MCIP clears; lkvm never stops such a guest.
t=ras-held-ao
HGPA=0x235000
run run -k $M --ras-test-port --ras-log "$T/held.json" -p "mode=held gpa=$GPA"
S=$(vendor_status AO)
if amd_guest; then want=39; else want=33; fi
expect_status $t $want && expect_out $t out "^mce: handler requested an AO at $HGPA with MCIP set\$" &&
	expect_out $t out "$(bank8_line "$S" "$HGPA")" &&
	expect_out $t held.json "\"kind\":\"AR\",.*\"gpa\":\"$GPA\".*\"action\":\"injected\"" &&
	expect_out $t held.json "\"kind\":\"AO\",.*\"gpa\":\"$HGPA\".*\"action\":\"injected\"" &&
	! grep -q 'stopped' "$T/err" && ok $t

# A device's guarded read of a bad guest page: that read fails, lkvm lives,
# and the guest is told as action-optional (bank 8, vCPU 0), naming the reader.
t=ras-guarded-read
run run -k $M --ras-test-port --ras-log "$T/dev.json" -p "mode=devread gpa=$GPA"
if amd_guest; then want=39; else want=33; fi
expect_status $t $want &&
	expect_out $t out "$(bank8_line "$S" "$GPA")" &&
	expect_out $t err "memory error AR \\(simulated\\) in lkvm's ras-test-port device: guest physical $GPA .*: injected" &&
	expect_out $t dev.json "\"vcpu\":null,\"kind\":\"AR\",.*\"gpa\":\"$GPA\".*\"action\":\"injected\".*\"reader\":\"ras-test-port device\"" &&
	! grep -q 'fatal' "$T/err" && ok $t

t=ras-lkvm-hit
run run -k $M --ras-test-port --ras-log "$T/lkvm.json" -p "mode=lkvm"
expect_status $t 6 && expect_out $t err "lkvm's own memory \\(not guest RAM\\).*fatal" &&
	expect_out $t lkvm.json '"gpa":null,.*"action":"fatal"' && ok $t

# The fatal record comes from the signal handler: one complete line with the
# fields of every record (time, vm, gpa, extent, ...), mode 0600.
t=ras-lkvm-own-load
run run -k $M --ras-test-port --name ownload --ras-log "$T/own.json" -p "mode=lkvmload gpa=$GPA"
expect_status $t 6 && expect_out $t err "fatal: lkvm itself read poisoned memory at host address 0x[0-9a-f]+ \\(guest RAM at guest physical $GPA" &&
	expect_out $t own.json "^\\{\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\",\"vm\":\"ownload\",\"vcpu\":null,\"kind\":\"AR\",\"hva\":\"0x[0-9a-f]+\",\"gpa\":\"$GPA\",\"extent\":4096,\"action\":\"fatal\",.*\"arch\":\"x86\"\\}\$" &&
	[ "$(wc -l < "$T/own.json")" -eq 1 ] && [ "$(stat -c %a "$T/own.json")" = 600 ] && ok $t

# --ras-log never hangs on a FIFO and never follows a symbolic link (status 2, one line).
t=ras-log-fifo-symlink
mkfifo "$T/fifo.json"; ln -s "$T/victim" "$T/link.json"
run run -k $G/exit.elf --ras-log "$T/fifo.json"; st1=$st
run run -k $G/exit.elf --ras-log "$T/link.json"
if [ $st1 -ne 2 ] || [ $st -ne 2 ] || [ -e "$T/victim" ] || ! grep -q 'symbolic link' "$T/err"; then
	bad $t "fifo: status $st1, symlink: status $st (want 2 and 2, no file written through the link)"
else ok $t; fi

t=ras-test-port-off
run run -k $M -p "mode=inject gpa=$GPA"
expect_status $t 37 && expect_out $t out '^mce: 0 machine checks' && ! grep -q 'memory error' "$T/err" && ok $t

t=ras-burst-1000
run run -k $M -c 2 --ras-test-port --ras-log "$T/burst.json" -p "mode=burst n=500"
if expect_status $t 33 && expect_out $t out '^burst: cpu0 500/500, 0 with a wrong address$' &&
	expect_out $t out '^burst: cpu1 500/500, 0 with a wrong address$'; then
	n=$(grep -c '"action":"injected"' "$T/burst.json")
	u=$(grep -o '"gpa":"[^"]*"' "$T/burst.json" | sort -u | wc -l)
	c0=$(grep -c '"vcpu":0,' "$T/burst.json"); c1=$(grep -c '"vcpu":1,' "$T/burst.json")
	if [ "$n" -ne 1000 ] || [ "$u" -ne 1000 ] || [ "$c0" -ne 500 ] || [ "$c1" -ne 500 ]; then
		bad $t "event log: $n injected, $u distinct pages, vCPU0 $c0, vCPU1 $c1 (want 1000/1000/500/500)"
	else
		ok $t
		# Informational: signal handler to KVM_X86_SET_MCE done, per event.
		grep -o '"latency_us":[0-9.]*' "$T/burst.json" | cut -d: -f2 | sort -n |
			awk '{ v[NR] = $1 } END { printf "     signal -> injection: median %.1f us, p90 %.1f us, max %.1f us (%d events)\n", v[int((NR + 1) / 2)], v[int(NR * 0.9)], v[NR], NR }'
	fi
fi

t=ras-broadcast-2
# Intel guests with 2 vCPUs: an error on one vCPU reaches the other as the
# broadcast companion (bank 1, VAL|UC, MCG_STATUS MCIP|RIPV), as Intel
# machines signal every CPU. AMD guests get no broadcast.
run run -k $M -c 2 --ras-test-port --ras-log "$T/bcast.json" -p "mode=burst n=1"
if amd_guest; then
	if expect_status $t 33 && ! grep -q 'broadcast' "$T/out" && ! grep -q 'broadcast to' "$T/bcast.json"; then
		skip $t "this host's KVM presents an AMD guest (AMD machines do not broadcast; no companion was sent, as it should be); the Intel broadcast needs an Intel host"
	else
		bad $t "AMD guest: a broadcast companion was sent or the run failed"
	fi
elif expect_status $t 33 && expect_out $t out '^mce: cpu=1 broadcast bank=1 status=0xa000000000000000 mcg_status=0x5$' &&
	expect_out $t out '^mce: cpu=0 broadcast bank=1 status=0xa000000000000000 mcg_status=0x5$' &&
	[ "$(grep -c 'broadcast to 1 other vCPU' "$T/bcast.json")" = 2 ]; then
	ok $t
else
	bad $t "Intel guest, 2 vCPUs: each vCPU's error did not reach the other as a broadcast companion"
fi

t=ras-debug-poison
# lkvm debug --poison on a running VM, through the simulated path (AR to the
# vCPU asked for). As root on a kernel with memory-failure support,
# madvise(MADV_HWPOISON) marks real pages poisoned, lost for good (in the
# nested bed's L1: guest RAM in a transparent huge page the kernel could not
# split, so it marked the 4 KiB pages, HardwareCorrupted +12 kB, returned
# EBUSY, and lkvm simulated anyway): so as root lkvm runs here without
# CAP_SYS_ADMIN. make e2e drills real poisoning. The guest handles machine
# checks and waits.
nocap=
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && setpriv --bounding-set=-sys_admin true 2>/dev/null &&
	nocap="setpriv --bounding-set=-sys_admin"
$nocap $LKVM run -k $M --name poisonvm -c 2 --ras-log "$T/dbg.json" -p "mode=wait" >"$T/pv.out" 2>"$T/pv.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 50); do grep -q 'mce: waiting' "$T/pv.out" 2>/dev/null && break; sleep 0.1; done
$LKVM debug --name poisonvm --poison 0x7ffffff000 >"$T/d0" 2>&1; d0=$?
# The guest must finish one machine check before the next (MCIP): wait for its report.
mc_seen() { # n: wait (up to 30 s on a loaded machine) until the guest handled n machine checks
	for i in $(seq 600); do
		[ "$(grep -c '^mce: handled' "$T/pv.out")" -ge "$1" ] && return 0
		sleep 0.05
	done
	echo "    (guest had not handled machine check $1 after 30 s)"
}
# An AMD guest gets no #MC for the AO (a deferred error, see ras-inject-ao):
# there, wait for lkvm's log of its injection instead.
ao=1
amd_guest "$T/pv.out" && ao=0
ao_seen() {
	[ $ao -eq 1 ] && { mc_seen 3; return; }
	for i in $(seq 600); do
		[ "$(grep -c '"action":"injected"' "$T/dbg.json")" -ge 3 ] && return 0
		sleep 0.05
	done
	echo "    (lkvm had not injected the AO after 30 s)"
}
$LKVM debug --name poisonvm --poison 0x345000 >"$T/d1" 2>&1; d1=$?; mc_seen 1
$LKVM debug --name poisonvm --poison 0x345678 >"$T/d2" 2>&1; d2=$?; mc_seen 2
$LKVM debug --name poisonvm --poison 0x456000 --ao >"$T/d3" 2>&1; d3=$?; ao_seen
$LKVM debug --name poisonvm --poison 0x567000 --vcpu 1 >"$T/d4" 2>&1; d4=$?; mc_seen $((3 + ao))
$LKVM debug --name poisonvm --poison 0x567000 --vcpu 7 >"$T/d5" 2>&1; d5=$?
sleep 0.5
lst=$($LKVM list --long 2>&1)
$LKVM stop --name poisonvm >/dev/null 2>&1; wait $pid; st=$?
if [ $d0 -ne 1 ] || ! grep -q 'is not guest RAM' "$T/d0"; then bad $t "poison outside RAM: rc $d0: $(cat "$T/d0")"
elif [ $d1 -ne 0 ] || ! grep -q 'guest page 0x345000' "$T/d1"; then bad $t "poison: rc $d1: $(cat "$T/d1")"
elif [ $d2 -ne 0 ] || [ $d3 -ne 0 ] || [ $d4 -ne 0 ]; then bad $t "poison rcs $d2 $d3 $d4: $(cat "$T/pv.err")"
elif [ $d5 -ne 1 ] || ! grep -q 'no vCPU 7' "$T/d5"; then bad $t "bad vCPU: rc $d5: $(cat "$T/d5")"
elif ! echo "$lst" | grep -Eq "^ *$pid poisonvm +running +2 +256 3\$"; then bad $t "list: $lst"
elif [ $st -ne 0 ]; then bad $t "lkvm exit status $st"
elif [ "$(grep -c '"action":"injected"' "$T/dbg.json")" -ne 4 ]; then bad $t "log: $(cat "$T/dbg.json")"
elif ! grep -q '"vcpu":0,"kind":"AR",.*"gpa":"0x345000".*"repeat":false' "$T/dbg.json" ||
     ! grep -q '"gpa":"0x345000".*"repeat":true' "$T/dbg.json" ||
     ! grep -q '"vcpu":null,"kind":"AO",.*"gpa":"0x456000"' "$T/dbg.json" ||
     ! grep -q '"vcpu":1,"kind":"AR",.*"gpa":"0x567000"' "$T/dbg.json"; then bad $t "log: $(cat "$T/dbg.json")"
elif ! grep -q '^mce: cpu=1 bank=9 .*addr=0x567000' "$T/pv.out"; then bad $t "vCPU 1 saw no #MC: $(cat "$T/pv.out")"
else ok $t; fi

t=ras-debug-poison-lkvm
$LKVM run -k $G/idle.elf --name selfhit --ras-log "$T/self.json" >"$T/sh.out" 2>"$T/sh.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 50); do grep -q 'idle: up' "$T/sh.out" 2>/dev/null && break; sleep 0.1; done
$LKVM debug --name selfhit --poison-lkvm >"$T/ds" 2>&1
wait $pid; st=$?
if [ $st -ne 6 ]; then bad $t "lkvm exit status $st, expected 6: $(cat "$T/sh.err")"
elif ! grep -Eq "lkvm's own memory .*fatal|lkvm itself read poisoned memory" "$T/sh.err"; then bad $t "no fatal message: $(cat "$T/sh.err")"
else ok $t; fi
