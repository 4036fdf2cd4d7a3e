// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of `lkvm debug --nmi` and `--sysrq`: prints the NMI it
 * takes (vector 2) and what arrives on the serial line, a break (LSR.BI,
 * a NUL) and the sysrq key after it; exits (status 1) once it has both.
 * The NMI handler returns without IRET (see crt0.S): one NMI is all it takes.
 */
#include "guest.h"

#define UART_RBR	0x3f8
#define UART_LSR	0x3fd
#define LSR_DR		0x01
#define LSR_BI		0x10

static volatile uint32_t nmis;

static void nmi_handler(struct trap_frame *f)
{
	nmis++;
	printf("debug: nmi on cpu %u at eip 0x%x\n", apic_id(), f->eip);
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	bool brk = false, sysrq = false;

	trap_set(2, nmi_handler);
	puts("debug: up\n");
	while (!sysrq || !nmis) {
		uint8_t lsr = inb(UART_LSR);

		if (lsr & LSR_DR) {
			uint8_t c = inb(UART_RBR);

			if (lsr & LSR_BI) {
				printf("debug: break (0x%x)\n", c);
				brk = true;
			} else if (brk) {
				printf("debug: sysrq %c\n", (char)c);
				sysrq = true;
			} else {
				printf("debug: char %c\n", (char)c);
			}
		}
		/* Poll slowly: every LSR read is an exit. */
		for (uint32_t i = 0; i < 20000; i++)
			pause();
	}
	puts("debug: done\n");
	guest_exit(0);
}
