// SPDX-License-Identifier: GPL-2.0
/*
 * The test guest's "cpufeat" mode: what the vCPU's ID registers offer (SVE,
 * pointer authentication) and whether that state survives exits to lkvm.
 * Each UART byte is an MMIO exit to lkvm's vCPU thread, whose user-space code
 * (memcpy, printf) runs on the host's FP/SIMD registers: KVM must save and
 * give back the guest's whole SVE state (the Z registers beyond their low
 * 128 bits, which FP/SIMD saving alone would lose) and its PAC keys.
 * Lines: "cpufeat: sve=N ptrauth=N", "cpufeat: sve vl=BYTES ok|BAD ...",
 * "cpufeat: pac ok|BAD ...", then "cpufeat: done".
 */
#include <stddef.h>
#include <stdint.h>

#include "flat.h"

#define CPACR_FPEN_ZEN	(3ull << 20 | 3ull << 16)

#define READ_SYSREG(name) ({ uint64_t _v; __asm__ volatile("mrs %0, " name : "=r"(_v)); _v; })

/* Exits to lkvm: a line of 64 bytes, each a UART write. */
static void exits(void)
{
	flat_puts("cpufeat: exits ................................................\r\n");
}

static uint64_t sve_fill_and_check(void)
{
	uint64_t vl, bad = 0;

	__asm__ volatile(".arch_extension sve\n"
			 "rdvl %0, #1\n"
			 "index z7.b, #3, #5\n"	/* byte i: 3 + 5 * i */
			 : "=r"(vl) : : "memory");
	exits();
	/* Compared in registers: with the MMU off memory is Device memory. */
	__asm__ volatile(".arch_extension sve\n"
			 "ptrue p0.b\n"
			 "index z8.b, #3, #5\n"
			 "cmpne p1.b, p0/z, z7.b, z8.b\n"
			 "cntp %0, p0, p1.b\n"
			 : "=r"(bad) : : "memory", "cc");
	flat_puts("cpufeat: sve vl=");
	flat_hex(vl);
	flat_puts(bad ? " BAD: z7 changed across exits, bytes " : " ok");
	if (bad)
		flat_hex(bad);
	flat_puts("\r\n");
	return bad;
}

static uint64_t pacga(uint64_t a, uint64_t b)
{
	uint64_t r;

	__asm__ volatile(".arch armv8.3-a\npacga %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
	return r;
}

static void pac_check(void)
{
	uint64_t k0, k1, k2;

	/* APGAKeyLo_EL1, APGAKeyHi_EL1 */
	__asm__ volatile("msr S3_0_C2_C3_0, %0\nmsr S3_0_C2_C3_1, %1\nisb"
			 : : "r"(0x0123456789abcdefull), "r"(0xfedcba9876543210ull));
	k0 = pacga(0x1234, 0x5678);
	exits();
	k1 = pacga(0x1234, 0x5678);
	__asm__ volatile("msr S3_0_C2_C3_0, %0\nisb" : : "r"(0x1111ull));
	k2 = pacga(0x1234, 0x5678);
	flat_puts(k0 && k0 == k1 && k2 != k0 ? "cpufeat: pac ok" : "cpufeat: pac BAD");
	flat_puts(" pacga ");
	flat_hex(k0);
	flat_puts(" ");
	flat_hex(k1);
	flat_puts(" ");
	flat_hex(k2);
	flat_puts("\r\n");
}

void flat_cpufeat(void)
{
	uint64_t pfr0 = READ_SYSREG("ID_AA64PFR0_EL1");
	uint64_t isar1 = READ_SYSREG("ID_AA64ISAR1_EL1");
	uint64_t isar2 = READ_SYSREG("S3_0_C0_C6_2");	/* ID_AA64ISAR2_EL1 */
	unsigned int sve = (pfr0 >> 32) & 0xf;
	/* APA/API (address) and GPA/GPI (generic); QARMA3's APA3/GPA3 in ISAR2. */
	unsigned int addr = ((isar1 >> 4) & 0xf) | ((isar1 >> 8) & 0xf) | ((isar2 >> 12) & 0xf);
	unsigned int gen = ((isar1 >> 24) & 0xf) | ((isar1 >> 28) & 0xf) | ((isar2 >> 8) & 0xf);

	flat_puts("cpufeat: sve=");
	flat_puts(sve ? "1" : "0");
	flat_puts(" ptrauth=");
	flat_puts(addr && gen ? "1" : addr || gen ? "partial" : "0");
	flat_puts("\r\n");
	if (sve) {
		uint64_t cpacr = READ_SYSREG("CPACR_EL1");

		__asm__ volatile("msr CPACR_EL1, %0\nisb" : : "r"(cpacr | CPACR_FPEN_ZEN));
		/* ZCR_EL1.LEN all ones: the largest length the hypervisor allows. */
		__asm__ volatile("msr S3_0_C1_C2_0, %0\nisb" : : "r"(0x1ffull));
		sve_fill_and_check();
	}
	if (addr && gen)
		pac_check();
	flat_puts("cpufeat: done\r\n");
}
