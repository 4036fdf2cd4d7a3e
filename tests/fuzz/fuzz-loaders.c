// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: kernel images are untrusted input. Every byte string
 * goes through the loader probes and loaders into a small guest RAM; the
 * sanitizers catch any access outside the image or outside guest RAM.
 * The first byte picks the command line and whether an initrd is given.
 * The ELF walker also runs on its own, over every class and byte order,
 * touching the ends of every range it reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "pvh.h"
#include "lkvm/elf.h"
#include "lkvm/mem.h"

#define RAM (16u << 20)

static void fuzz_elf(const uint8_t *k, size_t n)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;
	struct elf_note note;
	const uint8_t *desc;
	size_t descsz;
	volatile uint8_t sink = 0;

	if (elf_open(&e, k, n))
		return;
	while (elf_next_load(&e, &it, &s) > 0) {
		if (s.filesz)
			sink ^= k[s.offset] ^ k[s.offset + s.filesz - 1];
	}
	it = ELF_ITER_INIT;
	while (elf_next_note(&e, &it, &note) > 0) {
		if (note.namesz)
			sink ^= note.name[0] ^ note.name[note.namesz - 1];
		if (note.descsz)
			sink ^= note.desc[0] ^ note.desc[note.descsz - 1];
	}
	if (elf_find_note(&e, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &descsz) > 0 && descsz)
		sink ^= (uint8_t)elf_uint(&e, desc + descsz - 1, 1);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static const uint8_t initrd[4096];
	struct mem_map m;
	struct x86_boot b;
	struct x86_files f;
	char err[256];

	if (!ram)
		ram = malloc(RAM);
	if (!ram || size < 1)
		return 0;
	memset(&m, 0, sizeof(m));
	mem_map_add(&m, 0, RAM, ram);
	memset(&f, 0, sizeof(f));
	f.kernel = data + 1;
	f.kernel_size = size - 1;
	f.kernel_name = "fuzz";
	f.params = (data[0] & 1) ? "console=ttyS0" : NULL;
	if (data[0] & 2) {
		f.initrd = initrd;
		f.initrd_size = (data[0] & 4) ? sizeof(initrd) : 1;
		f.initrd_name = "initrd";
	}
	memset(&b, 0, sizeof(b));
	fuzz_elf(f.kernel, f.kernel_size);
	if (bzimage_probe(f.kernel, f.kernel_size))
		bzimage_load(&m, &f, &b, err, sizeof(err));
	if (multiboot_probe(f.kernel, f.kernel_size))
		multiboot_load(&m, &f, &b, err, sizeof(err));
	if (pvh_probe(f.kernel, f.kernel_size))
		pvh_load(&m, &f, &b, err, sizeof(err));
	return 0;
}
