#!/bin/busybox sh
# make bench-sandbox, inside L1 (bench/sandbox.sh): BENCH_RUNS rounds of
# `lkvm sandbox -- true` and QEMU booting the same kernel, init, initramfs
# and 9p root the way virtme-ng's command line does (9p, no virtiofsd).
# One line per run: BENCH-ROW <config> <round> <seconds> <status>.
RUNS=${BENCH_RUNS:-5}
KVER=$(uname -r)
K=/boot/vmlinuz-$KVER
D=/tmp/bsb
mkdir -p $D/q && cd $D || exit 1
now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The init's initramfs as lkvm makes it for CMD (to $1), plus virtio_pci
# (QEMU's pc machine puts virtio on PCI; lkvm's machine has virtio-mmio only),
# loaded first, as QEMU's initramfs $D/qemu.cpio.
qemu_cpio() {	# CMD...
	rm -rf $D/q && mkdir -p $D/q
	LKVM_SANDBOX_INITRD_OUT=$D/sb.cpio /lkvm sandbox "$@" </dev/null >/dev/null 2>$D/err ||
		{ echo "BENCH-FAIL lkvm sandbox $*: $(cat $D/err)"; exit 1; }
	(cd $D/q && cpio -i -d <$D/sb.cpio 2>/dev/null)
	M=/lib/modules/$KVER
	line=$(grep -E '(^|/)virtio_pci\.ko[^:]*:' $M/modules.dep)
	# modules.dep lists the ones a module needs last-loaded-first (modprobe's order): reversed.
	pre=
	for f in ${line#*:}; do
		cp $M/$f $D/q/lkvm/mod/ && pre="$(basename $f) $pre"
	done
	cp $M/${line%%:*} $D/q/lkvm/mod/ && pre="$pre $(basename ${line%%:*})"
	{ for f in $pre; do echo $f; done; cat $D/q/lkvm/modules; } >$D/modules.new
	mv $D/modules.new $D/q/lkvm/modules
	(cd $D/q && find . | cpio -o -H newc >$D/qemu.cpio 2>/dev/null)
}

# virtme-ng's QEMU arguments for a native x86 KVM host with a 9p root
# (virtme/commands/run.py, virtme/architectures.py), the ports lkvm's init
# needs as virtserialports, and lkvm's memory, CPU count and command line.
qemu_run() {
	/usr/bin/qemu-system-x86_64 -machine accel=kvm:tcg -cpu host,topoext=on \
		-device i6300esb,id=watchdog0 -parallel none -net none -vga none -display none \
		-chardev stdio,id=console,signal=off,mux=on -serial chardev:console -mon chardev=console \
		-fsdev local,id=virtfs1,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=virtfs1,mount_tag=lkvm.root \
		-device virtio-serial-pci \
		-chardev null,id=pin -device virtserialport,chardev=pin,name=lkvm.stdin \
		-chardev file,id=pout,path=$D/qout -device virtserialport,chardev=pout,name=lkvm.stdout \
		-chardev file,id=perr,path=$D/qerr -device virtserialport,chardev=perr,name=lkvm.stderr \
		-chardev file,id=pst,path=$D/qstatus -device virtserialport,chardev=pst,name=lkvm.status \
		-m 256M -smp 1 -no-reboot -kernel $K -initrd $D/qemu.cpio \
		-append "console=ttyS0 panic=-1 rdinit=/init quiet${1:+ $1}" </dev/null >$D/qconsole 2>&1
}

# BENCH_PROFILE=1: where the time goes, instead of the rounds. CMD prints
# the guest's uptime and kernel log (initcall_debug, the init's steps) on
# its stdout port, not the console: a chatty UART would cost an exit a byte.
profile_dmesg() {	# name file
	awk -v n="$1" '
	/^[0-9.]+ [0-9.]+$/ && !up { up = $1; next }
	match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
		t = substr($0, 2, RLENGTH - 2) + 0
		if (nl && t - pt > 0.05) printf "BENCH-LOG %s gap %.3f s before [%.3f] %s\n", n, t - pt, t, substr($0, RLENGTH + 2, 90)
		pt = t; nl++
		if ($0 ~ /lkvm sandbox init:|Run \/init|Freeing unused kernel|Linux version|Calibrating|clocksource: Switched|tsc: Refined|Trying to unpack|Unpacking/)
			printf "BENCH-LOG %s [%.3f] %s\n", n, t, substr($0, RLENGTH + 2, 100)
		if (match($0, /initcall [^ ]+ returned -?[0-9]+ after [0-9]+ usecs/)) {
			split(substr($0, RSTART, RLENGTH), w, " ")
			print w[6], w[2] >"/tmp/bsb/ic." n
		}
	}
	END { printf "BENCH-LOG %s CMD at guest uptime %s s, last kernel line at %.3f s\n", n, up, pt }' "$2"
	sort -rn /tmp/bsb/ic.$1 | head -n 25 | while read us fn; do
		echo "BENCH-LOG $1 initcall $us us $fn"
	done
}
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	PP="initcall_debug printk.time=1"
	t0=$(now)
	/lkvm sandbox --debug -p "$PP" -- sh -c 'cat /proc/uptime; dmesg' </dev/null >$D/pout 2>$D/perr
	rc=$?
	echo "BENCH-LOG lkvm wall $(secs $t0 $(now)) s, status $rc"
	profile_dmesg lkvm $D/pout
	sed -n '/exit statistics/,$p' $D/perr | grep -v '^$' | head -n 40 | sed 's/^/BENCH-LOG lkvm stat: /'
	grep -iE 'start|phase|_us' $D/perr | grep -v 'exit ' | head -n 10 | sed 's/^/BENCH-LOG lkvm: /'
	t0=$(now)
	/lkvm sandbox -- true </dev/null >/dev/null 2>&1
	echo "BENCH-LOG lkvm plain -- true: wall $(secs $t0 $(now)) s, status $?"
	sed 's/^/DMESG-lkvm /' $D/pout
	# Where the wall time goes around the guest's own clock (twice: the
	# first run unpacks the kernel into lkvm's cache, the second uses it).
	rm -rf "${HOME:-/}/.cache/lkvm"
	for r in 1 2; do
		t0=$(now)
		/lkvm sandbox -- cat /proc/uptime </dev/null 2>/dev/null | { read u x; echo "$u $(now)"; cat >/dev/null; } >$D/tl
		t2=$(now)
		read u t1 <$D/tl
		echo "BENCH-LOG lkvm timeline $r: wall $(secs $t0 $t2) s = $(awk -v a=$t0 -v b=$t1 -v u=$u 'BEGIN { printf "%.2f", b - a - u }') s before the kernel's clock + $u s to CMD + $(secs $t1 $t2) s from CMD to lkvm's exit"
	done
	qemu_cpio -- sh -c 'cat /proc/uptime; dmesg'
	rm -f $D/qout
	t0=$(now)
	qemu_run "$PP"
	echo "BENCH-LOG qemu wall $(secs $t0 $(now)) s, status $(cat $D/qstatus 2>/dev/null)"
	profile_dmesg qemu $D/qout
	sed 's/^/DMESG-qemu /' $D/qout
	exit 0
fi
qemu_cpio -- true

for r in $(seq 1 $RUNS); do
	t0=$(now)
	/lkvm sandbox -- true </dev/null >$D/out 2>$D/err
	rc=$?
	echo "BENCH-ROW lkvm $r $(secs $t0 $(now)) $rc"
	rm -f $D/qstatus
	t0=$(now)
	qemu_run
	rc=$(sed -n 's/^exit \([0-9]*\)$/\1/p' $D/qstatus 2>/dev/null)
	echo "BENCH-ROW qemu $r $(secs $t0 $(now)) ${rc:-none}"
	[ -n "$rc" ] || tail -n 20 $D/qconsole | sed 's/^/BENCH-LOG qemu: /'
done
