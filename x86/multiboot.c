// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot (v1) kernels, as hypervisor test suites build them: ELF32
 * PT_LOAD segments (or the a.out kludge) at their physical addresses, entry
 * in flat 32-bit protected mode with EAX = 0x2badb002, EBX = boot info.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "lkvm/elf.h"
#include "lkvm/util.h"

#define MB_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH		8192
#define MB_F_PAGE_ALIGN		(1u << 0)
#define MB_F_MEMINFO		(1u << 1)
#define MB_F_VIDEO		(1u << 2)
#define MB_F_AOUT		(1u << 16)
/* Flags bits 0-15 are requirements: lkvm provides 0 and 1; 2 is ignored. */
#define MB_F_KNOWN		(MB_F_PAGE_ALIGN | MB_F_MEMINFO | MB_F_VIDEO)

/* multiboot_info flags and layout */
#define MBI_MEM			(1u << 0)
#define MBI_CMDLINE		(1u << 2)
#define MBI_MODS		(1u << 3)
#define MBI_MMAP		(1u << 6)
#define MBI_LOADER_NAME		(1u << 9)
#define MBI_SIZE		88

#define MAX_SEGS		16
#define EM_386			3
#define E820_MAX		16

/* Offset of a valid multiboot header in the first 8 KiB, or -1. */
static long mb_find(const uint8_t *k, size_t n)
{
	size_t off, lim = n < MB_SEARCH ? n : MB_SEARCH;

	/* cppcheck 2.10 misreads lim as always 0 here (false positive). */
	// cppcheck-suppress knownConditionTrueFalse
	for (off = 0; off + 12 <= lim; off += 4) {
		if (rd32(k + off) != MB_MAGIC)
			continue;
		/* magic + flags + checksum == 0 (mod 2^32) */
		if (rd32(k + off + 8) == 0u - MB_MAGIC - rd32(k + off + 4))
			return (long)off;
	}
	return -1;
}

int multiboot_probe(const uint8_t *k, size_t n)
{
	return mb_find(k, n) >= 0;
}

static int mb_elf_segs(const uint8_t *k, size_t n, struct x86_seg *s, int *ns, uint64_t *entry,
		       const char *name, char *err, size_t errlen)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg es;
	int ret = elf_open(&e, k, n);

	if (ret == -ENOEXEC)
		loader_fail("%s: multiboot kernel is not ELF and has no a.out address fields", name);
	if (ret)
		loader_fail("%s: %s", name, e.err);
	if (e.class != ELF_CLASS32 || e.data != ELF_DATA_LE)
		loader_fail("%s: multiboot ELF must be 32-bit little-endian (ELFCLASS32); build with -m32 or objcopy -O elf32-i386",
		     name);
	if (e.type != ELF_ET_EXEC || e.machine != EM_386)
		loader_fail("%s: multiboot ELF must be an i386 executable", name);
	*entry = e.entry;
	*ns = 0;
	while ((ret = elf_next_load(&e, &it, &es)) > 0) {
		if (*ns >= MAX_SEGS)
			loader_fail("%s: more than %d loadable segments", name, MAX_SEGS);
		/* p_paddr: multiboot loads physically */
		s[(*ns)++] = (struct x86_seg){ .addr = es.paddr, .off = es.offset,
					       .filesz = es.filesz, .memsz = es.memsz };
	}
	if (ret < 0)
		loader_fail("%s: %s", name, e.err);
	if (!*ns)
		loader_fail("%s: ELF has no loadable segments", name);
	return 0;
}

static int mb_aout_segs(const uint8_t *k, size_t n, long hoff, struct x86_seg *s, int *ns,
			uint64_t *entry, const char *name, char *err, size_t errlen)
{
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint64_t off, len;

	if ((size_t)hoff + 32 > n)
		loader_fail("%s: truncated multiboot header", name);
	header_addr = rd32(k + hoff + 12);
	load_addr = rd32(k + hoff + 16);
	load_end = rd32(k + hoff + 20);
	bss_end = rd32(k + hoff + 24);
	*entry = rd32(k + hoff + 28);
	if (load_addr > header_addr)
		loader_fail("%s: multiboot load_addr 0x%x is after header_addr 0x%x", name, load_addr,
		     header_addr);
	if (header_addr - load_addr > (uint64_t)hoff)
		loader_fail("%s: multiboot load_addr 0x%x would start before the beginning of the file",
		     name, load_addr);
	off = (uint64_t)hoff - (header_addr - load_addr);
	len = load_end ? (uint64_t)load_end - load_addr : n - off;
	if (load_end && load_end < load_addr)
		loader_fail("%s: multiboot load_end_addr is below load_addr", name);
	if (off > n || len > n - off)
		loader_fail("%s: multiboot load range lies outside the file (truncated?)", name);
	s[0].off = off;
	s[0].addr = load_addr;
	s[0].filesz = len;
	s[0].memsz = (bss_end && bss_end > load_addr + len) ? bss_end - load_addr : len;
	*ns = 1;
	return 0;
}

/* First candidate address whose [a, a+len) misses every segment. */
static uint64_t mb_place(const struct x86_seg *s, int ns, uint64_t len, const uint64_t *cand, int nc)
{
	for (int c = 0; c < nc; c++) {
		bool ok = true;

		for (int i = 0; i < ns; i++)
			if (ranges_overlap(cand[c], len, s[i].addr, s[i].memsz))
				ok = false;
		if (ok)
			return cand[c];
	}
	return UINT64_MAX;
}

int multiboot_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
		   char *err, size_t errlen)
{
	const uint8_t *k = f->kernel;
	size_t n = f->kernel_size;
	struct x86_seg s[MAX_SEGS + 1];
	struct e820_entry e820[E820_MAX];
	uint64_t entry = 0, kend = 0, info, mod = 0, low_end, upper = 0;
	uint32_t flags;
	size_t cmdlen, namelen, modnamelen, info_len;
	int ns = 0, i, ne, ret;
	long hoff;
	uint8_t *mbi;
	static const uint64_t info_cand[] = { 0x9000, 0x1000, 0x70000, 0x90000 };

	hoff = mb_find(k, n);
	if (hoff < 0)
		loader_fail("%s: no multiboot header in the first 8 KiB", f->kernel_name);
	flags = rd32(k + hoff + 4);
	if (flags & 0xffff & ~MB_F_KNOWN)
		loader_fail("%s: kernel requires multiboot features lkvm lacks (flags 0x%x)",
		     f->kernel_name, flags & 0xffff & ~MB_F_KNOWN);
	if (flags & MB_F_AOUT) {
		if (mb_aout_segs(k, n, hoff, s, &ns, &entry, f->kernel_name, err, errlen))
			return -1;
	} else if (mb_elf_segs(k, n, s, &ns, &entry, f->kernel_name, err, errlen)) {
		return -1;
	}

	for (i = 0; i < ns; i++) {
		uint8_t *p = mem_gpa_to_hva(m, s[i].addr, s[i].memsz);

		if (!p || s[i].addr < 0x500)
			loader_fail("%s: segment at 0x%llx-0x%llx is outside guest RAM%s", f->kernel_name,
			     (unsigned long long)s[i].addr,
			     (unsigned long long)(s[i].addr + s[i].memsz),
			     s[i].addr + s[i].memsz > m->ram_size ? "; raise --mem" : "");
		for (int j = 0; j < i; j++)
			if (ranges_overlap(s[i].addr, s[i].memsz, s[j].addr, s[j].memsz))
				loader_fail("%s: loadable segments overlap", f->kernel_name);
		kend = MAX(kend, s[i].addr + s[i].memsz);
	}
	{
		bool in_seg = false;

		for (i = 0; i < ns; i++)
			if (entry >= s[i].addr && entry - s[i].addr < s[i].memsz)
				in_seg = true;
		if (!in_seg)
			loader_fail("%s: entry point 0x%llx is not in a loaded segment", f->kernel_name,
			     (unsigned long long)entry);
	}

	low_end = (m->nr && m->r[0].gpa == 0) ? m->r[0].size : 0;
	if (f->initrd) {
		mod = ALIGN_UP(MAX(kend, X86_HIGHMEM_START), 4096);
		if (mod + f->initrd_size > low_end || mod + f->initrd_size < mod)
			loader_fail("module %s (%zu KiB) does not fit after the kernel; raise --mem",
			     f->initrd_name, f->initrd_size >> 10);
		s[ns].addr = mod;
		s[ns].memsz = ALIGN_UP(f->initrd_size, 4096);
		s[ns].filesz = 0;
	}

	/* Boot info: mbi, mmap, module entry, strings, somewhere free and low. */
	cmdlen = strlen(f->kernel_name) + 1 + (f->params ? strlen(f->params) : 0) + 1;
	namelen = strlen("lkvm") + 1;
	modnamelen = f->initrd ? strlen(f->initrd_name) + 1 : 0;
	if (cmdlen > 8192 || modnamelen > 4096)
		loader_fail("kernel command line or module name too long (8 KiB / 4 KiB at most)");
	info_len = MBI_SIZE + E820_MAX * 24 + 16 + cmdlen + namelen + modnamelen;
	info = mb_place(s, ns + (f->initrd ? 1 : 0), info_len, info_cand, ARRAY_SIZE(info_cand));
	if (info == UINT64_MAX || !(mbi = mem_gpa_to_hva(m, info, info_len)))
		loader_fail("%s: no free low memory for the multiboot information", f->kernel_name);

	/* Everything checked: now write guest memory. */
	ret = x86_segs_copy(m, k, s, ns);
	if (!ret && f->initrd)
		ret = mem_load(m, mod, f->initrd, f->initrd_size, "kernel loader", NULL);
	if (ret)
		return ret;	/* -EIO, -EHWPOISON: the caller says which */

	memset(mbi, 0, info_len);
	ne = x86_e820_build(m, e820, E820_MAX);
	for (i = 0; i < ne; i++) {
		uint8_t *e = mbi + MBI_SIZE + 24 * i;

		wr32(e, 20);
		wr64(e + 4, e820[i].addr);
		wr64(e + 12, e820[i].size);
		wr32(e + 20, e820[i].type);
		if (e820[i].addr == X86_HIGHMEM_START && e820[i].type == E820_RAM)
			upper = e820[i].size / 1024;
	}
	{
		uint64_t modent = info + MBI_SIZE + E820_MAX * 24;
		uint64_t cmd = modent + 16, lname = cmd + cmdlen, mname = lname + namelen;
		uint32_t mflags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
		char *c = (char *)mbi + (cmd - info);

		snprintf(c, cmdlen, "%s%s%s", f->kernel_name, f->params ? " " : "",
			 f->params ? f->params : "");
		memcpy(mbi + (lname - info), "lkvm", namelen);
		if (f->initrd) {
			mflags |= MBI_MODS;
			memcpy(mbi + (mname - info), f->initrd_name, modnamelen);
			wr32(mbi + (modent - info), (uint32_t)mod);
			wr32(mbi + (modent - info) + 4, (uint32_t)(mod + f->initrd_size));
			wr32(mbi + (modent - info) + 8, (uint32_t)mname);
			wr32(mbi + 20, 1);			/* mods_count */
			wr32(mbi + 24, (uint32_t)modent);	/* mods_addr */
		}
		wr32(mbi + 0, mflags);
		wr32(mbi + 4, (uint32_t)(X86_LOWMEM_END / 1024));	/* mem_lower */
		wr32(mbi + 8, (uint32_t)MIN(upper, 0xffffffffULL));	/* mem_upper */
		wr32(mbi + 16, (uint32_t)cmd);
		wr32(mbi + 44, (uint32_t)(ne * 24));		/* mmap_length */
		wr32(mbi + 48, (uint32_t)(info + MBI_SIZE));	/* mmap_addr */
		wr32(mbi + 64, (uint32_t)lname);		/* boot_loader_name */
	}

	b->mode = X86_BOOT_PROT32;
	b->rip = entry;
	b->rax = MB_BOOT_MAGIC;
	b->rbx = info;
	b->format = "multiboot";
	return 0;
}
