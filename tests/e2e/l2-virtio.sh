#!/bin/busybox sh
# L2's side of the virtio scenarios (in L2's initramfs as /virtio.sh; the
# scenario sends short commands: the console's receive FIFO is 64 bytes).
#   load [none]   insmod /mod/* in /mod/order, wait for /dev/vda (none: do not)
#   write MARK    mount vda, show the host's /seed.txt, write MARK to
#                 /hello.txt, sync, unmount; read 16 bytes of /dev/hwrng
#   ro            vda read-only? read /hello.txt, try to write file and device
#   p9m           mount the 9p shares hostshare (/mnt) and roshare (/ro)
#   p9t           write a tree into /mnt/tree, rename across directories,
#                 open-unlink-read (and its size through /proc/self/fd);
#                 print every file's sha256
#   p9r FILE      print /mnt/FILE (written by the host meanwhile)
#   p9e           escape attempts through the host's links and the guest's
#   p9ro          writes to the read-only share
#   p9mount TAG   mount the 9p share TAG on /mnt (9p-poison, the second lkvm)
#   p9w DIR       write a tree into /mnt/DIR; print its sha256s (E2E-9P-WSUM DIR)
#   p9sum DIR     print the sha256s of /mnt/DIR's files (E2E-9P-XSUM DIR)
#   vport         find virtio-console ports 'in' and 'out' by name, copy in to out
#   net           eth0 up, DHCP (udhcpc), download http://GATEWAY:8080/blob and print
#                 its sha256, then answer one connection on port 7777
#   tap           eth0 10.0.9.2/24; take one connection on port 7778, print the sha256
#                 and size of what came, then send it back to one on port 7779
# Every step prints an E2E-VIO-* line; the last is E2E-VIO-END.
case "$1" in
load)
	for m in $(cat /mod/order); do
		echo "E2E-VIO-INSMOD $m"
		insmod "/mod/$m" || echo "E2E-VIO-INSMOD-FAIL $m"
	done
	i=0
	while [ "$2" != none ] && [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
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
p9m)
	mkdir -p /mnt /ro
	mount -t 9p -o trans=virtio,version=9p2000.L hostshare /mnt && echo E2E-9P-MOUNTED
	mount -t 9p -o trans=virtio,version=9p2000.L roshare /ro && echo E2E-9P-RO-MOUNTED
	echo "E2E-9P-HOST $(cat /mnt/from-host.txt)"
	echo E2E-9P-END
	;;
p9t)
	mkdir -p /mnt/tree/a/b /mnt/tree/c
	i=0
	while [ $i -lt 16 ]; do
		head -c $((i * 3001 + 1)) /dev/urandom >/mnt/tree/a/b/f$i
		i=$((i + 1))
	done
	dd if=/dev/urandom of=/mnt/tree/big bs=65536 count=16 2>/dev/null
	echo moved-by-L2 >/mnt/tree/c/m.txt
	mv /mnt/tree/c/m.txt /mnt/tree/a/m.txt && echo E2E-9P-RENAMED
	# open, unlink, then read and stat through the open file
	echo kept >/mnt/ou.txt
	exec 4</mnt/ou.txt
	rm /mnt/ou.txt
	echo "E2E-9P-OU $(cat <&4) $([ -e /mnt/ou.txt ] && echo still-there || echo gone)"
	echo "E2E-9P-OUSTAT $(wc -c </proc/self/fd/4 2>&1)"
	exec 4<&-
	sync
	(cd /mnt/tree && find . -type f | sort | xargs sha256sum) | sed 's/^/E2E-9P-SUM /'
	echo E2E-9P-END
	;;
vport)
	i=0
	while [ "$(cat /sys/class/virtio-ports/*/name 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	for f in /sys/class/virtio-ports/*/name; do
		echo "E2E-VPORT-NAME $(basename "$(dirname "$f")") $(cat "$f")"
	done
	in=$(basename "$(dirname "$(grep -lx in /sys/class/virtio-ports/*/name)")")
	out=$(basename "$(dirname "$(grep -lx out /sys/class/virtio-ports/*/name)")")
	cat "/dev/$in" >"/dev/$out"
	echo "E2E-VPORT-COPIED rc=$?"
	echo E2E-VPORT-END
	;;
net)
	cat >/udhcpc.sh <<'EOS'
#!/bin/busybox sh
case "$1" in bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
	echo "E2E-NET-LEASE $ip/$mask router ${router%% *} dns $dns"
	;;
esac
EOS
	chmod 755 /udhcpc.sh
	ip link set lo up
	ip link set eth0 up
	echo "E2E-NET-LINK $(cat /sys/class/net/eth0/address) mtu $(cat /sys/class/net/eth0/mtu)"
	udhcpc -i eth0 -n -q -t 10 -T 2 -s /udhcpc.sh 2>&1 | sed 's/^/E2E-NET-DHCP /'
	gw=$(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')
	echo "E2E-NET-ADDR $(ip -4 addr show dev eth0 | sed -n 's/.*inet \([0-9./]*\).*/\1/p') gw $gw"
	t0=$(cut -d' ' -f1 /proc/uptime)
	sum=$(wget -q -O - "http://$gw:8080/blob" | sha256sum | cut -d' ' -f1)
	echo "E2E-NET-SUM $sum in $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s"
	nc -l -p 7777 -e echo E2E-NET-HELLO-FROM-L2 &
	sleep 0.5
	echo E2E-NET-LISTEN
	;;
tap)
	# Each transfer's end is the sender's: busybox nc quits as soon as the
	# other side's half closes, so the side that only receives must keep
	# its socket's sending half open (nc -e: a program that reads the
	# socket to its end) or the sender's nc stops early.
	ip link set lo up
	ip addr add 10.0.9.2/24 dev eth0
	ip link set eth0 up
	printf '#!/bin/busybox sh\ncat >/tap.bin\n' >/tap-rx.sh
	printf '#!/bin/busybox sh\ncat /tap.bin\n' >/tap-tx.sh
	chmod 755 /tap-rx.sh /tap-tx.sh
	(nc -l -p 7778 -e /tap-rx.sh
	 echo "E2E-TAP-SUM $(sha256sum </tap.bin | cut -d' ' -f1) $(wc -c </tap.bin)") &
	nc -l -p 7779 -e /tap-tx.sh &
	sleep 0.5
	echo E2E-TAP-LISTEN
	;;
p9r)
	echo "E2E-9P-READ $(cat "/mnt/$2")"
	echo E2E-9P-END
	;;
p9e)
	# The host's links: /etc and ../p9out. The guest resolves a link in its
	# own namespace, so neither reaches L1's files; the server refuses to
	# follow one itself (walks through it: ELOOP, seen as ENOENT).
	echo "E2E-9P-ESC hostetc-link $(readlink /mnt/hostetc)"
	cat /mnt/up/secret >/dev/null 2>&1 && echo E2E-9P-ESC-READ-UP
	echo pwn 2>/dev/null >/mnt/up/pwned && echo E2E-9P-ESC-WROTE-UP
	ln -s /etc /mnt/guestetc && echo "E2E-9P-ESC guest-link $(readlink /mnt/guestetc)"
	ls /mnt/../.. >/dev/null 2>&1 && echo "E2E-9P-ESC dotdot $(ls -d /mnt/../../* | head -n 3 | tr '\n' ' ')"
	cat /mnt/../../p9out/secret >/dev/null 2>&1 && echo E2E-9P-ESC-READ-DOTDOT
	echo E2E-9P-END
	;;
p9ro)
	echo "E2E-9P-ROREAD $(cat /ro/from-host.txt)"
	touch /ro/new 2>&1 | sed 's/^/E2E-9P-ROERR /'
	mkdir /ro/d 2>&1 | sed 's/^/E2E-9P-ROERR /'
	rm /ro/from-host.txt 2>&1 | sed 's/^/E2E-9P-ROERR /'
	mv /ro/from-host.txt /ro/x 2>&1 | sed 's/^/E2E-9P-ROERR /'
	echo E2E-9P-END
	;;
p9mount)
	mkdir -p /mnt
	mount -t 9p -o trans=virtio,version=9p2000.L "$2" /mnt && echo E2E-9P-MOUNTED
	echo E2E-9P-END
	;;
p9w)
	mkdir -p "/mnt/$2/d"
	i=0
	while [ $i -lt 8 ]; do
		head -c $((i * 7919 + 1)) /dev/urandom >"/mnt/$2/d/f$i"
		i=$((i + 1))
	done
	dd if=/dev/urandom of="/mnt/$2/big" bs=65536 count=4 2>/dev/null
	sync
	(cd "/mnt/$2" && find . -type f | sort | xargs sha256sum) | sed "s/^/E2E-9P-WSUM $2 /"
	echo E2E-9P-END
	;;
p9sum)
	(cd "/mnt/$2" && find . -type f | sort | xargs sha256sum) | sed "s/^/E2E-9P-XSUM $2 /"
	echo E2E-9P-END
	;;
esac
