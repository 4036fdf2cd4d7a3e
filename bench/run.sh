#!/usr/bin/env bash
#
# bench/run.sh: lkvm and QEMU side by side on the same tiny multiboot payload
# (tests/guests/x86/pio.c). `make bench` builds ./lkvm and the payload, then runs
# this. The table goes to stdout, followed by one line naming the host and
# the method. Progress messages go to stderr.
#
# What is measured (each number is a median over BENCH_RUNS - 1 runs: every
# series starts with one more run, a warm-up that is thrown away):
#
#  start-up    Time from the exec of the VMM to its first ioctl(KVM_RUN),
#              from `perf trace -e sched:sched_process_exec,ioctl` (the exec
#              tracepoint to the entry of the first KVM_RUN). Without a perf
#              that can trace, `strace -f -ttt -e trace=execve,ioctl` is used
#              instead (execve entry to KVM_RUN entry; the ptrace stops make
#              it slower). The tracer watches the probe runs below.
#  memory      VMM memory overhead = peak RSS (VmHWM, /proc/PID/status) minus
#              the guest RAM the payload touched. "Guest RAM touched" is the
#              Rss of the VMM's guest-RAM mapping in /proc/PID/smaps (the one
#              anonymous mapping exactly -m MiB long). Both are read in probe
#              runs, while the guest (n=0 hold=1) sits halted after its
#              payload. That Rss includes whatever the firmware wrote
#              (SeaBIOS) and rounding up to 2 MiB transparent huge pages.
#              Firmware and ROM images that QEMU keeps outside guest RAM
#              count as overhead.
#  exits/s     Port-I/O exit round trips per second: the guest does n `out`s
#              to port 0xe9, where neither VMM has a device, then exits
#              through port 0xf4. t(n) is the wall time of the whole VMM run
#              (bash $EPOCHREALTIME around it). Rate = N / (t(N) - t(0)) from
#              the medians, with n=0 and n=N runs taken in turn (which comes
#              first alternates from round to round).
#  loop only   A cross-check of exits/s that firmware start-up noise cannot
#              reach: N over the time between the arrival, on the VMM's
#              stdout, of the guest's console lines just before and just
#              after its loop, in the same n=N runs.
#  whole run   For reference: t(0), i.e. start-up + firmware + guest + exit.
#
# The VMMs: ./lkvm run -k ELF -m MEM -p ARGS, and qemu-system-x86_64 -accel
# kvm -nodefaults -kernel ELF -m MEM -append ARGS, with isa-debug-exit on
# port 0xf4, as machine "pc" (SeaBIOS, which boots -kernel through QEMU's
# multiboot option ROM) and machine "microvm" (qboot, no PCI). Every VMM gets
# the same ELF, the same guest RAM size, and the same command line.
#
# The payload: tests/guests/x86/pio.elf, as built by the Makefile. Every segment
# of it loads at or above 1 MiB (QEMU's multiboot loader needs that); the
# script checks and refuses to compare VMMs on a payload QEMU cannot boot.
#
# Settings (environment): BENCH_RUNS (default 4 runs per series, including
# the warm-up),
# BENCH_N (150000 outs), BENCH_MEM (64 MiB), BENCH_QEMU_MACHINES
# ("pc microvm"), QEMU (qemu-system-x86_64).
#
# If QEMU is missing and we are root, it is installed with
# `apt-get install -y qemu-system-x86`; if that fails, the QEMU columns say
# "QEMU not available". No number is ever made up: a failed measurement shows
# as "failed" and the reason goes to stderr. The exit status is non-zero
# only if lkvm itself cannot run the payload.

set -u
export LC_ALL=C		# "." as decimal point in $EPOCHREALTIME and awk

cd "$(dirname "$0")/.." || exit 1

RUNS=${BENCH_RUNS:-4}
N=${BENCH_N:-150000}
MEM=${BENCH_MEM:-64}
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_MACHINES=${BENCH_QEMU_MACHINES:-pc microvm}
LKVM=./lkvm
PORT=0xe9
TIMEOUT=60		# seconds allowed for any single VMM run

if ! [[ $RUNS =~ ^[0-9]+$ ]] || ((RUNS < 2)); then
	echo "bench: BENCH_RUNS must be 2 or more" >&2
	exit 1
fi
[[ $N =~ ^[1-9][0-9]*$ && $MEM =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_N and BENCH_MEM must be positive integers" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }

# Print the median of the arguments (numbers).
median() {
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			if (NR % 2) printf "%.6f\n", v[(NR + 1) / 2]
			else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# Evaluate an awk expression over the named numeric variables:
# calc 'a / b' a=1 b=2
calc() {
	local expr=$1 args=() kv
	shift
	for kv in "$@"; do args+=(-v "$kv"); done
	awk "${args[@]}" "BEGIN { printf \"%.6f\n\", $expr }"
}

# ---- the payload --------------------------------------------------------

# True if the ELF has a non-empty loadable segment below 1 MiB.
has_low_segment() {
	local pa memsz
	while read -r pa memsz; do
		((memsz > 0 && pa < 0x100000)) && return 0
	done < <(readelf -lW "$1" | awk '$1 == "LOAD" { print $4, $6 }')
	return 1
}

PAYLOAD=tests/guests/x86/pio.elf
PAYLOAD_NOTE="tests/guests/x86/pio.elf"
prepare_payload() {
	[[ -f $PAYLOAD ]] || die "$PAYLOAD is missing (make tests/guests/x86/pio.elf)"
	if has_low_segment "$PAYLOAD"; then
		say "$PAYLOAD has a segment below 1 MiB: QEMU's multiboot loader would corrupt its boot info"
		QEMU_BROKEN="the payload has a segment below 1 MiB"
	fi
}

# ---- the VMMs -----------------------------------------------------------

# vmm_cmd VMM ARGS: set CMD to the command line that runs the payload on VMM
# (lkvm, qemu-pc, qemu-microvm) with guest command line ARGS.
vmm_cmd() {
	case $1 in
	lkvm)
		CMD=("$LKVM" run -k "$PAYLOAD" -m "$MEM" -p "$2")
		;;
	qemu-*)
		# shellcheck disable=SC2054  # the commas belong to -device
		CMD=("$QEMU" -machine "${1#qemu-}" -accel kvm -nodefaults -no-user-config
			-display none -serial stdio -no-reboot -m "$MEM"
			-device isa-debug-exit,iobase=0xf4,iosize=0x04
			-kernel "$PAYLOAD" -append "$2")
		;;
	esac
}

# Copy stdin to stdout, each line prefixed with its arrival time.
stamp() {
	local line
	while IFS= read -r line; do
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done
}

# One timed run with n=$2. Prints the wall time of the whole run in seconds,
# and, if n > 0, the time between the guest's lines before and after its
# loop (from their arrival on the serial console).
time_once() {
	local vmm=$1 n=$2 out=$TMP/run.out t0 t1 rc loop=""

	vmm_cmd "$vmm" "n=$n port=$PORT"
	t0=$EPOCHREALTIME
	timeout -k 5 "$TIMEOUT" "${CMD[@]}" 2>>"$TMP/$vmm.err" </dev/null | stamp >"$out"
	rc=${PIPESTATUS[0]}
	t1=$EPOCHREALTIME
	# guest_exit(0) through port 0xf4 makes both VMMs exit with status 1.
	if ((rc != 1)) || ! grep -q "pio: n=$n port=$PORT" "$out" || ! grep -q "pio: done" "$out"; then
		say "$vmm: n=$n: exit status $rc (want 1), guest said: $(cut -d' ' -f2- "$out" | tr '\n' ' ' | cut -c1-200)"
		[[ -s $TMP/$vmm.err ]] && say "$vmm stderr: $(tail -n 3 "$TMP/$vmm.err" | tr '\n' ' ')"
		return 1
	fi
	((n > 0)) && loop=$(awk '/pio: n=/ { a = $1 } /pio: done/ { printf "%.6f", $1 - a; exit }' "$out")
	printf '%s %s\n' "$(calc 'b - a' a="$t0" b="$t1")" "$loop"
}

# One probe run of n=0 hold=1 under the tracer (if any). Prints the start-up
# time in ms ("-" without a tracer) and the memory overhead in MiB.
probe_once() {
	local vmm=$1 log=$TMP/trace.log out=$TMP/probe.out tpid pid="" i hwm="" guest="" st="-"

	rm -f "$log"
	: >"$out"
	vmm_cmd "$vmm" "n=0 port=$PORT hold=1"
	case $TRACER in
	perf)
		perf trace -e sched:sched_process_exec,ioctl -o "$log" -- "${CMD[@]}" \
			>"$out" 2>>"$TMP/$vmm.err" </dev/null &
		;;
	strace)
		strace -f -ttt $STRACE_BPF -e trace=execve,ioctl -o "$log" "${CMD[@]}" \
			>"$out" 2>>"$TMP/$vmm.err" </dev/null &
		;;
	none)
		"${CMD[@]}" >"$out" 2>>"$TMP/$vmm.err" </dev/null &
		;;
	esac
	tpid=$!
	for ((i = 0; i < TIMEOUT * 20; i++)); do
		grep -q "pio: done" "$out" && break
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.05
	done
	# The VMM is the tracer's child, or the background job itself.
	if [[ $TRACER == none ]]; then
		pid=$tpid
	else
		pid=$(ps -o pid= --ppid "$tpid" 2>/dev/null | head -n 1)
		pid=${pid// /}
	fi
	if [[ -n $pid ]] && grep -q "pio: done" "$out"; then
		hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		# Rss of the one anonymous mapping of exactly MEM MiB (kB).
		guest=$(awk -v want=$((MEM * 1024)) '
			/^[0-9a-f]+-[0-9a-f]+ / { anon = ($6 == ""); next }
			/^Size:/ { size = $2 }
			/^Rss:/ { if (anon && size == want) { rss += $2; n++ } }
			END { if (n == 1) print rss }' "/proc/$pid/smaps" 2>/dev/null)
	fi
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	if [[ -z $hwm || -z $guest ]]; then
		say "$vmm: probe run failed (guest done: $(grep -c 'pio: done' "$out"), VmHWM '$hwm' kB, guest RAM Rss '$guest' kB)"
		return 1
	fi
	case $TRACER in
	perf)	# "  12.345 ( 0.010 ms): comm/pid event..." times in ms from the start
		st=$(awk '/sched:sched_process_exec/ && !s { t0 = $1; s = 1 }
			  s && /KVM_RUN/ { printf "%.6f\n", $1 - t0; exit }' "$log")
		;;
	strace)	# "pid seconds.micros syscall(...)"
		st=$(awk '/execve\(/ && !s { t0 = $2; s = 1 }
			  s && /KVM_RUN/ { printf "%.6f\n", ($2 - t0) * 1000; exit }' "$log")
		;;
	esac
	[[ -n $st ]] || { say "$vmm: no exec or KVM_RUN in the $TRACER output"; st="-"; }
	printf '%s %s\n' "$st" "$(calc '(h - g) / 1024' h="$hwm" g="$guest")"
}

# Samples, per VMM, as space-separated lists (warm-up runs not included):
# T0/TN whole-run seconds at n=0/n=N, LOOPT loop seconds, ST start-up ms,
# MB memory overhead MiB. FAIL says why a VMM's column is empty.
declare -A T0 TN LOOPT ST MB FAIL

# fail VMM WHY: give up on VMM; for lkvm, give up altogether.
fail() {
	[[ $1 == lkvm ]] && die "lkvm cannot run the payload: giving up"
	say "$1: $2; its column stays empty"
	FAIL[$1]="failed"
}

# The VMMs still in the race.
active() {
	local v
	for v in "${VMMS[@]}"; do
		[[ -z ${FAIL[$v]-} ]] && printf '%s\n' "$v"
	done
}

# Runs go round the VMMs (lkvm, QEMU pc, QEMU microvm, lkvm, ...), so that
# whatever else the host is doing meanwhile hits them all alike. Timed runs
# come first: a VMM that cannot run the payload drops out there.
run_all() {
	local r v n x st mem warm order
	declare -A probe_failed=()

	for ((r = 1; r <= RUNS; r++)); do
		warm=""; ((r == 1)) && warm=" (warm-up)"
		order="0 $N"; ((r % 2)) || order="$N 0"
		say "round $r of $RUNS$warm: timed runs, n = ${order/ /, }"
		for v in $(active); do
			for n in $order; do
				x=$(time_once "$v" "$n") || { fail "$v" "timed run failed"; continue 2; }
				((r > 1)) || continue
				if ((n == 0)); then
					T0[$v]+=" ${x% *}"
				else
					TN[$v]+=" ${x% *}"
					LOOPT[$v]+=" ${x#* }"
				fi
			done
		done
	done
	for ((r = 1; r <= RUNS; r++)); do
		warm=""; ((r == 1)) && warm=" (warm-up)"
		if [[ $TRACER == none ]]; then
			say "round $r of $RUNS$warm: probe runs (memory from /proc)"
		else
			say "round $r of $RUNS$warm: probe runs (start-up by $TRACER, memory from /proc)"
		fi
		for v in $(active); do
			[[ -n ${probe_failed[$v]-} ]] && continue
			# A failed probe leaves only this VMM's start-up and memory empty.
			x=$(probe_once "$v") || { probe_failed[$v]=1; continue; }
			read -r st mem <<<"$x"
			if ((r > 1)); then
				[[ $st != - ]] && ST[$v]+=" $st"
				MB[$v]+=" $mem"
			fi
		done
	done
}

# The table's numbers, per VMM: START (ms), MEMO (MiB), RATE and LOOP
# (exits/s), WHOLE (ms); RATE_NOTE marks a noisy RATE.
declare -A START MEMO RATE LOOP WHOLE RATE_NOTE

# med VMM LIST: median of that VMM's samples in LIST, if there is one per run.
med() {
	local -n list=$2
	local -a vals
	read -r -a vals <<<"${list[$1]-}"
	((${#vals[@]} == RUNS - 1)) && median "${vals[@]}"
}

# shellcheck disable=SC2034  # the arrays are read through row()'s nameref
summarize() {
	local v t0 tn lt d spread
	for v in $(active); do
		say "$v samples: t(0)${T0[$v]-} s; t(N)${TN[$v]-} s; loop${LOOPT[$v]-} s;" \
			"start-up${ST[$v]-} ms; memory${MB[$v]-} MiB"
		t0=$(med "$v" T0) && WHOLE[$v]=$(calc 't * 1000' t="$t0")
		tn=$(med "$v" TN)
		if [[ -n $t0 && -n $tn ]] && awk -v a="$t0" -v b="$tn" 'BEGIN { exit !(b > a) }'; then
			RATE[$v]=$(calc 'n / (b - a)' n="$N" a="$t0" b="$tn")
			# Flag the rate when t(0) alone varies by more than a tenth
			# of the difference it is taken from (firmware start-up).
			d=$(calc 'b - a' a="$t0" b="$tn")
			spread=$(tr ' ' '\n' <<<"${T0[$v]}" | awk 'NF {
				if (!n++ || $1 < lo) lo = $1
				if ($1 > hi) hi = $1
			} END { printf "%.6f", hi - lo }')
			if awk -v s="$spread" -v d="$d" 'BEGIN { exit !(s > d / 10) }'; then
				RATE_NOTE[$v]=" (noisy)"
				say "$v: t(0) varies by $spread s from run to run, against t(N) - t(0) = $d s:" \
					"N/(t(N)-t(0)) is noisy (the loop-only row is not affected)"
			fi
		else
			say "$v: no exit rate (t(n=$N) '$tn' s, t(n=0) '$t0' s)"
		fi
		lt=$(med "$v" LOOPT) && LOOP[$v]=$(calc 'n / t' n="$N" t="$lt")
		START[$v]=$(med "$v" ST)
		MEMO[$v]=$(med "$v" MB)
	done
}

# ---- tools --------------------------------------------------------------

[[ -x $LKVM ]] || die "$LKVM is missing (make lkvm)"

# The start-up tracer: perf if it can trace here, else strace (installed if
# missing and we are root), else none. BENCH_TRACER=perf|strace|none forces it.
perf_works() {
	command -v perf >/dev/null 2>&1 &&
		perf trace -e sched:sched_process_exec,ioctl -o "$TMP/probe" -- true >/dev/null 2>&1 &&
		grep -q sched_process_exec "$TMP/probe"
}
strace_works() {
	if ! command -v strace >/dev/null 2>&1 && is_root; then
		say "installing strace"
		DEBIAN_FRONTEND=noninteractive apt-get install -y strace >/dev/null 2>&1 ||
			{ apt-get update >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y strace >/dev/null 2>&1; }
	fi
	command -v strace >/dev/null 2>&1
}
TRACER=none
STRACE_BPF=""
case ${BENCH_TRACER:-auto} in
auto)	if perf_works; then TRACER=perf; elif strace_works; then TRACER=strace; fi ;;
perf)	perf_works && TRACER=perf ;;
strace)	strace_works && TRACER=strace ;;
esac
if [[ $TRACER == strace ]]; then
	# Stop only at the traced syscalls, if this strace can.
	strace -f --seccomp-bpf -e trace=execve -o /dev/null true >/dev/null 2>&1 &&
		STRACE_BPF=--seccomp-bpf
fi
[[ $TRACER == none ]] && say "no usable perf trace or strace: no start-up numbers"

QEMU_STATUS=""		# empty when QEMU can be tried, else why not
QEMU_BROKEN=""
if ! command -v "$QEMU" >/dev/null 2>&1 && [[ $QEMU == qemu-system-x86_64 ]] && is_root; then
	say "$QEMU missing: apt-get install -y qemu-system-x86"
	DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-system-x86 >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-system-x86 >/dev/null 2>&1; }
fi
command -v "$QEMU" >/dev/null 2>&1 || QEMU_STATUS="QEMU not available"

prepare_payload
[[ -z $QEMU_STATUS && -n $QEMU_BROKEN ]] && { say "QEMU: $QEMU_BROKEN"; QEMU_STATUS="QEMU not available"; }

# ---- run ----------------------------------------------------------------

VMMS=(lkvm)
for m in $QEMU_MACHINES; do VMMS+=("qemu-$m"); done

say "payload: $PAYLOAD_NOTE; n=$N; -m $MEM MiB; $RUNS rounds, the first a warm-up"
if [[ -n $QEMU_STATUS ]]; then
	for v in "${VMMS[@]:1}"; do FAIL[$v]=$QEMU_STATUS; done
fi
run_all
summarize

# ---- report -------------------------------------------------------------

# cell VALUE FORMAT [EMPTY]: the formatted value, or EMPTY ("failed").
cell() {
	if [[ -n $1 ]]; then
		# shellcheck disable=SC2059  # the format is ours
		printf "$2" "$1"
	else
		printf '%s' "${3:-failed}"
	fi
}

# ratio A B: A/B to 3 significant digits, or "-".
ratio() {
	if [[ -n $1 && -n $2 ]] && awk -v b="$2" 'BEGIN { exit !(b != 0) }'; then
		awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r < 100 ? "%.3g" : "%.0f"), r }'
	else
		printf -- '-'
	fi
}

# row LABEL ARRAY FORMAT [EMPTY [NOTES]]: one line of the table; NOTES names
# an array of text to append to a VMM's value.
row() {
	local label=$1 fmt=$3 empty=${4:-failed} v
	local -n arr=$2 notes=${5:-NO_NOTES}
	printf '%-36s %16s' "$label" "$(cell "${arr[lkvm]-}" "$fmt" "$empty")${notes[lkvm]-}"
	for v in "${VMMS[@]:1}"; do
		if [[ -n ${FAIL[$v]-} ]]; then
			printf '  %18s %12s' "${FAIL[$v]}" '-'
		else
			printf '  %18s %12s' "$(cell "${arr[$v]-}" "$fmt" "$empty")${notes[$v]-}" \
				"$(ratio "${arr[lkvm]-}" "${arr[$v]-}")"
		fi
	done
	printf '\n'
}
# shellcheck disable=SC2034  # read through row()'s nameref
declare -A NO_NOTES=()

printf '%-36s %16s' "metric (median of $((RUNS - 1)) runs)" "lkvm"
for v in "${VMMS[@]:1}"; do
	printf '  %18s %12s' "QEMU ${v#qemu-}" "lkvm/${v#qemu-}"
done
printf '\n'
if [[ $TRACER == none ]]; then
	row "start-up: exec to 1st KVM_RUN (ms)" START '%.2f' "n/a (no tracer)"
else
	row "start-up: exec to 1st KVM_RUN (ms)" START '%.2f'
fi
row "VMM memory overhead (MiB)" MEMO '%.1f'
row "port-I/O exits/s: N/(t(N)-t(0))" RATE '%.0f' "n/a" RATE_NOTE
row "port-I/O exits/s: loop only (check)" LOOP '%.0f'
row "whole run at n=0 (ms, reference)" WHOLE '%.1f'

qver=""
[[ -z $QEMU_STATUS ]] && qver="; $("$QEMU" --version 2>/dev/null | head -n 1)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
case $TRACER in
perf)	how="perf trace from sched_process_exec to the first ioctl(KVM_RUN)" ;;
strace)	how="strace -f -ttt from execve entry to the first ioctl(KVM_RUN)" ;;
*)	how="not measured (neither perf trace nor strace works)" ;;
esac
printf '%s\n' "host: $(uname -sr), ${cpu:-unknown CPU}, $(nproc) CPUs$qver; method: same ELF ($PAYLOAD_NOTE), -m $MEM MiB and command line for every VMM, QEMU with -accel kvm -nodefaults; start-up = $how; memory = VmHWM minus Rss of the $MEM MiB guest-RAM mapping, both from /proc while the guest halts after its payload; exits/s = $N outs to port $PORT / (t(n=$N) - t(n=0)), t = whole-run wall time; loop only = $N / time between the guest's console lines around its loop; medians of $((RUNS - 1)) runs after 1 warm-up"
exit 0
