// SPDX-License-Identifier: GPL-2.0
/* Triple-faults on purpose: an empty IDT, then an invalid opcode. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	puts("triple: faulting\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty));
	guest_exit(0x55);
}
