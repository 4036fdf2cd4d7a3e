# The VMM's resident memory outside guest RAM, kB, for the benchmarks' L1
# jobs (bench/boot-l1.sh, bench/io-l1.sh: sourced there as /vmm-rss.sh,
# with MEM set to guest RAM in MiB).
vmm_rss() {	# pid [START-END: lkvm's guest RAM, `lkvm stat`'s ram_hva]
	# Guest RAM: a mapping as large as it (QEMU's; lkvm's before it maps
	# the kernel's pages over it), or whatever lies in lkvm's range.
	awk -v lim=$((MEM * 1024)) -v range="${2:-}" '
		function hex(s,  i, v) { sub(/^0x/, "", s); v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v }
		BEGIN { split(range, r, "-"); lo = hex(r[1]); hi = hex(r[2]) }
		/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); big = range != "" && hex(a[1]) >= lo && hex(a[2]) <= hi }
		/^Size:/ { big = big || ($2 >= lim) }
		/^Rss:/ { if (!big) s += $2 }
		END { print s + 0 }' "/proc/$1/smaps"
}
