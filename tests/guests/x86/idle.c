// SPDX-License-Identifier: GPL-2.0
/* Says it is up, then halts forever: for list/pause/resume/stop tests. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	puts("idle: up\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
