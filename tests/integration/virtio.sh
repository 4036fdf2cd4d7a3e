# virtio-mmio on the real /dev/kvm (sourced by run.sh). The payload drives
# the devices by hand (tests/guests/x86/virtio.c); the host then checks the
# image: what was written is there, what failed left the image untouched.
V=$G/virtio.elf
PAT=$(printf 'lkvm-virtio-payload-%.0s' $(seq 26) | head -c 512)
sector() { dd if="$1" bs=512 skip="$2" count=1 2>/dev/null; }

t=virtio-devices
truncate -s 1M "$T/disk.img"
run run -k $V -m 32 -d "$T/disk.img" --rng --console virtio --ras-test-port \
	--ras-log "$T/vio.json" -p "drill=1"
if expect_status $t 65 && expect_out $t out '^virtio: 3 devices, 0 failures$' &&
	expect_out $t out '^hello from virtio-console$' &&
	expect_out $t out '^virtio: blk: write from a poisoned page fails \(IOERR\): ok$' &&
	expect_out $t out '^virtio: blk: discarded sector reads back as zeros: ok$' &&
	expect_out $t err "memory error AR \\(simulated\\) in lkvm's virtio-blk0: guest physical 0x408000 .*: injected" &&
	expect_out $t vio.json '"gpa":"0x408000".*"action":"injected".*"reader":"virtio-blk0"' &&
	expect_out $t err 'bad request \(descriptor chain longer than the queue' &&
	expect_out $t err 'device needs a reset'; then
	if [ "$(sector "$T/disk.img" 1)" != "$PAT" ]; then bad $t "sector 1 does not hold what the guest wrote"
	elif [ "$(sector "$T/disk.img" 3)" != "$PAT" ]; then bad $t "sector 3 does not hold what the guest wrote"
	elif [ -n "$(sector "$T/disk.img" 2 | tr -d '\0')" ]; then bad $t "the failed write (poisoned page) reached the image"
	elif [ -n "$(sector "$T/disk.img" 5 | tr -d '\0')" ]; then bad $t "the discarded sector 5 still holds data"
	elif [ "$(stat -c %s "$T/disk.img")" != 1048576 ]; then bad $t "discard changed the image's size"
	elif grep -q fatal "$T/err"; then bad $t "fatal message"
	else ok $t; fi
fi

# Interrupts taken for real (irq=16: the payload programs IOAPIC pin 16,
# the block device's): KVM_IRQFD with a resampler where KVM has both (x86's
# lines are level: KVM lowers the line at the guest's EOI and lkvm sees it
# on the resample fd), KVM_IRQ_LINE with LKVM_IRQFD=0. Either way every
# read must bring exactly one interrupt; --debug's stat says the path.
irq_case() {	# name want-path want-irqfd [env]
	t=$1
	truncate -s 1M "$T/irq.img"
	if [ -n "${4:-}" ]; then
		env "$4" timeout 30 "$LKVM" run -k $V -m 32 -d "$T/irq.img" -p irq=16 --debug >"$T/out" 2>"$T/err" </dev/null
		st=$?
	else
		run run -k $V -m 32 -d "$T/irq.img" -p irq=16 --debug
	fi
	expect_status $t 65 &&
		expect_out $t out '^virtio: irq: one used-buffer interrupt per read, acknowledged and EOIed: ok$' &&
		expect_out $t err "virtio-blk0: MMIO 0xd0000000, interrupt 16 through $2\$" &&
		expect_out $t err "^virtio-blk0.irqfd $3\$" || return 1
	n=$(sed -n 's/^virtio-blk0.interrupts //p' "$T/err")
	r=$(sed -n 's/^virtio-blk0.irq_resamples //p' "$T/err")
	if [ "${n:-0}" -lt 8 ]; then bad $t "lkvm raised ${n:-no} interrupts for 8 reads"
	elif [ "$3" = 2 ] && [ "${r:-0}" -lt 8 ]; then bad $t "only ${r:-no} EOIs came back through the resample fd"
	elif [ "$3" != 2 ] && [ "${r:-0}" != 0 ]; then bad $t "$r resamples without a resampler"
	else ok "$t ($2: $n interrupts, $r resamples)"; fi
}
irq_case virtio-irq-line KVM_IRQ_LINE 0 LKVM_IRQFD=0
# The default path: irqfd with a resampler, unless this KVM lacks them.
run run -k $V -m 32 -d "$T/irq.img" -p irq=16 --debug
if grep -q 'through irqfd with resample$' "$T/err"; then
	irq_case virtio-irqfd "irqfd with resample" 2
else
	skip virtio-irqfd "this KVM has no KVM_CAP_IRQFD_RESAMPLE: $(grep -o 'through .*' "$T/err")"
fi

t=virtio-blk-ro
truncate -s 1M "$T/ro.img"
run run -k $V -m 32 -d "$T/ro.img,ro" -p "ro=1"
if expect_status $t 65 && expect_out $t out '^virtio: blk: VIRTIO_BLK_F_RO offered: ok$' &&
	expect_out $t out '^virtio: blk: write refused \(IOERR\): ok$'; then
	if [ -n "$(tr -d '\0' < "$T/ro.img")" ]; then bad $t "a read-only image was written"
	else ok $t; fi
fi

# Two VMs, one image: the second is refused (flock), with one line and status 2.
t=virtio-blk-lock
$LKVM run -k $G/idle.elf --name vlock -d "$T/disk.img" >"$T/vl.out" 2>"$T/vl.err" </dev/null &
pid=$!
( sleep 60; kill $pid 2>/dev/null ) >/dev/null 2>&1 &
for i in $(seq 50); do grep -q 'idle: up' "$T/vl.out" 2>/dev/null && break; sleep 0.1; done
vstat=$($LKVM stat --name vlock 2>&1)
badinput virtio-blk-lock 2 "disk image '.*disk.img' is in use by another program" run -d "$T/disk.img"
badinput virtio-blk-lock-ro 2 "is in use by another program" run -d "$T/disk.img,ro"
$LKVM stop --name vlock >/dev/null 2>&1; wait $pid
t=virtio-stat
if echo "$vstat" | grep -q '^virtio-blk0.requests 0$' && echo "$vstat" | grep -q '^virtio-blk0.bad_requests 0$'
then ok $t; else bad $t "stat: $vstat"; fi

badinput virtio-blk-missing 2 "cannot open disk image '/nonexistent'" run -d /nonexistent
badinput virtio-blk-empty 2 "smaller than one 512-byte sector" run -d "$T/empty"
badinput virtio-blk-dir 2 "cannot open disk image" run -d /
badinput virtio-blk-bad-spec 2 "invalid --disk" run -d ,ro
badinput virtio-bad-console 2 "valid consoles are 'serial' and 'virtio'" run --console hvc
