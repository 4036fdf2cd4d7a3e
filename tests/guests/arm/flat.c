// SPDX-License-Identifier: GPL-2.0
/*
 * A test guest shaped like a kvm-unit-tests arm64 .flat: it reads what the
 * runner gave it from the device tree (/chosen bootargs, the initrd holding
 * the environment), prints it on the UART kvmtool places at 0x1000000, prints
 * kvm-unit-tests' "EXIT: STATUS=" line and powers off with PSCI SYSTEM_OFF;
 * with bootargs exactly "idle" it waits for interrupts until stopped, with
 * "cpufeat" it checks SVE and pointer authentication (flat-sve.c), with "its"
 * it sends itself an MSI through the GICv3 ITS (flat-its.c).
 * Freestanding: no libc, no MMU.
 */
#include <stddef.h>
#include <stdint.h>

#include "flat.h"

#define UART		FLAT_UART
#define PSCI_SYSTEM_OFF	0x84000008u
#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

void flat_main(const uint8_t *fdt);

static void puts_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		*UART = (uint8_t)s[i];
}

static void puts0(const char *s)
{
	puts_n(s, (size_t)-1);
}

void flat_puts(const char *s)
{
	puts0(s);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int prefix(const char *s, const char *p)
{
	while (*p && *s == *p) {
		s++;
		p++;
	}
	return !*p;
}

void flat_hex(uint64_t v)
{
	char b[19] = "0x";

	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	b[18] = 0;
	puts0(b);
}

static uint64_t prop_u64(const uint8_t *p, uint32_t len)
{
	return len == 8 ? (uint64_t)be32(p) << 32 | be32(p + 4) : len == 4 ? be32(p) : 0;
}

static void psci_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
}

void flat_main(const uint8_t *fdt)
{
	const uint8_t *st, *p;
	const char *strs;
	const char *bootargs = NULL;
	uint32_t bootargs_len = 0;
	uint64_t ird_s = 0, ird_e = 0;
	uint64_t gicd = 0, gicr = 0, its = 0;
	int depth = 0, in_chosen = 0, in_gic = 0, in_its = 0;

	puts0("flat: entered\r\n");
	if (be32(fdt) != FDT_MAGIC) {
		puts0("flat: x0 is not a device tree\r\nEXIT: STATUS=3\r\n");
		psci_off();
		return;
	}
	st = fdt + be32(fdt + 8);
	strs = (const char *)fdt + be32(fdt + 12);
	for (p = st;;) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			size_t n = 0;

			while (name[n])
				n++;
			depth++;
			in_chosen = depth == 2 && streq(name, "chosen");
			in_gic = depth == 2 && prefix(name, "intc@");
			in_its = depth == 3 && prefix(name, "msi-controller@");
			p += (n + 4) & ~(size_t)3;
		} else if (tok == FDT_END_NODE) {
			depth--;
			in_chosen = in_gic = in_its = 0;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p), off = be32(p + 4);
			const uint8_t *v = p + 8;

			if (in_chosen && streq(strs + off, "bootargs")) {
				bootargs = (const char *)v;
				bootargs_len = len;
			} else if (in_chosen && streq(strs + off, "linux,initrd-start")) {
				ird_s = prop_u64(v, len);
			} else if (in_chosen && streq(strs + off, "linux,initrd-end")) {
				ird_e = prop_u64(v, len);
			} else if (in_gic && streq(strs + off, "reg") && len >= 32) {
				gicd = prop_u64(v, 8);
				gicr = prop_u64(v + 16, 8);
			} else if (in_its && streq(strs + off, "reg") && len >= 8) {
				its = prop_u64(v, 8);
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (tok != FDT_NOP) {
			break;
		}
	}
	puts0("flat: bootargs=[");
	if (bootargs)
		puts_n(bootargs, bootargs_len);
	puts0(bootargs ? "]\r\n" : "] (no property)\r\n");
	if (bootargs && streq(bootargs, "idle")) {
		/* For the control-socket tests: runs until lkvm stops it. */
		puts0("flat: idle\r\n");
		for (;;)
			__asm__ volatile("wfi");
	}
	if (bootargs && streq(bootargs, "its")) {
		flat_its(gicd, gicr, its);
		puts0("EXIT: STATUS=1\r\n");
		psci_off();
		return;
	}
	if (bootargs && streq(bootargs, "cpufeat")) {
		flat_cpufeat();
		puts0("EXIT: STATUS=1\r\n");
		psci_off();
		return;
	}
	puts0("flat: initrd ");
	flat_hex(ird_s);
	puts0("..");
	flat_hex(ird_e);
	puts0("\r\n");
	if (ird_e > ird_s && ird_e - ird_s < 4096) {
		/* The environment, as kvm-unit-tests passes it: KEY=VALUE lines. */
		puts0("flat: env: ");
		for (const char *e = (const char *)(uintptr_t)ird_s; e < (const char *)(uintptr_t)ird_e; e++)
			*UART = (uint8_t)(*e == '\n' ? ' ' : *e);
		puts0("\r\n");
	}
	puts0("EXIT: STATUS=1\r\n");
	psci_off();
}
