// SPDX-License-Identifier: GPL-2.0
/*
 * An ACPI boot (--tables acpi): the top MiB of RAM gets the EFI
 * hand-over (efi.h), then the ACPI tables (acpi.h), and at the very top
 * the GHES area (ghes.h); the device tree below them holds only /chosen,
 * which points the kernel at the EFI system table and memory map. Built
 * in host memory and copied in with guarded writes, like the device tree.
 */
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "arm.h"
#include "devtree.h"
#include "efi.h"
#include "lkvm/ghes.h"
#include "lkvm/arch.h"
#include "lkvm/dtb.h"
#include "lkvm/util.h"

static int fdt_build_cb(const void *d, void *buf, size_t size)
{
	return arm_fdt_build(d, buf, size);
}

int arm_acpi_describe(struct vm *vm)
{
	struct arm_vm *a = arm_vm(vm);
	uint64_t ram_size = vm->opts->mem_mib * MiB, ram_end = ARM_RAM_BASE + ram_size;
	uint64_t fw = ram_end - ARM_FW_AREA_SIZE, ghes = ram_end - GHES_AREA_SIZE;
	uint64_t acpi = fw + ARM_EFI_SIZE;
	struct arm_acpi_desc ad = {
		.nr_cpus = vm->nr_vcpus, .gic = a->gic,
		.gic_dist = ARM_GIC_DIST_BASE, .gic_redist = a->redist_base,
		.gic_its = a->its_base,
		.gic_redist_size = vm->nr_vcpus * ARM_GIC_REDIST_SIZE,
		.gic_cpui = ARM_GIC_CPUI_BASE, .pmu = vm->opts->arch.pmu,
		.devices = vm->devices, .ghes_base = ghes,
	};
	struct arm_efi_desc ed = {
		.ram_base = ARM_RAM_BASE, .ram_size = ram_size,
		.tables_base = fw, .tables_size = ghes - fw,
		.ghes_base = ghes, .ghes_size = GHES_AREA_SIZE, .rsdp = acpi,
	};
	struct arm_efi_info efi;
	struct arm_fdt_desc fd = {
		.nr_cpus = vm->nr_vcpus, .bootargs = vm->opts->params,
		.initrd_start = a->initrd_gpa, .initrd_size = a->initrd_size, .efi = &efi,
	};
	uint8_t *buf = calloc(1, ARM_FW_AREA_SIZE);
	long len;
	int ret = LKVM_EXIT_ERROR;

	if (!buf) {
		pr_err("out of memory for the ACPI tables");
		return LKVM_EXIT_ERROR;
	}
	len = arm_acpi_build(&ad, buf + ARM_EFI_SIZE, acpi, ghes - acpi);
	if (len < 0) {
		pr_err("cannot write the ACPI tables for %u vCPUs and these devices", vm->nr_vcpus);
		goto out;
	}
	if (arm_efi_build(&ed, buf, fw, &efi)) {
		pr_err("cannot write the EFI memory map for --mem %llu MiB",
		       (unsigned long long)vm->opts->mem_mib);
		goto out;
	}
	ghes_area_init(buf + (ghes - fw), ghes);
	if (mem_write(&vm->mem, fw, buf, ARM_FW_AREA_SIZE, "firmware tables")) {
		pr_err("cannot copy the firmware tables into guest RAM");
		goto out;
	}
	a->ghes_gpa = ghes;
	pr_debug("ACPI tables at 0x%llx (%ld bytes), EFI system table at 0x%llx, GHES at 0x%llx",
		 (unsigned long long)acpi, len, (unsigned long long)efi.systab,
		 (unsigned long long)ghes);
	ret = dtb_build_publish(vm, a->fdt_gpa, ARM_FDT_MAX_SIZE - ARM_FW_AREA_SIZE, fdt_build_cb,
				&fd);
out:
	free(buf);
	return ret;
}
