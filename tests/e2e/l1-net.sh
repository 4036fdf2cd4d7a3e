# L1's side of passt (docs/net.md), sourced by tests/e2e/scenarios.sh (the
# net scenario) and bench/net-l1.sh (make bench-net):
#   net_l1_link    L1 has no network: a dummy interface with 192.0.2.1/24
#                  and a default route via 192.0.2.254 (nothing behind it),
#                  which passt needs to pick its addresses
#   net_root       /tmp/netroot and /tmp/in-netroot CMD ARG...: CMD where
#                  passt can sandbox itself. passt pivots into an empty
#                  root, which the kernel refuses to a process whose root is
#                  the initramfs, and makes a user namespace, which it
#                  refuses to a chrooted process: CMD runs as after
#                  switch_root, in a mount namespace of its own whose / is a
#                  tmpfs holding the same files (moved over the initramfs,
#                  then chroot into it: not "chrooted" to the kernel). L1's
#                  /tmp is the same directory inside.
NR=/tmp/netroot

net_l1_link() {
	local m
	m=$(find /lib/modules -name dummy.ko | head -n 1)
	[ -n "$m" ] && insmod "$m" numdummies=1 2>/dev/null
	ip link set lo up && ip link set dummy0 up && ip addr add 192.0.2.1/24 dev dummy0 &&
		ip route add default via 192.0.2.254 dev dummy0
}

net_root() {
	[ -d $NR/l2 ] && return 0
	mkdir -p $NR && mount -t tmpfs netroot $NR || return 1
	cp -a /bin /lib /l2 /lkvm $NR/ && { [ ! -d /lib64 ] || cp -a /lib64 $NR/; } && cp -a /usr $NR/ || return 1
	mkdir -p $NR/etc $NR/dev $NR/proc $NR/sys $NR/tmp
	echo 'root:x:0:0:root:/:/bin/sh' >$NR/etc/passwd
	echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>$NR/etc/passwd
	printf 'root:x:0:\nnogroup:x:65534:\n' >$NR/etc/group
	mount --bind /dev $NR/dev && mount -t proc proc $NR/proc && mount -t sysfs sys $NR/sys &&
		mount --bind /tmp $NR/tmp || return 1
	cat >/tmp/in-netroot <<'EOS'
#!/bin/sh
exec unshare -m --propagation private sh -c 'cd /tmp/netroot && mount --move . / && exec chroot . env PATH=/bin:/usr/bin LKVM_DIR=/tmp/netctl "$@"' in-netroot "$@"
EOS
	chmod 755 /tmp/in-netroot
}
