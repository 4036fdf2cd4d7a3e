// SPDX-License-Identifier: GPL-2.0
/* Writes code=N from the command line to the debug-exit port: status (N << 1) | 1. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (magic == 0x2badb002 && (mbi->flags & 4)) ? (const char *)mbi->cmdline : 0;
	const char *v = cmdline_arg(c, "code");
	uint32_t code = v ? parse_u32(v) : 0;

	printf("exit: code %u\n", code);
	guest_exit(code);
}
