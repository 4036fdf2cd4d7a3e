#!/bin/busybox sh
# The end-to-end scenarios, run inside L1 (see tests/e2e/README.md).
# Each prints one line:  E2E-RESULT: PASS|FAIL|SKIP <name>: <reason> (<seconds> s)
# usage: scenarios.sh [scenario...]   (default: all, in order)
LKVM=/lkvm
INITRD=/l2/initrd
case "$(uname -m)" in
aarch64)
	# lkvm's arm64 console is a 16550 UART at MMIO 0x1000000.
	# panic=-1: a guest that stops itself on an SError resets at once (PSCI).
	ARCH=arm64
	KERNEL=/l2/Image
	L2_PARAMS=console=ttyS0+earlycon=uart,mmio,0x1000000+quiet+panic=-1
	# Errors a vCPU consumed reach the reader as a synchronous external
	# abort with --ras-arm-notify=sea: SIGBUS BUS_OBJERR (3), not BUS_MCEERR_AR.
	RECOVERY_OPTS=--ras-arm-notify=sea
	AR_SIGBUS_CODE=3
	# An SError carries no address: a page the guest frees is reused and
	# consumed. Pages poisoned while untouched stay held by a memtest child.
	AO_PAGE=idle
	;;
ppc64le)
	# lkvm's ppc64 console is the PAPR vty (hvc0); pages are 64 KiB.
	ARCH=ppc64
	KERNEL=/l2/vmlinux
	L2_PARAMS=console=hvc0+quiet+panic=-1
	RECOVERY_OPTS=
	AR_SIGBUS_CODE=4
	AO_PAGE=ao
	PAGE_SHIFT=16
	# virtio-console comes after the vty (hvc0).
	HVC=/dev/hvc1
	;;
*)
	ARCH=x86
	KERNEL=/l2/bzImage
	L2_PARAMS=console=ttyS0+quiet
	RECOVERY_OPTS=
	AR_SIGBUS_CODE=4
	AO_PAGE=ao
	;;
esac
# E2E_L2_PARAMS (from run.sh, '+' for spaces) replaces L2's command line for debugging.
PARAMS=$(echo "${E2E_L2_PARAMS:-$L2_PARAMS}" | tr + ' ')
MEM=256
# The early-kill AO may tell the guest before its read: ppc64's FWNMI, and
# since the AMD AO through a polled GHES source (x86) and arm64's GHES, every
# arch. If L2 isolates the page before the reader's "go", no AR follows (CI,
# 2026-12-08: x86 reboot). reboot is about the second boot: either kind will do.
REBOOT_KIND=A.
PAGE_SHIFT=${PAGE_SHIFT:-12}
HVC=${HVC:-/dev/hvc0}
# vCPUs of L2: 2 for the boot scenario (SMP through lkvm's MP table), 1 for
# the memory-error drills. With 2, L1 (one TCG CPU) can freeze for good when
# an L2 vCPU spins with interrupts off waiting for the other one: QEMU's TCG
# does not take L1's interrupts then (see README.md). One vCPU cannot wait
# for another, so the drills do not depend on that luck.
SMP_CPUS=${E2E_SMP_CPUS:-2}
CPUS=${E2E_CPUS:-1}
BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-180}

# E2E_THP: L1's transparent_hugepage/enabled (always|madvise|never), to try
# lkvm's guest RAM without huge pages.
[ -n "${E2E_THP:-}" ] && echo "$E2E_THP" >/sys/kernel/mm/transparent_hugepage/enabled

trap '' PIPE	# a write to a guest that already ended must not kill us

now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
later_than() { awk -v a="$(now)" -v b="$1" 'BEGIN { exit !(a > b) }'; }

result() {	# status name reason
	echo "E2E-RESULT: $1 $2: $3 ($(secs "$T0" "$(now)") s)"
}

# E2E_TRACE=kvm[+kvmmmu...]: L1's ftrace records those event groups while a
# scenario runs (a ring buffer of E2E_TRACE_KB per CPU); a failed scenario's
# log ends with the last E2E_TRACE_LINES events (what L1's KVM did for L2).
TRACEFS=/sys/kernel/tracing
trace_start() {
	[ -n "${E2E_TRACE:-}" ] || return 0
	[ -d $TRACEFS/events ] || mount -t tracefs nodev $TRACEFS 2>/dev/null
	echo 0 >$TRACEFS/tracing_on
	echo 0 >$TRACEFS/events/enable
	echo "${E2E_TRACE_KB:-16384}" >$TRACEFS/buffer_size_kb
	echo >$TRACEFS/trace
	for g in $(echo "$E2E_TRACE" | tr + ' '); do
		echo 1 >"$TRACEFS/events/$g/enable" || echo "E2E-L1: no trace events $g"
	done
	echo 1 >$TRACEFS/tracing_on
}

# Everything a failed scenario left, for the log (run.sh keeps it).
dump() {
	for f in out err ras.json debug.out; do
		[ -s "$D/$f" ] && tail -n 40 "$D/$f" | sed "s|^|E2E-LOG $NAME $f: |"
	done
	grep -E '^thp_|^compact_' /proc/vmstat | tr '\n' ' ' | sed "s|^|E2E-LOG $NAME L1 vmstat: |"
	echo
	if [ -n "${E2E_TRACE:-}" ]; then
		echo 0 >$TRACEFS/tracing_on
		grep -E 'unmap_hva_range|huge_memory|mm_|shutdown' $TRACEFS/trace | tail -n 80 | sed "s|^|E2E-LOG $NAME trace-mm: |"
		grep -v '^#' $TRACEFS/trace | tail -n "${E2E_TRACE_LINES:-400}" | sed "s|^|E2E-LOG $NAME trace: |"
	fi
}

fail() {	# name reason
	result FAIL "$1" "$2"
	dump
	vm_kill
	b_kill
	return 1
}

# Start lkvm in the background: console lines go to $D/out, each prefixed with
# L1's uptime when it arrived; commands for L2's init go in through fd 3.
vm_start() {	# name [lkvm options]
	NAME=$1
	shift
	VM_CPUS=$CPUS
	case "$NAME" in boot | boot-pvh | smp-page | acpi) VM_CPUS=$SMP_CPUS ;; esac
	D=/tmp/$NAME
	rm -rf "$D"
	mkdir -p "$D"
	mkfifo "$D/in"
	VM_T0=$(now)
	trace_start
	# x86: lkvm runs on L1's CPU 0 only (E2E_PIN=0: not). QEMU 7.2's
	# multi-threaded TCG (L0) let L1's KVM change L2's nested page tables on
	# one L1 CPU (the drill's madvise) while the other walked them for L2:
	# L2 triple-faulted with its page tables intact in RAM (docs/ras.md,
	# "Found in the nested bed"). On QEMU 10, unpinned, an L2 triple-faulted
	# once too (poweroff, no memory error: tests/e2e/README.md, "The QEMU
	# under the beds"), so the pinning stays. smp-page (two vCPUs on one L1
	# CPU) too; boot, with no memory errors, not.
	PIN=
	case "$NAME" in boot | boot-pvh) ;; *)
		[ "$ARCH" = x86 ] && [ "${E2E_PIN:-1}" = 1 ] && PIN="taskset -c 0" ;;
	esac
	(
		{
			$PIN $LKVM run -k $KERNEL -i $INITRD -p "$PARAMS" -m $MEM -c $VM_CPUS --name "$NAME" \
				--ras-log "$D/ras.json" "$@" <"$D/in" 2>"$D/err" &
			echo $! >"$D/pid"
			wait $!
			echo $? >"$D/rc"
		} | awk '{ sub(/\r$/, ""); getline t < "/proc/uptime"; close("/proc/uptime");
			   split(t, u, " "); print u[1], $0; fflush() }' >"$D/out"
	) &
	exec 3>"$D/in"
	echo "E2E-L1: scenario $NAME: ${PIN:+$PIN }lkvm -c $VM_CPUS $*"
	# Debugging: L2's console live on L1's, so a hang still shows how far it got.
	[ -n "${E2E_DEBUG:-}" ] && { tail -f "$D/out" | sed "s|^|E2E-LIVE $NAME |" & }
}

send() { echo "$*" >&3; }

# A second VM beside the current one (9p: two lkvm on one share at once).
# b_start starts it as vm_start does, its console then on fd 4 and its
# state in B_D, B_NAME, B_T0; b_swap makes it the current VM (D, NAME,
# VM_T0 and fd 3 traded with fd 4), so wait_for, send, vm_wait_exit work
# on it, and back; b_end after its vm_wait_exit (which closed fd 3) swaps
# back to the first; b_kill stops it (fail() does).
B_D=
b_start() {	# name [lkvm options]
	local d=$D n=$NAME t=$VM_T0
	exec 5>&3
	vm_start "$@"
	B_D=$D B_NAME=$NAME B_T0=$VM_T0
	D=$d NAME=$n VM_T0=$t
	exec 4>&3 3>&5 5>&-
}
b_swap() {
	local d=$D n=$NAME t=$VM_T0
	D=$B_D NAME=$B_NAME VM_T0=$B_T0
	B_D=$d B_NAME=$n B_T0=$t
	exec 5>&3 3>&4 4>&5 5>&-
}
b_end() {
	D=$B_D NAME=$B_NAME VM_T0=$B_T0
	B_D=
	exec 3>&4 4>&-
}
b_kill() {
	[ -n "$B_D" ] || return 0
	if [ -f "$B_D/pid" ] && [ ! -f "$B_D/rc" ]; then
		kill -9 "$(cat "$B_D/pid")" 2>/dev/null
		sleep 1
	fi
	exec 4>&-
	B_D=
}


# Wait for the n-th console line matching an extended regexp; sets LINE.
wait_for() {	# regexp timeout [n]
	local end
	end=$(awk -v a="$(now)" -v b="$2" 'BEGIN { print a + b }')
	while :; do
		LINE=$(grep -E -- "$1" "$D/out" | sed -n "${3:-1}p")
		[ -n "$LINE" ] && return 0
		if [ -f "$D/rc" ]; then
			sleep 0.3
			LINE=$(grep -E -- "$1" "$D/out" | sed -n "${3:-1}p")
			[ -n "$LINE" ] && return 0
			WHY="lkvm exited with status $(cat "$D/rc") first: $(tail -n 1 "$D/err")"
			return 1
		fi
		if later_than "$end"; then
			WHY="nothing after $2 s"
			return 1
		fi
		sleep 0.5
	done
}

# Wait for lkvm to exit; sets RC.
vm_wait_exit() {	# timeout
	local end
	end=$(awk -v a="$(now)" -v b="$1" 'BEGIN { print a + b }')
	while [ ! -f "$D/rc" ]; do
		if later_than "$end"; then
			RC=timeout
			vm_kill
			return 1
		fi
		sleep 0.5
	done
	sleep 0.2
	RC=$(cat "$D/rc")
	exec 3>&-
	return 0
}

vm_kill() {
	if [ -f "$D/pid" ] && [ ! -f "$D/rc" ]; then
		kill -9 "$(cat "$D/pid")" 2>/dev/null
		sleep 1
	fi
	exec 3>&-
}

# Time of a console line (its first field), relative to lkvm's start.
line_secs() { secs "$VM_T0" "${1%% *}"; }

# L2's memtest (ar or ao) fills a page and prints its address, then waits
# for "go". Sets GPA and PFN.
l2_page() {	# ar|ao
	send "$1"
	wait_for ' E2E-GPA 0x' 60 || { WHY="no page address from L2: $WHY"; return 1; }
	GPA=$(echo "$LINE" | sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p')
	PFN=$(printf '%#x' $((GPA >> PAGE_SHIFT)))
}

# L2 fills a page; L1 poisons it for real; L2 reads it. Sets GPA and PFN.
poison_touched_page() {
	l2_page ar || return 1
	poison "$GPA" || return 1
	# lkvm may already be gone (--ras-policy=stop on the early-kill AO):
	# the scenario's own checks say whether that was right.
	send go 2>/dev/null
	return 0
}

poison() {	# gpa [--ao]
	$LKVM debug --name "$NAME" --poison "$@" >"$D/debug.out" 2>&1
	local rc=$?
	if [ $rc != 0 ]; then
		WHY="lkvm debug --poison $1 exited $rc: $(cat "$D/debug.out")"
		return 1
	fi
	if ! grep -q 'for real' "$D/debug.out"; then
		WHY="MADV_HWPOISON did not work in L1: $(cat "$D/debug.out")"
		return 1
	fi
}

# The event log line for kind/gpa/action, if any.
ras_event() {	# kind gpa action
	grep "\"kind\":\"$1\"" "$D/ras.json" 2>/dev/null | grep "\"gpa\":\"$2\"" |
		grep "\"action\":\"$3\"" | head -n 1
}

info() {	# lines to show under a result
	sed "s|^|E2E-INFO $NAME: |"
}

scn_boot() {	# [name]: boot-pvh boots the uncompressed vmlinux instead
	local sname=${1:-boot}
	T0=$(now)
	vm_start "$sname"
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail "$sname" "L2 never reached its /init: $WHY"; return; }
	local t cpus
	t=$(line_secs "$LINE")
	cpus=$(echo "$LINE" | sed -n 's/.*cpus=\([0-9]*\).*/\1/p')
	if [ -n "${E2E_DEBUG:-}" ]; then
		# The whole L2 kernel log, for the L1 console log (slow: every byte exits).
		send sh 'dmesg; echo E2E-DMESG-END'
		wait_for ' E2E-DMESG-END' 300
		sed "s|^|E2E-LOG $sname out: |" "$D/out"
		sed "s|^|E2E-LOG $sname err: |" "$D/err"
	fi
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail "$sname" "L2 reached /init in $t s but did not answer on its console: $WHY"; return; }
	send reboot
	vm_wait_exit 120 || { fail "$sname" "L2 reached /init in $t s but lkvm did not exit after reboot -f"; return; }
	[ "$RC" = 0 ] || { fail "$sname" "L2 reached /init in $t s; after reboot -f lkvm exited $RC, want 0"; return; }
	if [ "$cpus" != "$VM_CPUS" ]; then
		fail "$sname" "L2 reached /init in $t s but sees $cpus CPU(s) of $VM_CPUS"
		return
	fi
	local fwnmi=
	if [ $ARCH = ppc64 ]; then
		grep 'registered FWNMI' "$D/err" | info
		grep -q 'the guest registered FWNMI handlers' "$D/err" || { fail "$sname" "L2 never registered its FWNMI handlers (ibm,nmi-register)"; return; }
		fwnmi="; it registered FWNMI"
	fi
	result PASS "$sname" "L2 Linux ($KERNEL, -c $VM_CPUS, sees $cpus CPUs) printed its /init marker ${t} s after lkvm started$fwnmi; reboot -f ended lkvm with 0"
}


# arm64 --tables acpi: L2 boots the same Image through lkvm's EFI
# hand-over and ACPI tables (docs/arm64-acpi.md): it must come up on ACPI
# (not the device tree), load the HEST and its GHES sources, log no ACPI or
# firmware error or warning, and power off through PSCI with status 0.
scn_acpi() {
	T0=$(now)
	vm_start acpi --tables acpi
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail acpi "L2 never reached its /init: $WHY"; return; }
	local t bad
	t=$(line_secs "$LINE")
	# Only the lines that matter cross the console (every byte is an exit).
	send sh "dmesg | grep -Ei 'acpi|ghes|hest|apei|efi|firmware|warn|error|bug|pptt|spcr|psci|ttyS0|smp:' | sed 's/^/E2E-L2-DMESG /'; echo E2E-L2-DMESG-END"
	wait_for ' E2E-L2-DMESG-END' 300 || { fail acpi "L2 did not list its kernel log lines: $WHY"; return; }
	grep ' E2E-L2-DMESG ' "$D/out" | sed 's/.* E2E-L2-DMESG //' | info
	grep -q ' E2E-L2-DMESG .*ACPI: XSDT 0x' "$D/out" || { fail acpi "L2 did not boot on lkvm's ACPI tables (no 'ACPI: XSDT' line)"; return; }
	grep -q ' E2E-L2-DMESG .*HEST: Table parsing has been initialized' "$D/out" || { fail acpi "L2 did not take the HEST"; return; }
	bad=$(grep -E ' E2E-L2-DMESG .*(ACPI (BIOS )?(Error|Warning)|Firmware Bug|Firmware Warn|FW_BUG|WARNING:|Call trace|Failed to init ACPI|No PPTT)' "$D/out" | head -n 3)
	[ -z "$bad" ] || { fail acpi "L2 logged: $(echo "$bad" | sed 's/.* E2E-L2-DMESG //' | tr '\n' '|')"; return; }
	send poweroff
	vm_wait_exit 60 || { fail acpi "lkvm still runs 60 s after L2's poweroff (PSCI SYSTEM_OFF)"; return; }
	[ "$RC" = 0 ] || { fail acpi "lkvm exited $RC after L2's poweroff, want 0"; return; }
	local cpus
	cpus=$(grep ' E2E-L2-READY' "$D/out" | sed -n 's/.*cpus=\([0-9]*\).*/\1/p' | head -n 1)
	[ "$cpus" = "$VM_CPUS" ] || { fail acpi "L2 sees $cpus CPU(s) of $VM_CPUS (MADT GICCs, PSCI CPU_ON)"; return; }
	result PASS acpi "L2 Linux (-c $VM_CPUS, sees $cpus CPUs) booted on lkvm's ACPI tables (HEST taken, no ACPI error or warning), reached /init ${t} s after lkvm started, powered off with 0"
}

# What an ACPI drill checks in L2's output (the caller's locals mt, rec,
# hex, hw): memtest's end, the recovery of $PFN, the CPER record of $GPA.
ghes_lines() {
	mt=$(grep ' E2E-L2-MEMTEST rc=' "$D/out" | head -n 1)
	rec=$(grep -E "E2E-L2-KLOG .*Memory failure: $PFN: .*[Rr]ecovered" "$D/out" | head -n 1)
	hex=$(printf '%016x' $((GPA)))
	hw=$(grep -E "E2E-L2-KLOG .*physical_address: 0x$hex" "$D/out" | head -n 1)
}

# arm64 --tables acpi: a page an L2 process reads is poisoned for
# real. The guest learns its address through GHES (the polled source for
# the early-kill AO, the SEA source then the abort for the read): L2 logs the
# CPER record with the address and recovers the page, the reader gets
# SIGBUS BUS_MCEERR_AR (4, not the DT path's BUS_OBJERR), L2 runs on and
# powers off with status 0, and lkvm never replaced the page.
scn_acpi_ar() {
	T0=$(now)
	vm_start acpi-ar --tables acpi
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail acpi-ar "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail acpi-ar "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail acpi-ar "L2 did not come back after the poisoned read: $WHY"; return; }
	local sig mt rec hw hex paths
	sig=$(grep -E ' E2E-SIGBUS code=4 ' "$D/out" | head -n 1)
	ghes_lines
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail acpi-ar "L2's shell stopped answering after the error: $WHY"; return; }
	send poweroff
	vm_wait_exit 120 || { fail acpi-ar "lkvm did not exit after L2's poweroff"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	grep -E ' E2E-SIGBUS| E2E-L2-MEMTEST| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | info
	[ -n "$sig" ] || { fail acpi-ar "the L2 process was not sent SIGBUS BUS_MCEERR_AR (memtest: ${mt#* })"; return; }
	case "$mt" in *rc=135*) ;; *) fail acpi-ar "the L2 process was not killed by SIGBUS (${mt#* })"; return ;; esac
	[ -n "$hw" ] || { fail acpi-ar "L2's kernel log has no GHES record with physical_address 0x$hex"; return; }
	[ -n "$rec" ] || { fail acpi-ar "L2's kernel log has no 'Memory failure: $PFN: ... Recovered'"; return; }
	[ "$RC" = 0 ] || { fail acpi-ar "lkvm exited $RC after L2's poweroff, want 0"; return; }
	[ -n "$(ras_event 'A.' "$GPA" injected)" ] || { fail acpi-ar "no injected event for $GPA in lkvm's log"; return; }
	grep -q 'replaced' "$D/err" "$D/ras.json" && { fail acpi-ar "lkvm replaced the guest page"; return; }
	paths=$(grep -o 'in the [A-Za-z]* source' "$D/ras.json" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	[ -n "$paths" ] || { fail acpi-ar "lkvm's log names no GHES source"; return; }
	result PASS acpi-ar "page $GPA poisoned for real, told through GHES ($paths); L2 logged the CPER record, recovered pfn $PFN, the reader got SIGBUS BUS_MCEERR_AR; powered off with 0, page not replaced"
}

# arm64 --tables acpi: a page no L2 process touches again is poisoned for
# real. The early-kill AO reaches L2 as a CPER record in a polled GHES
# source: L2 logs the record with the address and recovers the page before
# anything reads it; no process is killed, no AR is logged, L2 powers off
# with status 0 and lkvm never replaced the page.
scn_acpi_ao() {
	T0=$(now)
	vm_start acpi-ao --tables acpi
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail acpi-ao "L2 never reached its /init: $WHY"; return; }
	l2_page ao || { fail acpi-ao "$WHY"; return; }
	poison "$GPA" || { fail acpi-ao "$WHY"; return; }
	send go
	wait_for ' E2E-L2-ALIVE' 120 || { fail acpi-ao "L2 did not answer after the error: $WHY"; return; }
	local seen mt rec hw hex
	seen=$(grep -E ' E2E-AO-(SEEN|NOTSEEN)' "$D/out" | head -n 1)
	ghes_lines
	send poweroff
	vm_wait_exit 120 || { fail acpi-ao "lkvm did not exit after L2's poweroff"; return; }
	grep -E ' E2E-SIGBUS| E2E-L2-MEMTEST| E2E-AO-| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | info
	grep 'lkvm: memory error' "$D/err" | info
	case "$seen" in *E2E-AO-SEEN*) ;; *) fail acpi-ao "L2's kernel did not log a memory failure at pfn $PFN (${seen#* })"; return ;; esac
	[ -n "$rec" ] || { fail acpi-ao "L2's kernel log has no 'Memory failure: $PFN: ... Recovered'"; return; }
	[ -n "$hw" ] || { fail acpi-ao "L2's kernel log has no GHES record with physical_address 0x$hex"; return; }
	grep -q ' E2E-SIGBUS' "$D/out" && { fail acpi-ao "an L2 process got SIGBUS though nothing touched the page"; return; }
	case "$mt" in *rc=0*) ;; *) fail acpi-ao "memtest did not end normally (${mt#* })"; return ;; esac
	[ -n "$(ras_event AO "$GPA" injected)" ] || { fail acpi-ao "no AO/$GPA/injected event in lkvm's log"; return; }
	grep -q '"kind":"AR"' "$D/ras.json" && { fail acpi-ao "an AR was logged though nothing touched the page"; return; }
	grep -q 'in the polled source' "$D/ras.json" || { fail acpi-ao "lkvm's log names no polled GHES source"; return; }
	grep -q 'replaced' "$D/err" "$D/ras.json" && { fail acpi-ao "lkvm replaced the guest page"; return; }
	[ "$RC" = 0 ] || { fail acpi-ao "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS acpi-ao "untouched page $GPA poisoned: the AO went to a polled GHES source, L2 recovered pfn $PFN ${seen##*E2E-AO-SEEN } with no process killed and no AR; powered off with 0, page not replaced"
}

# arm64 --tables acpi: 16 pages of one L2 process poisoned one right after
# the other (as the 16 guest pages of one 64 KiB host page would be): 16
# records, delivered in the order the errors came, none dropped or held
# out, every page recovered, L2 runs on and powers off with status 0.
BURST=${E2E_BURST:-16}
scn_acpi_burst() {
	T0=$(now)
	vm_start acpi-burst --tables acpi
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail acpi-burst "L2 never reached its /init: $WHY"; return; }
	send burst $BURST
	wait_for ' E2E-GPA 0x' 60 $BURST || { fail acpi-burst "L2 did not print its $BURST page addresses: $WHY"; return; }
	local gpas g t0 t1 got want seen missing=
	gpas=$(grep -o ' E2E-GPA 0x[0-9a-f]*' "$D/out" | awk '{ print $2 }' | head -n $BURST)
	t0=$(now)
	for g in $gpas; do
		poison "$g" || { fail acpi-burst "$WHY"; return; }
	done
	t1=$(now)
	send go
	wait_for ' E2E-L2-ALIVE' 120 || { fail acpi-burst "L2 did not answer after the errors: $WHY"; return; }
	seen=$(grep -E ' E2E-BURST-(SEEN|NOTSEEN)' "$D/out" | head -n 1)
	for g in $gpas; do
		grep -qE "E2E-L2-KLOG .*Memory failure: $(printf '%#x' $((g >> PAGE_SHIFT))): .*[Rr]ecovered" "$D/out" || missing="$missing $g"
	done
	send poweroff
	vm_wait_exit 120 || { fail acpi-burst "lkvm did not exit after L2's poweroff"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	grep -E ' E2E-BURST-| E2E-L2-MEMTEST' "$D/out" | sed 's/^[0-9.]* //' | info
	want=$(echo $gpas)
	got=$(grep '"kind":"AO"' "$D/ras.json" | grep '"action":"injected"' | sed -n 's/.*"gpa":"\(0x[0-9a-f]*\)".*/\1/p' | tr '\n' ' ' | sed 's/ $//')
	echo "order of the injected AOs: $got" | info
	echo "sources: $(grep -o 'in the polled source [0-9]*' "$D/ras.json" | sed 's/.* //' | tr '\n' ' ')" | info
	case "$seen" in *E2E-BURST-SEEN*) ;; *) fail acpi-burst "L2's kernel did not handle every page (${seen#* })"; return ;; esac
	[ -z "$missing" ] || { fail acpi-burst "no 'Memory failure: ... Recovered' for$missing"; return; }
	[ "$got" = "$want" ] || { fail acpi-burst "the injected AOs ($got) are not the poisoned pages in order ($want)"; return; }
	grep -q '"action":"dropped"' "$D/ras.json" && { fail acpi-burst "lkvm dropped an error: $(grep '"action":"dropped"' "$D/ras.json" | head -n 1)"; return; }
	grep -q ' E2E-SIGBUS' "$D/out" && { fail acpi-burst "an L2 process got SIGBUS though nothing touched the pages"; return; }
	[ "$RC" = 0 ] || { fail acpi-burst "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS acpi-burst "$BURST pages poisoned in $(secs "$t0" "$t1") s: $BURST AOs injected in that order through the polled GHES sources, none dropped; L2 recovered every page (${seen##*E2E-BURST-SEEN }), no process killed; powered off with 0"
}

# L2 runs `poweroff` (not -f, not reboot): its kernel powers off through the
# ACPI tables lkvm describes the machine with, and lkvm exits 0 within seconds.
scn_poweroff() {
	T0=$(now)
	vm_start poweroff
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail poweroff "L2 never reached its /init: $WHY"; return; }
	if [ $ARCH != x86 ]; then
		local t_psci how="PSCI SYSTEM_OFF"
		[ $ARCH = ppc64 ] && how="RTAS power-off"
		t_psci=$(now)
		send poweroff
		vm_wait_exit 60 || { fail poweroff "lkvm still runs 60 s after L2's poweroff ($how)"; return; }
		[ "$RC" = 0 ] || { fail poweroff "lkvm exited $RC after L2's poweroff, want 0"; return; }
		grep -q ' E2E-L2-POWEROFF' "$D/out" || { fail poweroff "L2's init never ran its poweroff"; return; }
		result PASS poweroff "L2 ran 'poweroff': $how ended lkvm with 0 $(secs "$t_psci" "$(now)") s later"
		return
	fi
	send acpi
	wait_for ' E2E-L2-ACPI-END' 60 || { fail poweroff "L2 did not list its ACPI lines: $WHY"; return; }
	local t_off errs
	grep ' E2E-L2-ACPI ' "$D/out" | sed 's/^[0-9.]* E2E-L2-ACPI //' | info
	errs=$(grep ' E2E-L2-ACPI ' "$D/out" | grep -E 'ACPI (BIOS )?(Error|Warning)|ACPI Exception|RSDP was not found|\[Firmware Bug\]' | head -n 3)
	t_off=$(now)
	send poweroff
	vm_wait_exit 60 || { fail poweroff "lkvm still runs 60 s after L2's poweroff (the kernel could not power off)"; return; }
	[ "$RC" = 0 ] || { fail poweroff "lkvm exited $RC after L2's poweroff, want 0"; return; }
	[ -z "$errs" ] || { fail poweroff "L2's kernel log has ACPI errors: $errs"; return; }
	grep -q ' ACPI: RSDP ' "$D/out" || grep -q 'E2E-L2-ACPI.*RSDP' "$D/out" ||
		{ fail poweroff "L2's kernel did not find lkvm's RSDP"; return; }
	result PASS poweroff "L2 ran 'poweroff': lkvm exited 0 $(secs "$t_off" "$(now)") s later; L2's kernel found the ACPI tables with no error"
}

scn_recovery() {
	[ $ARCH = arm64 ] && { scn_sea recovery; return; }
	[ $ARCH = ppc64 ] && { scn_recovery_ppc; return; }
	T0=$(now)
	vm_start recovery
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail recovery "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail recovery "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail recovery "L2 did not come back after the poisoned read: $WHY"; return; }
	local sig mt rec
	sig=$(grep -E ' E2E-SIGBUS code=4 ' "$D/out" | head -n 1)
	mt=$(grep ' E2E-L2-MEMTEST rc=' "$D/out" | head -n 1)
	rec=$(grep -E "E2E-L2-KLOG .*Memory failure: $PFN: .*[Rr]ecovered" "$D/out" | head -n 1)
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail recovery "L2's shell stopped answering after the error: $WHY"; return; }
	send reboot
	vm_wait_exit 120 || { fail recovery "lkvm did not exit after reboot -f"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	grep ' E2E-L2-KLOG ' "$D/out" | sed 's/^[0-9.]* E2E-L2-KLOG //' | info
	[ -n "$sig" ] || { fail recovery "the L2 process was not sent SIGBUS BUS_MCEERR_AR (memtest: ${mt#* })"; return; }
	case "$mt" in *rc=135*) ;; *) fail recovery "the L2 process was not killed by SIGBUS (${mt#* })"; return ;; esac
	[ -n "$rec" ] || { fail recovery "L2's kernel log has no 'Memory failure: $PFN: ... Recovered'"; return; }
	[ "$RC" = 0 ] || { fail recovery "lkvm exited $RC after reboot -f, want 0"; return; }
	[ -n "$(ras_event AR "$GPA" injected)" ] || { fail recovery "no AR/$GPA/injected event in lkvm's log"; return; }
	result PASS recovery "page $GPA poisoned with MADV_HWPOISON, AR injected; L2 killed only the reader (SIGBUS BUS_MCEERR_AR), recovered pfn $PFN and ran on; lkvm exit 0"
}

scn_stop() {
	T0=$(now)
	vm_start stop --ras-policy stop
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail stop "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail stop "$WHY"; return; }
	vm_wait_exit 120 || { fail stop "lkvm did not stop after the memory error"; return; }
	local ev
	ev=$(ras_event A. "$GPA" stopped)
	[ "$RC" = 4 ] || { fail stop "lkvm exited $RC, want 4"; return; }
	grep -q "stopped after a memory error at guest physical $GPA" "$D/err" ||
		{ fail stop "lkvm's stderr has no stop report for $GPA"; return; }
	[ -n "$ev" ] || { fail stop "no stopped event for $GPA in lkvm's log"; return; }
	if grep -q '"action":"injected"' "$D/ras.json"; then
		fail stop "something was injected under --ras-policy=stop"
		return
	fi
	if grep -q ' E2E-SIGBUS' "$D/out"; then
		fail stop "the L2 process got a SIGBUS under --ras-policy=stop"
		return
	fi
	local kind
	kind=$(echo "$ev" | sed -n 's/.*"kind":"\([A-Z]*\)".*/\1/p')
	grep -E 'lkvm: (memory error|VM .* stopped)' "$D/err" | info
	result PASS stop "--ras-policy=stop: lkvm stopped on the $kind error at $GPA with status 4 and its report; nothing injected"
}

scn_ao() {
	[ $ARCH = arm64 ] && { scn_ao_arm64; return; }
	T0=$(now)
	vm_start ao
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail ao "L2 never reached its /init: $WHY"; return; }
	l2_page ao || { fail ao "$WHY"; return; }
	poison "$GPA" || { fail ao "$WHY"; return; }
	send go
	wait_for ' E2E-L2-ALIVE' 120 || { fail ao "L2 did not answer after the error: $WHY"; return; }
	local seen
	seen=$(grep -E ' E2E-AO-(SEEN|NOTSEEN)' "$D/out" | head -n 1)
	send reboot
	vm_wait_exit 120 || { fail ao "lkvm did not exit after reboot -f"; return; }
	grep ' E2E-L2-KLOG ' "$D/out" | sed 's/^[0-9.]* E2E-L2-KLOG //' | info
	[ -n "$(ras_event AO "$GPA" injected)" ] || { fail ao "no AO/$GPA/injected event in lkvm's log"; return; }
	grep -q '"kind":"AR"' "$D/ras.json" && { fail ao "an AR error was logged though nothing touched the page"; return; }
	case "$seen" in
	*E2E-AO-SEEN*) ;;
	*) fail ao "L2's kernel did not log a memory failure at pfn $PFN (${seen#* })"; return ;;
	esac
	[ "$RC" = 0 ] || { fail ao "lkvm exited $RC after reboot -f, want 0"; return; }
	result PASS ao "untouched page $GPA poisoned: AO logged and injected (deferred error), L2's kernel handled pfn $PFN ${seen##*E2E-AO-SEEN }, L2 ran on; lkvm exit 0"
}

# lkvm's own guarded copy reads a guest page that was poisoned for real: that
# read fails, the error is routed like any other (naming the reader), the VM
# runs on and lkvm never takes its fatal path (status 6).
scn_guarded_read() {
	T0=$(now)
	vm_start guarded-read
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail guarded-read "L2 never reached its /init: $WHY"; return; }
	l2_page $AO_PAGE || { fail guarded-read "$WHY"; return; }
	$LKVM debug --name "$NAME" --poison "$GPA" --guest-read >"$D/debug.out" 2>&1
	local rc=$? ev
	send go
	[ $rc = 0 ] || { fail guarded-read "lkvm debug --guest-read exited $rc: $(cat "$D/debug.out")"; return; }
	grep -q 'poisoned for real' "$D/debug.out" || { fail guarded-read "MADV_HWPOISON did not work in L1: $(cat "$D/debug.out")"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail guarded-read "L2 stopped answering after lkvm's read of its bad page: $WHY"; return; }
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail guarded-read "L2's shell stopped answering: $WHY"; return; }
	send reboot
	vm_wait_exit 120 || { fail guarded-read "lkvm did not exit after reboot -f"; return; }
	ev=$(grep '"kind":"AR"' "$D/ras.json" 2>/dev/null | grep "\"gpa\":\"$GPA\"" | grep '"reader":"debug --guest-read"' | head -n 1)
	sed 's/^/debug: /' "$D/debug.out" | info
	grep 'lkvm: memory error' "$D/err" | info
	[ "$RC" = 0 ] || { fail guarded-read "lkvm exited $RC after reboot -f, want 0 (6 would be the fatal path)"; return; }
	[ -n "$ev" ] || { fail guarded-read "no AR event for $GPA naming the reader 'debug --guest-read' in lkvm's log"; return; }
	# The early-kill AO of the same poisoning may have told the guest first:
	# then lkvm's read is logged and not told again (docs/ras.md, per page).
	case "$ev" in
	*'"action":"injected"'*) ;;
	*'"action":"ignored"'*'already told'*)
		[ -n "$(ras_event AO "$GPA" injected)" ] ||
			{ fail guarded-read "the read was not injected, and no AO for $GPA was either: $ev"; return; } ;;
	*) fail guarded-read "the guarded-read event was neither injected nor already told: $ev"; return ;;
	esac
	grep -q 'fatal' "$D/err" && { fail guarded-read "lkvm printed a fatal message"; return; }
	result PASS guarded-read "page $GPA poisoned with MADV_HWPOISON, lkvm's guarded read of it failed with -EHWPOISON, the AR was logged naming the reader ($(echo "$ev" | sed -n 's/.*"action":"\([a-z]*\)".*/\1/p')), the guest was told as action-optional; L2 ran on; lkvm exit 0"
}

scn_lkvm_hit() {
	T0=$(now)
	vm_start lkvm-hit
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail lkvm-hit "L2 never reached its /init: $WHY"; return; }
	$LKVM debug --name "$NAME" --poison-lkvm >"$D/debug.out" 2>&1
	vm_wait_exit 60 || { fail lkvm-hit "lkvm still runs after its own page was poisoned"; return; }
	[ "$RC" = 6 ] || { fail lkvm-hit "lkvm exited $RC, want 6"; return; }
	local msg
	msg=$(grep 'lkvm: fatal: lkvm itself read poisoned memory' "$D/err" | head -n 1)
	[ -n "$msg" ] || { fail lkvm-hit "no fatal message on lkvm's stderr"; return; }
	if grep -q 'simulating' "$D/err"; then
		fail lkvm-hit "MADV_HWPOISON was not available: the hit was simulated"
		return
	fi
	echo "$msg" | info
	result PASS lkvm-hit "debug --poison-lkvm: lkvm read its own poisoned page (MADV_HWPOISON) and exited 6 with the fatal message"
}

scn_reboot() {
	T0=$(now)
	vm_start reboot --reboot $RECOVERY_OPTS
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail reboot "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail reboot "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail reboot "L2 did not come back after the poisoned read: $WHY"; return; }
	grep -qE " E2E-SIGBUS code=$AR_SIGBUS_CODE " "$D/out" || { fail reboot "the L2 process was not sent SIGBUS code $AR_SIGBUS_CODE"; return; }
	send reboot
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT 2 || { fail reboot "no second boot after reboot -f: $WHY"; return; }
	local second t
	second=$LINE
	t=$(line_secs "$LINE")
	send off
	vm_wait_exit 120 || { fail reboot "lkvm did not exit after power-off"; return; }
	[ "$RC" = 0 ] || { fail reboot "lkvm exited $RC after power-off, want 0"; return; }
	grep -q 'guest reset: booting again (boot 2)' "$D/err" || { fail reboot "lkvm did not report the second boot"; return; }
	case "$second" in *memerr=0*) ;; *) fail reboot "the second boot logged memory errors: ${second#* }"; return ;; esac
	local ev
	ev=$(ras_event $REBOOT_KIND "$GPA" injected)
	[ -n "$ev" ] || { fail reboot "no $REBOOT_KIND/$GPA/injected event in lkvm's log: $(tr '\n' ' ' <"$D/ras.json" | cut -c1-600)"; return; }
	result PASS reboot "$(echo "$ev" | sed -n 's/.*"kind":"\(A[RO]\)".*/\1/p') at $GPA recovered, reboot -f, second boot clean (marker at ${t} s, no memory errors), power-off exit 0"
}

# ---- ppc64 ----
# A page an L2 process filled is poisoned in L1 and then read: lkvm tells the
# guest's FWNMI handler (RTAS error log with the logical address) - at the
# early-kill SIGBUS, or when the read makes KVM_RUN fail with EFAULT - and
# the guest kills only the reader, offlines the page and runs on.
scn_recovery_ppc() {
	T0=$(now)
	vm_start recovery
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail recovery "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail recovery "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail recovery "L2 did not come back after the poisoned read: $WHY"; return; }
	local sig mt mce mf ev hex
	sig=$(grep -E ' E2E-SIGBUS code=4 ' "$D/out" | head -n 1)
	mt=$(grep ' E2E-L2-MEMTEST rc=' "$D/out" | head -n 1)
	hex=$(printf '%016x' $((GPA)))
	mce=$(grep -E "E2E-L2-KLOG .*MCE: .*paddr: *0*${hex#${hex%%[1-9a-f]*}}" "$D/out" | head -n 1)
	mf=$(grep -E "E2E-L2-KLOG .*Memory failure: $PFN: " "$D/out" | head -n 1)
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail recovery "L2's shell stopped answering after the error: $WHY"; return; }
	send poweroff
	vm_wait_exit 120 || { fail recovery "lkvm did not exit after L2's poweroff"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	grep -E ' E2E-SIGBUS| E2E-L2-MEMTEST| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | info
	ev=$(ras_event A. "$GPA" injected)
	[ -n "$ev" ] || { fail recovery "no $GPA/injected event in lkvm's log"; return; }
	echo "$ev" | grep -q 'FWNMI machine check' || { fail recovery "the event is not a FWNMI delivery: $ev"; return; }
	[ -n "$mce" ] || { fail recovery "L2's kernel log has no MCE line with paddr $GPA (the guest's FWNMI handler did not see lkvm's logical address)"; return; }
	[ -n "$mf" ] || { fail recovery "L2's kernel log has no 'Memory failure: $PFN:'"; return; }
	[ -n "$sig" ] || { fail recovery "the L2 process was not sent SIGBUS BUS_MCEERR_AR (memtest: ${mt#* })"; return; }
	case "$mt" in *rc=135*) ;; *) fail recovery "the L2 process was not killed by SIGBUS (${mt#* })"; return ;; esac
	[ "$RC" = 0 ] || { fail recovery "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS recovery "page $GPA poisoned with MADV_HWPOISON: $(echo "$ev" | sed -n 's/.*"kind":"\([A-Z]*\)".*/\1/p') delivered to the guest's FWNMI handler with the logical address; L2 offlined pfn $PFN, killed only the reader (SIGBUS BUS_MCEERR_AR), ran on and powered off; lkvm exit 0"
}

# The same, but the L2 process reads its page over and over while L1
# poisons it: the access can fault (KVM_RUN EFAULT) before lkvm has handled
# the early-kill SIGBUS. Either way the guest must be told the address and
# kill only the reader; the result says which way lkvm learnt it.
scn_efault() {
	T0=$(now)
	vm_start efault
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail efault "L2 never reached its /init: $WHY"; return; }
	l2_page loop || { fail efault "$WHY"; return; }
	poison "$GPA" || { fail efault "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail efault "L2 did not come back after the poisoned read: $WHY"; return; }
	local sig mt mf ev how
	sig=$(grep -E ' E2E-SIGBUS code=4 ' "$D/out" | head -n 1)
	mt=$(grep ' E2E-L2-MEMTEST rc=' "$D/out" | head -n 1)
	mf=$(grep -E "E2E-L2-KLOG .*Memory failure: $PFN: " "$D/out" | head -n 1)
	send poweroff
	vm_wait_exit 120 || { fail efault "lkvm did not exit after L2's poweroff"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	grep -E ' E2E-SIGBUS| E2E-L2-MEMTEST| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | info
	ev=$(ras_event AR "$GPA" injected | grep '"source":"KVM_RUN EFAULT"')
	if [ -n "$ev" ]; then
		how="the reader's access made KVM_RUN fail with EFAULT: AR (not recovered) to the guest's FWNMI handler"
	elif [ -n "$(ras_event AO "$GPA" injected)" ]; then
		how="the early-kill AO was handled before the reader faulted: AO to the guest's FWNMI handler"
	else
		fail efault "no injected event for $GPA in lkvm's log"; return
	fi
	[ -n "$mf" ] || { fail efault "L2's kernel log has no 'Memory failure: $PFN:'"; return; }
	[ -n "$sig" ] || { fail efault "the L2 process was not sent SIGBUS BUS_MCEERR_AR (memtest: ${mt#* })"; return; }
	case "$mt" in *rc=135*) ;; *) fail efault "the L2 process was not killed by SIGBUS (${mt#* })"; return ;; esac
	grep -q 'KVM_RUN failed' "$D/err" && { fail efault "lkvm stopped on KVM_RUN's error"; return; }
	[ "$RC" = 0 ] || { fail efault "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS efault "page $GPA poisoned while an L2 process read it: $how; L2 offlined pfn $PFN, killed only the reader, ran on; lkvm exit 0"
}

# L2's kernel panics (sysrq c): pseries Linux reports it through RTAS
# ibm,os-term, and lkvm ends with the crash status 8 and the guest's words.
scn_panic() {
	T0=$(now)
	vm_start panic
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail panic "L2 never reached its /init: $WHY"; return; }
	send sh 'echo c > /proc/sysrq-trigger'
	vm_wait_exit 60 || { fail panic "lkvm still runs 60 s after L2's panic"; return; }
	local msg
	msg=$(grep 'ibm,os-term' "$D/err" | head -n 1)
	echo "$msg" | info
	[ "$RC" = 8 ] || { fail panic "lkvm exited $RC after L2's panic, want 8"; return; }
	[ -n "$msg" ] || { fail panic "lkvm's stderr does not report the guest's ibm,os-term"; return; }
	result PASS panic "L2 panicked (sysrq c): RTAS ibm,os-term ended lkvm with status 8 and the guest's message"
}

# ppc64: a payload guest checks the FWNMI error log lkvm delivers
# (tests/guests/powerpc/fwnmi.c). It registers its handler through RTAS and
# asks (test hcall, --ras-test-port) for an AO on one of its pages: its
# handler must get a "fully recovered" UE log with that page's logical
# address; from the handler, after ibm,nmi-interlock, an AR on its own vCPU
# on a second page: entered again, "not recovered", that page's address.
scn_fwnmi_guest() {
	T0=$(now)
	local a b ea eb
	KERNEL=/l2/fwnmi.elf vm_start fwnmi-guest --ras-test-port
	vm_wait_exit 240 || { fail fwnmi-guest "lkvm still runs after 240 s: $(tail -n 3 "$D/out")"; return; }
	cut -d' ' -f2- "$D/out" | grep 'fwnmi:' | info
	grep -q 'fwnmi: PASS' "$D/out" || { fail fwnmi-guest "the guest did not pass: $(grep 'fwnmi: FAIL' "$D/out" | cut -d' ' -f2- | head -n 1)"; return; }
	[ "$RC" = 0 ] || { fail fwnmi-guest "lkvm exited $RC after the guest's power-off, want 0"; return; }
	a=$(sed -n 's/.* AO log ok, logical address 0x0*\([0-9a-f]*\).*/0x\1/p' "$D/out" | head -n 1)
	b=$(sed -n 's/.* AR log ok, logical address 0x0*\([0-9a-f]*\).*/0x\1/p' "$D/out" | head -n 1)
	ea=$(ras_event AO "$a" injected)
	eb=$(ras_event AR "$b" injected)
	[ -n "$ea" ] || { fail fwnmi-guest "no injected AO for $a in lkvm's log"; return; }
	[ -n "$eb" ] || { fail fwnmi-guest "no injected AR for $b in lkvm's log"; return; }
	echo "$eb" | grep -q '"vcpu":0,' || { fail fwnmi-guest "the AR at $b is not logged as consumed on vCPU 0"; return; }
	result PASS fwnmi-guest "the guest's FWNMI handler read the logs lkvm wrote: AO at $a fully recovered, then AR at $b not recovered on its own vCPU, each with the page's logical and linear-map effective address; lkvm logged both injected; power-off, exit 0"
}

# ---- x86: errors in every order (docs/ras.md, "Orders") ----
# The n-th line of the event log for a page, and its fields.
ev_field() { echo "$1" | sed -n "s/.*\"$2\":\"*\([^,\"]*\)\"*[,}].*/\1/p"; }

# An L2 process reads page A in a tight loop while L1 poisons it for real:
# the AR (the read) and the early-kill AO race, in either order. Page B of
# the same process, never touched and held by nothing else, is poisoned
# first, while the process still owns it; the guest must isolate it (its
# "Memory failure: <pfn>" line, seen by an L2 watcher that maps neither
# page) within E2E_AO_MAX_MS (1000) of its poisoning (MADV_HWPOISON
# returned; the `lkvm debug` command around it takes ~0.3 s more in the
# bed), and only then is A poisoned: had the process died of A first, the
# kernel could have reused B before it was told (poisoned back to back, that happened once in 3
# runs: the AO's record was still unread after ~200 ms of a loaded bed and
# L2 died on the reused page). On AMD that takes lkvm's GHES source
# (docs/ras.md section 3a). L2 runs with loglevel=E2E_RACE_LOGLEVEL (0: no
# kernel message on its console; dmesg keeps them): Linux prints the GHES
# record (7 lines, KERN_ERR) before it queues the page, and the reader's
# machine check 4 lines at KERN_EMERG, and each byte to the bed's UART
# costs an exit (~80 us): ~0.1 s a line, ~1 s per record at quiet's level 4.
# Repeated E2E_RACE_RUNS times in one L2; the guest must survive every run.
scn_race() {
	local params=$PARAMS
	T0=$(now)
	PARAMS="$PARAMS loglevel=${E2E_RACE_LOGLEVEL:-0}"
	vm_start race ${E2E_RACE_OPTS:-}
	PARAMS=$params
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail race "L2 never reached its /init: $WHY"; return; }
	local i runs=${E2E_RACE_RUNS:-6} a b first evs ar_first=0 ao_first=0 ao_only=0 held=0 ev
	local tb te seen ms cmd_ms all_ms= all_cmd= max_ms=${E2E_AO_MAX_MS:-1000} ghes=0
	for i in $(seq 1 $runs); do
		send loop
		wait_for ' E2E-GPA2 0x' 60 $i || { fail race "run $i: no page address from L2: $WHY"; return; }
		a=$(grep ' E2E-GPA 0x' "$D/out" | sed -n "${i}p" | sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p')
		b=$(echo "$LINE" | sed -n 's/.*E2E-GPA2 \(0x[0-9a-f]*\).*/\1/p')
		tb=$(now)
		$LKVM debug --name race --poison "$b" >"$D/debug2.out" 2>&1 ||
			{ fail race "run $i: lkvm debug --poison $b: $(cat "$D/debug2.out")"; return; }
		te=$(now)	# MADV_HWPOISON has returned: the page is poisoned
		wait_for " E2E-AO2-(SEEN|NOTSEEN) $(printf '%#x' $((b >> PAGE_SHIFT)))" 40 ||
			{ fail race "run $i: L2's watcher never reported on page $b: $WHY"; return; }
		seen=$LINE
		case "$seen" in *NOTSEEN*) fail race "run $i: L2 never handled page $b (no 'Memory failure' line in 30 s)"; return ;; esac
		ms=$(awk -v a="$te" -v b="${seen%% *}" 'BEGIN { printf "%d", (b - a) * 1000 }')
		cmd_ms=$(awk -v a="$tb" -v b="$te" 'BEGIN { printf "%d", (b - a) * 1000 }')
		all_ms="$all_ms $ms"
		all_cmd="$all_cmd $cmd_ms"
		poison "$a" || { fail race "run $i: $WHY"; return; }
		wait_for ' E2E-L2-ALIVE' 120 $i || { fail race "run $i: L2 did not come back: $WHY"; return; }
		[ "$(grep -c ' E2E-SIGBUS code=4 ' "$D/out")" = $i ] ||
			{ fail race "run $i: the reader was not killed with SIGBUS BUS_MCEERR_AR"; return; }
		evs=$(grep "\"gpa\":\"$a\"" "$D/ras.json")
		first=$(echo "$evs" | head -n 1 | sed -n 's/.*"kind":"\(A[OR]\)".*/\1/p')
		# Either the reader's touch reached lkvm as an AR (injected), or the
		# AO came first and L2 isolated the page before the reader touched
		# it again: L2 then killed the reader itself (its own poisoned PTE,
		# code=4 too) and no AR ever left L2.
		if ! echo "$evs" | grep '"kind":"AR"' | grep -q '"action":"injected"'; then
			[ "$first" = AO ] && echo "$evs" | head -n 1 | grep -q '"action":"injected"' ||
				{ fail race "run $i: neither the AR nor a first AO for $a was injected: $evs"; return; }
			ao_only=$((ao_only + 1))
		fi
		case "$first" in AR) ar_first=$((ar_first + 1)) ;; AO) ao_first=$((ao_first + 1)) ;; esac
		ev=$(grep "\"gpa\":\"$b\"" "$D/ras.json" | head -n 1)
		[ -n "$ev" ] || { fail race "run $i: no event for the untouched page $b"; return; }
		echo "$ev" | grep -q '"action":"injected"' || { fail race "run $i: the untouched page's AO was not injected: $ev"; return; }
		echo "$ev" | grep -q 'GHES record' && ghes=$((ghes + 1))
		[ "$(ev_field "$ev" held_us)" != 0.0 ] && held=$((held + 1))
		echo "run $i: page $a first $first; $(echo "$evs" | wc -l) event(s): $(echo "$evs" | sed -n 's/.*"kind":"\(A[OR]\)".*"action":"\([a-z]*\)".*"latency_us":\([0-9.]*\).*"held_us":\([0-9.]*\).*/\1 \2 latency \3 us held \4 us/p' | tr '\n' ';'); page $b: $(echo "$ev" | sed -n 's/.*"kind":"\(A[OR]\)".*"action":"\([a-z]*\)".*"held_us":\([0-9.]*\).*/\1 \2 held \3 us/p'), L2 handled it $ms ms after its poisoning (lkvm debug --poison took $cmd_ms ms)" | info
		[ "$ms" -le "$max_ms" ] || { fail race "run $i: L2 handled the untouched page $b only $ms ms after its poisoning (limit $max_ms)"; return; }
	done
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail race "L2's shell stopped answering: $WHY"; return; }
	send reboot
	vm_wait_exit 120 || { fail race "lkvm did not exit after reboot -f"; return; }
	grep ' E2E-L2-KLOG ' "$D/out" | sed 's/^[0-9.]* E2E-L2-KLOG //' | sort -u | head -n 8 | info
	grep -q '"action":"stopped"' "$D/ras.json" && { fail race "an error stopped the VM: $(grep '"action":"stopped"' "$D/ras.json" | head -n 1)"; return; }
	[ "$RC" = 0 ] || { fail race "lkvm exited $RC after reboot -f, want 0"; return; }
	ms=$(echo $all_ms | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { printf "median %d, max %d", v[int((NR + 1) / 2)], v[NR] }')
	cmd_ms=$(echo $all_cmd | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { printf "median %d", v[int((NR + 1) / 2)] }')
	result PASS race "$runs runs of a reader racing real poisoning: AR first $ar_first times, AO first $ao_first times ($ao_only of them isolated by L2 before any AR); the untouched page (held by nothing) handled by L2 $ms ms after its poisoning (lkvm debug --poison itself: $cmd_ms ms), $ghes of $runs through GHES, its AO held $held times; every reader killed alone, the guest survived all; lkvm exit 0"
}

sigbus_ar_count() {	# file
	awk '{ sub(/^[0-9.]* /, "") }
		cut_ { if ($1 == "4") n++; cut_ = 0 }
		/E2E-SIGBUS code=4 / { n++ }
		/E2E-SIGBUS code=\[/ { cut_ = 1 }
		END { print n + 0 }' "$1"
}

# l1-crash (opt-in: a test of the bed, not of lkvm): L1's kernel crashes on
# purpose (sysrq c) in the suite's first L1; run.sh must then resume the
# scenarios without a result in a new L1 (E2E_PART=2), where it passes.
scn_l1_crash() {
	T0=$(now)
	echo "E2E-L1: scenario l1-crash: L1 number ${E2E_PART:-1}"
	if [ "${E2E_PART:-1}" = 1 ]; then
		echo c >/proc/sysrq-trigger
		sleep 30
		fail l1-crash "L1's kernel did not crash on sysrq c"
		return
	fi
	result PASS l1-crash "run.sh resumed in L1 number $E2E_PART after L1's kernel crashed in the first"
}

scn_smp_page() {
	T0=$(now)
	vm_start smp-page
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail smp-page "L2 never reached its /init: $WHY"; return; }
	send loop2
	wait_for ' E2E-GPA 0x' 60 || { fail smp-page "no page address from L2: $WHY"; return; }
	GPA=$(echo "$LINE" | sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p')
	wait_for ' E2E-LOOP2 started' 30 || { fail smp-page "the second reader did not start: $WHY"; return; }
	sleep 1
	poison "$GPA" || { fail smp-page "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail smp-page "L2 did not come back: $WHY"; return; }
	sleep 2
	local n0 n1 n
	n0=$(grep "\"gpa\":\"$GPA\"" "$D/ras.json" | grep '"kind":"AR"' | grep -c '"vcpu":0,')
	n1=$(grep "\"gpa\":\"$GPA\"" "$D/ras.json" | grep '"kind":"AR"' | grep -c '"vcpu":1,')
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail smp-page "L2's shell stopped answering: $WHY"; return; }
	send reboot
	vm_wait_exit 120 || { fail smp-page "lkvm did not exit after reboot -f"; return; }
	grep "\"gpa\":\"$GPA\"" "$D/ras.json" | sed 's/.*"vcpu":\([a-z0-9]*\),"kind":"\(A[OR]\)".*"action":"\([a-z]*\)".*/vCPU \1 \2 \3/' | info
	grep -E ' E2E-SIGBUS| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | sort -u | head -n 6 | info
	n=$(sigbus_ar_count "$D/out")
	[ "$n" = 2 ] || { fail smp-page "want both readers killed with SIGBUS BUS_MCEERR_AR, got $n"; return; }
	[ "$n0" -ge 1 ] && [ "$n1" -ge 1 ] || { fail smp-page "want an AR event on each vCPU, got vCPU0 $n0, vCPU1 $n1"; return; }
	grep -q '"action":"stopped"' "$D/ras.json" && { fail smp-page "an error stopped the VM"; return; }
	[ "$RC" = 0 ] || { fail smp-page "lkvm exited $RC after reboot -f, want 0"; return; }
	result PASS smp-page "2 vCPUs read page $GPA as it was poisoned: an AR on each vCPU (vCPU0 $n0, vCPU1 $n1 event(s)), both readers killed alone, the guest survived; lkvm exit 0"
}

# Median, p10, p90 and max of one field of the injected events of one kind.
ev_spread() {	# kind field
	grep "\"kind\":\"$1\"" "$D/ras.json" | grep '"action":"injected"' | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" | sort -n |
		awk -v k="$1" -v f="$2" '{ v[NR] = $1 } END { if (NR) printf "%s %s: median %.1f, p10 %.1f, p90 %.1f, max %.1f (%d errors)\n", k, f, v[int((NR + 1) / 2)], v[int(NR * 0.1) + 1], v[int(NR * 0.9)], v[NR], NR }'
}

# Signal-to-injection latency over E2E_LATENCY_RUNS real errors (default 50),
# beside the cost of the KVM calls on that path in this L1 (kvmcost).
# Two boots of 25 (--reboot): one L2 that had taken 37 real errors
# triple-faulted on the 38th (nested bed, 2026-11-25; see docs/ras.md).
scn_latency() {
	T0=$(now)
	vm_start latency --reboot
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail latency "L2 never reached its /init: $WHY"; return; }
	local i runs=${E2E_LATENCY_RUNS:-50} n per=25 boot=1
	for i in $(seq 1 $runs); do
		if [ $i -gt $((boot * per)) ]; then
			boot=$((boot + 1))
			send reboot
			wait_for ' E2E-L2-READY' $BOOT_TIMEOUT $boot || { fail latency "no boot $boot after reboot -f: $WHY"; return; }
		fi
		send ar
		wait_for ' E2E-GPA 0x' 60 $i || { fail latency "run $i: no page address from L2: $WHY"; return; }
		GPA=$(echo "$LINE" | sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p')
		poison "$GPA" || { fail latency "run $i: $WHY"; return; }
		send go
		wait_for ' E2E-L2-ALIVE' 120 $i || { fail latency "run $i: L2 did not come back: $WHY"; return; }
	done
	send off
	vm_wait_exit 120 || { fail latency "lkvm did not exit after power-off"; return; }
	n=$(grep '"kind":"AR"' "$D/ras.json" | grep -c '"action":"injected"')
	for k in AR AO; do
		for f in latency_us pickup_us held_us check_us inject_us; do
			ev_spread "$k" "$f" | info
		done
	done
	[ -x /kvmcost ] && /kvmcost | sed 's/^E2E-COST /baseline in L1: /' | info
	[ "$n" -ge "$runs" ] || { fail latency "$n of $runs ARs injected"; return; }
	[ "$RC" = 0 ] || { fail latency "lkvm exited $RC after reboot -f, want 0"; return; }
	result PASS latency "$runs real errors, each AR injected and the guest alive; latency spread above (signal -> injected, of which pickup = signal -> a vCPU thread took it up, held = waiting for a busy guest)"
}

# ---- arm64 ----
# The SError's syndrome as lkvm logged it, from the event's detail.
esr_of() { echo "$1" | sed -n 's/.*ESR_EL1 \(0x[0-9a-f]*\).*/\1/p'; }

# inject (default): a poisoned page read by an L2 process -> SError with AET
# UER (ESR 0xbe000c11): the guest's controlled stop, its own panic message,
# then (panic=-1) a reset that ends lkvm with 0.
scn_serror() {
	T0=$(now)
	vm_start serror
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail serror "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail serror "$WHY"; return; }
	wait_for 'SError Interrupt on CPU[0-9]*, code 0x0*be000c11' 120 ||
		{ fail serror "L2's kernel did not report the SError with ESR 0xbe000c11: $WHY"; return; }
	vm_wait_exit 120 || { fail serror "lkvm did not exit after L2's panic (panic=-1 resets)"; return; }
	local ev
	ev=$(ras_event AR "$GPA" injected)
	grep -E 'SError|Kernel panic' "$D/out" | sed 's/^[0-9.]* //' | head -n 4 | info
	grep 'lkvm: memory error' "$D/err" | info
	[ -n "$ev" ] || { fail serror "no AR/$GPA/injected event in lkvm's log"; return; }
	[ "$(esr_of "$ev")" = 0xbe000c11 ] || { fail serror "the event's ESR is '$(esr_of "$ev")', want 0xbe000c11: $ev"; return; }
	[ "$RC" = 0 ] || { fail serror "lkvm exited $RC after L2's panic and reset, want 0"; return; }
	grep -q ' E2E-SIGBUS' "$D/out" && { fail serror "the L2 process got a SIGBUS: the SError was not what stopped it"; return; }
	result PASS serror "AR at $GPA: SError with ESR_EL1 0xbe000c11 (AET UER) injected; L2's kernel reported it and stopped itself (panic, reset); lkvm exit 0"
}

# --ras-arm-notify=sea: the same read -> synchronous external abort: only the
# reader dies (SIGBUS BUS_OBJERR), L2 runs on and ends normally.
scn_sea() {	# [result name]
	local sn=${1:-sea}
	T0=$(now)
	vm_start $sn --ras-arm-notify=sea
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail $sn "L2 never reached its /init: $WHY"; return; }
	poison_touched_page || { fail $sn "$WHY"; return; }
	wait_for ' E2E-L2-ALIVE' 120 || { fail $sn "L2 did not come back after the poisoned read: $WHY"; return; }
	local sig mt
	sig=$(grep -E ' E2E-SIGBUS code=3 ' "$D/out" | head -n 1)
	mt=$(grep ' E2E-L2-MEMTEST rc=' "$D/out" | head -n 1)
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail $sn "L2's shell stopped answering after the abort: $WHY"; return; }
	send poweroff
	vm_wait_exit 120 || { fail $sn "lkvm did not exit after L2's poweroff"; return; }
	grep -E ' E2E-SIGBUS| E2E-L2-MEMTEST| E2E-L2-KLOG' "$D/out" | sed 's/^[0-9.]* //' | info
	grep 'lkvm: memory error' "$D/err" | info
	[ -n "$sig" ] || { fail $sn "the L2 process was not sent SIGBUS BUS_OBJERR (memtest: ${mt#* })"; return; }
	case "$mt" in *rc=135*) ;; *) fail $sn "the L2 process was not killed by SIGBUS (${mt#* })"; return ;; esac
	[ -n "$(ras_event AR "$GPA" injected | grep 'external data abort')" ] ||
		{ fail $sn "no AR/$GPA event saying an external data abort was injected"; return; }
	grep -qE 'SError Interrupt|Kernel panic' "$D/out" && { fail $sn "L2 panicked"; return; }
	[ "$RC" = 0 ] || { fail $sn "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS $sn "AR at $GPA: synchronous external abort injected; only the reader died (SIGBUS BUS_OBJERR, ${sig##*code=3 }); L2 ran on and powered off; lkvm exit 0"
}

# An untouched page poisoned: AO -> SError with AET UEO (ESR 0xbe000811): a
# RAS-aware Linux takes it and goes on (it logs nothing for UEO).
scn_ao_arm64() {
	T0=$(now)
	vm_start ao
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail ao "L2 never reached its /init: $WHY"; return; }
	l2_page idle || { fail ao "$WHY"; return; }
	poison "$GPA" || { fail ao "$WHY"; return; }
	send go
	wait_for ' E2E-L2-ALIVE' 120 || { fail ao "L2 did not answer after the error: $WHY"; return; }
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail ao "L2's shell stopped answering: $WHY"; return; }
	send poweroff
	vm_wait_exit 120 || { fail ao "lkvm did not exit after L2's poweroff"; return; }
	local ev
	ev=$(ras_event AO "$GPA" injected)
	grep 'lkvm: memory error' "$D/err" | info
	[ -n "$ev" ] || { fail ao "no AO/$GPA/injected event in lkvm's log"; return; }
	[ "$(esr_of "$ev")" = 0xbe000811 ] || { fail ao "the event's ESR is '$(esr_of "$ev")', want 0xbe000811: $ev"; return; }
	grep -q '"kind":"AR"' "$D/ras.json" && { fail ao "an AR error was logged though nothing touched the page"; return; }
	grep -qE 'SError Interrupt|Kernel panic' "$D/out" && { fail ao "L2 panicked on a UEO SError"; return; }
	[ "$RC" = 0 ] || { fail ao "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS ao "untouched page $GPA poisoned: AO injected as an SError with ESR_EL1 0xbe000811 (AET UEO); L2 took it, ran on and powered off; lkvm exit 0"
}

# A syndrome KVM would refuse, or the architecture does not define: one line, status 2.
scn_bad_esr() {
	T0=$(now)
	NAME=bad-esr
	D=/tmp/bad-esr
	mkdir -p $D
	local rc lines v ok=
	for v in 0x2000811 0x4811 0x1c11; do
		$LKVM run -k $KERNEL -i $INITRD -m $MEM --ras-serror-esr=$v >$D/out 2>$D/err </dev/null
		rc=$?
		lines=$(wc -l <$D/err)
		cat $D/err | info
		[ $rc = 2 ] || { fail bad-esr "--ras-serror-esr=$v: lkvm exited $rc, want 2"; return; }
		[ "$lines" = 1 ] || { fail bad-esr "--ras-serror-esr=$v: $lines lines on stderr, want 1"; return; }
		grep -q -- "--ras-serror-esr '$v'" $D/err || { fail bad-esr "--ras-serror-esr=$v: the message does not name the value"; return; }
		[ -s $D/out ] && { fail bad-esr "--ras-serror-esr=$v: the guest ran"; return; }
	done
	result PASS bad-esr "--ras-serror-esr 0x2000811 (bit 25), 0x4811 (RES0 bit 14), 0x1c11 (AET 7): status 2 and one line each, before any guest ran"
}

# kvm-unit-tests drives lkvm (arm/run, scripts/arch-run.bash) exactly so: it
# finds the binary by its --help, probes with a kernel that does not exist
# (every option must parse first), then runs the test with the environment
# as initrd. flat.flat (tests/guests/arm/flat.c) prints what it was given.
scn_kut() {
	T0=$(now)
	NAME=kut
	D=/tmp/kut
	mkdir -p $D
	local rc opts="--cpus 2 --nodefaults --network mode=none --loglevel=warning --mem 256 --irqchip=gicv3"
	$LKVM --help 2>&1 | grep -q 'The most commonly used' || { fail kut "'lkvm --help' lacks 'The most commonly used'"; return; }
	$LKVM run --kernel _NO_FILE_4Uhere_ $opts --params 'x' >$D/probe 2>&1 </dev/null
	rc=$?
	echo "probe (status $rc): $(cat $D/probe)" | info
	grep -q 'Fatal: Unable to open kernel _NO_FILE_4Uhere_' $D/probe ||
		{ fail kut "the _NO_FILE_4Uhere_ probe printed: $(head -c 200 $D/probe)"; return; }
	printf 'FOO=bar\nKUT_TESTNAME=selftest\n' >$D/env
	$LKVM run --kernel /l2/flat.flat $opts --params 'setup smp=2 mem=256' --initrd $D/env >$D/out 2>$D/err </dev/null
	rc=$?
	tr -d '\r' <$D/out | info
	[ $rc = 0 ] || { fail kut "lkvm exited $rc, want 0 (PSCI SYSTEM_OFF): $(head -c 200 $D/err)"; return; }
	grep -q 'flat: bootargs=\[setup smp=2 mem=256\]' $D/out || { fail kut "/chosen/bootargs is not exactly --params"; return; }
	grep -q 'flat: env: FOO=bar KUT_TESTNAME=selftest' $D/out || { fail kut "the environment did not arrive as initrd"; return; }
	grep -q 'EXIT: STATUS=1' $D/out || { fail kut "no EXIT line from the guest"; return; }
	[ -s $D/err ] && { fail kut "lkvm wrote to stderr under --loglevel=warning: $(head -c 200 $D/err)"; return; }
	result PASS kut "kvm-unit-tests' invocation: --help found, the probe said 'Fatal: Unable to open kernel _NO_FILE_4Uhere_', the raw .flat ran with bootargs exactly --params and the environment as initrd, printed on the UART and powered off (status 0)"
}

# The built-in guest (no --kernel): PSCI tells it how many vCPUs exist;
# --dump-dtb writes the tree the guest got.
scn_builtin() {
	T0=$(now)
	NAME=builtin
	D=/tmp/builtin
	mkdir -p $D
	local rc magic
	$LKVM run -c 3 --dump-dtb $D/tree.dtb >$D/out 2>$D/err </dev/null
	rc=$?
	tr -d '\r' <$D/out | info
	[ $rc = 0 ] || { fail builtin "lkvm run -c 3 exited $rc, want 0: $(head -c 200 $D/err)"; return; }
	grep -q 'vCPUs seen: 3' $D/out || { fail builtin "the built-in guest did not see 3 vCPUs"; return; }
	magic=$(hexdump -n 4 -e '4/1 "%02x"' $D/tree.dtb 2>/dev/null)
	[ "$magic" = d00dfeed ] || { fail builtin "--dump-dtb wrote no device tree (magic '$magic')"; return; }
	result PASS builtin "lkvm run -c 3 without --kernel: the built-in guest saw 3 vCPUs through PSCI and powered off (status 0); --dump-dtb wrote a $(wc -c <$D/tree.dtb)-byte tree"
}

# virtio-blk: L2 loads the virtio modules from its initramfs (Debian builds
# them as modules), finds the transports in lkvm's DSDT (x86) or device
# tree (arm64, ppc64), mounts the ext4 image run.sh made with mkfs.ext4 -d, reads
# the host's file, writes and syncs its own, and powers off. L1 then sends
# the image to the host (gzip | base64 on its console), where run.sh reads
# it back with e2fsck and debugfs. A second lkvm on the image is refused.
VIRTIO_MARK=lkvm-virtio-e2e-written-by-L2

virtio_load() {	# name [none: no disk to wait for]
	send sh sh /virtio.sh load ${2:-}
	if ! wait_for ' E2E-VIO-MODS' 120; then
		# Where it got to: the last module, and where lkvm's exits and requests went.
		$LKVM stat --name "$1" 2>&1 | grep -E '^(exits|mmio|virtio)' | info
		fail "$1" "L2 did not load the virtio modules (last: $(grep ' E2E-VIO-INSMOD ' "$D/out" | tail -n 1 | sed 's/.*INSMOD //')): $WHY"
		return 1
	fi
	grep -E ' E2E-VIO-(DEVS|PLATFORM|KLOG)' "$D/out" | sed 's/^[0-9.]* //' | info
	# Which way the interrupts go (irqfd 0: KVM_IRQ_LINE, 1: irqfd, 2: with resample).
	echo "interrupts: $($LKVM stat --name "$1" 2>&1 | grep -E '^virtio-[a-z]+0\.(irqfd|interrupts|irq_resamples) ' | tr '\n' ' ')" | info
	if grep -q ' E2E-VIO-INSMOD-FAIL' "$D/out"; then
		fail "$1" "insmod failed in L2: $(grep ' E2E-VIO-INSMOD-FAIL' "$D/out" | head -n 3 | tr '\n' ' ')"
		return 1
	fi
}

scn_disk() {
	local t_w lrc rng
	T0=$(now)
	vm_start disk -d /l2/disk.img --rng
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail disk "L2 never reached its /init: $WHY"; return; }
	$LKVM run -d /l2/disk.img -m 64 >"$D/lock.out" 2>"$D/lock.err"
	lrc=$?
	if [ $lrc != 2 ] || ! grep -q 'in use by another program' "$D/lock.err"; then
		fail disk "a second lkvm on the image in use exited $lrc, want 2: $(cat "$D/lock.err")"
		return
	fi
	virtio_load disk || return
	t_w=$(now)
	send sh sh /virtio.sh write $VIRTIO_MARK
	wait_for ' E2E-VIO-END' 120 || { fail disk "L2 did not finish with the disk: $WHY"; return; }
	if grep -q ' E2E-VIO-KERR' "$D/out"; then
		fail disk "L2's kernel complains: $(grep ' E2E-VIO-KERR' "$D/out" | head -n 2 | tr '\n' ' ')"
		return
	fi
	grep -E ' E2E-VIO-(SEED|RNG)' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -q ' E2E-VIO-SEED seeded on the host by mkfs.ext4 -d' "$D/out" ||
		{ fail disk "L2 could not mount the image or read the host's /seed.txt"; return; }
	grep -q ' E2E-VIO-WROTE' "$D/out" || { fail disk "L2 could not write, sync and unmount"; return; }
	rng=$(grep ' E2E-VIO-RNG virtio_rng' "$D/out" | sed -n 's/.* \([0-9a-f]\{32\}\)$/\1/p')
	[ -n "$rng" ] || { fail disk "L2's /dev/hwrng is not virtio-rng or gave no 16 bytes"; return; }
	send poweroff
	vm_wait_exit 60 || { fail disk "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail disk "lkvm exited $RC after L2's poweroff, want 0"; return; }
	echo "E2E-L1: disk image back to the host: $(gzip -c /l2/disk.img | wc -c) bytes gzipped"
	gzip -c /l2/disk.img | base64 | sed 's/^/E2E-DISK-B64 /'
	result PASS disk "L2 mounted the mkfs.ext4 -d image on virtio-blk, read /seed.txt, wrote and synced /hello.txt in $(secs "$t_w" "$(now)") s, powered off (lkvm 0); virtio-rng fed /dev/hwrng; a second lkvm on the image got status 2"
}

# The same image read-only: L2 sees it read-only, reads what the disk
# scenario wrote, cannot write it; the image is unchanged byte for byte.
scn_disk_ro() {
	local before after
	T0=$(now)
	before=$(md5sum /l2/disk.img | cut -d' ' -f1)
	vm_start disk-ro -d /l2/disk.img,ro
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail disk-ro "L2 never reached its /init: $WHY"; return; }
	virtio_load disk-ro || return
	send sh sh /virtio.sh ro
	wait_for ' E2E-VIO-END' 120 || { fail disk-ro "L2 did not finish with the disk: $WHY"; return; }
	grep -E ' E2E-VIO-(RO|READ|FS-|DEV-)' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -q ' E2E-VIO-RO 1$' "$D/out" || { fail disk-ro "L2's kernel does not see vda read-only (VIRTIO_BLK_F_RO)"; return; }
	grep -q " E2E-VIO-READ $VIRTIO_MARK" "$D/out" || { fail disk-ro "L2 did not read back what the disk scenario wrote"; return; }
	grep -q ' E2E-VIO-FS-REFUSED' "$D/out" || { fail disk-ro "a file could be created on the read-only disk"; return; }
	grep -q ' E2E-VIO-DEV-REFUSED' "$D/out" || { fail disk-ro "dd to the read-only /dev/vda succeeded"; return; }
	send poweroff
	vm_wait_exit 60 || { fail disk-ro "lkvm still runs 60 s after L2's poweroff"; return; }
	after=$(md5sum /l2/disk.img | cut -d' ' -f1)
	[ "$before" = "$after" ] || { fail disk-ro "the read-only image changed: md5 $before -> $after"; return; }
	result PASS disk-ro "L2 saw vda read-only, read /hello.txt back, file and device writes refused; image unchanged (md5 $after)"
}

# A memory error inside device emulation, for real: an L2 process writes a
# page with O_DIRECT (memtest dwrite: the guest kernel gives the device the
# page's address and never reads it itself) right after L1 poisoned it with
# MADV_HWPOISON, to the raw virtio disk (disk-poison) or to a file on a 9p
# share (9p-poison). The device's I/O thread meets the poison in its
# guarded copy: that request fails whole (EIO in L2, the file behind it
# untouched), the error is routed naming the device, lkvm and L2 live on.
# The early-kill AO of the same page is injected too; L2 (AMD) acts on it
# only at its machine-check poll, which memtest sets to every 10 s before
# the poisoning (writing check_interval later would clear the banks, the
# AO with them). Should L2 still act first (the writer killed, or its page
# gone before the write), the drill is tried again on a new page,
# E2E_DPOISON_TRIES times at most (default 3).
#
# dev_poison runs the drill on a VM started with the device, L2 ready to
# write TARGET (modules loaded, share mounted); FILE is L1's file behind
# it, 1 MiB of zeros.
dev_poison() {	# sn reader target file
	local sn=$1 reader=$2 target=$3 img=$4 try tries=${E2E_DPOISON_TRIES:-3} start chunk dw dw2 how= ev evs g
	local firsts= stat ioerr nz good act
	for try in $(seq 1 "$tries"); do
		start=$(wc -l <"$D/out")
		send dwrite "$target"
		wait_for ' E2E-GPA 0x' 60 "$try" || { fail $sn "try $try: no page address from L2: $WHY"; return; }
		GPA=$(echo "$LINE" | sed -n 's/.*E2E-GPA \(0x[0-9a-f]*\).*/\1/p')
		PFN=$(printf '%#x' $((GPA >> PAGE_SHIFT)))
		poison "$GPA" || { fail $sn "try $try: $WHY"; return; }
		send go
		wait_for ' E2E-L2-ALIVE$' 180 "$try" || { fail $sn "try $try: L2 did not come back from the write of $GPA: $WHY"; return; }
		chunk=$(tail -n +$((start + 1)) "$D/out")
		dw=$(echo "$chunk" | grep ' E2E-DWRITE ' | head -n 1)
		case "$dw" in
		*'rc=-1 errno=5 '*) how="try $try"; break ;;
		*'rc=4096 '*) fail $sn "try $try: L2's O_DIRECT write of the poisoned page $GPA succeeded: ${dw#* }"; return ;;
		esac
		# L2 acted on the early-kill AO before the device read the page.
		firsts="$firsts; try $try ($GPA): $(echo "$chunk" | grep -E ' E2E-(DWRITE|SIGBUS|L2-MEMTEST)' | sed 's/^[0-9.]* //' | tr '\n' ' ')"
	done
	[ -n "$how" ] || { fail $sn "L2 acted on the early-kill AO before the write in all $tries tries$firsts"; return; }
	[ -z "$firsts" ] || echo "L2 was first (the device never read the page) in${firsts#;}" | info
	echo "$chunk" | grep -E ' E2E-(DWRITE|GPA|AO-|L2-MEMTEST|L2-IOERR|L2-KLOG|SIGBUS)' | sed 's/^[0-9.]* //' | info
	dw2=$(echo "$chunk" | grep ' E2E-DWRITE2 ' | head -n 1)
	# lkvm answers and counted the failed request.
	stat=$($LKVM stat --name $sn 2>&1) || { fail $sn "lkvm stat exited $? after the error: $stat"; return; }
	echo "lkvm stat: $(echo "$stat" | grep -E "^$reader\.(requests|io_errors|bad_requests|p9_errors) " | tr '\n' ' ')" | info
	ioerr=$(echo "$stat" | sed -n "s/^$reader\.io_errors //p")
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail $sn "L2 stopped answering after the failed request: $WHY"; return; }
	send poweroff
	vm_wait_exit 120 || { fail $sn "lkvm still runs 120 s after L2's poweroff"; return; }
	grep 'lkvm: memory error' "$D/err" | info
	# The device's event: kind AR, the page (the copy may fault anywhere in
	# it: compare page numbers), reader the device.
	evs=$(grep "\"reader\":\"$reader\"" "$D/ras.json" 2>/dev/null)
	ev=
	for g in $(echo "$evs" | sed -n 's/.*"gpa":"\(0x[0-9a-f]*\)".*/\1/p'); do
		[ $((g >> PAGE_SHIFT)) = $((GPA >> PAGE_SHIFT)) ] || continue
		ev=$(echo "$evs" | grep "\"gpa\":\"$g\"" | head -n 1)
		break
	done
	case "$dw2" in *'rc=4096 '*) ;; *) fail $sn "a write from a good page after the error failed: ${dw2#* }"; return ;; esac
	[ -n "$ev" ] || { fail $sn "no event naming $reader for page $GPA in lkvm's log"; return; }
	case "$ev" in *'"kind":"AR"'*) ;; *) fail $sn "$reader's event for $GPA is not an AR: $ev"; return ;; esac
	case "$ev" in
	*'"action":"injected"'*) act="injected as action-optional" ;;
	*'"action":"ignored"'*'already told'*)
		[ -n "$(ras_event AO "$GPA" injected)" ] ||
			{ fail $sn "$reader's error was not injected, and no AO for $GPA was either: $ev"; return; }
		act="not told again: the early-kill AO was injected first" ;;
	*) fail $sn "$reader's event was neither injected nor already told: $ev"; return ;;
	esac
	[ "$ioerr" = 1 ] || { fail $sn "lkvm stat: $reader.io_errors is '$ioerr', want 1"; return; }
	# arm64: the AO is an SError, which carries no address (the guest was
	# told, as checked above, but cannot name the pfn).
	[ "$ARCH" = arm64 ] || echo "$chunk" | grep -q ' E2E-AO-SEEN' ||
		{ fail $sn "L2's kernel never handled pfn $PFN (the guest was not told)"; return; }
	grep -q 'fatal' "$D/err" && { fail $sn "lkvm printed a fatal message"; return; }
	[ "$RC" = 0 ] || { fail $sn "lkvm exited $RC after L2's poweroff, want 0"; return; }
	# The file: the failed request left nothing (64 KiB: zeros), the good
	# one is all there (128 KiB: 'k'), nothing else was written.
	nz=$(tr -d '\000' <$img | wc -c)
	good=$(dd if=$img bs=4096 skip=32 count=1 2>/dev/null | tr -d k | wc -c)
	[ -z "$(dd if=$img bs=4096 skip=16 count=1 2>/dev/null | tr -d '\000')" ] ||
		{ fail $sn "the failed write reached $img at 64 KiB"; return; }
	[ "$good" = 0 ] && [ "$nz" = 4096 ] ||
		{ fail $sn "$img holds $nz non-zero bytes (want 4096, the good write at 128 KiB, $good bytes there not 'k')"; return; }
	result PASS $sn "$how: page $GPA poisoned with MADV_HWPOISON; L2's O_DIRECT write of it to $target failed with EIO ($reader's guarded copy hit the poison: io_errors 1, $img untouched), event AR naming $reader ($act); the next write succeeded, L2 $([ "$ARCH" = arm64 ] && echo "was told (an SError: no pfn)" || echo "handled pfn $PFN") and ran on, lkvm answered stat and exited 0"
}

scn_disk_poison() {
	local sn=disk-poison img=/tmp/dpoison/scratch.img
	T0=$(now)
	mkdir -p /tmp/dpoison
	dd if=/dev/zero of=$img bs=1024 count=1024 2>/dev/null
	vm_start $sn -d $img
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail $sn "L2 never reached its /init: $WHY"; return; }
	virtio_load $sn || return
	dev_poison $sn virtio-blk0 /dev/vda $img
}

# The same drill through virtio-9p: the page is the data of a Twrite to a
# file on the share; the rest of that request (its header) is good.
scn_9p_poison() {
	local sn=9p-poison S=/tmp/p9poison
	T0=$(now)
	rm -rf $S
	mkdir -p $S
	dd if=/dev/zero of=$S/scratch.bin bs=1024 count=1024 2>/dev/null
	vm_start $sn --9p $S,pshare
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail $sn "L2 never reached its /init: $WHY"; return; }
	virtio_load $sn none || return
	send sh sh /virtio.sh p9mount pshare
	wait_for ' E2E-9P-END' 60 || { fail $sn "L2 did not answer p9mount: $WHY"; return; }
	grep -q ' E2E-9P-MOUNTED' "$D/out" || { fail $sn "L2 could not mount the share"; return; }
	dev_poison $sn virtio-9p0 /mnt/scratch.bin $S/scratch.bin
}

# virtio-9p: L1 shares a directory (and a second one read-only) with L2,
# which mounts both with Linux's 9p client, writes a tree the host must
# read back identical (sha256), renames across directories, reads a file
# it holds open after unlinking it, reads what the host writes while it is
# mounted, tries the host's and its own links out of the share and `..`
# (nothing outside may change on L1), and gets EROFS on the read-only one.
scn_9p() {
	local S=/tmp/p9share R=/tmp/p9ro O=/tmp/p9out l2 l1 before after brc st p9a p9b
	T0=$(now)
	rm -rf $S $R $O
	mkdir -p $S $R $O
	echo from-L1 >$S/from-host.txt
	echo ro-from-L1 >$R/from-host.txt
	echo secret >$O/secret
	ln -s /etc $S/hostetc
	ln -s ../p9out $S/up
	before=$( (ls -lA $O $R /l2; cat $O/secret $R/from-host.txt) | md5sum)
	# A bad share: one line, status 2, before any VM exists.
	$LKVM run --9p /nonexistent,x -m 64 >"/tmp/9p-bad.out" 2>"/tmp/9p-bad.err"
	brc=$?
	vm_start 9p --9p $S,hostshare --9p $R,roshare,ro
	[ $brc = 2 ] && grep -q "cannot share '/nonexistent'" /tmp/9p-bad.err ||
		{ fail 9p "lkvm --9p /nonexistent,x exited $brc, want 2 with one line: $(cat /tmp/9p-bad.err)"; return; }
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail 9p "L2 never reached its /init: $WHY"; return; }
	send sh sh /virtio.sh load none
	wait_for ' E2E-VIO-MODS' 120 || { fail 9p "L2 did not load the virtio and 9p modules: $WHY"; return; }
	grep -q ' E2E-VIO-INSMOD-FAIL' "$D/out" &&
		{ fail 9p "insmod failed in L2: $(grep ' E2E-VIO-INSMOD-FAIL' "$D/out" | head -n 3 | tr '\n' ' ')"; return; }
	grep -E ' E2E-VIO-DEVS' "$D/out" | sed 's/^[0-9.]* //' | info
	send sh sh /virtio.sh p9m
	wait_for ' E2E-9P-END' 60 1 || { fail 9p "L2 did not answer p9m: $WHY"; return; }
	grep -q ' E2E-9P-MOUNTED' "$D/out" && grep -q ' E2E-9P-RO-MOUNTED' "$D/out" ||
		{ fail 9p "L2 could not mount both shares (mount -t 9p -o trans=virtio)"; return; }
	grep -q ' E2E-9P-HOST from-L1$' "$D/out" || { fail 9p "L2 did not read the host's from-host.txt"; return; }

	send sh sh /virtio.sh p9t
	wait_for ' E2E-9P-END' 300 2 || { fail 9p "L2 did not finish writing its tree: $WHY"; return; }
	l2=$(sed -n 's/^[0-9.]* E2E-9P-SUM //p' "$D/out")
	l1=$(cd $S/tree && find . -type f | sort | xargs sha256sum)
	[ -n "$l1" ] && [ "$l2" = "$l1" ] ||
		{ echo "$l2" | head -n 3 | info; echo "$l1" | head -n 3 | info; fail 9p "the tree L2 wrote differs on L1 (sha256 of $(echo "$l1" | wc -l) files)"; return; }
	grep -q ' E2E-9P-RENAMED' "$D/out" && [ "$(cat $S/tree/a/m.txt)" = moved-by-L2 ] && [ ! -e $S/tree/c/m.txt ] ||
		{ fail 9p "rename across directories: L1 does not see tree/a/m.txt alone"; return; }
	grep ' E2E-9P-OU' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -q ' E2E-9P-OU kept gone' "$D/out" && [ ! -e $S/ou.txt ] ||
		{ fail 9p "open-unlink-read: $(grep ' E2E-9P-OU' "$D/out")"; return; }

	echo "written-by-L1-while-mounted" >$S/later.txt
	send sh sh /virtio.sh p9r later.txt
	wait_for ' E2E-9P-END' 60 3 || { fail 9p "L2 did not answer p9r: $WHY"; return; }
	grep -q ' E2E-9P-READ written-by-L1-while-mounted' "$D/out" ||
		{ fail 9p "L2 did not read the file L1 wrote while mounted"; return; }

	send sh sh /virtio.sh p9e
	wait_for ' E2E-9P-END' 60 4 || { fail 9p "L2 did not answer p9e: $WHY"; return; }
	grep ' E2E-9P-ESC' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -q ' E2E-9P-ESC-' "$D/out" && { fail 9p "an escape worked: $(grep ' E2E-9P-ESC-' "$D/out" | tr '\n' ' ')"; return; }
	[ "$(readlink $S/guestetc)" = /etc ] || { fail 9p "L2's symlink to /etc is not on L1 as a link"; return; }

	send sh sh /virtio.sh p9ro
	wait_for ' E2E-9P-END' 60 5 || { fail 9p "L2 did not answer p9ro: $WHY"; return; }
	grep -q ' E2E-9P-ROREAD ro-from-L1' "$D/out" || { fail 9p "L2 did not read the read-only share"; return; }
	[ "$(grep -c ' E2E-9P-ROERR .*Read-only file system' "$D/out")" = 4 ] ||
		{ fail 9p "the read-only share did not refuse touch, mkdir, rm, mv with EROFS: $(grep ' E2E-9P-ROERR' "$D/out" | tr '\n' ' ')"; return; }

	# A second lkvm on the same share at the same time (9p has no lock):
	# both write a tree at once, each reads the other's, the second reads
	# the first's earlier tree; every sha256 as L1 has it.
	b_start 9p-b --9p $S,hostshare
	b_swap
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail 9p "the second lkvm's L2 never reached its /init: $WHY"; return; }
	send sh sh /virtio.sh load none
	wait_for ' E2E-VIO-MODS' 120 || { fail 9p "the second L2 did not load the modules: $WHY"; return; }
	send sh sh /virtio.sh p9mount hostshare
	wait_for ' E2E-9P-END' 60 1 || { fail 9p "the second L2 did not answer p9mount: $WHY"; return; }
	grep -q ' E2E-9P-MOUNTED' "$D/out" || { fail 9p "the second L2 could not mount the share"; return; }
	send sh sh /virtio.sh p9w fromb
	b_swap
	send sh sh /virtio.sh p9w froma
	wait_for ' E2E-9P-END' 120 6 || { fail 9p "L2 did not finish p9w: $WHY"; return; }
	b_swap
	wait_for ' E2E-9P-END' 120 2 || { fail 9p "the second L2 did not finish p9w: $WHY"; return; }
	send sh sh /virtio.sh p9sum froma
	wait_for ' E2E-9P-END' 60 3 || { fail 9p "the second L2 did not answer p9sum froma: $WHY"; return; }
	send sh sh /virtio.sh p9sum tree
	wait_for ' E2E-9P-END' 60 4 || { fail 9p "the second L2 did not answer p9sum tree: $WHY"; return; }
	b_swap
	send sh sh /virtio.sh p9sum fromb
	wait_for ' E2E-9P-END' 60 7 || { fail 9p "L2 did not answer p9sum: $WHY"; return; }
	p9a=$(cd $S/froma && find . -type f | sort | xargs sha256sum)
	p9b=$(cd $S/fromb && find . -type f | sort | xargs sha256sum)
	[ "$(echo "$p9a" | wc -l)" = 9 ] && [ "$(echo "$p9b" | wc -l)" = 9 ] ||
		{ fail 9p "L1 does not hold the two trees of 9 files each (froma $(echo "$p9a" | wc -l), fromb $(echo "$p9b" | wc -l))"; return; }
	[ "$(sed -n 's/^[0-9.]* E2E-9P-WSUM froma //p' "$D/out")" = "$p9a" ] ||
		{ fail 9p "the first L2's tree froma differs on L1"; return; }
	[ "$(sed -n 's/^[0-9.]* E2E-9P-XSUM fromb //p' "$D/out")" = "$p9b" ] ||
		{ fail 9p "the first L2 reads the second's tree fromb other than L1 holds it"; return; }
	[ "$(sed -n 's/^[0-9.]* E2E-9P-WSUM fromb //p' "$B_D/out")" = "$p9b" ] ||
		{ fail 9p "the second L2's tree fromb differs on L1"; return; }
	[ "$(sed -n 's/^[0-9.]* E2E-9P-XSUM froma //p' "$B_D/out")" = "$p9a" ] ||
		{ fail 9p "the second L2 reads the first's tree froma other than L1 holds it"; return; }
	[ "$(sed -n 's/^[0-9.]* E2E-9P-XSUM tree //p' "$B_D/out")" = "$l1" ] ||
		{ fail 9p "the second L2 reads the first's earlier tree other than L1 holds it"; return; }
	echo "second lkvm: $($LKVM stat --name 9p-b 2>&1 | grep -E '^virtio-9p0\.(p9_requests|p9_errors|bytes_read|bytes_written) ' | tr '\n' ' ')" | info
	b_swap
	send poweroff
	vm_wait_exit 60 || { fail 9p "the second lkvm still runs 60 s after its L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail 9p "the second lkvm exited $RC after its L2's poweroff, want 0"; return; }
	b_end

	st=$($LKVM stat --name 9p 2>&1 | grep -E '^virtio-9p[01]\.')
	echo "stat: $(echo "$st" | grep -E '\.(requests|p9_requests|p9_errors|bytes_read|bytes_written|io_errors) ' | tr '\n' ' ')" | info
	echo "$st" | grep -qE '^virtio-9p0\.p9_requests [1-9]' || { fail 9p "lkvm stat has no virtio-9p0 requests: $st"; return; }
	send poweroff
	vm_wait_exit 60 || { fail 9p "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail 9p "lkvm exited $RC after L2's poweroff, want 0"; return; }
	after=$( (ls -lA $O $R /l2; cat $O/secret $R/from-host.txt) | md5sum)
	[ "$before" = "$after" ] || { fail 9p "something outside the share (or in the read-only one) changed on L1"; return; }
	result PASS 9p "L2 mounted two shares; its tree of $(echo "$l1" | wc -l) files is identical on L1 (sha256); rename across directories, open-unlink-read, a host write read while mounted; links and .. stayed inside, nothing outside changed; ro: EROFS x4; a second lkvm on the share at once: each L2 reads the other's new tree (2 x 9 files) and the first's earlier one as L1 holds them (sha256); both lkvm 0"
}

# virtio-console: lkvm runs with --console virtio; L2's init moves to hvc0
# (l2-init, e2e_hvc), so every command below reaches L2 through the
# virtio-console receive queue and every answer leaves through its transmit
# queue (the UART takes no input then).
scn_console() {
	T0=$(now)
	vm_start console --console virtio -p "$PARAMS e2e_hvc"
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail console "L2 never reached its /init: $WHY"; return; }
	send sh 'echo E2E-VIO-TTY $(readlink /proc/$$/fd/0)'
	wait_for ' E2E-VIO-TTY' 60 || { fail console "no answer to a command sent to hvc0: $WHY"; return; }
	echo "$LINE" | sed 's/^[0-9.]* //' | info
	echo "$LINE" | grep -q "E2E-VIO-TTY $HVC\$" || { fail console "L2's init does not read $HVC"; return; }
	send alive
	wait_for ' E2E-L2-ALIVE uptime=' 60 || { fail console "L2 stopped answering on hvc0: $WHY"; return; }
	send poweroff
	vm_wait_exit 60 || { fail console "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail console "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS console "--console virtio: L2's init read its commands from $HVC (virtio-console) and answered through it; poweroff, lkvm 0"
}

# virtio-ports (named virtio-console ports, MULTIPORT): lkvm's test-only
# --test-vport puts port 'in' on a file of 1 MiB and 7 bytes of random
# data (every byte value in its first 64 KiB, checked) and port 'out' on an
# empty file. L2 finds both by name in /sys/class/virtio-ports and copies
# one to the other with cat: the in file's EOF must end L2's read (PORT_OPEN
# 0), the out file must be identical (sha256), and lkvm stat must count
# the bytes each way.
scn_vport() {
	local V=/tmp/vport-files size=1048583 vals insum outsum st i
	T0=$(now)
	rm -rf $V
	mkdir -p $V
	head -c $size /dev/urandom >$V/in.bin
	vals=$(head -c 65536 $V/in.bin | od -An -tu1 -v | tr -s ' ' '\n' | sed '/^$/d' | sort -un | wc -l)
	[ "$vals" = 256 ] || { fail vport "the input's first 64 KiB hold $vals byte values, want 256"; return; }
	vm_start vport --test-vport in,$V/in.bin,- --test-vport out,-,$V/out.bin
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail vport "L2 never reached its /init: $WHY"; return; }
	send sh sh /virtio.sh load none
	wait_for ' E2E-VIO-MODS' 120 || { fail vport "L2 did not load the virtio modules: $WHY"; return; }
	grep -q ' E2E-VIO-INSMOD-FAIL' "$D/out" &&
		{ fail vport "insmod failed in L2: $(grep ' E2E-VIO-INSMOD-FAIL' "$D/out" | head -n 3 | tr '\n' ' ')"; return; }
	send sh sh /virtio.sh vport
	wait_for ' E2E-VPORT-END' 300 || { fail vport "L2 did not finish the copy: $WHY"; return; }
	grep ' E2E-VPORT' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -qE ' E2E-VPORT-NAME vport[0-9]+p0 in$' "$D/out" && grep -qE ' E2E-VPORT-NAME vport[0-9]+p1 out$' "$D/out" ||
		{ fail vport "L2 does not see ports 0 'in' and 1 'out' in /sys/class/virtio-ports"; return; }
	grep -q ' E2E-VPORT-COPIED rc=0' "$D/out" || { fail vport "L2's cat from 'in' to 'out' failed"; return; }
	# The guest's close comes after its last write; lkvm writes the file meanwhile.
	i=0
	while [ "$(wc -c <$V/out.bin)" -lt $size ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	insum=$(sha256sum <$V/in.bin | cut -d' ' -f1)
	outsum=$(sha256sum <$V/out.bin | cut -d' ' -f1)
	[ "$insum" = "$outsum" ] ||
		{ fail vport "the out file ($(wc -c <$V/out.bin) bytes, sha256 $outsum) differs from the in file ($size, $insum)"; return; }
	st=$($LKVM stat --name vport 2>&1 | grep -E '^virtio-ports\.')
	echo "stat: $(echo "$st" | tr '\n' ' ')" | info
	echo "$st" | grep -q "^virtio-ports.in.to_guest $size\$" && echo "$st" | grep -q "^virtio-ports.out.from_guest $size\$" &&
		echo "$st" | grep -q '^virtio-ports.bad_control 0$' ||
		{ fail vport "lkvm stat does not count $size bytes each way: $st"; return; }
	send poweroff
	vm_wait_exit 60 || { fail vport "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail vport "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS vport "L2 found ports 'in' and 'out' by name, read $size random bytes (all 256 values) to EOF and wrote them back: identical on L1 (sha256 $(echo $insum | cut -c1-16)...), stat $size each way, lkvm 0"
}

# virtio-net with passt (docs/net.md): L1 has no network, so the test makes
# one passt can use (a dummy interface with an address and a default route,
# nothing behind it), serves 16 MiB of random bytes with busybox httpd on
# L1's loopback, and runs lkvm with -n mode=user,hostfwd=tcp::2222-:7777.
# L2 gets an address from passt's DHCP, downloads the file from the
# gateway's address (passt maps it to L1's loopback): the sha256 must
# match; L1 then reaches L2's port 7777 through the forwarded port 2222.
# passt's side of L1: tests/e2e/l1-net.sh (lkvm runs in /tmp/in-netroot).
# First, without passt on the PATH: status 2, one line.
scn_net() {
	local W=/tmp/www sum st out rc rxb
	T0=$(now)
	NAME=net	# info's label before vm_start sets it
	[ -x /usr/bin/passt ] || { fail net "no /usr/bin/passt in L1 (the bed copies Debian's passt)"; return; }
	out=$($LKVM run -k $KERNEL -i $INITRD -n mode=user 2>&1 </dev/null); rc=$?
	[ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "install the Debian package 'passt'" ||
		{ fail net "without passt on the PATH lkvm said '$out' with status $rc, want one line naming the package and 2"; return; }
	echo "no passt: $out (status 2)" | info
	. /l1-net.sh
	net_l1_link || { fail net "cannot give L1 the dummy interface passt needs"; return; }
	net_root || { fail net "cannot make the tmpfs root for lkvm and passt"; return; }
	printf '#!/bin/sh\nexec /tmp/in-netroot /lkvm "$@"\n' >/tmp/lkvm-net && chmod 755 /tmp/lkvm-net
	mkdir -p $W
	head -c 16777216 /dev/urandom >$W/blob
	sum=$(sha256sum <$W/blob | cut -d' ' -f1)
	httpd -p 127.0.0.1:8080 -h $W || { fail net "busybox httpd did not start"; return; }
	LKVM=/tmp/lkvm-net vm_start net -n mode=user,hostfwd=tcp::2222-:7777
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail net "L2 never reached its /init: $WHY"; return; }
	send sh sh /virtio.sh load none
	wait_for ' E2E-VIO-MODS' 120 || { fail net "L2 did not load the virtio modules: $WHY"; return; }
	grep -q ' E2E-VIO-INSMOD-FAIL' "$D/out" &&
		{ fail net "insmod failed in L2: $(grep ' E2E-VIO-INSMOD-FAIL' "$D/out" | head -n 3 | tr '\n' ' ')"; return; }
	send sh sh /virtio.sh net
	wait_for ' E2E-NET-LISTEN' 600 || { fail net "L2 did not finish DHCP and the download: $WHY"; return; }
	grep ' E2E-NET' "$D/out" | sed 's/^[0-9.]* //' | info
	grep -q ' E2E-NET-LEASE 192.0.2.1/24 router 192.0.2.254' "$D/out" ||
		{ fail net "L2 got no lease 192.0.2.1/24 via 192.0.2.254 from passt's DHCP"; return; }
	grep -q " E2E-NET-SUM $sum " "$D/out" ||
		{ fail net "L2's download's sha256 is not the file's ($sum)"; return; }
	# Bounded: busybox nc's -w is the connect's only (passt accepts at once).
	out=$(echo | timeout 60 nc -w 10 127.0.0.1 2222 2>&1)
	[ "$out" = E2E-NET-HELLO-FROM-L2 ] || { fail net "L1's port 2222 (forwarded to L2's 7777) answered '$out' in 60 s (passt: $(pidof passt >/dev/null && echo running || echo gone))"; return; }
	st=$(LKVM_DIR=/tmp/netctl timeout 30 $LKVM stat --name net 2>&1 | grep -E '^virtio-net0\.')
	echo "stat: $(echo "$st" | tr '\n' ' ')" | info
	# At least the 16 MiB; passt's retransmissions can make it many times that
	# (arm64: 337 MB once, when L2 was slow to give receive buffers).
	rxb=$(echo "$st" | sed -n 's/^virtio-net0.rx_bytes \([0-9]*\)$/\1/p')
	echo "$st" | grep -q '^virtio-net0.drop_tx_fault 0$' && [ "${rxb:-0}" -ge 16777216 ] ||
		{ fail net "lkvm stat does not show 16 MiB received: $st"; return; }
	send poweroff
	vm_wait_exit 60 || { fail net "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail net "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS net "no passt: status 2, one line; L2 leased 192.0.2.1/24 from passt, downloaded 16 MiB from L1's loopback (sha256 $(echo $sum | cut -c1-16)... matches), L1:2222 reached L2:7777; lkvm 0"
}

# virtio-net on a TAP (docs/net.md), in a network namespace the test makes
# (busybox unshare --net=FILE keeps it, nsenter reaches it): lkvm makes the
# TAP lkvmtap0 there (it may: L1's root), L1 gives it 10.0.9.1/24, L2 takes
# 10.0.9.2/24; L1 pings L2 and sends it 1 MiB with nc: L2's sha256 and size
# of what it got must be the file's; L2 sends it back, and L1's copy must be
# the file too; lkvm stat counts the MiB each way.
scn_net_tap() {
	local NS=/tmp/tapns F=/tmp/tap.bin sum out i t t1 back st m
	T0=$(now)
	m=$(find /lib/modules -name tun.ko | head -n 1)
	[ -n "$m" ] && insmod "$m" 2>/dev/null
	[ -c /dev/net/tun ] || { fail net-tap "no /dev/net/tun in L1 (tun.ko: '$m')"; return; }
	touch $NS
	cat >/tmp/lkvm-tap <<'EOS'
#!/bin/sh
exec unshare --net=/tmp/tapns /lkvm "$@"
EOS
	chmod 755 /tmp/lkvm-tap
	head -c 1048576 /dev/urandom >$F
	sum=$(sha256sum <$F | cut -d' ' -f1)
	LKVM=/tmp/lkvm-tap vm_start net-tap -n mode=tap,tapif=lkvmtap0
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail net-tap "L2 never reached its /init: $WHY"; return; }
	i=0
	until nsenter --net=$NS ip link show lkvmtap0 >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	nsenter --net=$NS sh -c 'ip link set lo up && ip addr add 10.0.9.1/24 dev lkvmtap0 && ip link set lkvmtap0 up' ||
		{ fail net-tap "no TAP lkvmtap0 in the test's network namespace: $(tail -n 1 "$D/err")"; return; }
	send sh sh /virtio.sh load none
	wait_for ' E2E-VIO-MODS' 120 || { fail net-tap "L2 did not load the virtio modules: $WHY"; return; }
	send sh sh /virtio.sh tap
	wait_for ' E2E-TAP-LISTEN' 120 || { fail net-tap "L2 did not bring eth0 up: $WHY"; return; }
	out=$(nsenter --net=$NS ping -c 3 -W 5 10.0.9.2 2>&1 | grep -E 'packets transmitted')
	echo "ping: $out" | info
	echo "$out" | grep -qE ' 3 (packets )?received' || { fail net-tap "L1 -> L2 ping: $out"; return; }
	t=$(now)
	timeout 120 nsenter --net=$NS nc -w 10 10.0.9.2 7778 <$F
	wait_for ' E2E-TAP-SUM' 120 || { fail net-tap "L2 did not report the transfer: $WHY"; return; }
	grep -q " E2E-TAP-SUM $sum 1048576\$" "$D/out" ||
		{ fail net-tap "L2 got other bytes than L1 sent (want sha256 $sum, 1048576 bytes): $(grep ' E2E-TAP-SUM' "$D/out")"; return; }
	t1=$(now)
	timeout 120 nsenter --net=$NS nc -w 10 10.0.9.2 7779 </dev/null >$F.back
	back=$(sha256sum <$F.back | cut -d' ' -f1)
	[ "$back" = "$sum" ] ||
		{ fail net-tap "L2 -> L1: $(wc -c <$F.back) bytes with sha256 $back, want 1048576 with $sum"; return; }
	echo "1 MiB L1 -> L2 in $(secs "$t" "$t1") s, back L2 -> L1 in $(secs "$t1" "$(now)") s" | info
	st=$(timeout 30 $LKVM stat --name net-tap 2>&1 | grep -E '^virtio-net0\.')
	echo "stat: $(echo "$st" | tr '\n' ' ')" | info
	echo "$st" | grep -qE '^virtio-net0.rx_bytes [0-9]{7,}$' && echo "$st" | grep -qE '^virtio-net0.tx_bytes [0-9]{7,}$' ||
		{ fail net-tap "lkvm stat does not show 1 MiB each way: $st"; return; }
	send poweroff
	vm_wait_exit 60 || { fail net-tap "lkvm still runs 60 s after L2's poweroff"; return; }
	[ "$RC" = 0 ] || { fail net-tap "lkvm exited $RC after L2's poweroff, want 0"; return; }
	result PASS net-tap "TAP lkvmtap0 in the test's namespace: 3 of 3 pings answered, 1 MiB L1 -> L2 and back with nc, sha256 $(echo $sum | cut -c1-16)... both ways; lkvm 0"
}

# seccomp (docs/threat-model.md): while L2 Linux runs, every lkvm thread is
# under its filter (the main thread one, every thread it started two: the
# main thread's beneath its own), and the unit tests' seccomp suite runs
# natively on this kernel (cross builds: qemu-user cannot install filters),
# each forbidden call reported by name with status 10.
scn_seccomp() {
	T0=$(now)
	local threads kinds bad unit= k
	NAME=seccomp D=/tmp/seccomp
	rm -rf "$D" && mkdir -p "$D"
	if [ -x /unit-tests ]; then
		CK_FORK=yes CK_RUN_SUITE=seccomp /unit-tests >"$D/out" 2>&1
		grep -E '%: Checks|:[FE]:' "$D/out" | sed 's|^|unit tests: |' | info
		grep -q '^100%: Checks: [1-9]' "$D/out" ||
			{ fail seccomp "the unit tests' seccomp suite failed on this kernel: $(grep -m 1 ':[FE]:' "$D/out")"; return; }
		unit="; the seccomp unit suite passed natively ($(sed -n 's/^100%: Checks: \([0-9]*\).*/\1/p' "$D/out") checks)"
	fi
	vm_start seccomp --rng	# an I/O thread too
	wait_for ' E2E-L2-READY' $BOOT_TIMEOUT || { fail seccomp "L2 never reached its /init: $WHY"; return; }
	# name, seccomp mode, filters; KVM's own workers (kvm-nx-lpage-recovery) left out.
	threads=$(for s in /proc/$(cat "$D/pid")/task/*/status; do
		awk '/^Name:/ { n = $2 } /^Seccomp:/ { m = $2 } /^Seccomp_filters:/ { f = $2 }
			END { if (n !~ /^kvm-/) print n, m, f }' "$s"
	done | sort)
	echo "threads (name mode filters): $(echo "$threads" | tr '\n' ',' | sed 's/,$//')" | info
	bad=$(echo "$threads" | awk '$1 == "lkvm" ? ($2 != 2 || $3 != 1) : ($2 != 2 || $3 != 2)')
	kinds=$(echo "$threads" | awk '{ sub(/[0-9]+$/, "", $1); print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
	send reboot
	vm_wait_exit 120 || { fail seccomp "lkvm did not exit after L2's reboot -f"; return; }
	[ -z "$bad" ] || { fail seccomp "threads not under their filters: $bad"; return; }
	for k in lkvm lkvm-console lkvm-ras vcpu virtio-rng; do
		case " $kinds " in *" $k "*) ;; *) fail seccomp "no $k thread among: $kinds"; return ;; esac
	done
	[ "$RC" = 0 ] || { fail seccomp "after reboot -f lkvm exited $RC, want 0: $(tail -n 1 "$D/err")"; return; }
	result PASS seccomp "all $(echo "$threads" | wc -l) lkvm threads ($kinds) under their filters while L2 ran; reboot -f, status 0$unit"
}

# probe: the bed itself, no L2: L1's /dev/kvm and, if there, lkvm --version.
scn_probe() {
	T0=$(now)
	NAME=probe
	D=/tmp/probe
	local v="no $LKVM in L1"
	ls -l /dev/kvm | info
	dmesg | grep -E 'kvm(_amd)?( \[[0-9]*\])?: ' | tail -n 6 | info
	echo "memory_failure_early_kill=$(cat /proc/sys/vm/memory_failure_early_kill) memory_failure_recovery=$(cat /proc/sys/vm/memory_failure_recovery)" | info
	if [ -e $LKVM ]; then
		v=$($LKVM --version 2>&1) || { fail probe "$LKVM --version exited $?: $v"; return; }
	fi
	[ -c /dev/kvm ] || { fail probe "no /dev/kvm in L1"; return; }
	result PASS probe "L1 $(uname -m) $(uname -r) has /dev/kvm; $(echo "$v" | head -n 1)"
}

LKVM_VERSION="no $LKVM"
[ -e $LKVM ] && LKVM_VERSION=$($LKVM version 2>&1 | head -n 1)
echo "E2E-L1: $LKVM_VERSION; L2 gets $SMP_CPUS vCPU(s) in boot, $CPUS in the drills, $MEM MiB, '$PARAMS'"
for s in ${*:-boot poweroff recovery stop ao guarded-read lkvm-hit reboot}; do
	case "$s" in
	boot | poweroff | recovery | stop | ao | reboot | probe) scn_$s ;;
	panic | efault | fwnmi-guest)
		# if/else: a failed scenario must not also print a SKIP
		if [ $ARCH = ppc64 ]; then
			scn_$(echo $s | tr - _)
		else
			T0=$(now)
			result SKIP "$s" "a ppc64 scenario"
		fi ;;
	serror | sea | bad-esr | kut | builtin | acpi | acpi-ar | acpi-ao | acpi-burst)
		if [ $ARCH = arm64 ]; then
			scn_$(echo $s | tr - _)
		else
			T0=$(now)
			result SKIP "$s" "an arm64 scenario"
		fi ;;
	disk) scn_disk ;;
	disk-ro) scn_disk_ro ;;
	disk-poison) scn_disk_poison ;;
	9p) scn_9p ;;
	9p-poison) scn_9p_poison ;;
	sandbox | sandbox-panic | sandbox-timeout | sandbox-ras)
		if [ -f /sandbox.sh ]; then
			. /sandbox.sh
			scn_$(echo $s | tr - _)
		else
			T0=$(now)
			result FAIL "$s" "no /sandbox.sh in L1"
		fi ;;
	seccomp) scn_seccomp ;;
	console) scn_console ;;
	vport) scn_vport ;;
	net) scn_net ;;
	net-tap) scn_net_tap ;;
	boot-pvh) KERNEL=/l2/vmlinux scn_boot boot-pvh ;;
	race | latency) scn_$s ;;
	smp-page) scn_smp_page ;;
	l1-crash) scn_l1_crash ;;
	lkvm-hit) scn_lkvm_hit ;;
	guarded-read) scn_guarded_read ;;
	*) T0=$(now); result SKIP "$s" "unknown scenario" ;;
	esac
done
