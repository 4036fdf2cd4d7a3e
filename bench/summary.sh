#!/usr/bin/env bash
#
# bench/summary.sh (the end of make ci-bench): one table of every lkvm/peer
# ratio the last benchmark runs left in .cache/e2e (bench-boot on x86,
# arm64 and powerpc; bench-io; bench-net): per round, lkvm's value over the peer's in
# the same round (same L1, taking turns), then the median and the spread
# (lowest-highest) over the rounds, so a regression shows at a glance.
# Time and memory: lower is better for lkvm; I/O rows: higher is better.
# Boot rounds after the first (a warm-up, as bench/boot.sh drops it).
# Settings: BENCH_SUMMARY_CACHE (.cache/e2e).
set -eu -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
C=${BENCH_SUMMARY_CACHE:-.cache/e2e}

# rows: "arch metric lkvm-config peer-config round ratio better" on stdout.
ratios() {	# arch rows-file kind
	[ -s "$2" ] || return 0
	awk -v arch="$1" -v kind="$3" '
	function put(m, c, p, r, better, i) {
		if (v[c, r, i] > 0 && v[p, r, i] > 0)
			print arch, m, c, p, r, v[c, r, i] / v[p, r, i], better
	}
	kind == "boot" && $2 > 1 { v[$1, $2, 3] = $3; v[$1, $2, 6] = $6; cf[$1] = 1; rd[$2] = 1 }
	kind == "io" { v[$1, $2, 3] = $3; v[$1, $2, 4] = $4; v[$1, $2, 5] = $5; v[$1, $2, 6] = $6; cf[$1] = 1; rd[$2] = 1 }
	kind == "net" { v[$1, $2, 3] = $3; v[$1, $2, 4] = $4; v[$1, $2, 5] = $5; cf[$1] = 1; rd[$2] = 1 }
	END {
		for (c in cf) {
			# lkvm itself (bench-io, bench-net: "lkvm"; bench-boot: lkvm-FILE); every
			# other one a peer, lkvm-base / base-FILE (BENCH_LKVM_BASE) included.
			if (kind == "boot" ? c !~ /^lkvm-/ : c != "lkvm") continue
			for (p in cf) {
				# arm64: lkvm-acpi-image against lkvm-image, ACPI over DT (issue 25: <= 1.10)
				if (kind == "boot" && c ~ /^lkvm-acpi-/ && p == "lkvm-" substr(c, 11)) {
					for (r in rd) put("boot-ACPI/DT", c, p, r, "lower", 3)
					continue
				}
				if (p == c || p ~ /^lkvm-/ && kind == "boot") continue
				if (kind == "boot") {
					# the same kernel file: lkvm-vmlinux against qemu-vmlinux, microvm-vmlinux, base-vmlinux
					k = c; sub(/^lkvm-/, "", k)
					if (p !~ ("-" k "$")) continue
					for (r in rd) { put("boot-time", c, p, r, "lower", 3); put("VMM-RSS", c, p, r, "lower", 6) }
				} else if (kind == "net") {
					for (r in rd) {
						put("net-to-host", c, p, r, "higher", 3); put("net-to-guest", c, p, r, "higher", 4)
						put("net-req-resp", c, p, r, "higher", 5)
					}
				} else {
					for (r in rd) {
						put("seq-read", c, p, r, "higher", 3); put("seq-write", c, p, r, "higher", 4)
						put("rand-4K-read", c, p, r, "higher", 5); put("VMM-RSS", c, p, r, "lower", 6)
					}
				}
			}
		}
	}' "$2"
}

{
	ratios x86 "$C/bench-boot.rows" boot
	ratios arm64 "$C/arm64/bench-boot.rows" boot
	ratios powerpc "$C/powerpc/bench-boot.rows" boot
	ratios x86 "$C/bench-io.rows" io
	ratios x86 "$C/bench-net.rows" net
} | sort -k1,1 -k2,2 -k3,3 -k4,4 -k5,5n | awk '
function flush(   i, j, t, med) {
	if (!n) return
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	med = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	printf "%-8s %-13s %-16s %-16s %6.2f  %5.2f-%-5.2f %6d  %s\n", K[1], K[2], K[3], K[4], med, a[1], a[n], n, better
	rows++
	n = 0
}
BEGIN {
	printf "make ci-bench summary: lkvm / peer per round (same L1, taking turns); median, spread (lowest-highest), rounds\n"
	printf "%-8s %-13s %-16s %-16s %6s  %-11s %6s  %s\n", "arch", "metric", "lkvm", "peer", "median", "spread", "rounds", "lkvm better when"
}
{
	key = $1 " " $2 " " $3 " " $4
	if (key != last) { flush(); last = key; split(key, K, " ") }
	a[++n] = $6 + 0; better = $7
}
END {
	flush()
	if (!rows) { print "no benchmark rows in the cache: run make bench-boot / make bench-io / make bench-net first"; exit 1 }
}'
