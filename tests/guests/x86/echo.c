// SPDX-License-Identifier: GPL-2.0
/* Reads one line from the serial port (polling LSR.DR) and prints it upper-cased. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	char line[80];
	uint32_t n = 0;

	puts("echo: ready\n");
	while (n < sizeof(line) - 1) {
		char c;

		while (!(inb(0x3fd) & 1))
			pause();
		c = (char)inb(0x3f8);
		if (c == '\n' || c == '\r')
			break;
		line[n++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
	}
	line[n] = 0;
	printf("echo: %s\n", line);
	guest_exit(0);
}
