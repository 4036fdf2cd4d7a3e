// SPDX-License-Identifier: GPL-2.0
/* Port I/O / MMIO range dispatch. */
#include <errno.h>
#include <string.h>

#include "lkvm/io-bus.h"
#include "suites.h"

struct dev {
	int calls;
	struct vcpu *v;
	uint64_t off;
	unsigned int len;
	bool is_write;
	uint8_t wrote[8];
	uint64_t read_base;	/* reads return read_base + offset */
};

static void dev_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		   bool is_write, void *opaque)
{
	struct dev *d = opaque;

	d->calls++;
	d->v = v;
	d->off = off;
	d->len = len;
	d->is_write = is_write;
	if (is_write)
		memcpy(d->wrote, data, len < 8 ? len : 8);
	else
		io_data_put(data, len, d->read_base + off);
}

static struct io_bus bus;
static struct dev uart, kbd, mmio;

static void bus_setup(void)
{
	memset(&bus, 0, sizeof(bus));
	bus.name = "pio";
	memset(&uart, 0, sizeof(uart));
	memset(&kbd, 0, sizeof(kbd));
	memset(&mmio, 0, sizeof(mmio));
	uart.read_base = 0x1000;
	kbd.read_base = 0x2000;
	mmio.read_base = 0x1122334455667700ULL;
	ck_assert_int_eq(io_bus_register(&bus, 0x3f8, 8, dev_io, &uart, "uart"), 0);
	ck_assert_int_eq(io_bus_register(&bus, 0x60, 1, dev_io, &kbd, "kbd"), 0);
	ck_assert_int_eq(io_bus_register(&bus, 0xfed00000, 0x400, dev_io, &mmio, "hpet"), 0);
}

START_TEST(test_register_records)
{
	ck_assert_int_eq(bus.nr, 3);
	ck_assert_uint_eq(bus.r[0].base, 0x3f8);
	ck_assert_uint_eq(bus.r[0].len, 8);
	ck_assert_ptr_eq(bus.r[0].opaque, &uart);
	ck_assert_str_eq(bus.r[0].name, "uart");
	ck_assert_str_eq(bus.r[2].name, "hpet");
}
END_TEST

START_TEST(test_dispatch_offsets)
{
	uint8_t d[8];

	memset(d, 0, sizeof(d));
	ck_assert(io_bus_dispatch(&bus, NULL, 0x3fd, d, 1, false));
	ck_assert_int_eq(uart.calls, 1);
	ck_assert_uint_eq(uart.off, 5);
	ck_assert_uint_eq(uart.len, 1);
	ck_assert(!uart.is_write);
	ck_assert_ptr_null(uart.v);
	ck_assert_uint_eq(d[0], 0x05);	/* low byte of 0x1005 */
	ck_assert_uint_eq(d[1], 0);	/* len 1: nothing more written */

	/* First and last port of the range. */
	ck_assert(io_bus_dispatch(&bus, NULL, 0x3f8, d, 2, false));
	ck_assert_uint_eq(uart.off, 0);
	ck_assert_uint_eq(io_data_get(d, 2), 0x1000);
	ck_assert(io_bus_dispatch(&bus, NULL, 0x3ff, d, 1, false));
	ck_assert_uint_eq(uart.off, 7);
	ck_assert_int_eq(uart.calls, 3);

	/* Writes pass the bytes through. */
	io_data_put(d, 4, 0xdeadbeef);
	ck_assert(io_bus_dispatch(&bus, NULL, 0x60, d, 1, true));
	ck_assert_int_eq(kbd.calls, 1);
	ck_assert_uint_eq(kbd.off, 0);
	ck_assert(kbd.is_write);
	ck_assert_uint_eq(kbd.wrote[0], 0xef);

	/* 64-bit MMIO. */
	ck_assert(io_bus_dispatch(&bus, NULL, 0xfed000f0, d, 8, false));
	ck_assert_uint_eq(mmio.off, 0xf0);
	ck_assert_uint_eq(mmio.len, 8);
	ck_assert_uint_eq(io_data_get(d, 8), 0x11223344556677f0ULL);
	ck_assert_int_eq(uart.calls, 3);
	ck_assert_int_eq(kbd.calls, 1);
	ck_assert_int_eq(mmio.calls, 1);
}
END_TEST

START_TEST(test_unclaimed)
{
	uint8_t d[8];

	memset(d, 0x12, sizeof(d));
	ck_assert(!io_bus_dispatch(&bus, NULL, 0x3f7, d, 4, false));
	ck_assert_uint_eq(io_data_get(d, 4), 0xffffffff);
	ck_assert_uint_eq(d[4], 0x12);
	ck_assert(!io_bus_dispatch(&bus, NULL, 0x400, d, 1, false));
	ck_assert(!io_bus_dispatch(&bus, NULL, 0x61, d, 1, false));
	ck_assert(!io_bus_dispatch(&bus, NULL, 0xfed00400, d, 8, false));
	ck_assert_uint_eq(io_data_get(d, 8), UINT64_MAX);

	/* Unclaimed writes go nowhere and leave the data alone. */
	memset(d, 0x34, sizeof(d));
	ck_assert(!io_bus_dispatch(&bus, NULL, 0x80, d, 1, true));
	ck_assert_uint_eq(d[0], 0x34);
	ck_assert_int_eq(uart.calls + kbd.calls + mmio.calls, 0);
}
END_TEST

START_TEST(test_register_errors)
{
	struct dev x = { 0 };

	ck_assert_int_eq(io_bus_register(&bus, 0x3fc, 2, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x3f0, 0x10, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x3ff, 1, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x3f0, 9, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x60, 1, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x0, 0x10000, dev_io, &x, "x"), -EBUSY);
	ck_assert_int_eq(io_bus_register(&bus, 0x70, 0, dev_io, &x, "x"), -EINVAL);
	ck_assert_int_eq(io_bus_register(&bus, UINT64_MAX - 1, 4, dev_io, &x, "x"), -EINVAL);
	ck_assert_int_eq(bus.nr, 3);
	/* Adjacent on both sides. */
	ck_assert_int_eq(io_bus_register(&bus, 0x3f0, 8, dev_io, &x, "x"), 0);
	ck_assert_int_eq(io_bus_register(&bus, 0x400, 8, dev_io, &x, "y"), 0);
	ck_assert_int_eq(bus.nr, 5);
}
END_TEST

START_TEST(test_register_full)
{
	struct io_bus b = { .name = "mmio" };
	struct dev x = { 0 };
	uint8_t d[1] = { 0x5a };
	int i;

	for (i = 0; i < IO_BUS_MAX; i++)
		ck_assert_int_eq(io_bus_register(&b, 0x1000 * (uint64_t)i, 0x10, dev_io, &x, "d"),
				 0);
	ck_assert_int_eq(io_bus_register(&b, 0x100000, 0x10, dev_io, &x, "d"), -ENOSPC);
	ck_assert_int_eq(b.nr, IO_BUS_MAX);
	/* The last one registered still dispatches. */
	ck_assert(io_bus_dispatch(&b, NULL, 0x1000 * (IO_BUS_MAX - 1) + 3, d, 1, true));
	ck_assert_uint_eq(x.off, 3);
	ck_assert_uint_eq(x.wrote[0], 0x5a);
}
END_TEST

/* A range taken back: gone from dispatch, the others keep their order, the range is free again. */
START_TEST(test_unregister)
{
	uint8_t d[1];

	ck_assert_int_eq(io_bus_unregister(&bus, 0x3f9), -ENOENT);	/* not a range's start */
	ck_assert_int_eq(io_bus_unregister(&bus, 0x3f8), 0);
	ck_assert_int_eq(bus.nr, 2);
	ck_assert_str_eq(bus.r[0].name, "kbd");
	ck_assert_str_eq(bus.r[1].name, "hpet");
	ck_assert(!io_bus_dispatch(&bus, NULL, 0x3f8, d, 1, false));
	ck_assert_int_eq(uart.calls, 0);
	ck_assert(io_bus_dispatch(&bus, NULL, 0x60, d, 1, false));
	ck_assert_int_eq(io_bus_unregister(&bus, 0x3f8), -ENOENT);
	ck_assert_int_eq(io_bus_register(&bus, 0x3f8, 8, dev_io, &uart, "uart"), 0);
	ck_assert(io_bus_dispatch(&bus, NULL, 0x3fa, d, 1, false));
	ck_assert_int_eq(uart.calls, 1);
}
END_TEST

START_TEST(test_data_round_trip)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	uint8_t d[10];

	for (unsigned int i = 0; i < 4; i++) {
		unsigned int len = lens[i];
		uint64_t v = 0x8877665544332211ULL;
		uint64_t mask = len == 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;

		memset(d, 0xee, sizeof(d));
		io_data_put(d, len, v);
		ck_assert_uint_eq(io_data_get(d, len), v & mask);
		ck_assert_uint_eq(d[len], 0xee);
	}
	/* Little-endian byte order. */
	io_data_put(d, 4, 0x11223344);
	ck_assert_uint_eq(d[0], 0x44);
	ck_assert_uint_eq(d[1], 0x33);
	ck_assert_uint_eq(d[2], 0x22);
	ck_assert_uint_eq(d[3], 0x11);
	ck_assert_uint_eq(io_data_get(d, 2), 0x3344);
	/* Longer than 8: only 8 bytes used. */
	memset(d, 0xee, sizeof(d));
	io_data_put(d, 10, 0x0102030405060708ULL);
	ck_assert_uint_eq(d[8], 0xee);
	ck_assert_uint_eq(io_data_get(d, 10), 0x0102030405060708ULL);
	ck_assert_uint_eq(io_data_get(d, 0), 0);
}
END_TEST

Suite *io_bus_suite(void)
{
	Suite *s = suite_create("io-bus");
	TCase *tc;

	tc = tcase_create("bus");
	tcase_add_checked_fixture(tc, bus_setup, NULL);
	tcase_add_test(tc, test_register_records);
	tcase_add_test(tc, test_dispatch_offsets);
	tcase_add_test(tc, test_unclaimed);
	tcase_add_test(tc, test_register_errors);
	tcase_add_test(tc, test_register_full);
	tcase_add_test(tc, test_unregister);
	suite_add_tcase(s, tc);

	tc = tcase_create("data");
	tcase_add_test(tc, test_data_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
