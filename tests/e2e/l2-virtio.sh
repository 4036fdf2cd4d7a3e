#!/bin/busybox sh
# L2's side of the virtio scenarios (in L2's initramfs as /virtio.sh; the
# scenario sends short commands: the console's receive FIFO is 64 bytes).
#   load          insmod /mod/* in /mod/order, wait for /dev/vda
#   write MARK    mount vda, show the host's /seed.txt, write MARK to
#                 /hello.txt, sync, unmount; read 16 bytes of /dev/hwrng
#   ro            vda read-only? read /hello.txt, try to write file and device
# Every step prints an E2E-VIO-* line; the last is E2E-VIO-END.
case "$1" in
load)
	for m in $(cat /mod/order); do
		echo "E2E-VIO-INSMOD $m"
		insmod "/mod/$m" || echo "E2E-VIO-INSMOD-FAIL $m"
	done
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo "E2E-VIO-DEVS $(ls /sys/bus/virtio/devices | tr '\n' ' ')"
	# None: what the kernel made of the transports (platform devices, probe errors).
	if [ -z "$(ls /sys/bus/virtio/devices)" ]; then
		echo "E2E-VIO-PLATFORM $(ls /sys/bus/platform/devices | grep -i virtio | tr '\n' ' ')"
		dmesg | grep -iE 'virtio|mmio' | tail -n 5 | sed 's/^/E2E-VIO-KLOG /'
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
		sed 's/^/E2E-VIO-KLOG deferred: /' /sys/kernel/debug/devices_deferred 2>/dev/null
	fi
	echo E2E-VIO-MODS
	;;
write)
	mkdir -p /mnt
	mount -t ext4 /dev/vda /mnt && echo "E2E-VIO-SEED $(cat /mnt/seed.txt)" &&
		echo "$2" >/mnt/hello.txt && sync && umount /mnt && echo E2E-VIO-WROTE
	echo "E2E-VIO-RNG $(cat /sys/class/misc/hw_random/rng_current) $(head -c 16 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
	dmesg | grep -E 'ACPI (BIOS )?(Error|Warning)|ACPI Exception|virtio_mmio.*(error|fail)' |
		head -n 3 | sed 's/^/E2E-VIO-KERR /'
	echo E2E-VIO-END
	;;
ro)
	mkdir -p /mnt
	echo "E2E-VIO-RO $(cat /sys/block/vda/ro)"
	mount -t ext4 -o ro /dev/vda /mnt && echo "E2E-VIO-READ $(cat /mnt/hello.txt)"
	if echo x 2>/dev/null >/mnt/new.txt; then echo E2E-VIO-FS-WRITABLE; else echo E2E-VIO-FS-REFUSED; fi
	if dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync 2>/dev/null; then
		echo E2E-VIO-DEV-WRITABLE
	else
		echo E2E-VIO-DEV-REFUSED
	fi
	umount /mnt
	echo E2E-VIO-END
	;;
esac
