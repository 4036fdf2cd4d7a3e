#!/bin/busybox sh
# L1's job in `make bench-io` (bench/io.sh): the same L2 (Debian kernel,
# 256 MiB, 1 vCPU) reads and writes the same raw image through virtio-blk
# with each VMM, BENCH_RUNS rounds taking turns:
#   lkvm      lkvm run -d io.img                        (virtio-mmio, ACPI)
#   qemu-pc   qemu -M pc, virtio-blk-pci                (PCI)
#   microvm   qemu -M microvm, virtio-blk-device        (virtio-mmio, ACPI)
#   lkvm-base BENCH_LKVM_BASE's lkvm, as lkvm (bench/vmm-bed.sh)
# QEMU's drive: raw, read-write, its default cache (writeback: the L1 page
# cache, as lkvm's preadv/pwritev). Each run prints
#   BENCH-IO-ROW config round seq_mbps write_mbps rand_iops vmm_rss_kb
RUNS=${BENCH_RUNS:-3}
MEM=256
K=/l2/bzImage
INITRD=/l2/initrd
IMG=/l2/io.img
PARAMS="console=ttyS0 quiet"
now() { cut -d' ' -f1 /proc/uptime; }

vmm_exec() {	# config
	case "$1" in
	lkvm) exec /lkvm run -k $K -i $INITRD -m $MEM -c 1 --name bench -p "$PARAMS" -d $IMG ;;
	lkvm-base) exec /lkvm-base run -k $K -i $INITRD -m $MEM -c 1 --name bench -p "$PARAMS" -d $IMG ;;
	qemu-pc) exec /usr/bin/qemu-system-x86_64 -accel kvm -M pc -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $K -initrd $INITRD -append "$PARAMS" \
		-drive file=$IMG,if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0 ;;
	microvm) exec /usr/bin/qemu-system-x86_64 -accel kvm -M microvm -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $K -initrd $INITRD -append "$PARAMS" \
		-drive file=$IMG,if=none,id=d0,format=raw -device virtio-blk-device,drive=d0 ;;
	esac
	exit 2
}

. /vmm-rss.sh

run_one() {	# config round
	local d=/tmp/io pid i line range
	rm -rf $d
	mkdir -p $d
	vmm_exec "$1" </dev/null >$d/out 2>$d/err &
	pid=$!
	i=0
	while ! grep -q BENCH-IO-DONE $d/out && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
	done
	line=$(grep -a 'BENCH-IO seq_mbps' $d/out | tr -d '\r' | head -n 1)
	if [ -n "$line" ]; then
		set -- "$1" "$2" $line
		range=
		[ "$1" != lkvm ] || range=$(/lkvm stat --name bench 2>/dev/null | awk '/^ram_hva / { print $2 }')
		echo "BENCH-IO-ROW $1 $2 $5 $7 $9 $(vmm_rss $pid "$range")"
	else
		echo "BENCH-IO-FAIL $1 $2: $(grep -a BENCH-IO-FAIL $d/out | head -n 1) $(tail -n 2 $d/err | tr '\n' ' ')"
		tail -n 15 $d/out | sed "s/^/BENCH-IO-LOG $1 /"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}

echo "E2E-L1: $(/lkvm version 2>&1 | head -n 1); $(/usr/bin/qemu-system-x86_64 --version 2>&1 | head -n 1); image $(($(stat -c %s $IMG) >> 20)) MiB"
for r in $(seq $RUNS); do
	for c in ${*:-lkvm qemu-pc microvm}; do
		run_one $c $r
	done
done
