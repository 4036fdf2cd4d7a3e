// SPDX-License-Identifier: GPL-2.0
/*
 * Reads lkvm's ACPI tables the way an OS does and powers off through them:
 * the RSDP by scanning 0xe0000-0xfffff, the XSDT to every table with its
 * checksum, the FACS and DSDT through the FADT, the MADT's local APICs and
 * \_S5_'s first value; then (SLP_TYP << 10) | SLP_EN to the FADT's PM1a
 * control port, which must end the VM with status 0. Also checks that the
 * MP table is still there for guests without ACPI. Exit codes: 2 no RSDP,
 * 3 a table missing, 9 still running after the power-off write.
 */
#include "guest.h"

#define SLP_EN		(1u << 13)
#define SLP_TYP_SHIFT	10

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool same(const uint8_t *p, const char *s, uint32_t n)
{
	while (n--)
		if (*p++ != (uint8_t)*s++)
			return false;
	return true;
}

static const char *checksum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s ? "BAD" : "ok";
}

/* A 64-bit table pointer, which must lie below 4 GiB for this 32-bit guest. */
static const uint8_t *ptr64(const uint8_t *p)
{
	return rd32(p + 4) ? 0 : (const uint8_t *)rd32(p);
}

static void print_sig(const char *what, const uint8_t *t)
{
	printf("acpi: %s%c%c%c%c length %u checksum %s\n", what, t[0], t[1], t[2], t[3],
	       rd32(t + 4), checksum(t, rd32(t + 4)));
}

/* The first value of Name(_S5_, Package(){...}) in the DSDT; ~0u if none. */
static uint32_t s5_first(const uint8_t *dsdt)
{
	const uint8_t *p = dsdt + 36, *end = dsdt + rd32(dsdt + 4);

	for (; p + 8 <= end; p++) {
		if (!same(p, "_S5_", 4) || p[4] != 0x12)	/* PackageOp */
			continue;
		p += 5 + 1 + (p[5] >> 6);		/* PkgLength, its extra bytes */
		if (p + 2 > end || p[0] == 0)		/* NumElements */
			return ~0u;
		switch (p[1]) {
		case 0x00:				/* ZeroOp */
		case 0x01:				/* OneOp */
			return p[1];
		case 0x0a:				/* BytePrefix */
			return p + 3 <= end ? p[2] : ~0u;
		default:
			return ~0u;
		}
	}
	return ~0u;
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const uint8_t *rsdp = 0, *xsdt, *fadt = 0, *madt = 0, *dsdt, *facs, *mp, *p;
	uint32_t a, i, n, lapics = 0, slp_typ;
	uint16_t port, cpus = 0, val, cnt;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		p = (const uint8_t *)a;
		if (same(p, "RSD PTR ", 8) && checksum(p, 20)[0] == 'o') {
			rsdp = p;
			break;
		}
	}
	if (!rsdp) {
		puts("acpi: no RSDP in 0xe0000-0xfffff\n");
		return 2;
	}
	printf("acpi: RSDP at 0x%x revision %u checksum %s extended checksum %s\n", a, rsdp[15],
	       checksum(rsdp, 20), checksum(rsdp, rd32(rsdp + 20)));
	xsdt = ptr64(rsdp + 24);
	if (!xsdt || !same(xsdt, "XSDT", 4)) {
		puts("acpi: no XSDT\n");
		return 3;
	}
	print_sig("", xsdt);
	n = (rd32(xsdt + 4) - 36) / 8;
	for (i = 0; i < n; i++) {
		const uint8_t *t = ptr64(xsdt + 36 + 8 * i);

		if (!t)
			continue;
		print_sig("XSDT -> ", t);
		if (same(t, "FACP", 4))
			fadt = t;
		else if (same(t, "APIC", 4))
			madt = t;
	}
	if (!fadt || !madt) {
		puts("acpi: no FADT or no MADT\n");
		return 3;
	}
	dsdt = ptr64(fadt + 140);			/* X_DSDT, else DSDT */
	if (!dsdt)
		dsdt = (const uint8_t *)rd32(fadt + 40);
	facs = ptr64(fadt + 132);			/* X_FIRMWARE_CTRL, else FIRMWARE_CTRL */
	if (!facs)
		facs = (const uint8_t *)rd32(fadt + 36);
	if (!dsdt || !same(dsdt, "DSDT", 4) || !facs || !same(facs, "FACS", 4)) {
		puts("acpi: no DSDT or no FACS\n");
		return 3;
	}
	print_sig("FACP -> ", dsdt);
	printf("acpi: FACP -> FACS length %u\n", rd32(facs + 4));

	for (p = madt + 44; p + 2 <= madt + rd32(madt + 4) && p[1] >= 2; p += p[1])
		if (p[0] == 0 && (rd32(p + 4) & 1))	/* enabled Processor Local APIC */
			lapics++;
	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	printf("acpi: MADT local APICs %u (fw_cfg cpus %u)\n", lapics, cpus);
	slp_typ = s5_first(dsdt);
	printf("acpi: \\_S5_ SLP_TYP %u\n", slp_typ);

	mp = (const uint8_t *)0xf0000;
	printf("mptable: _MP_ at 0xf0000 %s checksum %s\n", same(mp, "_MP_", 4) ? "found" : "MISSING",
	       checksum(mp, 16));

	port = (uint16_t)rd32(fadt + 64);		/* PM1a_CNT_BLK */
	cnt = inw(port);
	printf("acpi: PM1a_CNT port 0x%x reads 0x%x (SCI_EN %u)\n", port, cnt, cnt & 1u);
	val = (uint16_t)(((slp_typ & 7) << SLP_TYP_SHIFT) | SLP_EN);
	printf("acpi: powering off: 0x%x to port 0x%x\n", val, port);
	outw(port, val);
	for (i = 0; i < 1000000; i++)
		pause();
	puts("acpi: still running after the power-off write\n");
	return 9;
}
