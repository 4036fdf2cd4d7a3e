// SPDX-License-Identifier: GPL-2.0
/*
 * Brings up every vCPU with INIT/SIPI and reports their APIC ids, sorted.
 * Exit code 0 when as many CPUs answered as fw_cfg announced, else 1.
 */
#include "guest.h"

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	uint16_t cpus = 0;
	uint32_t ids[65], n, i, j;

	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	n = 1 + smp_start(cpus - 1u);
	ids[0] = apic_id();
	for (i = 1; i < n && i < 65; i++)
		ids[i] = ap_ids[i - 1];
	for (i = 1; i < n; i++)		/* insertion sort */
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			uint32_t t = ids[j];

			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	printf("smp: fw_cfg cpus=%u online=%u ids=", cpus, n);
	for (i = 0; i < n; i++)
		printf(i ? ",%u" : "%u", ids[i]);
	printf("\n");
	guest_exit(n == cpus ? 0 : 1);
}
