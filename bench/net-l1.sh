#!/bin/busybox sh
# L1's job in `make bench-net` (bench/net.sh): the same L2 (Debian kernel,
# 256 MiB, 1 vCPU) runs bench/nettest.c against /nettest's server on L1's
# loopback with each VMM and backend, BENCH_RUNS rounds taking turns:
#   lkvm        lkvm run -n mode=user: lkvm starts passt (--fd, virtio-mmio)
#   qemu-passt  qemu -M pc, virtio-net-pci on -netdev stream to a passt
#               started with lkvm's options (-s SOCKET instead of --fd)
#   qemu-user   qemu -M pc, virtio-net-pci on -netdev user (libslirp)
#   lkvm-base   BENCH_LKVM_BASE's lkvm, as lkvm (bench/vmm-bed.sh)
# No backend offers checksum or segmentation offloads here (passt's and
# slirp's streams carry no virtio-net header): MTU 1500 frames every way.
# Each run prints
#   BENCH-NET-ROW config round tx_mbits rx_mbits rr_tps
#   BENCH-NET-CPU config round name=s... idle=s wall=s
# the second the CPU time (user + system, vCPUs' guest time included) each
# thread of the VMM (by name), passt and L1's server took while L2 ran its
# tests, L1's idle time (both CPUs) and the wall time: where a lost row's
# time went. BENCH_NET_TESTS (tx,rx,rr) runs only some tests.
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_NET_SECS:-5}
MEM=256
K=/l2/bzImage
INITRD=/l2/initrd
PARAMS="console=ttyS0 quiet nt_secs=$SECS${BENCH_NET_TESTS:+ nt_tests=$BENCH_NET_TESTS}"
QEMU="/usr/bin/qemu-system-x86_64 -accel kvm -M pc -cpu host -m $MEM -smp 1 -nodefaults -no-user-config -display none -serial stdio -no-reboot"
PASST_OPTS="--foreground --quiet --mtu 1500"
SOCK=/tmp/passt-bench.sock

vmm_exec() {	# config
	case "$1" in
	lkvm) exec /tmp/in-netroot /lkvm run -k $K -i $INITRD -m $MEM -c 1 --name bench -p "$PARAMS" -n mode=user ;;
	lkvm-base) exec /tmp/in-netroot /lkvm-base run -k $K -i $INITRD -m $MEM -c 1 --name bench -p "$PARAMS" -n mode=user ;;
	qemu-passt) exec $QEMU -kernel $K -initrd $INITRD -append "$PARAMS" \
		-netdev stream,id=n0,server=off,addr.type=unix,addr.path=$SOCK \
		-device virtio-net-pci,netdev=n0,romfile= ;;
	qemu-user) exec $QEMU -kernel $K -initrd $INITRD -append "$PARAMS" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= ;;
	esac
	exit 2
}

# "name ticks" per thread of each pid (by name; a name's threads summed
# later), then "idle ticks" (all CPUs) and "wall centiseconds".
cpu_snap() {	# label=pid...
	local a p t s rest
	for a in "$@"; do
		p=${a#*=}
		[ -n "$p" ] || continue
		for t in /proc/$p/task/*; do
			s=$(cat $t/stat 2>/dev/null) || continue
			rest=${s##*) }
			set -- $rest
			s=${s#*(}
			echo "${a%%=*}:$(echo "${s%)*}" | tr ' /' '__') $((${12} + ${13}))"
		done
	done
	awk '/^cpu / { print "idle", $5 + $6 }' /proc/stat
	awk '{ printf "wall %d\n", $1 * 100 }' /proc/uptime
}

# The second snapshot less the first, in seconds (USER_HZ 100): one line.
cpu_diff() {	# before after
	awk 'NR == FNR { a[$1] += $2; next } { b[$1] += $2; if (!($1 in o)) { o[$1] = ++n; k[n] = $1 } }
	END { for (i = 1; i <= n; i++) { d = (b[k[i]] - a[k[i]]) / 100; if (d > 0) printf " %s=%.2f", k[i], d } }' "$1" "$2"
}

run_one() {	# config round
	local d=/tmp/net pid ppid= i line snap=
	rm -rf $d $SOCK
	mkdir -p $d
	if [ "$1" = qemu-passt ]; then
		/tmp/in-netroot /usr/bin/passt $PASST_OPTS --one-off -s $SOCK >$d/passt 2>&1 &
		ppid=$!
		i=0
		while [ ! -S $SOCK ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	vmm_exec "$1" </dev/null >$d/out 2>$d/err &
	pid=$!
	i=0
	# At most 200 s (the bed takes 240 s of silence for a frozen L1).
	while ! grep -q BENCH-NET-DONE $d/out && [ $i -lt 800 ] && kill -0 $pid 2>/dev/null; do
		# L2's address line comes just before its tests: the CPU count starts.
		if [ -z "$snap" ] && grep -q BENCH-NET-ADDR $d/out; then
			snap=1
			cpu_snap vmm=$pid passt=$(pidof passt) server=$SERVER >$d/cpu0
			echo "BENCH-NET-LOG $1 $2: L2 has its address after $((i / 4)) s: testing"
		fi
		sleep 0.25
		i=$((i + 1))
	done
	[ -z "$snap" ] || { cpu_snap vmm=$pid passt=$(pidof passt) server=$SERVER >$d/cpu1
		echo "BENCH-NET-CPU $1 $2$(cpu_diff $d/cpu0 $d/cpu1)"; }
	line=$(grep -a 'BENCH-NET tx_mbits' $d/out | tr -d '\r' | head -n 1)
	if [ -n "$line" ]; then
		set -- "$1" "$2" $line
		echo "BENCH-NET-ROW $1 $2 $5 $7 $9"
	else
		echo "BENCH-NET-FAIL $1 $2: $(grep -a BENCH-NET-FAIL $d/out | head -n 1) $(tail -n 2 $d/err | tr '\n' ' ') $(tail -n 2 $d/passt 2>/dev/null | tr '\n' ' ')"
		tail -n 15 $d/out | sed "s/^/BENCH-NET-LOG $1 /"
	fi
	grep -a BENCH-NET-TCP $d/out | tr -d '\r' | head -n 1 | sed "s/^/BENCH-NET-LOG $1 /"
	grep -a BENCH-NET-ADDR $d/out | tr -d '\r' | head -n 1 | sed "s/^/BENCH-NET-LOG $1 /"
	# Where lkvm's exits and frames went (docs/net.md's counters), for a lost row.
	case "$1" in lkvm*) /tmp/in-netroot /lkvm stat --name bench 2>/dev/null |
		grep -E '^virtio-net0\.|^exits' | grep -v ' 0$' | tr '\n' ' ' | sed "s/^/BENCH-NET-LOG $1 stat: /"; echo ;;
	esac
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ -z "$ppid" ] || { kill $ppid 2>/dev/null; wait $ppid 2>/dev/null; }
}

. /l1-net.sh
net_l1_link || echo "BENCH-NET-FAIL cannot give L1 the dummy interface passt needs"
net_root || echo "BENCH-NET-FAIL cannot make the tmpfs root for lkvm and passt"
[ -e /lkvm-base ] && cp -a /lkvm-base $NR/lkvm-base
/nettest server 5201 &
SERVER=$!
echo "E2E-L1: $(/lkvm version 2>&1 | head -n 1); $(/usr/bin/qemu-system-x86_64 --version 2>&1 | head -n 1); $SECS s per test"
for r in $(seq $RUNS); do
	for c in ${*:-lkvm qemu-passt qemu-user}; do
		run_one $c $r
	done
done
