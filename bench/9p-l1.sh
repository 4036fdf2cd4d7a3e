#!/bin/busybox sh
# L1's job in `make bench-9p` (bench/9p.sh): the same L2 (Debian kernel,
# 512 MiB, 1 vCPU) mounts an empty directory of L1 shared over virtio-9p by
# each VMM, BENCH_RUNS rounds taking turns, and runs bench/9p-l2-init's rows:
#   lkvm      lkvm run --9p DIR,bench                         (virtio-mmio)
#   qemu-pc   qemu -M pc, -fsdev local,security_model=none
#             -device virtio-9p-pci                           (PCI)
#   microvm   qemu -M microvm, the same -fsdev, virtio-9p-device (virtio-mmio)
# Each run gets a fresh empty directory, removed after it. Each prints
#   BENCH-9P-ROW config round untar_mbps walk_files_s seqw_mbps seqr_mbps small_files_s
RUNS=${BENCH_RUNS:-3}
MEM=512
K=/l2/bzImage
INITRD=/l2/initrd
PARAMS="console=ttyS0 quiet panic=-1 BENCH_9P_ROWS=${BENCH_9P_ROWS:-all}"
SHARE=/tmp/share

vmm_exec() {	# config
	case "$1" in
	lkvm) exec /lkvm run -k $K -i $INITRD -m $MEM -c 1 --name bench -p "$PARAMS" --9p $SHARE,bench ;;
	qemu-pc) exec /usr/bin/qemu-system-x86_64 -accel kvm -M pc -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $K -initrd $INITRD -append "$PARAMS" \
		-fsdev local,id=f,path=$SHARE,security_model=none -device virtio-9p-pci,fsdev=f,mount_tag=bench ;;
	microvm) exec /usr/bin/qemu-system-x86_64 -accel kvm -M microvm -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $K -initrd $INITRD -append "$PARAMS" \
		-fsdev local,id=f,path=$SHARE,security_model=none -device virtio-9p-device,fsdev=f,mount_tag=bench ;;
	esac
	exit 2
}

rate() {	# row file
	grep -a "BENCH-9P $1 " "$2" | head -n 1 | awk '{ print $3 }'
}

run_one() {	# config round
	local d=/tmp/9p pid i r row
	rm -rf $d $SHARE
	mkdir -p $d $SHARE
	vmm_exec "$1" </dev/null >$d/out 2>$d/err &
	pid=$!
	# L2's lines as they come (the bed takes a silent L1 for a frozen one),
	# 20 minutes at most.
	i=0 seen=0
	while ! grep -q BENCH-9P-DONE $d/out && [ $i -lt 2400 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
		n=$(grep -ac 'BENCH-9P' $d/out)
		if [ "$n" != "$seen" ]; then
			grep -a 'BENCH-9P' $d/out | tail -n +$((seen + 1)) | tr -d '\r' | sed "s/^/BENCH-9P-LOG $1 $2 /"
			seen=$n
		elif [ $((i % 120)) = 0 ]; then
			echo "BENCH-9P-LOG $1 $2 waiting $((i / 2)) s: $(tail -n 1 $d/out | tr -d '\r' | cut -c1-150)"
		fi
	done
	row=
	for r in untar walk seqw seqr small; do
		row="$row $(rate $r $d/out)"
	done
	if [ "$(echo $row | wc -w)" = 5 ] && ! grep -q BENCH-9P-FAIL $d/out; then
		echo "BENCH-9P-ROW $1 $2$row"
	else
		echo "BENCH-9P-FAIL $1 $2: $(grep -a BENCH-9P-FAIL $d/out | tr -d '\r' | head -n 1) $(tail -n 2 $d/err | tr '\n' ' ')"
		tail -n 15 $d/out | tr -d '\r' | sed "s/^/BENCH-9P-LOG $1 $2 /"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	rm -rf $SHARE
}

echo "E2E-L1: $(/lkvm version 2>&1 | head -n 1); $(/usr/bin/qemu-system-x86_64 --version 2>&1 | head -n 1)"
for r in $(seq $RUNS); do
	for c in ${*:-lkvm qemu-pc microvm}; do
		run_one $c $r
	done
done
