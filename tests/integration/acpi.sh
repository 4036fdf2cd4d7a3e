# ACPI tables as a guest finds them, and the ACPI power-off (sourced by
# run.sh). The payload scans 0xe0000-0xfffff for the RSDP, follows the XSDT
# to every table and checks its checksum, reads the MADT and \_S5_, then
# writes (SLP_TYP << 10) | SLP_EN to the FADT's PM1a control port: lkvm
# must end with status 0, and the guest must have printed exactly this.
# An AMD guest (the host's vendor: KVM passes it through) also has a HEST,
# one GHES source for errors nothing consumed (docs/ras.md 3a), unless
# lkvm runs with --ras-amd-ao=deferred (acpi-poweroff-deferred).
host_amd() { grep -qE 'AuthenticAMD|HygonGenuine' /proc/cpuinfo; }
acpi_expected() { # vCPUs [nohest]
	local hest=
	host_amd && [ -z "${2:-}" ] && hest=1
	# MADT: 44-byte header, 8 per local APIC, I/O APIC 12, SCI override 10, NMI 6
	# DSDT: 36-byte header, \_S5_ 15, \_S3_ 15 for one vCPU
	cat <<EOF2
acpi: RSDP at 0xe0000 revision 2 checksum ok extended checksum ok
acpi: XSDT length $((52 + ${hest:-0} * 8)) checksum ok
acpi: XSDT -> FACP length 276 checksum ok
acpi: XSDT -> APIC length $((72 + 8 * $1)) checksum ok
${hest:+acpi: XSDT -> HEST length 132 checksum ok
}acpi: FACP -> DSDT length $(( $1 == 1 ? 66 : 51 )) checksum ok
acpi: FACP -> FACS length 64
acpi: MADT local APICs $1 (fw_cfg cpus $1)
acpi: \_S5_ SLP_TYP 5
mptable: _MP_ at 0xf0000 found checksum ok
acpi: PM1a_CNT port 0x604 reads 0x1 (SCI_EN 1)
acpi: powering off: 0x3400 to port 0x604
EOF2
}

for n in 1 4 deferred; do
	t=acpi-poweroff-$n
	cpus=$n nohest=
	if [ $n = deferred ]; then
		cpus=1 nohest=1
		run run -k $G/acpi.elf -c 1 --ras-amd-ao=deferred
	else
		run run -k $G/acpi.elf -c $n
	fi
	if expect_status $t 0; then
		# plain shell, no diff(1): this suite also runs in the nested bed's L1
		if [ "$(cat "$T/out")" != "$(acpi_expected $cpus $nohest)" ]; then
			bad $t "the guest's lines (out:) differ from these: $(acpi_expected $cpus $nohest | tr '\n' '|')"
		elif [ -s "$T/err" ]; then
			bad $t "lkvm wrote to stderr on a clean power-off"
		else
			ok $t
		fi
	fi
done
