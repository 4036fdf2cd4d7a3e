// SPDX-License-Identifier: GPL-2.0
/*
 * Payload of `make bench` (bench/run.sh): n=N "out" instructions to an I/O
 * port that no device claims, then exit through the debug-exit port with
 * code 0 (exit status 1). Every out is one VM exit to the VMM and back, and
 * the loop does nothing else, so the run takes N round trips longer than
 * with n=0.
 *
 *   n=N      number of out instructions (default 0)
 *   port=P   the port (default 0xe9: lkvm claims none there, and QEMU has
 *            no device there unless given -debugcon or isa-debugcon)
 *   hold=1   after the loop, halt instead of exiting, so the caller can
 *            read /proc/PID of the still-running VMM
 *
 * Console: "pio: n=N port=0xP" right before the loop (the caller checks the
 * command line arrived, and may time the loop from the two lines' arrival),
 * "pio: done" right after it; nothing inside the loop.
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

	printf("pio: n=%u port=0x%x\n", n, port);
	for (i = 0; i < n; i++)
		outb((uint16_t)port, (uint8_t)i);
	puts("pio: done\n");

	if (hold)
		for (;;)
			__asm__ volatile("cli; hlt");
	guest_exit(0);
}
