// SPDX-License-Identifier: GPL-2.0
/*
 * Port-I/O exit benchmark payload (bench/run.sh): n=N "out" instructions to
 * a port no VMM claims (port=P, default 0xe9... see below), then exit
 * through the debug-exit port with code 0 (status 1).
 *
 * Each out is a full VM exit to the VMM and back, and nothing else runs in
 * the loop, so wall time grows by N round trips over the n=0 run.
 *
 *   n=N      number of out instructions (default 0)
 *   port=P   I/O port (default 0xe9 unless overridden: unclaimed by lkvm,
 *            and QEMU has no device there without -debugcon/isa-debugcon)
 *   hold=1   after the loop, say "pio: done" and halt instead of exiting,
 *            so the caller can read /proc/PID/smaps of a live VMM
 *
 * It prints one line at the end ("pio: n=N port=0xP"), so the caller can
 * check that the command line reached the guest; nothing inside the loop.
 */
#include "guest.h"

#define PIO_PORT_DEFAULT	0xe9

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (magic == 0x2badb002 && (mbi->flags & 4)) ? (const char *)mbi->cmdline : 0;
	const char *v;
	uint32_t n = 0, port = PIO_PORT_DEFAULT, hold = 0, i;

	if ((v = cmdline_arg(c, "n")))
		n = parse_u32(v);
	if ((v = cmdline_arg(c, "port")))
		port = parse_u32(v) & 0xffff;
	if ((v = cmdline_arg(c, "hold")))
		hold = parse_u32(v);

	for (i = 0; i < n; i++)
		outb((uint16_t)port, (uint8_t)i);

	printf("pio: n=%u port=0x%x\n", n, port);
	if (hold) {
		puts("pio: done\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	guest_exit(0);
}
