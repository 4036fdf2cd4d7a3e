// SPDX-License-Identifier: GPL-2.0
/* PVH boot of uncompressed ELF kernels (see pvh.h). Every offset is untrusted. */
#include <stdio.h>
#include <string.h>

#include "lkvm/elf.h"
#include "lkvm/util.h"
#include "pvh.h"

#define EM_X86_64	62
#define MAX_SEGS	16
#define E820_MAX	16

/* Open k as an x86-64 ELF; false when it is not one, or is malformed. */
static bool pvh_elf_open(struct elf *e, const uint8_t *k, size_t n)
{
	return !elf_open(e, k, n) && e->class == ELF_CLASS64 && e->data == ELF_DATA_LE &&
	       e->machine == EM_X86_64;
}

/* The PHYS32_ENTRY address from the notes; 0 when there is none. */
static uint64_t pvh_entry(struct elf *e)
{
	const uint8_t *desc;
	size_t descsz;

	if (elf_find_note(e, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &descsz) <= 0)
		return 0;
	return descsz == 4 || descsz == 8 ? elf_uint(e, desc, descsz) : 0;
}

int pvh_probe(const uint8_t *k, size_t n)
{
	struct elf e;

	return pvh_elf_open(&e, k, n) && pvh_entry(&e) != 0;
}

int pvh_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
	     char *err, size_t errlen)
{
	const uint8_t *k = f->kernel;
	size_t n = f->kernel_size, cmdlen;
	struct elf elf;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg es;
	struct x86_seg s[MAX_SEGS];
	struct e820_entry e820[E820_MAX];
	uint64_t entry, kend = 0, initrd = 0, low_end;
	uint8_t *si, *p;
	int ns = 0, ne, i, ret;
	bool entry_ok = false;

	if (!pvh_elf_open(&elf, k, n) || !(entry = pvh_entry(&elf)))
		loader_fail("%s: not an x86-64 ELF kernel with a PVH entry note", f->kernel_name);
	while ((ret = elf_next_load(&elf, &it, &es)) > 0) {
		struct x86_seg sg = { .addr = es.paddr, .off = es.offset, .filesz = es.filesz,
				      .memsz = es.memsz };

		if (ns >= MAX_SEGS)
			loader_fail("%s: more than %d loadable segments", f->kernel_name, MAX_SEGS);
		if (!sg.memsz)
			continue;
		if (!mem_gpa_to_hva(m, sg.addr, sg.memsz) || sg.addr < X86_HIGHMEM_START)
			loader_fail("%s: segment at 0x%llx-0x%llx is outside guest RAM; raise --mem",
			     f->kernel_name, (unsigned long long)sg.addr,
			     (unsigned long long)(sg.addr + sg.memsz));
		for (i = 0; i < ns; i++)
			if (ranges_overlap(sg.addr, sg.memsz, s[i].addr, s[i].memsz))
				loader_fail("%s: loadable segments overlap", f->kernel_name);
		if (entry >= sg.addr && entry - sg.addr < sg.memsz)
			entry_ok = true;
		kend = MAX(kend, sg.addr + sg.memsz);
		s[ns++] = sg;
	}
	if (ret < 0)
		loader_fail("%s: %s", f->kernel_name, elf.err);
	if (!ns)
		loader_fail("%s: ELF has no loadable segments", f->kernel_name);
	if (!entry_ok || entry > 0xffffffffULL)
		loader_fail("%s: PVH entry 0x%llx is not in a loaded 32-bit segment", f->kernel_name,
		     (unsigned long long)entry);

	cmdlen = f->params ? strlen(f->params) : 0;
	if (cmdlen >= X86_CMDLINE_MAX)
		loader_fail("kernel command line is %zu bytes; lkvm passes at most %llu", cmdlen,
		     X86_CMDLINE_MAX - 1);
	low_end = (m->nr && m->r[0].gpa == 0) ? m->r[0].size : 0;
	if (f->initrd) {
		/* Highest page-aligned place in low RAM, above the kernel. */
		if (f->initrd_size > low_end)
			loader_fail("initrd %s does not fit in guest RAM; raise --mem", f->initrd_name);
		initrd = ALIGN_DOWN(low_end - f->initrd_size, 4096);
		if (initrd < kend)
			loader_fail("kernel and initrd %s overlap: %llu MiB of RAM is too small for both; raise --mem",
			     f->initrd_name, (unsigned long long)low_end / MiB);
	}
	si = mem_gpa_to_hva(m, PVH_START_INFO_ADDR, 0x1000);
	p = mem_gpa_to_hva(m, X86_CMDLINE_ADDR, cmdlen + 1);
	if (!si || !p)
		loader_fail("guest RAM too small for boot data; raise --mem");

	/* Everything checked: write guest memory. */
	ret = x86_segs_copy(m, k, s, ns);
	if (!ret && f->initrd)
		ret = mem_load(m, initrd, f->initrd, f->initrd_size, "kernel loader", NULL);
	if (ret)
		return ret;	/* -EIO, -EHWPOISON: the caller says which */
	memcpy(p, f->params ? f->params : "", cmdlen + 1);

	/* hvm_start_info (56 bytes), one modlist entry (32), then the memory map. */
	memset(si, 0, 0x1000);
	ne = x86_e820_build(m, e820, E820_MAX);
	wr32(si + 0, PVH_START_MAGIC);
	wr32(si + 4, 1);				/* version */
	wr32(si + 12, f->initrd ? 1 : 0);		/* nr_modules */
	wr64(si + 16, PVH_START_INFO_ADDR + 64);	/* modlist_paddr */
	wr64(si + 24, X86_CMDLINE_ADDR);		/* cmdline_paddr */
	wr64(si + 32, 0);				/* rsdp_paddr: see rsdp_slot */
	wr64(si + 40, PVH_START_INFO_ADDR + 128);	/* memmap_paddr */
	wr32(si + 48, (uint32_t)ne);			/* memmap_entries */
	if (f->initrd) {
		wr64(si + 64, initrd);
		wr64(si + 72, f->initrd_size);
	}
	for (i = 0; i < ne; i++) {
		uint8_t *e = si + 128 + 24 * i;

		wr64(e, e820[i].addr);
		wr64(e + 8, e820[i].size);
		wr32(e + 16, e820[i].type);
	}
	b->mode = X86_BOOT_PROT32;
	b->rip = entry;
	b->rbx = PVH_START_INFO_ADDR;
	b->rax = 0;
	b->format = "PVH ELF";
	b->rsdp_slot = PVH_START_INFO_ADDR + 32;	/* arch_describe() fills it in */
	return 0;
}
