// SPDX-License-Identifier: GPL-2.0
/*
 * The DSDT's virtio-mmio devices: decode the AML lkvm writes (Scope \_SB,
 * Device VRnn with _HID LNRO0005, _UID, and a _CRS with the transport's
 * memory range and level, active-high interrupt) and check each field.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "hw/virtio-mmio.h"
#include "lkvm/acpi-table.h"
#include "lkvm/devices.h"
#include "lkvm/io-bus.h"
#include "suites.h"

/* PkgLength at p: returns the value, *n its own size. */
static size_t pkglen(const uint8_t *p, size_t *n)
{
	unsigned int extra = p[0] >> 6;
	size_t len = extra ? (p[0] & 0xf) : (p[0] & 0x3f);

	for (unsigned int i = 0; i < extra; i++)
		len |= (size_t)p[1 + i] << (4 + 8 * i);
	*n = 1 + extra;
	return len;
}

static void check_devices(int nr)
{
	/* The registry: the transports, with a UART (not in the DSDT) in between. */
	struct device d[VIRTIO_MMIO_MAX + 1];
	struct device uart = { .name = "uart", .kind = DEV_KIND_UART, .bus = DEV_BUS_PIO,
			       .base = 0x3f8, .len = 8, .irq = 4 };
	uint8_t aml[4096];
	size_t n, len, at;
	long total;

	for (int i = 0; i < nr; i++) {
		d[i] = (struct device){ .name = "virtio", .kind = DEV_KIND_VIRTIO_MMIO,
					.bus = DEV_BUS_MMIO, .base = 0xd0000000ULL + 0x1000ULL * i,
					.len = 0x200, .irq = 16 + i };
		d[i].next = i + 1 < nr ? &d[i + 1] : NULL;
	}
	uart.next = d[0].next;
	d[0].next = &uart;
	total = acpi_devices_aml(d, aml, sizeof(aml));
	ck_assert_int_gt(total, 0);
	ck_assert_uint_eq(aml[0], 0x10);			/* ScopeOp */
	len = pkglen(aml + 1, &n);
	ck_assert_uint_eq(1 + len, (size_t)total);		/* the scope is everything */
	ck_assert_mem_eq(aml + 1 + n, "\\_SB_", 5);
	at = 1 + n + 5;
	for (int i = 0; i < nr; i++) {
		char seg[5];
		const uint8_t *p, *crs;
		size_t dl;

		ck_assert_uint_eq(aml[at], 0x5b);
		ck_assert_uint_eq(aml[at + 1], 0x82);		/* DeviceOp */
		dl = pkglen(aml + at + 2, &n);
		p = aml + at + 2 + n;
		snprintf(seg, sizeof(seg), "VR%02X", i);
		ck_assert_mem_eq(p, seg, 4);
		ck_assert_mem_eq(p + 4, "\x08_HID\x0dLNRO0005", 15);
		ck_assert_mem_eq(p + 19, "\x08_UID\x0a", 6);
		ck_assert_uint_eq(p[25], i);
		ck_assert_mem_eq(p + 26, "\x08_CRS\x11", 6);
		crs = p + 32 + 1 + 2;				/* PkgLength, BytePrefix, size */
		ck_assert_uint_eq(crs[-1], 23);
		ck_assert_uint_eq(crs[0], 0x86);		/* Memory32Fixed */
		ck_assert_uint_eq(crs[3], 1);			/* read-write */
		ck_assert_uint_eq(io_data_get(crs + 4, 4), d[i].base);
		ck_assert_uint_eq(io_data_get(crs + 8, 4), 0x200);
		ck_assert_uint_eq(crs[12], 0x89);		/* Extended Interrupt */
		ck_assert_uint_eq(crs[15], 1);			/* consumer, level, high, exclusive */
		ck_assert_uint_eq(crs[16], 1);
		ck_assert_uint_eq(io_data_get(crs + 17, 4), (uint64_t)d[i].irq);
		ck_assert_mem_eq(crs + 21, "\x79\x00", 2);	/* EndTag */
		ck_assert_uint_eq((size_t)(crs + 23 - (aml + at + 2)), dl);
		at += 2 + dl;
	}
	ck_assert_uint_eq(at, (size_t)total);
}

START_TEST(test_one_device)
{
	check_devices(1);
}
END_TEST

START_TEST(test_max_devices)
{
	check_devices(VIRTIO_MMIO_MAX);	/* two-byte PkgLength for the scope */
}
END_TEST

START_TEST(test_none_and_too_small)
{
	struct device d = { .name = "virtio", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
			    .base = 0xd0000000ULL, .len = 0x200, .irq = 16 };
	struct device uart = { .name = "uart", .kind = DEV_KIND_UART, .bus = DEV_BUS_PIO,
			       .base = 0x3f8, .len = 8, .irq = 4 };
	struct device many[VIRTIO_MMIO_MAX + 1];
	uint8_t aml[32];

	ck_assert_int_eq(acpi_devices_aml(NULL, aml, sizeof(aml)), 0);
	ck_assert_int_eq(acpi_devices_aml(&uart, aml, sizeof(aml)), 0);	/* no transport */
	ck_assert_int_eq(acpi_devices_aml(&d, aml, sizeof(aml)), -1);
	/* Above 4 GiB: Memory32Fixed cannot say it. */
	d.base = 0x100000000ULL;
	ck_assert_int_eq(acpi_devices_aml(&d, aml, sizeof(aml)), -1);
	/* More transports than VIRTIO_MMIO_MAX: refused, not cut short. */
	for (int i = 0; i <= VIRTIO_MMIO_MAX; i++) {
		many[i] = d;
		many[i].base = 0xd0000000ULL + 0x1000ULL * i;
		many[i].next = i < VIRTIO_MMIO_MAX ? &many[i + 1] : NULL;
	}
	ck_assert_int_eq(acpi_devices_aml(many, aml, sizeof(aml)), -1);
}
END_TEST

Suite *acpi_aml_suite(void)
{
	Suite *s = suite_create("acpi-aml");
	TCase *tc = tcase_create("dsdt");

	tcase_add_test(tc, test_one_device);
	tcase_add_test(tc, test_max_devices);
	tcase_add_test(tc, test_none_and_too_small);
	suite_add_tcase(s, tc);
	return s;
}
