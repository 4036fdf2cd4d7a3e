// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's built-in guest: what `lkvm run` runs without --kernel. It starts
 * every vCPU, reports what it found through fw_cfg and multiboot, and
 * powers off.
 */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	uint64_t ram = 0;
	uint16_t cpus = 0;
	uint32_t online, i;

	puts("lkvm built-in guest: a 32-bit multiboot kernel in a KVM virtual machine\n");
	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	fw_cfg_read(FW_CFG_RAM_SIZE, &ram, sizeof(ram));
	online = 1 + smp_start(cpus ? cpus - 1u : 0u);
	printf("  vCPUs:   %u of %u running (APIC ids: %u", online, cpus, apic_id());
	for (i = 0; i + 1 < online && i < 64; i++)
		printf(" %u", ap_ids[i]);
	printf(")\n");
	printf("  memory:  %u MiB (fw_cfg)", (uint32_t)(ram >> 20));
	if (magic == 0x2badb002 && (mbi->flags & 1))
		printf(", multiboot: %u KiB low, %u KiB from 1 MiB", mbi->mem_lower, mbi->mem_upper);
	printf("\n");
	if (magic == 0x2badb002 && (mbi->flags & 4))
		printf("  cmdline: %s\n", (const char *)mbi->cmdline);
	puts("  powering off\n");
	poweroff();
}
