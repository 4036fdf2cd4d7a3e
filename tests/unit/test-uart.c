// SPDX-License-Identifier: GPL-2.0
/*
 * The 16550A UART (hw/uart.c) as Linux's 8250 autoconfiguration probes it:
 * no EFR, then the TI16750 test (IIR bit 5 only after FCR bit 5 written
 * with DLAB set), so a PNP0501 or legacy port is a "TI16750" with a 64-byte
 * FIFO and the 256-byte FIFO-size loopback never runs.
 */
#include <string.h>

#include "hw/uart.h"
#include "lkvm/devices.h"
#include "lkvm/io-bus.h"
#include "lkvm/vm.h"
#include "suites.h"

#define BASE		0x3f8
#define IIR		2	/* read: IIR (EFR with LCR 0xbf); write: FCR */
#define LCR		3
#define FIFO_BITS	0xe0	/* IIR 7:6 FIFOs on, 5: 64-byte mode */

static struct vm vm;

static void out(unsigned int reg, uint8_t v)
{
	ck_assert(io_bus_dispatch(&vm.pio, NULL, BASE + reg, &v, 1, true));
}

static uint8_t in(unsigned int reg)
{
	uint8_t v = 0xff;

	ck_assert(io_bus_dispatch(&vm.pio, NULL, BASE + reg, &v, 1, false));
	return v;
}

static void uart_setup(void)
{
	test_vm_init(&vm);
	ck_assert_int_eq(uart_create(&vm, DEV_BUS_PIO, BASE, DEV_NO_IRQ, ARCH_IRQ_LEVEL, false), 0);
}

static void uart_teardown(void)
{
	devices_destroy(&vm);
}

/* drivers/tty/serial/8250/8250_port.c: autoconfig(), autoconfig_16550a() */
START_TEST(test_uart_autoconfig_16750)
{
	out(IIR, 0x01);			/* FIFOs on: IIR 7:6 say 16550A */
	ck_assert_uint_eq(in(IIR) >> 6, 3);
	out(LCR, 0x80);			/* "EFR" with DLAB: 0 only on a ST16C650V1 */
	ck_assert_uint_ne(in(IIR), 0);
	out(LCR, 0xbf);			/* "EFR" with 0xbf: 0 on the '650V2/'654/'850 */
	ck_assert_uint_ne(in(IIR), 0);

	out(LCR, 0);			/* FCR bit 5 without DLAB: no 64-byte mode */
	out(IIR, 0x21);
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0xc0);
	out(IIR, 0x01);
	out(LCR, 0x80);			/* with DLAB: IIR bit 5 set, a TI16750 */
	out(IIR, 0x21);
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0xe0);
	out(IIR, 0x01);
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0xc0);
	out(LCR, 0);
}
END_TEST

/* Linux's set_termios for a 16750: FCR with bit 5 under DLAB, then LCR. */
START_TEST(test_uart_fifo64_mode)
{
	out(LCR, 0x83);
	out(IIR, 0x21 | 0x80);		/* 64-byte mode, receive trigger 10 */
	out(LCR, 0x03);
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0xe0);
	out(IIR, 0x21);			/* rewritten without DLAB: mode off */
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0xc0);
	out(IIR, 0x00);			/* FIFOs off: none of the bits */
	ck_assert_uint_eq(in(IIR) & FIFO_BITS, 0);
	ck_assert_uint_eq(in(IIR) & 0x0f, 0x01);	/* nothing pending */
}
END_TEST

Suite *uart_suite(void)
{
	Suite *s = suite_create("uart");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, uart_setup, uart_teardown);
	tcase_add_test(tc, test_uart_autoconfig_16750);
	tcase_add_test(tc, test_uart_fifo64_mode);
	suite_add_tcase(s, tc);
	return s;
}
