// SPDX-License-Identifier: GPL-2.0
/*
 * ELF image walker shared by the kernel loaders (see lkvm/elf.h). Every
 * field comes from an untrusted file: offsets and sizes are compared with
 * the remaining length (never added to something first), in 64 bits, so
 * nothing wraps even on a 32-bit host.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/elf.h"
#include "lkvm/util.h"

#define EI_NIDENT	16
#define EI_CLASS	4
#define EI_DATA		5
#define PT_LOAD		1
#define PT_NOTE		4
#define NOTE_HDR	12	/* namesz, descsz, type */

/* A program header, widened to the ELF64 layout. */
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int elf_fail(struct elf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int elf_fail(struct elf *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

uint64_t elf_uint(const struct elf *e, const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++) {
		size_t b = e->data == ELF_DATA_BE ? i : size - 1 - i;

		v = v << 8 | p[b];
	}
	return v;
}

/* A field that is 4 bytes in ELF32 and 8 in ELF64 (addresses, offsets). */
static uint64_t elf_word(const struct elf *e, const uint8_t *p)
{
	return elf_uint(e, p, e->class == ELF_CLASS64 ? 8 : 4);
}

int elf_open(struct elf *e, const uint8_t *buf, size_t len)
{
	const uint8_t *h = buf;
	size_t ehsize;

	memset(e, 0, sizeof(*e));
	e->buf = buf;
	e->len = len;
	if (len < EI_NIDENT || memcmp(h, "\177ELF", 4)) {
		snprintf(e->err, sizeof(e->err), "not an ELF image");
		return -ENOEXEC;
	}
	if (h[EI_CLASS] != ELF_CLASS32 && h[EI_CLASS] != ELF_CLASS64)
		return elf_fail(e, "unknown ELF class %u", h[EI_CLASS]);
	if (h[EI_DATA] != ELF_DATA_LE && h[EI_DATA] != ELF_DATA_BE)
		return elf_fail(e, "unknown ELF data encoding %u", h[EI_DATA]);
	e->class = h[EI_CLASS];
	e->data = h[EI_DATA];
	ehsize = e->class == ELF_CLASS64 ? 64 : 52;
	if (len < ehsize)
		return elf_fail(e, "truncated ELF header (%zu of %zu bytes)", len, ehsize);
	e->type = (uint16_t)elf_uint(e, h + 16, 2);
	e->machine = (uint16_t)elf_uint(e, h + 18, 2);
	e->entry = elf_word(e, h + 24);
	if (e->class == ELF_CLASS64) {
		e->phoff = elf_uint(e, h + 32, 8);
		e->flags = (uint32_t)elf_uint(e, h + 48, 4);
		e->phentsize = (uint16_t)elf_uint(e, h + 54, 2);
		e->phnum = (uint16_t)elf_uint(e, h + 56, 2);
	} else {
		e->phoff = elf_uint(e, h + 28, 4);
		e->flags = (uint32_t)elf_uint(e, h + 36, 4);
		e->phentsize = (uint16_t)elf_uint(e, h + 42, 2);
		e->phnum = (uint16_t)elf_uint(e, h + 44, 2);
	}
	return 0;
}

/* The whole program header table inside the image, entries big enough. */
static int elf_check_phdrs(struct elf *e)
{
	unsigned int min = e->class == ELF_CLASS64 ? 56 : 32;

	if (!e->phnum)
		return elf_fail(e, "truncated or malformed ELF program headers (there are none)");
	if (e->phentsize < min)
		return elf_fail(e, "truncated or malformed ELF program headers (entries of %u bytes, not %u)",
				e->phentsize, min);
	if (e->phoff > e->len || (uint64_t)e->phentsize * e->phnum > e->len - e->phoff)
		return elf_fail(e, "truncated or malformed ELF program headers (%u at offset 0x%llx do not fit in %zu bytes)",
				e->phnum, (unsigned long long)e->phoff, e->len);
	return 0;
}

/* Entry i of a table elf_check_phdrs() accepted. */
static void elf_phdr(const struct elf *e, unsigned int i, struct elf_phdr *ph)
{
	const uint8_t *p = e->buf + e->phoff + (uint64_t)i * e->phentsize;

	ph->type = (uint32_t)elf_uint(e, p, 4);
	if (e->class == ELF_CLASS64) {
		ph->flags = (uint32_t)elf_uint(e, p + 4, 4);
		ph->offset = elf_uint(e, p + 8, 8);
		ph->vaddr = elf_uint(e, p + 16, 8);
		ph->paddr = elf_uint(e, p + 24, 8);
		ph->filesz = elf_uint(e, p + 32, 8);
		ph->memsz = elf_uint(e, p + 40, 8);
		ph->align = elf_uint(e, p + 48, 8);
	} else {
		ph->offset = elf_uint(e, p + 4, 4);
		ph->vaddr = elf_uint(e, p + 8, 4);
		ph->paddr = elf_uint(e, p + 12, 4);
		ph->filesz = elf_uint(e, p + 16, 4);
		ph->memsz = elf_uint(e, p + 20, 4);
		ph->flags = (uint32_t)elf_uint(e, p + 24, 4);
		ph->align = elf_uint(e, p + 28, 4);
	}
}

/* Loaders add memsz to an address: the sum must fit the class's space. */
static bool elf_addr_ok(const struct elf *e, uint64_t addr, uint64_t size)
{
	uint64_t limit = e->class == ELF_CLASS64 ? UINT64_MAX : 1ULL << 32;

	return addr <= limit && size <= limit - addr;
}

int elf_next_load(struct elf *e, struct elf_iter *it, struct elf_seg *seg)
{
	struct elf_phdr ph;
	int ret = elf_check_phdrs(e);

	if (ret)
		return ret;
	for (; it->ph < e->phnum; it->ph++) {
		unsigned int i = it->ph;

		elf_phdr(e, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		if (ph.offset > e->len || ph.filesz > e->len - ph.offset)
			return elf_fail(e, "ELF segment %u lies outside the file (truncated?)", i);
		if (ph.filesz > ph.memsz)
			return elf_fail(e, "ELF segment %u has more file bytes (0x%llx) than memory (0x%llx)",
					i, (unsigned long long)ph.filesz, (unsigned long long)ph.memsz);
		if (!elf_addr_ok(e, ph.paddr, ph.memsz) || !elf_addr_ok(e, ph.vaddr, ph.memsz))
			return elf_fail(e, "ELF segment %u runs past the end of the address space", i);
		seg->index = i;
		seg->flags = ph.flags;
		seg->offset = ph.offset;
		seg->filesz = ph.filesz;
		seg->vaddr = ph.vaddr;
		seg->paddr = ph.paddr;
		seg->memsz = ph.memsz;
		it->ph++;
		return 1;
	}
	return 0;
}

int elf_next_note(struct elf *e, struct elf_iter *it, struct elf_note *note)
{
	struct elf_phdr ph;
	int ret = elf_check_phdrs(e);

	if (ret)
		return ret;
	for (; it->ph < e->phnum; it->ph++, it->pos = 0) {
		const uint8_t *n;
		uint64_t align, left, namesz, descsz, desc_off, end;

		elf_phdr(e, it->ph, &ph);
		if (ph.type != PT_NOTE)
			continue;
		if (ph.offset > e->len || ph.filesz > e->len - ph.offset)
			return elf_fail(e, "ELF note segment %u lies outside the file (truncated?)", it->ph);
		if (it->pos > ph.filesz || ph.filesz - it->pos < NOTE_HDR)
			continue;
		align = ph.align == 8 ? 8 : 4;
		left = ph.filesz - it->pos;
		n = e->buf + ph.offset + it->pos;
		namesz = elf_uint(e, n, 4);
		descsz = elf_uint(e, n + 4, 4);
		/* 32-bit sizes in 64-bit sums: these cannot wrap. */
		desc_off = ALIGN_UP(NOTE_HDR + namesz, align);
		if (desc_off > left || descsz > left - desc_off)
			return elf_fail(e, "ELF note at offset 0x%llx overruns its segment (namesz %llu, descsz %llu)",
					(unsigned long long)(ph.offset + it->pos),
					(unsigned long long)namesz, (unsigned long long)descsz);
		note->name = n + NOTE_HDR;
		note->namesz = (uint32_t)namesz;
		note->type = (uint32_t)elf_uint(e, n + 8, 4);
		note->desc = n + desc_off;
		note->descsz = (uint32_t)descsz;
		/* The last note's padding may be cut off by the segment's end. */
		end = ALIGN_UP(desc_off + descsz, align);
		it->pos += MIN(end, left);
		return 1;
	}
	return 0;
}

int elf_find_note(struct elf *e, const char *name, uint32_t type, const uint8_t **desc,
		  size_t *descsz)
{
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_note n;
	size_t namesz = strlen(name) + 1;
	int ret;

	while ((ret = elf_next_note(e, &it, &n)) > 0) {
		if (n.type == type && n.namesz == namesz && !memcmp(n.name, name, namesz)) {
			*desc = n.desc;
			*descsz = n.descsz;
			return 1;
		}
	}
	return ret;
}
