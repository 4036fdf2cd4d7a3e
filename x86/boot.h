/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_X86_BOOT_H
#define LKVM_X86_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lkvm/mem-load.h"
#include "lkvm/mem.h"

/*
 * x86 kernel loaders. They only write guest RAM through the memory map
 * (every access bounds-checked) and describe the entry state; they touch no
 * KVM state, so unit tests run them on plain buffers.
 */
enum x86_boot_mode {
	X86_BOOT_PROT32,	/* multiboot: flat 32-bit, paging off */
	X86_BOOT_LONG64,	/* Linux 64-bit boot protocol */
};

struct x86_boot {
	enum x86_boot_mode mode;
	uint64_t rip, rax, rbx, rsi;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	const char *format;
	uint64_t rsdp_slot;	/* where the kernel looks for the ACPI RSDP's address; 0: it scans */
};

struct x86_files {
	const uint8_t *kernel;
	size_t kernel_size;
	const char *kernel_name;	/* multiboot cmdline starts with it */
	const uint8_t *initrd;		/* may be NULL */
	size_t initrd_size;
	const char *initrd_name;
	const char *params;		/* may be NULL */
};

/* Low-memory layout shared by the loaders. */
#define X86_GDT_ADDR		0x500ULL
#define X86_BOOT_PARAMS_ADDR	0x7000ULL
#define X86_PML4_ADDR		0x9000ULL	/* PML4, PDPT, 4 PDs: 0x9000-0xefff */
#define X86_CMDLINE_ADDR	0x20000ULL
#define X86_CMDLINE_MAX		0x10000ULL
#define X86_KERNEL_ADDR		0x100000ULL
#define X86_LOWMEM_END		0xa0000ULL	/* start of the legacy hole */
#define X86_HIGHMEM_START	0x100000ULL
#define X86_MMIO_HOLE		0xc0000000ULL	/* RAM above this moves to 4 GiB */
#define X86_4G			0x100000000ULL

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

#define E820_RAM	1
#define E820_RESERVED	2

/* The guest's physical memory map as firmware would report it. */
int x86_e820_build(const struct mem_map *m, struct e820_entry *e, int max);

/* A loadable piece of a kernel file, already checked against file and RAM. */
struct x86_seg {
	uint64_t addr, off, filesz, memsz;
};

/* Copy checked segments into guest RAM; the part past filesz is zeroed (bss). */
static inline int x86_segs_copy(struct mem_map *m, const uint8_t *k, const struct x86_seg *s,
				int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t *d = mem_gpa_to_hva(m, s[i].addr, s[i].memsz);
		int err = mem_load(m, s[i].addr, k + s[i].off, s[i].filesz, "kernel loader", NULL);

		if (err)
			return err;
		memset(d + s[i].filesz, 0, s[i].memsz - s[i].filesz);
	}
	return 0;
}

/* In a loader with (char *err, size_t errlen): say why, return -1. */
#define loader_fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* Returns 0, or -1 with a one-line reason in err. */
int bzimage_probe(const uint8_t *k, size_t n);
int bzimage_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
		 char *err, size_t errlen);
int multiboot_probe(const uint8_t *k, size_t n);
int multiboot_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
		   char *err, size_t errlen);

/*
 * Linux command line: "pci=off" (this machine has no PCI: no config-space
 * probing, no AGP aperture scan) before the user's params, unless they set
 * pci= themselves. Returns a malloc'ed string, or NULL.
 */
char *x86_linux_params(const char *user);

/* Little-endian field access into untrusted buffers (caller checks bounds). */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static inline uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static inline void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }

#endif
