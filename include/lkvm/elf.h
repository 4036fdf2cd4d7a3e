/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ELF_H
#define LKVM_ELF_H

#include <stddef.h>
#include <stdint.h>

/*
 * One walker over ELF kernel images for every ELF-based loader. The image
 * is untrusted: every offset and size is checked against the buffer and
 * for overflow before a byte is read, and anything malformed gives -EINVAL
 * with a one-line reason in e->err (no file name: the loader prefixes its
 * own). It only reads the image; loaders still write guest RAM themselves,
 * through the memory map. Both classes and both byte orders are handled,
 * because the same code must read an i386 multiboot kernel, an x86-64
 * vmlinux and a big- or little-endian ppc64 vmlinux. Machine numbers are
 * the loaders' business and are not defined here.
 */
#define ELF_CLASS32	1
#define ELF_CLASS64	2
#define ELF_DATA_LE	1
#define ELF_DATA_BE	2

#define ELF_ET_EXEC	2
#define ELF_ET_DYN	3	/* also relocatable kernels (ppc64) */

#define ELF_PF_X	1
#define ELF_PF_W	2
#define ELF_PF_R	4

struct elf {
	const uint8_t *buf;
	size_t len;
	unsigned int class;	/* ELF_CLASS32 or ELF_CLASS64 */
	unsigned int data;	/* ELF_DATA_LE or ELF_DATA_BE */
	uint16_t type;		/* e_type */
	uint16_t machine;	/* e_machine */
	uint32_t flags;		/* e_flags (ppc64: the ABI version) */
	uint64_t entry;
	/* The program header table as the header claims it: not yet trusted. */
	uint64_t phoff;
	uint16_t phentsize, phnum;
	char err[160];		/* why the last call failed */
};

/* A PT_LOAD entry; offset + filesz lies inside the image, filesz <= memsz. */
struct elf_seg {
	unsigned int index;	/* program header number, for messages */
	uint32_t flags;		/* ELF_PF_* */
	uint64_t offset, filesz;
	/* addr + memsz does not wrap, and is at most 4 GiB for ELF32 */
	uint64_t vaddr, paddr, memsz;
};

/* A note; name and desc point into the image and lie inside its segment. */
struct elf_note {
	const uint8_t *name;	/* namesz bytes, NUL not guaranteed: no %s */
	uint32_t namesz;
	uint32_t type;
	const uint8_t *desc;
	uint32_t descsz;
};

/* Walk position; start every walk from ELF_ITER_INIT. */
struct elf_iter {
	unsigned int ph;	/* next program header */
	uint64_t pos;		/* next note inside program header ph */
};
#define ELF_ITER_INIT	((struct elf_iter){ 0, 0 })

/*
 * Checks the identification and the ELF header only, so a loader can turn
 * away a wrong class, byte order or machine in its own words before the
 * program headers (which such a file would misread) are looked at; the
 * walkers check the table and each entry they return. Returns 0, -ENOEXEC
 * when buf is not ELF at all (the caller may try another format), or
 * -EINVAL when it is a broken ELF image.
 */
int elf_open(struct elf *e, const uint8_t *buf, size_t len);

/*
 * The next PT_LOAD entry in table order: 1 and *seg filled, 0 at the end,
 * -EINVAL for a bad program header table or segment. An image without
 * program headers is bad: nothing could be loaded from it.
 */
int elf_next_load(struct elf *e, struct elf_iter *it, struct elf_seg *seg);

/*
 * The next note of any PT_NOTE segment: 1, 0 at the end, or -EINVAL. Notes
 * are padded to 8 bytes in segments with p_align 8, else to 4, as readelf
 * does; a tail too short for a note header is padding, not an error.
 */
int elf_next_note(struct elf *e, struct elf_iter *it, struct elf_note *note);

/*
 * The first note called name (namesz counts the NUL, as the ELF spec says)
 * with this type: 1 with *desc and *descsz set, 0 if none, or -EINVAL.
 */
int elf_find_note(struct elf *e, const char *name, uint32_t type, const uint8_t **desc,
		  size_t *descsz);

/* A size-byte (1..8) integer in the image's byte order, e.g. in a note's desc. */
uint64_t elf_uint(const struct elf *e, const uint8_t *p, size_t size);

#endif
