// SPDX-License-Identifier: GPL-2.0
/* Reports what the loader and fw_cfg told it, one "key=value" line each. */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	uint64_t ram = 0;
	uint16_t cpus = 0;
	char sig[5] = { 0 };
	uint32_t i;

	printf("magic=0x%x\n", magic);
	printf("flags=0x%x\n", mbi->flags);
	printf("mem_lower=%u\nmem_upper=%u\n", mbi->mem_lower, mbi->mem_upper);
	if (mbi->flags & 4)
		printf("cmdline=%s\n", (const char *)mbi->cmdline);
	if (mbi->flags & (1u << 9))
		printf("loader=%s\n", (const char *)mbi->boot_loader_name);
	if (mbi->flags & (1u << 6)) {
		uint32_t off = 0;

		for (i = 0; off < mbi->mmap_length; i++) {
			const uint8_t *e = (const uint8_t *)(mbi->mmap_addr + off);
			uint32_t size = *(const uint32_t *)e;

			printf("mmap%u=0x%llx+0x%llx:%u\n", i, *(const uint64_t *)(e + 4),
			       *(const uint64_t *)(e + 12), *(const uint32_t *)(e + 20));
			off += size + 4;
		}
	}
	printf("mods=%u\n", (mbi->flags & 8) ? mbi->mods_count : 0);
	if ((mbi->flags & 8) && mbi->mods_count) {
		const struct multiboot_mod *m = (const struct multiboot_mod *)mbi->mods_addr;
		uint32_t sum = 0;

		for (i = m->start; i < m->end; i++)
			sum += *(const uint8_t *)i;
		printf("mod0_start_aligned=%u\n", (m->start & 0xfff) == 0);
		printf("mod0_size=%u\nmod0_sum=%u\nmod0_name=%s\n", m->end - m->start, sum,
		       (const char *)m->string);
	}
	fw_cfg_read(0x0000, sig, 4);
	fw_cfg_read(FW_CFG_RAM_SIZE, &ram, sizeof(ram));
	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	printf("fw_cfg_sig=%s\nfw_cfg_ram_mib=%u\nfw_cfg_cpus=%u\n", sig, (uint32_t)(ram >> 20), cpus);
	guest_exit(0x21);
}
