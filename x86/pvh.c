// SPDX-License-Identifier: GPL-2.0
/* PVH boot of uncompressed ELF kernels (see pvh.h). Every offset is untrusted. */
#include <stdio.h>
#include <string.h>

#include "lkvm/util.h"
#include "pvh.h"

#define PT_LOAD		1
#define PT_NOTE		4
#define MAX_SEGS	16
#define E820_MAX	16

static int pvh_elf_ok(const uint8_t *k, size_t n)
{
	return n >= 64 && !memcmp(k, "\177ELF", 4) && k[4] == 2 && k[5] == 1 &&
	       rd16(k + 18) == 62;	/* ELFCLASS64, little-endian, EM_X86_64 */
}

/* Program header i, or NULL when the table does not fit in the file. */
static const uint8_t *pvh_phdr(const uint8_t *k, size_t n, unsigned int i)
{
	uint64_t phoff = rd64(k + 32);
	uint16_t entsz = rd16(k + 54), num = rd16(k + 56);

	if (entsz < 56 || i >= num || phoff > n || (uint64_t)entsz * num > n - phoff)
		return NULL;
	return k + phoff + (uint64_t)i * entsz;
}

/* The PHYS32_ENTRY address from the notes; 0 when there is none. */
static uint64_t pvh_entry(const uint8_t *k, size_t n)
{
	const uint8_t *ph;

	for (unsigned int i = 0; (ph = pvh_phdr(k, n, i)); i++) {
		uint64_t off = rd64(ph + 8), size = rd64(ph + 32), pos = 0;

		if (rd32(ph) != PT_NOTE || off > n || size > n - off)
			continue;
		while (size - pos >= 12) {
			const uint8_t *note = k + off + pos;
			uint64_t namesz = rd32(note), descsz = rd32(note + 4);
			uint64_t name_al = ALIGN_UP(namesz, 4), desc_al = ALIGN_UP(descsz, 4);

			if (name_al > size - pos - 12 || desc_al > size - pos - 12 - name_al)
				break;
			if (rd32(note + 8) == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
			    !memcmp(note + 12, "Xen", 4)) {
				const uint8_t *desc = note + 12 + name_al;

				if (descsz == 4)
					return rd32(desc);
				if (descsz == 8)
					return rd64(desc);
			}
			pos += 12 + name_al + desc_al;
		}
	}
	return 0;
}

int pvh_probe(const uint8_t *k, size_t n)
{
	return pvh_elf_ok(k, n) && pvh_entry(k, n) != 0;
}

int pvh_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
	     char *err, size_t errlen)
{
	const uint8_t *k = f->kernel, *ph;
	size_t n = f->kernel_size, cmdlen;
	struct x86_seg s[MAX_SEGS];
	struct e820_entry e820[E820_MAX];
	uint64_t entry, kend = 0, initrd = 0, low_end;
	uint8_t *si, *p;
	int ns = 0, ne, i;
	bool entry_ok = false;

	if (!pvh_elf_ok(k, n) || !(entry = pvh_entry(k, n)))
		loader_fail("%s: not an x86-64 ELF kernel with a PVH entry note", f->kernel_name);
	for (unsigned int j = 0; (ph = pvh_phdr(k, n, j)); j++) {
		struct x86_seg sg;

		if (rd32(ph) != PT_LOAD)
			continue;
		sg.off = rd64(ph + 8);
		sg.addr = rd64(ph + 24);
		sg.filesz = rd64(ph + 32);
		sg.memsz = rd64(ph + 40);
		if (sg.filesz > sg.memsz || sg.off > n || sg.filesz > n - sg.off)
			loader_fail("%s: ELF segment %u lies outside the file (truncated?)", f->kernel_name, j);
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
	x86_segs_copy(m, k, s, ns);
	memcpy(p, f->params ? f->params : "", cmdlen + 1);
	if (f->initrd)
		memcpy(mem_gpa_to_hva(m, initrd, f->initrd_size), f->initrd, f->initrd_size);

	/* hvm_start_info (56 bytes), one modlist entry (32), then the memory map. */
	memset(si, 0, 0x1000);
	ne = x86_e820_build(m, e820, E820_MAX);
	wr32(si + 0, PVH_START_MAGIC);
	wr32(si + 4, 1);				/* version */
	wr32(si + 12, f->initrd ? 1 : 0);		/* nr_modules */
	wr64(si + 16, PVH_START_INFO_ADDR + 64);	/* modlist_paddr */
	wr64(si + 24, X86_CMDLINE_ADDR);		/* cmdline_paddr */
	wr64(si + 32, 0);				/* rsdp_paddr: no ACPI */
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
	return 0;
}
