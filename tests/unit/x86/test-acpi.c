// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables as a guest reads them, on a plain guest-RAM buffer: find
 * the RSDP by scanning the BIOS area as Linux does, follow RSDT and XSDT to
 * every table, check signatures, lengths, checksums and where each table
 * lies, then what FADT, FACS, MADT and DSDT say. The small parser here
 * follows the ACPI specification, not acpi.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "boot.h"
#include "lkvm/mem.h"
#include "lkvm/util.h"
#include "pc.h"
#include "x86-suites.h"

#define RAM_BYTES	(2 * MiB)	/* lkvm's smallest --mem */
#define JUNK		0x5a
#define SLOT		0x6020ULL	/* hvm_start_info.rsdp_paddr under PVH */
#define SCAN_START	0xe0000ULL	/* where Linux looks, 16 bytes at a time */
#define SCAN_END	0x100000ULL
#define MAX_TABLES	16

static uint8_t *buf;
static size_t buf_size;
static struct mem_map map;

/* Tables found so far, to check that none overlaps another. */
static struct {
	uint64_t gpa, len;
} seen[MAX_TABLES];
static int nr_seen;

static void ram_map(uint64_t gpa, size_t size)
{
	free(buf);
	buf = malloc(size);	/* exactly: ASan catches a write past the end */
	ck_assert_ptr_nonnull(buf);
	buf_size = size;
	memset(buf, JUNK, size);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, gpa, size, buf), 0);
	nr_seen = 0;
}

static void acpi_teardown(void)
{
	free(buf);
	buf = NULL;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const uint8_t *at(uint64_t gpa, uint64_t len)
{
	const uint8_t *p = mem_gpa_to_hva(&map, gpa, len);

	ck_assert_msg(p, "0x%llx+%llu is not guest RAM", (unsigned long long)gpa,
		      (unsigned long long)len);
	return p;
}

/* [gpa, gpa+len) is inside one reserved e820 entry and clear of the MP table. */
static void check_reserved(uint64_t gpa, uint64_t len, const char *what)
{
	struct e820_entry e[16];
	int i, n = x86_e820_build(&map, e, ARRAY_SIZE(e));
	bool inside = false;

	for (i = 0; i < n; i++)
		if (e[i].type == E820_RESERVED && gpa >= e[i].addr &&
		    gpa + len <= e[i].addr + e[i].size)
			inside = true;
	ck_assert_msg(inside, "%s at 0x%llx+%llu is not in reserved memory", what,
		      (unsigned long long)gpa, (unsigned long long)len);
	ck_assert_msg(gpa + len <= MPTABLE_ADDR, "%s runs into the MP table", what);
	for (i = 0; i < nr_seen; i++)
		ck_assert_msg(!ranges_overlap(gpa, len, seen[i].gpa, seen[i].len),
			      "%s overlaps another table", what);
	ck_assert_int_lt(nr_seen, MAX_TABLES);
	seen[nr_seen].gpa = gpa;
	seen[nr_seen++].len = len;
}

/* A table behind a pointer: in RAM, reserved, its signature, a sane length, checksum 0. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = at(gpa, 36);
	uint32_t len = rd32(t + 4);

	ck_assert_msg(!memcmp(t, sig, 4), "expected %s at 0x%llx, found %.4s", sig,
		      (unsigned long long)gpa, (const char *)t);
	ck_assert_uint_ge(len, 36);
	t = at(gpa, len);
	check_reserved(gpa, len, sig);
	ck_assert_msg(sum8(t, len) == 0, "%s checksum", sig);
	return t;
}

/* The RSDP as ACPICA finds it: signature and ACPI 1.0 checksum on a 16-byte boundary. */
static uint64_t find_rsdp(void)
{
	uint64_t gpa;

	for (gpa = SCAN_START; gpa < SCAN_END; gpa += 16) {
		const uint8_t *p = mem_gpa_to_hva(&map, gpa, 20);

		if (p && !memcmp(p, "RSD PTR ", 8) && sum8(p, 20) == 0)
			return gpa;
	}
	return 0;
}

/* A Generic Address Structure in system I/O space. */
static void check_gas_io(const uint8_t *g, unsigned int bits, uint64_t port)
{
	ck_assert_uint_eq(g[0], 1);		/* SystemIO */
	ck_assert_uint_eq(g[1], bits);
	ck_assert_uint_eq(g[2], 0);		/* bit offset */
	ck_assert_uint_le(g[3], 4);		/* access size: 0 (legacy) to 4 (qword) */
	ck_assert_uint_eq(rd64(g + 4), port);
}

/* 32-bit and 64-bit pointers: the same when both are set (else Linux warns). */
static uint64_t fadt_ptr(const uint8_t *f, unsigned int off32, unsigned int off64)
{
	uint64_t p32 = rd32(f + off32), p64 = rd64(f + off64);

	if (p32 && p64)
		ck_assert_uint_eq(p32, p64);
	ck_assert(p32 || p64);
	return p64 ? p64 : p32;
}

static uint64_t check_fadt(const uint8_t *f)
{
	uint32_t len = rd32(f + 4), flags = rd32(f + 112);
	uint64_t facs;
	const uint8_t *s;

	ck_assert_uint_ge(f[8], 5);			/* revision with the ACPI 5+ layout */
	ck_assert_uint_ge(len, 244);			/* up to X_GPE1_BLK */
	ck_assert_uint_eq(flags & (1u << 20), 0);	/* not HW_REDUCED_ACPI */
	ck_assert_uint_ne(flags & (1u << 10), 0);	/* RESET_REG_SUP */
	ck_assert_uint_eq(rd16(f + 46), 9);		/* SCI_INT */
	ck_assert_uint_eq(rd32(f + 48), 0);		/* SMI_CMD: always in ACPI mode */
	/* PM1a event block: 32-bit field, length, and the GAS agree */
	ck_assert_uint_eq(rd32(f + 56), 0x600);
	ck_assert_uint_eq(f[88], 4);
	check_gas_io(f + 148, 32, 0x600);
	/* PM1a control block */
	ck_assert_uint_eq(rd32(f + 64), 0x604);
	ck_assert_uint_eq(f[89], 2);
	check_gas_io(f + 172, 16, 0x604);
	/* nothing else: no PM1b, PM2, PM timer, GPE blocks (address and length both 0) */
	ck_assert_uint_eq(rd32(f + 60) | rd32(f + 68) | rd32(f + 72) | rd32(f + 76), 0);
	ck_assert_uint_eq(rd32(f + 80) | rd32(f + 84), 0);
	ck_assert_uint_eq(f[90] | f[91] | f[92] | f[93], 0);
	/* reset register: byte 0xfe to port 0x64 */
	check_gas_io(f + 116, 8, 0x64);
	ck_assert_uint_eq(f[128], 0xfe);

	facs = fadt_ptr(f, 36, 132);
	ck_assert_uint_eq(facs % 64, 0);
	s = at(facs, 64);
	ck_assert(!memcmp(s, "FACS", 4));
	ck_assert_uint_ge(rd32(s + 4), 64);
	check_reserved(facs, rd32(s + 4), "FACS");
	return fadt_ptr(f, 40, 140);
}

static void check_madt(const uint8_t *t, unsigned int nr_cpus)
{
	uint32_t len = rd32(t + 4), off;
	bool id_seen[256] = { false };
	unsigned int lapics = 0, ioapics = 0, sci_overrides = 0, ioapic_id = 0;

	ck_assert_uint_eq(rd32(t + 36), 0xfee00000);	/* local APIC address */
	for (off = 44; off < len; off += t[off + 1]) {
		const uint8_t *e = t + off;

		ck_assert_uint_le(off + 2, len);
		ck_assert_uint_ge(e[1], 2);
		ck_assert_uint_le(off + e[1], len);
		switch (e[0]) {
		case 0:				/* Processor Local APIC */
			ck_assert_uint_eq(e[1], 8);
			ck_assert_uint_lt(e[3], nr_cpus);
			ck_assert(!id_seen[e[3]]);
			id_seen[e[3]] = true;
			ck_assert_uint_eq(rd32(e + 4) & 1, 1);	/* enabled */
			lapics++;
			break;
		case 1:				/* I/O APIC */
			ck_assert_uint_eq(e[1], 12);
			ck_assert_uint_eq(rd32(e + 4), 0xfec00000);
			ck_assert_uint_eq(rd32(e + 8), 0);	/* GSI base */
			ioapic_id = e[2];
			ioapics++;
			break;
		case 2: {			/* Interrupt Source Override */
			uint16_t flags = rd16(e + 8);

			ck_assert_uint_eq(e[1], 10);
			ck_assert_uint_eq(e[2], 0);		/* ISA */
			/* lkvm wires ISA IRQ n to pin n: no IRQ0->GSI2 and the like */
			ck_assert_uint_eq(rd32(e + 4), e[3]);
			ck_assert_uint_eq(e[3], 9);		/* only the SCI's */
			ck_assert_uint_eq(flags & 3, 1);	/* active high */
			ck_assert_uint_eq((flags >> 2) & 3, 3);	/* level */
			sci_overrides++;
			break;
		}
		case 4:				/* Local APIC NMI */
			ck_assert_uint_eq(e[1], 6);
			ck_assert_uint_eq(e[5], 1);		/* LINT1 */
			break;
		default:
			ck_abort_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(lapics, nr_cpus);		/* so ids are exactly 0..n-1 */
	ck_assert_uint_eq(ioapics, 1);
	ck_assert(ioapic_id >= nr_cpus);		/* clear of the local APIC ids */
	ck_assert_uint_eq(sci_overrides, 1);
}

/* An AML integer constant: ZeroOp, OneOp, OnesOp, Byte/Word/DWordPrefix. */
static uint32_t aml_int(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	ck_assert(p < end);
	switch (p[0]) {
	case 0x00:
	case 0x01:
		*next = p + 1;
		return p[0];
	case 0xff:
		*next = p + 1;
		return 0xffffffffu;
	case 0x0a:
		ck_assert(p + 2 <= end);
		*next = p + 2;
		return p[1];
	case 0x0b:
		ck_assert(p + 3 <= end);
		*next = p + 3;
		return rd16(p + 1);
	case 0x0c:
		ck_assert(p + 5 <= end);
		*next = p + 5;
		return rd32(p + 1);
	}
	ck_abort_msg("package element 0x%02x is not an integer constant", p[0]);
	return 0;
}

/* Name(_Sx_, Package(){...}) in the DSDT: its first value (SLP_TYPa); -1: no such name. */
static int64_t dsdt_sleep(const uint8_t *t, const char *name)
{
	const uint8_t *aml = t + 36, *end = t + rd32(t + 4), *p, *pkg_end;
	uint32_t pkglen, first = 0;
	unsigned int i, follow, count;

	for (p = aml; p + 4 <= end; p++)
		if (!memcmp(p, name, 4))
			break;
	if (p + 4 > end)
		return -1;
	/* NameOp, then the name (root-relative or not) */
	if (p > aml && p[-1] == '\\')
		ck_assert(p - 1 > aml && p[-2] == 0x08);
	else
		ck_assert(p > aml && p[-1] == 0x08);
	p += 4;
	ck_assert(p + 2 < end);
	ck_assert_uint_eq(p[0], 0x12);			/* PackageOp */
	p++;
	/* PkgLength: bits 7-6 of the lead byte count the bytes that follow */
	follow = p[0] >> 6;
	ck_assert(p + follow < end);
	pkglen = follow ? p[0] & 0x0f : p[0] & 0x3f;
	for (i = 1; i <= follow; i++)
		pkglen |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	pkg_end = p + pkglen;				/* counts the PkgLength bytes too */
	ck_assert(pkg_end <= end);
	p += 1 + follow;
	ck_assert(p < pkg_end);
	count = *p++;					/* NumElements */
	ck_assert_uint_ge(count, 1);
	for (i = 0; i < count; i++) {
		uint32_t v = aml_int(p, pkg_end, &p);

		if (i == 0)
			first = v;
		if (i < 2)
			ck_assert_uint_lt(v, 8);	/* SLP_TYP is 3 bits */
	}
	ck_assert_ptr_eq(p, pkg_end);			/* the package is exactly its elements */
	return first;
}

/* A Generic Address Structure in system memory, 64 bits wide. */
static void check_gas_mem64(const uint8_t *g, uint64_t addr)
{
	ck_assert_uint_eq(g[0], 0);		/* SystemMemory */
	ck_assert_uint_eq(g[1], 64);
	ck_assert_uint_eq(g[2], 0);
	ck_assert_uint_eq(g[3], 4);		/* qword access */
	ck_assert_uint_eq(rd64(g + 4), addr);
}

/*
 * The HEST as Linux's hest.c and ghes.c read it (ACPI 6.x 18.3.2.8): one
 * GHESv2 source (type 10, 92 bytes), enabled, polled every 100 ms; its
 * error status address register is lkvm's MMIO register (not RAM), its
 * read ack register and error status block reserved RAM in the BIOS area,
 * the ack free (bit 0 set) and the block empty.
 */
static void check_hest(const uint8_t *t)
{
	const uint8_t *e = t + 40, *n = e + 32, *blk;

	ck_assert_uint_eq(rd32(t + 4), 40 + 92);
	ck_assert_uint_eq(rd32(t + 36), 1);		/* error source count */
	ck_assert_uint_eq(rd16(e), 10);			/* GHESv2 */
	ck_assert_uint_eq(rd16(e + 2), 1);		/* source id */
	ck_assert_uint_eq(rd16(e + 4), 0xffff);		/* no related source */
	ck_assert_uint_eq(e[7], 1);			/* enabled */
	ck_assert_uint_ge(rd32(e + 8), 1);		/* records to pre-allocate */
	ck_assert_uint_ge(rd32(e + 12), 1);		/* sections per record */
	check_gas_mem64(e + 20, 0xcffff000);		/* error status address: MMIO */
	ck_assert_uint_eq(n[0], 0);			/* notify: polled */
	ck_assert_uint_eq(n[1], 28);
	ck_assert_uint_eq(rd32(n + 4), 100);		/* poll interval, ms */
	ck_assert_uint_eq(rd32(e + 60), 2048);		/* error block length */
	check_gas_mem64(e + 64, 0xec108);		/* read ack register */
	ck_assert_uint_eq(rd64(e + 76), ~1ULL);		/* read ack preserve */
	ck_assert_uint_eq(rd64(e + 84), 1);		/* read ack write */
	check_reserved(0xec108, 8, "GHES read ack");
	ck_assert_uint_eq(rd64(at(0xec108, 8)), 1);	/* free for the first record */
	check_reserved(0xed800, 2048, "GHES error status block");
	blk = at(0xed800, 2048);
	for (unsigned int i = 0; i < 2048; i++)
		ck_assert_uint_eq(blk[i], 0);
	ck_assert_ptr_null(mem_gpa_to_hva(&map, 0xcffff000, 8));	/* not RAM */
}

/* Everything a guest with nr_cpus vCPUs reads, from the scan on (with or without a HEST). */
static void check_tables_hest(unsigned int nr_cpus, bool want_hest)
{
	const uint8_t *r, *xsdt, *rsdt, *fadt = NULL, *madt = NULL, *hest = NULL, *dsdt;
	uint64_t rsdp;
	uint32_t i, n;

	rsdp = find_rsdp();
	ck_assert_msg(rsdp, "no RSDP in 0xe0000-0xfffff");
	r = at(rsdp, 36);
	ck_assert_uint_ge(r[15], 2);			/* ACPI 2.0+: XSDT */
	ck_assert_uint_eq(rd32(r + 20), 36);		/* length */
	ck_assert_uint_eq(sum8(r, 36), 0);		/* extended checksum */
	check_reserved(rsdp, 36, "RSDP");

	xsdt = table(rd64(r + 24), "XSDT");
	rsdt = table(rd32(r + 16), "RSDT");
	n = (rd32(xsdt + 4) - 36) / 8;
	ck_assert_uint_eq((rd32(xsdt + 4) - 36) % 8, 0);
	ck_assert_uint_eq(rd32(rsdt + 4), 36 + 4 * n);	/* the same tables, 32-bit */
	for (i = 0; i < n; i++) {
		uint64_t gpa = rd64(xsdt + 36 + 8 * i);
		const uint8_t *h = at(gpa, 4);

		ck_assert_uint_eq(rd32(rsdt + 36 + 4 * i), gpa);
		if (!memcmp(h, "FACP", 4)) {
			ck_assert_ptr_null(fadt);
			fadt = table(gpa, "FACP");
		} else if (!memcmp(h, "APIC", 4)) {
			ck_assert_ptr_null(madt);
			madt = table(gpa, "APIC");
		} else if (want_hest && !memcmp(h, "HEST", 4)) {
			ck_assert_ptr_null(hest);
			hest = table(gpa, "HEST");
		} else {
			ck_abort_msg("unexpected table %.4s", (const char *)h);
		}
	}
	ck_assert_ptr_nonnull(fadt);
	ck_assert_ptr_nonnull(madt);
	dsdt = table(check_fadt(fadt), "DSDT");
	ck_assert_int_eq(dsdt_sleep(dsdt, "_S5_"), ACPI_S5_SLP_TYP);
	/* S3 for one vCPU only: lkvm does not park and restart APs (x86/sleep.c). */
	ck_assert_int_eq(dsdt_sleep(dsdt, "_S3_"), nr_cpus == 1 ? ACPI_S3_SLP_TYP : -1);
	/* sleep.c reads the waking vector where the layout puts the FACS. */
	ck_assert_uint_eq(rd32(fadt + 36), ACPI_FACS_ADDR);
	check_madt(madt, nr_cpus);
	if (want_hest) {
		ck_assert_ptr_nonnull(hest);
		check_hest(hest);
	}
}

static void check_tables(unsigned int nr_cpus)
{
	check_tables_hest(nr_cpus, false);
}

static const unsigned int cpu_counts[] = { 1, 2, 64 };

START_TEST(test_acpi_tables)
{
	unsigned int n = cpu_counts[_i];

	ram_map(0, RAM_BYTES);
	ck_assert_int_eq(acpi_write(&map, n, SLOT), 0);
	check_tables(n);
	ck_assert_uint_eq(rd64(buf + SLOT), find_rsdp());	/* the boot protocol's copy */
}
END_TEST

/* AMD guests: the same tables and a HEST (x86/acpi.h, docs/ras.md section 3). */
START_TEST(test_acpi_hest)
{
	unsigned int n = cpu_counts[_i];

	ram_map(0, RAM_BYTES);
	ck_assert_int_eq(acpi_write_tables(&map, n, SLOT, NULL, 0, true), 0);
	check_tables_hest(n, true);
	ck_assert_uint_eq(rd64(buf + SLOT), find_rsdp());
	/* without the HEST, no table names it and its RAM is untouched */
	ram_map(0, RAM_BYTES);
	ck_assert_int_eq(acpi_write_tables(&map, n, SLOT, NULL, 0, false), 0);
	check_tables(n);
	ck_assert_uint_eq(buf[0xec108], JUNK);
	ck_assert_uint_eq(buf[0xed800], JUNK);
}
END_TEST

START_TEST(test_acpi_no_slot)
{
	ram_map(0, RAM_BYTES);
	ck_assert_int_eq(acpi_write(&map, 4, 0), 0);
	check_tables(4);
	ck_assert_uint_eq(buf[SLOT], JUNK);
	/* around the tables, RAM is untouched */
	ck_assert_uint_eq(buf[ACPI_AREA_START - 1], JUNK);
	ck_assert_uint_eq(buf[ACPI_AREA_END], JUNK);
}
END_TEST

/* Whatever does not fit is an error, with nothing written. */
static void check_refused(unsigned int nr_cpus, uint64_t slot)
{
	size_t i;

	ck_assert_int_eq(acpi_write(&map, nr_cpus, slot), -1);
	for (i = 0; i < buf_size; i++)
		if (buf[i] != JUNK)
			ck_abort_msg("byte 0x%zx written", i);
}

START_TEST(test_acpi_no_room)
{
	ram_map(0, ACPI_AREA_START);		/* RAM ends where the tables start */
	check_refused(1, 0);
	ram_map(0, ACPI_AREA_START + 0x100);	/* the RSDP fits, the rest does not */
	check_refused(1, 0);
	ram_map(X86_4G, RAM_BYTES);		/* no low RAM at all */
	check_refused(1, 0);
	ram_map(0, RAM_BYTES);
	check_refused(1, RAM_BYTES);		/* the boot protocol's slot is outside RAM */
	check_refused(1, ACPI_AREA_START + 8);	/* ... or inside the tables */
	check_refused(0, 0);			/* no vCPU */
	check_refused(255, 0);			/* 0xff is the broadcast APIC id */
}
END_TEST

Suite *acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("tables");

	tcase_add_checked_fixture(tc, NULL, acpi_teardown);
	tcase_add_loop_test(tc, test_acpi_tables, 0, (int)ARRAY_SIZE(cpu_counts));
	tcase_add_loop_test(tc, test_acpi_hest, 0, (int)ARRAY_SIZE(cpu_counts));
	tcase_add_test(tc, test_acpi_no_slot);
	tcase_add_test(tc, test_acpi_no_room);
	suite_add_tcase(s, tc);
	return s;
}
