# x86 devices for kvm-unit-tests (sourced by run.sh): --testdev's ports and
# MMIO window (tests/guests/x86/testdev.c), the RTC's update cycle and alarm,
# and ACPI S3 (tests/guests/x86/rtc.c).

# --- --testdev: each port as kvm-unit-tests uses it ---
t=testdev
run run -k $G/testdev.elf --testdev
if expect_status $t 1 && expect_out $t out '^testdev: all ok'; then
	n=$(grep -c ') ok$' "$T/out")
	if [ "$n" -ne 12 ]; then bad $t "$n checks ok, expected 12"; else ok $t; fi
fi
# Opt-in: without the option none of it is there.
t=testdev-off
run run -k $G/testdev.elf
expect_status $t 5 && expect_out $t out '^testdev: absent' && ok $t
badinput testdev-ras-port 2 "--testdev and --ras-test-port both want port 0xe0" \
	run -k $G/testdev.elf --testdev --ras-test-port

# --- the RTC's update cycle: UIP, update-ended, alarm, periodic; the same on IRQ 8 ---
t=rtc-clock
run run -k $G/rtc.elf
if expect_status $t 1 && expect_out $t out '^rtc: all ok'; then
	n=$(grep -c ') ok$' "$T/out")
	if [ "$n" -ne 10 ]; then bad $t "$n checks ok, expected 10"; else ok $t; fi
fi

# --- ACPI S3: asleep until the RTC alarm, back at the FACS waking vector ---
t=s3-alarm
s0=$(date +%s)
run run -k $G/rtc.elf -p mode=s3
s1=$(date +%s)
if expect_status $t 43 && expect_out $t out '^rtc: s3: sleeping'; then
	if grep -q 'returned' "$T/out"; then bad $t "the sleep write returned to the guest"
	elif [ $((s1 - s0)) -gt 10 ]; then bad $t "took $((s1 - s0)) s for a 1 s alarm"
	else ok $t; fi
fi
t=s3-resume
$LKVM run -k $G/rtc.elf -p "mode=s3 wake=resume" --name s3r >"$T/s3.out" 2>"$T/s3.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 100); do grep -q 'sleeping' "$T/s3.out" 2>/dev/null && break; sleep 0.1; done
sleep 2
l1=$($LKVM list 2>&1)
kill -0 $pid 2>/dev/null; alive=$?
$LKVM resume --name s3r >/dev/null 2>&1; r=$?
wait $pid; st=$?
if [ $alive -ne 0 ]; then bad $t "lkvm ended while the guest slept without an alarm: status $st"
elif ! echo "$l1" | grep -Eq "^ *$pid s3r +paused\$"; then bad $t "list while asleep: $l1"
elif [ $r -ne 0 ] || [ $st -ne 43 ]; then bad $t "resume rc $r, lkvm exit status $st (want 43): $(head -2 "$T/s3.err")"
else ok $t; fi
t=s3-smp
run run -k $G/rtc.elf -p mode=s3 -c 2
expect_status $t 1 && expect_out $t err 'lkvm suspends one-vCPU guests only' && ok $t
