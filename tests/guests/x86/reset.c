// SPDX-License-Identifier: GPL-2.0
/* Says hello and asks the keyboard controller for a reset (port 0x64, 0xfe). */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	puts("reset: booted\n");
	outb(0x64, 0xfe);
	for (;;)
		__asm__ volatile("cli; hlt");
}
