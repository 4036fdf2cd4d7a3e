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

# The init's initramfs as lkvm makes it, plus virtio_pci (QEMU's pc machine
# puts virtio on PCI; lkvm's machine has virtio-mmio only), loaded first.
LKVM_SANDBOX_INITRD_OUT=$D/sb.cpio /lkvm sandbox -- true </dev/null >/dev/null 2>$D/err ||
	{ echo "BENCH-FAIL lkvm sandbox -- true: $(cat $D/err)"; exit 1; }
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
		-append "console=ttyS0 panic=-1 rdinit=/init quiet" </dev/null >$D/qconsole 2>&1
}

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
