// SPDX-License-Identifier: GPL-2.0
/*
 * A ppc64 payload guest that checks a delivered FWNMI error log. It finds
 * RTAS in the device tree lkvm gives it, registers its machine-check
 * handler (ibm,nmi-register), runs with MSR[RI] set so an asynchronous
 * error can be delivered, and asks lkvm (test hcall, --ras-test-port) for
 *  1. an action-optional error on page A: the handler must get a "fully
 *     recovered" UE log whose logical address is A;
 *  2. then, from inside that handler after ibm,nmi-interlock, an
 *     action-required error on page B on this vCPU: the handler must be
 *     entered again, synchronously, with "not recovered" and address B.
 * Each check prints "fwnmi: ..." on the vty; all good: "fwnmi: PASS" and
 * RTAS power-off (lkvm exits 0); else "fwnmi: FAIL ..." and ibm,os-term
 * (lkvm exits 8). Built freestanding (tests/guests/powerpc/build.mk).
 */
#include <stddef.h>
#include <stdint.h>

#define H_PUT_TERM_CHAR		0x58
#define H_SET_MODE		0x31c
#define H_RTAS			0xf000
#define H_LKVM_RAS_TEST		0xf0f0	/* powerpc/hcall.h */
#define RAS_TEST_AR		1	/* include/lkvm/ras-drill.h */
#define RAS_TEST_AO		2
#define VTY			0x30000000	/* the vty's termno (powerpc/ppc.h) */
#define PAGE			65536

void guest_main(const void *fdt);
void guest_mce(const uint8_t *log, uint64_t srr0, uint64_t srr1);
void guest_bad_vector(uint64_t vec, uint64_t srr0);
extern char fwnmi_sreset[], fwnmi_mce[];

static uint8_t page_a[PAGE] __attribute__((aligned(PAGE)));
static uint8_t page_b[PAGE] __attribute__((aligned(PAGE)));
static uint32_t tok_register, tok_interlock, tok_power_off, tok_os_term;
static volatile int mce_count;
static uint32_t rtas_args[16] __attribute__((aligned(16)));

static long hcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r3 __asm__("r3") = nr;
	register uint64_t r4 __asm__("r4") = a0;
	register uint64_t r5 __asm__("r5") = a1;
	register uint64_t r6 __asm__("r6") = a2;
	register uint64_t r7 __asm__("r7") = a3;

	__asm__ volatile("sc 1" : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
			 : : "r0", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
	return (long)r3;
}

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const void *p)
{
	return (uint64_t)be32(p) << 32 | be32((const uint8_t *)p + 4);
}

static void put_be32(uint32_t *p, uint32_t v)
{
	*p = __builtin_bswap32(v);
}

static void puts_vty(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	while (n) {
		uint8_t b[16] = { 0 };
		size_t k = n < 16 ? n : 16;
		uint64_t c0 = 0, c1 = 0;

		for (size_t i = 0; i < k; i++)
			b[i] = (uint8_t)s[i];
		for (int i = 0; i < 8; i++) {
			c0 = c0 << 8 | b[i];
			c1 = c1 << 8 | b[8 + i];
		}
		hcall(H_PUT_TERM_CHAR, VTY, k, c0, c1);
		s += k;
		n -= k;
	}
}

static void put_hex(uint64_t v)
{
	char buf[19] = "0x";
	int i;

	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	puts_vty(buf);
}

/* An RTAS call through H_RTAS; returns its status (rets[0]). */
static int32_t rtas(uint32_t token, int nargs, uint32_t a0, uint32_t a1)
{
	put_be32(&rtas_args[0], token);
	put_be32(&rtas_args[1], (uint32_t)nargs);
	put_be32(&rtas_args[2], 1);
	put_be32(&rtas_args[3], a0);
	put_be32(&rtas_args[4], a1);
	put_be32(&rtas_args[3 + nargs], 0xdeadbeef);
	if (hcall(H_RTAS, (uint64_t)(uintptr_t)rtas_args, 0, 0, 0))
		return -99;
	return (int32_t)be32(&rtas_args[3 + nargs]);
}

static void __attribute__((noreturn)) fail(const char *what, uint64_t got, uint64_t want)
{
	puts_vty("fwnmi: FAIL ");
	puts_vty(what);
	puts_vty(": got ");
	put_hex(got);
	puts_vty(", want ");
	put_hex(want);
	puts_vty("\r\n");
	if (tok_os_term) {
		static const char msg[] __attribute__((aligned(8))) = "fwnmi test failed";

		rtas(tok_os_term, 1, (uint32_t)(uintptr_t)msg, 0);
	}
	for (;;)
		;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The RTAS tokens, from /rtas's properties (a flattened tree, version 17). */
static void fdt_find_rtas(const uint8_t *fdt)
{
	const uint8_t *st = fdt + be32(fdt + 8);
	const char *strs = (const char *)fdt + be32(fdt + 12);
	int depth = 0, in_rtas = 0;

	if (be32(fdt) != 0xd00dfeed)
		fail("device tree magic", be32(fdt), 0xd00dfeed);
	for (;;) {
		uint32_t tag = be32(st);

		st += 4;
		if (tag == 1) {		/* FDT_BEGIN_NODE */
			const char *name = (const char *)st;
			size_t n = 0;

			while (name[n])
				n++;
			depth++;
			in_rtas = depth == 2 && streq(name, "rtas");
			st += (n + 4) & ~(size_t)3;
		} else if (tag == 2) {	/* FDT_END_NODE */
			depth--;
			in_rtas = 0;
		} else if (tag == 3) {	/* FDT_PROP */
			uint32_t len = be32(st), off = be32(st + 4);
			const char *pname = strs + off;

			if (in_rtas && len == 4) {
				uint32_t v = be32(st + 8);

				if (streq(pname, "ibm,nmi-register"))
					tok_register = v;
				else if (streq(pname, "ibm,nmi-interlock"))
					tok_interlock = v;
				else if (streq(pname, "power-off"))
					tok_power_off = v;
				else if (streq(pname, "ibm,os-term"))
					tok_os_term = v;
			}
			st += 8 + ((len + 3) & ~3U);
		} else if (tag == 4) {	/* FDT_NOP */
			continue;
		} else {
			break;		/* FDT_END */
		}
	}
	if (!tok_register || !tok_interlock || !tok_power_off)
		fail("RTAS tokens in /rtas (nmi-register, nmi-interlock, power-off)",
		     (uint64_t)tok_register << 32 | tok_interlock, 1);
}

void guest_main(const void *fdt)
{
	uint64_t msr;
	long rc;

	/* Interrupts little-endian, as Linux asks first: FWNMI entry follows it. */
	if (hcall(H_SET_MODE, 1, 4, 0, 0))
		fail("H_SET_MODE little-endian", 1, 0);
	puts_vty("fwnmi: payload guest up\r\n");
	fdt_find_rtas(fdt);
	if (rtas(tok_register, 2, (uint32_t)(uintptr_t)fwnmi_sreset,
		 (uint32_t)(uintptr_t)fwnmi_mce))
		fail("ibm,nmi-register", 1, 0);
	puts_vty("fwnmi: handlers registered (ibm,nmi-register)\r\n");
	/* MSR[RI]: SRR0/SRR1 are not in use, an asynchronous error may come now. */
	__asm__ volatile("mfmsr %0" : "=r"(msr));
	__asm__ volatile("mtmsrd %0, 1" : : "r"(msr | 2) : "memory");
	page_a[0] = 1;
	rc = hcall(H_LKVM_RAS_TEST, (uint64_t)(uintptr_t)page_a, RAS_TEST_AO, 0, 0);
	if (rc)
		fail("the test hcall (run lkvm with --ras-test-port)", (uint64_t)rc, 0);
	puts_vty("fwnmi: asked for an AO on page A ");
	put_hex((uint64_t)(uintptr_t)page_a);
	puts_vty("\r\n");
	for (unsigned long i = 0; mce_count == 0; i++)
		if (i == 1000000000UL)
			fail("no machine check for the AO", 0, 1);
	fail("returned from the machine-check handler", 0, 1);
}

/* The log (rtas + 0x30): saved r3, then the v6 RTAS error log, big-endian. */
static void check_log(const uint8_t *log, uint8_t byte1, uint64_t la, const char *which)
{
	if (log[8] != 0x06)
		fail("log version", log[8], 6);
	if (log[9] != byte1)
		fail("severity/disposition byte", log[9], byte1);
	if (be32(log + 32) >> 16 != 0x4d43)
		fail("MC section id", be32(log + 32) >> 16, 0x4d43);
	if (log[48] != 0)
		fail("MC error type (UE)", log[48], 0);
	if (!(log[49] & 0x20))
		fail("logical address provided flag", log[49], 0x20);
	if (be64(log + 64) != la)
		fail("logical address", be64(log + 64), la);
	if (be64(log + 56) != (0xc000000000000000ULL | la))
		fail("effective address", be64(log + 56), 0xc000000000000000ULL | la);
	puts_vty("fwnmi: ");
	puts_vty(which);
	puts_vty(" log ok, logical address ");
	put_hex(la);
	puts_vty("\r\n");
}

void guest_mce(const uint8_t *log, uint64_t srr0, uint64_t srr1)
{
	int n = ++mce_count;

	(void)srr1;
	if (n == 1) {
		/* "fully recovered", severity warning, extended log: 0x44 */
		check_log(log, 0x44, (uint64_t)(uintptr_t)page_a, "AO");
		if (rtas(tok_interlock, 0, 0, 0))
			fail("ibm,nmi-interlock", 1, 0);
		page_b[0] = 1;
		/* Consumed on this vCPU: the handler is entered again from this hcall. */
		hcall(H_LKVM_RAS_TEST, (uint64_t)(uintptr_t)page_b, RAS_TEST_AR, 0, 0);
		fail("no machine check for the AR", 0, 1);
	}
	/* "not recovered", severity error-sync: 0x74 */
	check_log(log, 0x74, (uint64_t)(uintptr_t)page_b, "AR");
	if (srr0 < 0x1000)
		fail("SRR0 of the AR (the hcall's return)", srr0, 0x1000);
	if (rtas(tok_interlock, 0, 0, 0))
		fail("ibm,nmi-interlock", 1, 0);
	puts_vty("fwnmi: PASS\r\n");
	rtas(tok_power_off, 2, 0, 0);
	for (;;)
		;
}

void guest_bad_vector(uint64_t vec, uint64_t srr0)
{
	puts_vty("fwnmi: unexpected interrupt at SRR0 ");
	put_hex(srr0);
	puts_vty("\r\n");
	fail("interrupt vector", vec, 0);
}
