#!/bin/busybox sh
# make bench-boot, inside L1 (run as /job.sh by tests/e2e/l1-init): boots the
# same L2 kernel and initramfs with each VMM configuration named in the
# arguments, BENCH_RUNS rounds (configurations take turns within a round),
# and prints one line per boot:
#   BENCH-ROW <config> <round> <seconds to /init> <exits> <userspace exits> <VMM RSS kB>
# or BENCH-FAIL <config> <round> <reason>; L2's other console lines follow
# as BENCH-LOG lines. Rounds BENCH_FIRST..BENCH_RUNS run; when BENCH_FIRST > 1
# (a new L1 after a stuck one) a warm-up round 0 comes first. A boot that
# has not reached /init after BENCH_BOOT_TIMEOUT s prints BENCH-STUCK and
# ends the job: QEMU's TCG can leave an L1 CPU stuck in L2 for good (see
# tests/e2e/README.md), and every later number from that L1 would be off.
#   seconds to /init   L1's uptime when L2's first /init line reached the
#                      VMM's stdout, minus L1's uptime just before the VMM
#                      was started (same clock, same pipe for every VMM).
#   exits              L1's KVM debugfs "exits" (every exit of the VM's
#                      vCPUs, whether KVM or the VMM handled it), read as
#                      soon as the marker is seen: the VM is still running
#                      and is the only one. Userspace exits = io_exits +
#                      mmio_exits (the ones that reach the VMM); arm64
#                      has no port I/O: mmio_exit_user there. ppc64
#                      (KVM-HV): counted in L1's trace buffer, cleared
#                      before each boot: every exit is a kvm_hv:
#                      kvm_guest_exit event (KVM-HV's "sum_exits" misses
#                      the H_CEDE ones); the VMM's share is mmio_exits
#                      plus the hcalls KVM-HV passes on (kvm_hv:
#                      kvm_hcall_exit with RESUME_HOST: the console's,
#                      RTAS; KVM-HV has no counter for them).
#   VMM RSS            Rss in /proc/PID/smaps summed over every mapping of
#                      the VMM process except guest RAM (mappings of at
#                      least the guest's RAM size), at the same moment.
RUNS=${BENCH_RUNS:-4}
MEM=${BENCH_MEM:-256}
TMO=${BENCH_BOOT_TIMEOUT:-90}
FIRST=${BENCH_FIRST:-1}
INITRD=/l2/initrd
KD=/sys/kernel/debug/kvm
# arm64: QEMU's virt machine (vGICv3, as lkvm's), whose UART is a PL011
# (ttyAMA0) where lkvm's is a 16550 (ttyS0). ppc64: pseries with VOF (no
# SLOF boot), both consoles the PAPR vty (hvc0); QEMU's default capabilities
# (L1's nested KVM-HV accepts them), BENCH_QEMU_CAPS=,cap-...=... adds to -M.
CONSOLE=ttyS0
KX=exits
case "$(uname -m)" in
aarch64)
	QEMU=/usr/bin/qemu-system-aarch64
	QEMU_M=virt,gic-version=3
	;;
ppc64le)
	QEMU=/usr/bin/qemu-system-ppc64
	QEMU_M=pseries,x-vof=on${BENCH_QEMU_CAPS:-}
	CONSOLE=hvc0
	KX=sum_exits
	;;
*)
	QEMU=/usr/bin/qemu-system-x86_64
	QEMU_M=pc
	;;
esac
PARAMS=$(echo "${BENCH_L2_PARAMS:-console=$CONSOLE+quiet}" | tr + ' ')
[ -n "${BENCH_DMESG:-}" ] && PARAMS="$PARAMS bench_dmesg=1"
QPARAMS=$PARAMS
[ "$QEMU_M" = virt,gic-version=3 ] && QPARAMS=$(echo "$PARAMS" | sed 's/console=ttyS0/console=ttyAMA0/')

now() { cut -d' ' -f1 /proc/uptime; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -r $KD/$KX ] || { echo "BENCH-FAIL all 0 L1 has no KVM debugfs statistics ($KD/$KX)"; exit 0; }
# ppc64: exits and returns from KVM_RUN, from the trace buffer.
TR=/sys/kernel/debug/tracing
EV=$TR/events/kvm_hv
if [ "$KX" = sum_exits ]; then
	if [ -w $EV/kvm_guest_exit/enable ] && [ -w $EV/kvm_hcall_exit/enable ]; then
		echo 8192 >$TR/buffer_size_kb
	else
		echo "BENCH-L1: no $EV tracepoints: exits are sum_exits, 'to the VMM' MMIO exits only"
		EV=
	fi
fi

# Run (exec) the VMM of a configuration: the same kernel file, initramfs,
# RAM, one vCPU and command line for all.
vmm_exec() {	# config
	local k=/l2/vmlinux t=
	case "$1" in *-bzimage) k=/l2/bzImage ;; *-image) k=/l2/Image ;; esac
	# arm64 lkvm-acpi-image / base-acpi-image: the same Image through lkvm's
	# EFI hand-over and ACPI tables (--tables acpi) instead of a device tree.
	case "$1" in *-acpi-*) t="--tables acpi" ;; esac
	case "$1" in
	lkvm-*) exec /lkvm run -k $k -i $INITRD -m $MEM -c 1 --name bench $t -p "$PARAMS" ;;
	base-*) exec /lkvm-base run -k $k -i $INITRD -m $MEM -c 1 --name bench $t -p "$PARAMS" ;;
	qemu-*) exec $QEMU -accel kvm -M $QEMU_M -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $k -initrd $INITRD -append "$QPARAMS" ;;
	# microvm: no PCI, ACPI tables, qboot firmware; the peer closest to lkvm.
	microvm-*) exec $QEMU -accel kvm -M microvm -cpu host -m $MEM -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-kernel $k -initrd $INITRD -append "$PARAMS" ;;
	esac
	echo "unknown configuration $1" >&2
	exit 2
}

. /vmm-rss.sh

# ppc64: the exits in the trace buffer by trap (where they come from).
trace_tally() {
	awk '/ kvm_guest_exit:/ { for (i = 1; i <= NF; i++) if ($i ~ /^trap=/) n[substr($i, 6)]++ }
		END { for (k in n) print n[k], k }' $TR/trace | sort -rn | head -n 8 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }'
}

# L2's console lines other than the marker (few: the command line has quiet).
relay() {	# config dir
	grep -v ' BENCH-L2-INIT$' $2/out | grep -v ' BENCH-DMESG' | head -n 30 | sed "s/^/BENCH-LOG $1 /"
}

# BENCH_IDLE=1: what the idle guest costs after /init (its timers, arm64
# ACPI's polled GHES sources): exits per second over 3 s, from 1 s after the
# marker (within the 5 s L2 waits before BENCH_DMESG's log).
vm_exits() { local f n=0; for f in "$@"; do [ -r $KD/$f ] && n=$((n + $(cat $KD/$f))); done; echo $n; }
idle_rate() {	# config round
	local a u
	sleep 1
	a=$(vm_exits $KX)
	u=$(vm_exits io_exits mmio_exits mmio_exit_user)
	sleep 3
	echo "BENCH-L1: $1 round $2: idle $((($(vm_exits $KX) - a) / 3)) exits/s ($((($(vm_exits io_exits mmio_exits mmio_exit_user) - u) / 3)) to the VMM)"
}

boot_one() {	# config round
	local d=/tmp/bench pid t0 t end line exits user f rss range
	rm -rf $d
	mkdir -p $d
	mkfifo $d/marker
	exec 4<>$d/marker	# read-write: opening never blocks, awk always has a reader
	if [ "$KX" = sum_exits ] && [ -n "$EV" ]; then
		echo 0 >$EV/enable
		: >$TR/trace
		echo 1 >$EV/kvm_guest_exit/enable
		echo 1 >$EV/kvm_hcall_exit/enable
	fi
	t0=$(now)
	(
		exec 4<&-
		{
			vmm_exec "$1" </dev/null 2>$d/err &
			echo $! >$d/pid
			wait $!
			echo $? >$d/rc
		} | awk -v out=$d/out -v fifo=$d/marker '
			{ sub(/\r$/, ""); getline t < "/proc/uptime"; close("/proc/uptime")
			  split(t, u, " "); print u[1], $0 > out; fflush(out)
			  if (!m && $0 ~ /BENCH-L2-INIT$/) { m = 1; print u[1] > fifo; close(fifo) } }
			END { if (!m) { print "EOF" > fifo; close(fifo) } }'
	) &
	# No polling: the shell sleeps in read(2) until awk has seen the marker
	# (or the VMM's output ended), so L1's CPUs are left to the VMM.
	line=
	read -t "$TMO" -r line <&4
	exec 4<&-
	case "$line" in
	'')
		echo "BENCH-STUCK $1 $2 no /init marker after $TMO s"
		relay "$1" $d
		kill -9 "$(cat $d/pid)" 2>/dev/null
		return 1
		;;
	EOF)
		wait
		echo "BENCH-FAIL $1 $2 the VMM exited with status $(cat $d/rc) before L2's /init: $(tail -n 2 $d/err | tr '\n' ' ')"
		relay "$1" $d
		return 0
		;;
	esac
	exits=$(cat $KD/$KX)
	user=0
	for f in io_exits mmio_exits mmio_exit_user; do
		[ -r $KD/$f ] && user=$((user + $(cat $KD/$f)))
	done
	if [ "$KX" = sum_exits ] && [ -n "$EV" ]; then
		echo 0 >$EV/enable
		exits=$(grep -c ' kvm_guest_exit:' $TR/trace)
		user=$((user + $(grep -c ' kvm_hcall_exit:.* ret=RESUME_HOST' $TR/trace)))
		f=$(cat $TR/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } END { print s + 0 }')
		[ "$f" = 0 ] || echo "BENCH-L1: $1 round $2: $f trace events lost (overrun): exits undercounted"
		f=$(trace_tally)
		echo "BENCH-L1: $1 round $2: exits by trap: $f"
	fi
	pid=$(cat $d/pid)
	range=
	case "$1" in lkvm-* | base-*)
		f=/lkvm
		[ "${1%%-*}" = lkvm ] || f=/lkvm-base
		$f stat --name bench >$d/stat 2>&1
		range=$(awk '/^ram_hva / { print $2 }' $d/stat)
		echo "BENCH-L1: $1 round $2: $(grep -E '^(startup_us|load_mapped_bytes) ' $d/stat | tr '\n' ' ')"
		;;
	esac
	rss=$(vmm_rss "$pid" "$range")
	t=$(awk -v a="$t0" -v b="$line" 'BEGIN { printf "%.2f", b - a }')
	echo "BENCH-ROW $1 $2 $t $exits $user $rss"
	relay "$1" $d
	[ -n "${BENCH_IDLE:-}" ] && idle_rate "$1" "$2"
	if [ -n "${BENCH_DMESG:-}" ]; then
		end=$(awk -v a="$(now)" 'BEGIN { print a + 60 }')
		until grep -q BENCH-DMESG-END $d/out || awk -v a="$(now)" -v b="$end" 'BEGIN { exit !(a > b) }'; do
			usleep 200000
		done
		echo "BENCH-L1: $1 round $2: L2 log has $(grep -c BENCH-DMESG $d/out) lines at $(now) s"
		sed "s/^/BENCH-LOG $1 /" $d/out
		case "$1" in lkvm-*) /lkvm stat --name bench 2>&1 | sed "s/^/BENCH-LOG $1 stat: /" ;; esac
	fi
	kill "$pid"
	wait
	return 0
}

CONFIGS=${*:-lkvm-vmlinux lkvm-bzimage qemu-vmlinux qemu-bzimage microvm-vmlinux microvm-bzimage}
echo "BENCH-L1: $(/lkvm version 2>&1 | head -n 1); $($QEMU --version 2>&1 | head -n 1)"
echo "BENCH-L1: L2 gets $MEM MiB, 1 vCPU, '$PARAMS'$([ "$QPARAMS" = "$PARAMS" ] || echo " (QEMU: '$QPARAMS')"); QEMU -M $QEMU_M; $RUNS rounds of: $CONFIGS"
r=$FIRST
[ "$FIRST" -gt 1 ] && r=0
while [ $r -le "$RUNS" ]; do
	for c in $CONFIGS; do
		boot_one "$c" $r || exit 0
	done
	[ $r = 0 ] && r=$FIRST || r=$((r + 1))
done
