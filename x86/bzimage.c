// SPDX-License-Identifier: GPL-2.0
/*
 * Linux bzImage through the 64-bit boot protocol (Documentation/arch/x86/
 * boot.rst): the protected-mode kernel at 1 MiB, boot_params with the setup
 * header, e820 and command line, identity-mapped page tables, long mode.
 */
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "lkvm/util.h"

/* Setup header offsets in the image and in boot_params. */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128

#define XLF_KERNEL_64		(1 << 0)
#define LOADED_HIGH		(1 << 0)
#define CAN_USE_HEAP		(1 << 7)

int bzimage_probe(const uint8_t *k, size_t n)
{
	return n >= 0x264 && rd16(k + HDR_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(k + HDR_MAGIC, "HdrS", 4);
}

/* Identity map of the first 4 GiB with 2 MiB pages, and a flat GDT. */
static int bzimage_setup_long_mode(struct mem_map *m, struct x86_boot *b)
{
	uint8_t *pml4 = mem_gpa_to_hva(m, X86_PML4_ADDR, 0x6000);
	uint8_t *gdt = mem_gpa_to_hva(m, X86_GDT_ADDR, 32);
	int i;

	if (!pml4 || !gdt)
		return -1;
	memset(pml4, 0, 0x6000);
	wr64(pml4, (X86_PML4_ADDR + 0x1000) | 3);		/* PML4[0] -> PDPT */
	for (i = 0; i < 4; i++) {
		wr64(pml4 + 0x1000 + 8 * i, (X86_PML4_ADDR + 0x2000 + 0x1000 * (uint64_t)i) | 3);
		for (int j = 0; j < 512; j++)
			wr64(pml4 + 0x2000 + 0x1000 * i + 8 * j,
			     ((uint64_t)i << 30 | (uint64_t)j << 21) | 0x83);	/* P RW PS */
	}
	wr64(gdt + 0, 0);
	wr64(gdt + 8, 0);
	wr64(gdt + 16, 0x00af9b000000ffffULL);	/* 0x10: 64-bit code */
	wr64(gdt + 24, 0x00cf93000000ffffULL);	/* 0x18: data */
	b->cr3 = X86_PML4_ADDR;
	b->gdt_base = X86_GDT_ADDR;
	b->gdt_limit = 31;
	return 0;
}

int bzimage_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
		 char *err, size_t errlen)
{
	const uint8_t *k = f->kernel;
	size_t n = f->kernel_size, hdr_end, cmdlen;
	uint64_t setup_size, pm_size, low_end, init_end, pref, initrd_max, initrd_addr = 0;
	uint32_t init_size, cmdline_size;
	uint16_t version;
	struct e820_entry e820[BP_E820_MAX];
	uint8_t *bp, *dst;
	int i, ne, ret;

	if (!bzimage_probe(k, n))
		loader_fail("%s: not a Linux bzImage (no HdrS header)", f->kernel_name);
	version = rd16(k + HDR_VERSION);
	if (version < 0x020c || !(rd16(k + HDR_XLOADFLAGS) & XLF_KERNEL_64))
		loader_fail("%s: boot protocol %u.%02u without a 64-bit entry; lkvm needs protocol 2.12+ (Linux 3.8 or later, x86-64)",
		     f->kernel_name, (unsigned int)version >> 8, (unsigned int)version & 0xff);
	setup_size = ((uint64_t)(k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1) * 512;
	if (setup_size >= n)
		loader_fail("%s: truncated bzImage (setup claims %llu bytes, file has %zu)",
		     f->kernel_name, (unsigned long long)setup_size, n);
	pm_size = n - setup_size;
	init_size = rd32(k + HDR_INIT_SIZE);
	pref = rd64(k + HDR_PREF_ADDRESS);
	cmdline_size = rd32(k + HDR_CMDLINE_SIZE);
	initrd_max = rd32(k + HDR_INITRD_ADDR_MAX);

	/* RAM below the 32-bit hole, where everything is loaded. */
	low_end = m->nr ? m->r[0].gpa + m->r[0].size : 0;
	if (m->nr && m->r[0].gpa != 0)
		low_end = 0;
	init_end = MAX(X86_KERNEL_ADDR, pref < X86_MMIO_HOLE ? pref : 0) + MAX((uint64_t)init_size, pm_size);
	if (init_end > low_end)
		loader_fail("%s: needs %llu MiB of RAM to unpack, the VM has %llu MiB below 3 GiB; raise --mem",
		     f->kernel_name, (unsigned long long)ALIGN_UP(init_end, MiB) / MiB,
		     (unsigned long long)low_end / MiB);

	cmdlen = f->params ? strlen(f->params) : 0;
	/* cmdline_size is the longest command line, without its NUL. */
	if (cmdline_size && cmdlen > cmdline_size)
		loader_fail("kernel command line is %zu bytes; this kernel takes at most %u", cmdlen,
		     cmdline_size);
	if (cmdlen >= X86_CMDLINE_MAX)
		loader_fail("kernel command line is %zu bytes; lkvm passes at most %llu", cmdlen,
		     X86_CMDLINE_MAX - 1);

	dst = mem_gpa_to_hva(m, X86_KERNEL_ADDR, pm_size);
	if (!dst)
		loader_fail("%s: kernel does not fit in guest RAM; raise --mem", f->kernel_name);
	ret = mem_load(m, X86_KERNEL_ADDR, k + setup_size, pm_size, "kernel loader", NULL);
	if (ret)
		return ret;	/* -EIO, -EHWPOISON: the caller says which */

	if (f->initrd) {
		uint64_t top = MIN(low_end, initrd_max + 1);

		if (f->initrd_size > top)
			loader_fail("initrd %s (%zu MiB) does not fit below %llu MiB; raise --mem",
			     f->initrd_name, f->initrd_size >> 20, (unsigned long long)top >> 20);
		initrd_addr = ALIGN_DOWN(top - f->initrd_size, 4096);
		if (initrd_addr < init_end)
			loader_fail("kernel and initrd %s overlap: %llu MiB of RAM is too small for both; raise --mem",
			     f->initrd_name, (unsigned long long)low_end / MiB);
		dst = mem_gpa_to_hva(m, initrd_addr, f->initrd_size);
		if (!dst)
			loader_fail("initrd %s does not fit in guest RAM; raise --mem", f->initrd_name);
		ret = mem_load(m, initrd_addr, f->initrd, f->initrd_size, "kernel loader", NULL);
		if (ret)
			return ret;
	}

	bp = mem_gpa_to_hva(m, X86_BOOT_PARAMS_ADDR, 0x1000);
	dst = mem_gpa_to_hva(m, X86_CMDLINE_ADDR, cmdlen + 1);
	if (!bp || !dst)
		loader_fail("guest RAM too small for boot data; raise --mem");
	memset(bp, 0, 0x1000);
	/* The setup header, as long as the image says it is (byte at 0x201). */
	hdr_end = MIN((size_t)HDR_JUMP + 2 + k[HDR_JUMP + 1], n);
	hdr_end = MIN(hdr_end, (size_t)0x1000);
	memcpy(bp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xff;
	bp[HDR_LOADFLAGS] |= LOADED_HIGH | CAN_USE_HEAP;
	wr16(bp + HDR_HEAP_END_PTR, 0xfe00);
	wr32(bp + HDR_CMD_LINE_PTR, (uint32_t)X86_CMDLINE_ADDR);
	wr32(bp + BP_EXT_CMD_LINE_PTR, 0);
	memcpy(dst, f->params ? f->params : "", cmdlen + 1);
	wr32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd_addr);
	wr32(bp + HDR_RAMDISK_SIZE, (uint32_t)(f->initrd ? f->initrd_size : 0));
	wr32(bp + BP_EXT_RAMDISK_IMAGE, 0);
	wr32(bp + BP_EXT_RAMDISK_SIZE, 0);
	ne = x86_e820_build(m, e820, BP_E820_MAX);
	bp[BP_E820_ENTRIES] = (uint8_t)ne;
	for (i = 0; i < ne; i++)
		memcpy(bp + BP_E820_TABLE + 20 * i, &e820[i], 20);

	if (bzimage_setup_long_mode(m, b))
		loader_fail("guest RAM too small for page tables; raise --mem");
	b->mode = X86_BOOT_LONG64;
	b->rip = X86_KERNEL_ADDR + 0x200;	/* startup_64 */
	b->rsi = X86_BOOT_PARAMS_ADDR;
	b->format = "bzImage";
	b->rsdp_slot = X86_BOOT_PARAMS_ADDR + BP_ACPI_RSDP_ADDR;	/* Linux 4.20+; older ones scan */
	return 0;
}
