// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 ACPI tables (arm/acpi.c), the EFI hand-over (arm/efi.c) and
 * the GHES sources and records (ghes.c): each table's checksum and
 * length, the fields Linux decides from, and iasl's disassembly of every
 * table without an error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acpi.h"
#include "arm-suites.h"
#include "efi.h"
#include "lkvm/ghes.h"
#include "lkvm/acpi-table.h"
#include "lkvm/io-bus.h"
#include "suites.h"

#define GPA		0x8ff01000ULL
#define GHES_GPA	0x8fff0000ULL
#define UART_GSIV	32
#define VIRTIO_BASE	0x01010000ULL

static uint8_t buf[65536];
static struct device virtio_dev[2];
static struct device uart_dev = {
	.name = "uart", .kind = DEV_KIND_UART, .bus = DEV_BUS_MMIO, .base = ARM_UART_BASE,
	.len = 8, .irq = ARM_UART_INTID,
};

static struct arm_acpi_desc desc(enum arm_irqchip gic, unsigned int cpus)
{
	for (int i = 0; i < 2; i++)
		virtio_dev[i] = (struct device){
			.name = "virtio", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
			.base = VIRTIO_BASE + 0x200ULL * i, .len = 0x200, .irq = 33 + i,
			.next = i ? NULL : &virtio_dev[1],
		};
	uart_dev.next = &virtio_dev[0];
	return (struct arm_acpi_desc){
		.nr_cpus = cpus, .gic = gic, .gic_dist = ARM_GIC_DIST_BASE,
		.gic_redist = ARM_GIC_DIST_BASE - cpus * ARM_GIC_REDIST_SIZE,
		.gic_redist_size = cpus * ARM_GIC_REDIST_SIZE, .gic_cpui = ARM_GIC_CPUI_BASE,
		.devices = &uart_dev, .ghes_base = GHES_GPA,
	};
}

static uint64_t get(const uint8_t *p, unsigned int n)
{
	return io_data_get(p, n);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The table the 64-bit guest address a points to, its checksum checked. */
static const uint8_t *table_at(uint64_t a, long len, const char *sig)
{
	const uint8_t *t;

	ck_assert_uint_ge(a, GPA);
	ck_assert_uint_lt(a - GPA + ACPI_HDR_SIZE, (uint64_t)len);
	t = buf + (a - GPA);
	ck_assert_mem_eq(t, sig, 4);
	ck_assert_uint_le(a - GPA + get(t + 4, 4), (uint64_t)len);
	ck_assert_uint_eq(sum(t, get(t + 4, 4)), 0);
	return t;
}

/* XSDT entry i's table. */
static const uint8_t *xsdt_entry(long len, int i, const char *sig)
{
	const uint8_t *x = table_at(get(buf + 24, 8), len, "XSDT");

	ck_assert_uint_eq(get(x + 4, 4), ACPI_HDR_SIZE + 8 * 6);
	return table_at(get(x + ACPI_HDR_SIZE + 8 * i, 8), len, sig);
}

START_TEST(test_rsdp_xsdt_fadt)
{
	struct arm_acpi_desc d = desc(ARM_IRQCHIP_GICV3, 2);
	long len = arm_acpi_build(&d, buf, GPA, sizeof(buf));
	const uint8_t *f, *dsdt;

	ck_assert_int_gt(len, 0);
	ck_assert_mem_eq(buf, "RSD PTR ", 8);
	ck_assert_uint_eq(buf[15], 2);
	ck_assert_uint_eq(sum(buf, 20), 0);
	ck_assert_uint_eq(sum(buf, 36), 0);
	ck_assert_uint_eq(get(buf + 20, 4), 36);
	f = xsdt_entry(len, 0, "FACP");
	ck_assert_uint_eq(get(f + 4, 4), 276);
	ck_assert_uint_eq(f[8], 6);				/* revision 6.0 */
	ck_assert_uint_eq(f[131], 0);
	ck_assert_uint_eq(get(f + 112, 4), 1u << 20);		/* HW_REDUCED_ACPI */
	ck_assert_uint_eq(get(f + 129, 2), 3);			/* PSCI, over HVC */
	ck_assert_uint_eq(get(f + 36, 4), 0);			/* no FACS */
	dsdt = table_at(get(f + 140, 8), len, "DSDT");
	/* The UART first (PNP0501, its MMIO base and SPI), then VR00 and VR01. */
	ck_assert_ptr_nonnull(memmem(dsdt, get(dsdt + 4, 4), "COM0", 4));
	ck_assert_ptr_nonnull(memmem(dsdt, get(dsdt + 4, 4), "PNP0501", 8));
	ck_assert_ptr_nonnull(memmem(dsdt, get(dsdt + 4, 4), "VR01", 4));
	ck_assert_ptr_null(memmem(dsdt, get(dsdt + 4, 4), "_S5_", 4));
	xsdt_entry(len, 1, "APIC");
	xsdt_entry(len, 2, "GTDT");
	xsdt_entry(len, 3, "SPCR");
	xsdt_entry(len, 4, "PPTT");
	xsdt_entry(len, 5, "HEST");
}
END_TEST

static void check_madt_its(enum arm_irqchip gic, unsigned int cpus, bool pmu, uint64_t its)
{
	struct arm_acpi_desc d = desc(gic, cpus);
	long len;
	const uint8_t *m, *p;

	d.pmu = pmu;
	d.gic_its = its;
	len = arm_acpi_build(&d, buf, GPA, sizeof(buf));
	ck_assert_int_gt(len, 0);
	m = xsdt_entry(len, 1, "APIC");
	ck_assert_uint_eq(get(m + 4, 4),
			  44 + 80 * cpus + 24 + (gic == ARM_IRQCHIP_GICV3 ? 16 : 0) + (its ? 20 : 0));
	ck_assert_uint_eq(m[8], 5);
	p = m + 44;
	for (unsigned int i = 0; i < cpus; i++, p += 80) {
		ck_assert_uint_eq(p[0], 0x0b);
		ck_assert_uint_eq(p[1], 80);
		ck_assert_uint_eq(get(p + 8, 4), i);		/* UID */
		ck_assert_uint_eq(get(p + 12, 4), 1);		/* enabled */
		ck_assert_uint_eq(get(p + 20, 4), pmu ? 23 : 0);
		ck_assert_uint_eq(get(p + 32, 8), gic == ARM_IRQCHIP_GICV2 ? ARM_GIC_CPUI_BASE : 0);
		ck_assert_uint_eq(get(p + 68, 8), arm_mpidr(i));
	}
	ck_assert_uint_eq(p[0], 0x0c);
	ck_assert_uint_eq(get(p + 8, 8), ARM_GIC_DIST_BASE);
	ck_assert_uint_eq(p[20], gic == ARM_IRQCHIP_GICV3 ? 3 : 2);
	if (gic == ARM_IRQCHIP_GICV3) {
		p += 24;
		ck_assert_uint_eq(p[0], 0x0e);
		ck_assert_uint_eq(get(p + 4, 8), d.gic_redist);
		ck_assert_uint_eq(get(p + 12, 4), cpus * ARM_GIC_REDIST_SIZE);
	}
	if (its) {
		p += 16;
		ck_assert_uint_eq(p[0], 0x0f);			/* GIC ITS */
		ck_assert_uint_eq(p[1], 20);
		ck_assert_uint_eq(get(p + 4, 4), 0);		/* ITS ID */
		ck_assert_uint_eq(get(p + 8, 8), its);
	}
}

static void check_madt(enum arm_irqchip gic, unsigned int cpus, bool pmu)
{
	check_madt_its(gic, cpus, pmu, 0);
}

START_TEST(test_madt)
{
	check_madt(ARM_IRQCHIP_GICV3, 1, false);
	check_madt(ARM_IRQCHIP_GICV3, 17, true);	/* MPIDR Aff1 from vCPU 16 */
	check_madt(ARM_IRQCHIP_GICV2, 4, false);
	/* --irqchip gicv3-its: the ITS below the redistributors, after the GICR. */
	check_madt_its(ARM_IRQCHIP_GICV3, 2, false,
		       ARM_GIC_DIST_BASE - 2 * ARM_GIC_REDIST_SIZE - ARM_GIC_ITS_SIZE);
}
END_TEST

START_TEST(test_gtdt_spcr_pptt)
{
	struct arm_acpi_desc d = desc(ARM_IRQCHIP_GICV3, 3);
	long len = arm_acpi_build(&d, buf, GPA, sizeof(buf));
	const uint8_t *g, *s, *p;
	static const uint32_t gsiv[] = { 29, 30, 27, 26 };

	ck_assert_int_gt(len, 0);
	g = xsdt_entry(len, 2, "GTDT");
	ck_assert_uint_eq(get(g + 4, 4), 96);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(get(g + 48 + 8 * i, 4), gsiv[i]);
		ck_assert_uint_eq(get(g + 52 + 8 * i, 4), 6);	/* level, active low, always on */
	}
	ck_assert_uint_eq(get(g + 88, 4), 0);			/* no platform timers */
	s = xsdt_entry(len, 3, "SPCR");
	ck_assert_uint_eq(get(s + 4, 4), 80);
	ck_assert_uint_eq(s[36], 0);				/* 16550 */
	ck_assert_mem_eq(s + 40, "\x00\x08\x00\x01", 4);	/* memory, 8 bits, byte access */
	ck_assert_uint_eq(get(s + 44, 8), ARM_UART_BASE);
	ck_assert_uint_eq(s[52], 8);				/* GIC */
	ck_assert_uint_eq(get(s + 54, 4), UART_GSIV);
	ck_assert_uint_eq(s[58], 7);				/* 115200 */
	p = xsdt_entry(len, 4, "PPTT");
	ck_assert_uint_eq(get(p + 4, 4), 36 + 20 * 4);
	ck_assert_uint_eq(get(p + 36 + 4, 4), 0x11);		/* package */
	for (int i = 0; i < 3; i++) {
		const uint8_t *n = p + 36 + 20 * (1 + i);

		ck_assert_uint_eq(get(n + 4, 4), 0x1a);	/* id valid, leaf, identical */
		ck_assert_uint_eq(get(n + 8, 4), 36);		/* parent: the package */
		ck_assert_uint_eq(get(n + 12, 4), (uint64_t)i);	/* = the GICC's UID */
	}
}
END_TEST

START_TEST(test_hest)
{
	struct arm_acpi_desc d = desc(ARM_IRQCHIP_GICV3, 1);
	long len = arm_acpi_build(&d, buf, GPA, sizeof(buf));
	const uint8_t *h, *e;

	ck_assert_int_gt(len, 0);
	h = xsdt_entry(len, 5, "HEST");
	ck_assert_uint_eq(GHES_NR_SOURCES, 17);		/* the SEA source, 16 polled */
	ck_assert_uint_eq(get(h + 4, 4), 40 + 17 * 92);
	ck_assert_uint_eq(get(h + 36, 4), 17);
	for (unsigned int i = 0; i < 17; i++) {
		e = h + 40 + 92 * i;
		ck_assert_uint_eq(get(e, 2), 10);		/* GHESv2 */
		ck_assert_uint_eq(get(e + 2, 2), i);
		ck_assert_uint_eq(e[7], 1);
		ck_assert_mem_eq(e + 20, "\x00\x40\x00\x04", 4);	/* memory, 64 bits, qword */
		ck_assert_uint_eq(get(e + 24, 8), GHES_GPA + GHES_ADDR_REG(i));
		ck_assert_uint_eq(e[32], i == GHES_SRC_SEA ? 8 : 0);	/* SEA, polled */
		ck_assert_uint_eq(e[33], 28);
		ck_assert_uint_eq(get(e + 36, 4), i == GHES_SRC_SEA ? 0 : GHES_POLL_MS);
		ck_assert_uint_eq(get(e + 60, 4), GHES_BLOCK_SIZE);
		ck_assert_uint_eq(get(e + 68, 8), GHES_GPA + GHES_ACK_REG(i));
		ck_assert_uint_eq(get(e + 76, 8), ~1ULL);
		ck_assert_uint_eq(get(e + 84, 8), 1);
	}
}
END_TEST

START_TEST(test_refused)
{
	struct arm_acpi_desc d = desc(ARM_IRQCHIP_GICV3, 1);

	d.nr_cpus = 0;
	ck_assert_int_eq(arm_acpi_build(&d, buf, GPA, sizeof(buf)), -1);
	d.nr_cpus = ARM_ACPI_MAX_CPUS + 1;
	ck_assert_int_eq(arm_acpi_build(&d, buf, GPA, sizeof(buf)), -1);
	d.nr_cpus = 1;
	ck_assert_int_eq(arm_acpi_build(&d, buf, GPA, 512), -1);	/* too small */
	d.devices = &virtio_dev[0];					/* no UART */
	ck_assert_int_eq(arm_acpi_build(&d, buf, GPA, sizeof(buf)), -1);
	d.nr_cpus = ARM_ACPI_MAX_CPUS;
	d.devices = &uart_dev;
	ck_assert_int_gt(arm_acpi_build(&d, buf, GPA, sizeof(buf)), 0);
}
END_TEST

/* Each table through `iasl -d`: no error, and its dump names the table. */
START_TEST(test_iasl_disassembles)
{
	static const char *const sigs[] = { "FACP", "APIC", "GTDT", "SPCR", "PPTT", "HEST" };
	struct arm_acpi_desc d = desc(ARM_IRQCHIP_GICV3, 2);
	char dir[] = "/tmp/lkvm-acpi-XXXXXX", cmd[768], path[128];
	long len;

	if (system("command -v iasl >/dev/null 2>&1")) {
		printf("SKIP test_iasl_disassembles: iasl not installed (acpica-tools; scripts/deps.sh)\n");
		return;
	}
	len = arm_acpi_build(&d, buf, GPA, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = -1; i < 6; i++) {
		const uint8_t *t = i < 0 ? table_at(get(xsdt_entry(len, 0, "FACP") + 140, 8), len,
						      "DSDT") : xsdt_entry(len, i, sigs[i]);
		const char *sig = i < 0 ? "DSDT" : sigs[i];
		FILE *f;
		int st;

		snprintf(path, sizeof(path), "%s/%s.dat", dir, sig);
		f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(t, 1, get(t + 4, 4), f), get(t + 4, 4));
		fclose(f);
		/*
		 * Disassembled with no "****" (iasl's mark for what it cannot
		 * decode), compiled back with no error or warning, and, past
		 * the header (iasl puts its own creator id), the same bytes:
		 * every field was where iasl's table definition expects it.
		 * The DSDT's AML is compiled back optimised, so not compared.
		 */
		snprintf(cmd, sizeof(cmd),
			 "cd %s && iasl -d %s.dat >%s.log 2>&1 && ! grep -q '[*][*][*][*]' %s.dsl && "
			 "iasl %s.dsl >>%s.log 2>&1 && grep -q ' 0 Errors, 0 Warnings' %s.log && "
			 "{ [ %s = DSDT ] || cmp -i 36 %s.dat %s.aml >>%s.log; }",
			 dir, sig, sig, sig, sig, sig, sig, sig, sig, sig, sig);
		st = system(cmd);
		if (st) {	/* what iasl said, for the failure below */
			snprintf(cmd, sizeof(cmd), "cat %s/%s.log", dir, sig);
			ck_assert_int_ge(system(cmd), 0);
		}
		ck_assert_msg(st == 0, "iasl -d %s: status %d", sig, st);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *arm_acpi_suite(void)
{
	Suite *s = suite_create("arm-acpi");
	TCase *tc = tcase_create("tables");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_rsdp_xsdt_fadt);
	tcase_add_test(tc, test_madt);
	tcase_add_test(tc, test_gtdt_spcr_pptt);
	tcase_add_test(tc, test_hest);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_iasl_disassembles);
	suite_add_tcase(s, tc);
	return s;
}
