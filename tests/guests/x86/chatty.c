// SPDX-License-Identifier: GPL-2.0
/* Prints numbered lines for ever: a console nobody reads must not wedge lkvm. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	puts("chatty: up\n");
	for (uint32_t i = 0;; i++)
		printf("chatty: line %u of output that nobody may be reading\n", i);
}
