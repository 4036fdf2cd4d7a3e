// SPDX-License-Identifier: GPL-2.0
/*
 * The shared ELF walker on synthetic images in all four formats (ELF32 and
 * ELF64, little- and big-endian) and on a table of malformed ones. Every
 * image is handed over in a heap buffer of exactly its length, so the
 * sanitizer build catches any read past the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/elf.h"
#include "lkvm/util.h"
#include "suites.h"

/*
 * The standard image, IMG_LEN bytes:
 *   ph0 PT_LOAD  file [0x100, 0x180) -> paddr 0x100000, memsz 0x200, R+X
 *   ph1 PT_NOTE  file [0x200, 0x200 + NOTES_LEN): "Xen" 18, "Linux" 0x101
 *   ph2 PT_LOAD  file [0x300, 0x400) -> paddr 0x200000, memsz 0x100, R+W
 * ph2 ends exactly at the end of the file. vaddr = VBASE + paddr.
 */
#define IMG_LEN		0x400
#define NOTE_OFF	0x200
#define NOTES_LEN	52	/* 24 + 28, each note padded to 4 */
#define MACHINE		0x1234	/* any: the walker knows no machines */
#define XEN_ENTRY	0x1000040ULL

static const struct fmt {
	unsigned int cls, data;
	const char *name;
} fmts[4] = {
	{ ELF_CLASS32, ELF_DATA_LE, "ELF32 LE" },
	{ ELF_CLASS32, ELF_DATA_BE, "ELF32 BE" },
	{ ELF_CLASS64, ELF_DATA_LE, "ELF64 LE" },
	{ ELF_CLASS64, ELF_DATA_BE, "ELF64 BE" },
};

static uint8_t img[IMG_LEN];
static size_t img_len;
static unsigned int cls, data;
static uint8_t *heap;		/* the image under test, exactly img_len bytes */

enum pfield { P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ, P_FLAGS, P_ALIGN };

static bool is64(void)
{
	return cls == ELF_CLASS64;
}

static size_t word(void)
{
	return is64() ? 8 : 4;
}

static uint64_t max_word(void)
{
	return is64() ? UINT64_MAX : UINT32_MAX;
}

static uint64_t vbase(void)
{
	return is64() ? 0xffffffff80000000ULL : 0xc0000000ULL;
}

static size_t ehsize(void)
{
	return is64() ? 64 : 52;
}

static size_t phentsize(void)
{
	return is64() ? 56 : 32;
}

/* A size-byte field in the image's byte order. */
static void put(size_t off, size_t size, uint64_t v)
{
	ck_assert_uint_le(off + size, IMG_LEN);
	for (size_t i = 0; i < size; i++) {
		size_t b = data == ELF_DATA_BE ? size - 1 - i : i;

		img[off + b] = (uint8_t)(v >> (8 * i));
	}
}

static void set_phoff(uint64_t v)
{
	put(is64() ? 32 : 28, word(), v);
}

static void set_phentsize(uint64_t v)
{
	put(is64() ? 54 : 42, 2, v);
}

static void set_phnum(uint64_t v)
{
	put(is64() ? 56 : 44, 2, v);
}

static void set_ph(unsigned int i, enum pfield f, uint64_t v)
{
	static const size_t o32[] = { 4, 8, 12, 16, 20, 24, 28 };
	static const size_t o64[] = { 8, 16, 24, 32, 40, 4, 48 };
	size_t base = ehsize() + i * phentsize();

	put(base + (is64() ? o64[f] : o32[f]), f == P_FLAGS ? 4 : word(), v);
}

static void set_load(unsigned int i, uint64_t off, uint64_t paddr, uint64_t filesz,
		     uint64_t memsz, uint32_t flags)
{
	put(ehsize() + i * phentsize(), 4, 1);	/* PT_LOAD */
	set_ph(i, P_OFFSET, off);
	set_ph(i, P_VADDR, vbase() + paddr);
	set_ph(i, P_PADDR, paddr);
	set_ph(i, P_FILESZ, filesz);
	set_ph(i, P_MEMSZ, memsz);
	set_ph(i, P_FLAGS, flags);
	set_ph(i, P_ALIGN, 0x1000);
}

/* One note at off, padded to align; returns its padded size. */
static size_t put_note(size_t off, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz, size_t align)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t desc_off = ALIGN_UP(12 + namesz, align);

	put(off, 4, namesz);
	put(off + 4, 4, descsz);
	put(off + 8, 4, type);
	memcpy(img + off + 12, name, namesz);
	memcpy(img + off + desc_off, desc, descsz);
	return ALIGN_UP(desc_off + descsz, align);
}

/* The two notes; returns the bytes they take. */
static size_t put_notes(size_t align)
{
	uint8_t xen[8];
	size_t n;

	memset(img + NOTE_OFF, 0, 0x100);
	for (size_t i = 0; i < 8; i++)	/* XEN_ENTRY in the image's byte order */
		xen[data == ELF_DATA_BE ? 7 - i : i] = (uint8_t)(XEN_ENTRY >> (8 * i));
	n = put_note(NOTE_OFF, "Xen", 18, xen, 8, align);
	n += put_note(NOTE_OFF + n, "Linux", 0x101, "abcde", 5, align);
	return n;
}

static void build(unsigned int f)
{
	cls = fmts[f].cls;
	data = fmts[f].data;
	img_len = IMG_LEN;
	for (size_t i = 0; i < IMG_LEN; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	memset(img, 0, ehsize() + 3 * phentsize());
	memcpy(img, "\177ELF", 4);
	img[4] = (uint8_t)cls;
	img[5] = (uint8_t)data;
	img[6] = 1;
	put(16, 2, ELF_ET_EXEC);
	put(18, 2, MACHINE);
	put(20, 4, 1);
	put(24, word(), vbase() + 0x100040);	/* e_entry */
	set_phoff(ehsize());
	put(is64() ? 48 : 36, 4, is64() ? 2 : 5);	/* e_flags */
	put(is64() ? 52 : 40, 2, ehsize());
	set_phentsize(phentsize());
	set_phnum(3);
	set_load(0, 0x100, 0x100000, 0x80, 0x200, ELF_PF_R | ELF_PF_X);
	put(ehsize() + phentsize(), 4, 4);	/* PT_NOTE */
	set_ph(1, P_OFFSET, NOTE_OFF);
	set_ph(1, P_FILESZ, put_notes(4));
	set_ph(1, P_ALIGN, 4);
	set_load(2, 0x300, 0x200000, 0x100, 0x100, ELF_PF_R | ELF_PF_W);
}

/* Hand the first img_len bytes over in a buffer of exactly that size. */
static int open_img(struct elf *e)
{
	free(heap);
	heap = malloc(img_len ? img_len : 1);
	ck_assert_ptr_nonnull(heap);
	memcpy(heap, img, img_len);
	return elf_open(e, heap, img_len);
}

static void teardown(void)
{
	free(heap);
	heap = NULL;
}

static void check_seg(const struct elf_seg *s, unsigned int index, uint32_t flags,
		      uint64_t off, uint64_t filesz, uint64_t paddr, uint64_t memsz)
{
	ck_assert_uint_eq(s->index, index);
	ck_assert_uint_eq(s->flags, flags);
	ck_assert_uint_eq(s->offset, off);
	ck_assert_uint_eq(s->filesz, filesz);
	ck_assert_uint_eq(s->paddr, paddr);
	ck_assert_uint_eq(s->vaddr, vbase() + paddr);
	ck_assert_uint_eq(s->memsz, memsz);
}

/* ---- well-formed images, in every format (loop index: fmts[]) ---- */

START_TEST(test_header)
{
	struct elf e;

	build((unsigned int)_i);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_uint_eq(e.class, cls);
	ck_assert_uint_eq(e.data, data);
	ck_assert_uint_eq(e.type, ELF_ET_EXEC);
	ck_assert_uint_eq(e.machine, MACHINE);
	ck_assert_uint_eq(e.flags, is64() ? 2 : 5);
	ck_assert_uint_eq(e.entry, vbase() + 0x100040);
	ck_assert_ptr_eq(e.buf, heap);
	ck_assert_uint_eq(e.len, IMG_LEN);
}
END_TEST

START_TEST(test_loads)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;

	build((unsigned int)_i);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 1);
	check_seg(&s, 0, ELF_PF_R | ELF_PF_X, 0x100, 0x80, 0x100000, 0x200);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 1);	/* the PT_NOTE is skipped */
	check_seg(&s, 2, ELF_PF_R | ELF_PF_W, 0x300, 0x100, 0x200000, 0x100);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 0);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 0);	/* and stays at the end */
	/* A fresh iterator walks again from the start. */
	it = ELF_ITER_INIT;
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 1);
	ck_assert_uint_eq(s.index, 0);
}
END_TEST

START_TEST(test_notes)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_note n;

	build((unsigned int)_i);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_uint_eq(n.namesz, 4);
	ck_assert_ptr_eq(n.name, heap + NOTE_OFF + 12);
	ck_assert_mem_eq(n.name, "Xen", 4);
	ck_assert_uint_eq(n.type, 18);
	ck_assert_uint_eq(n.descsz, 8);
	ck_assert_ptr_eq(n.desc, heap + NOTE_OFF + 16);
	ck_assert_uint_eq(elf_uint(&e, n.desc, 8), XEN_ENTRY);

	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_uint_eq(n.namesz, 6);
	ck_assert_ptr_eq(n.name, heap + NOTE_OFF + 24 + 12);
	ck_assert_mem_eq(n.name, "Linux", 6);
	ck_assert_uint_eq(n.type, 0x101);
	ck_assert_uint_eq(n.descsz, 5);
	ck_assert_ptr_eq(n.desc, heap + NOTE_OFF + 24 + 20);	/* name padded 6 -> 8 */
	ck_assert_mem_eq(n.desc, "abcde", 5);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 0);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 0);
}
END_TEST

START_TEST(test_find_note)
{
	struct elf e;
	const uint8_t *desc = NULL;
	size_t descsz = 0;

	build((unsigned int)_i);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_find_note(&e, "Xen", 18, &desc, &descsz), 1);
	ck_assert_ptr_eq(desc, heap + NOTE_OFF + 16);
	ck_assert_uint_eq(descsz, 8);
	ck_assert_uint_eq(elf_uint(&e, desc, descsz), XEN_ENTRY);
	ck_assert_int_eq(elf_find_note(&e, "Linux", 0x101, &desc, &descsz), 1);
	ck_assert_ptr_eq(desc, heap + NOTE_OFF + 44);
	ck_assert_uint_eq(descsz, 5);
	/* Name and type must both match, the name exactly. */
	desc = NULL;
	ck_assert_int_eq(elf_find_note(&e, "Xen", 0x101, &desc, &descsz), 0);
	ck_assert_int_eq(elf_find_note(&e, "Linux", 18, &desc, &descsz), 0);
	ck_assert_int_eq(elf_find_note(&e, "Xe", 18, &desc, &descsz), 0);
	ck_assert_int_eq(elf_find_note(&e, "XenX", 18, &desc, &descsz), 0);
	ck_assert_int_eq(elf_find_note(&e, "", 18, &desc, &descsz), 0);
	ck_assert_ptr_null(desc);
}
END_TEST

/* p_align 8 (as .note.gnu.property has): 8-byte padding, desc at 24. */
START_TEST(test_notes_align8)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_note n;

	build((unsigned int)_i);
	set_ph(1, P_FILESZ, put_notes(8));
	set_ph(1, P_ALIGN, 8);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_ptr_eq(n.desc, heap + NOTE_OFF + 16);
	ck_assert_uint_eq(elf_uint(&e, n.desc, 8), XEN_ENTRY);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_ptr_eq(n.name, heap + NOTE_OFF + 24 + 12);
	ck_assert_ptr_eq(n.desc, heap + NOTE_OFF + 24 + 24);
	ck_assert_mem_eq(n.desc, "abcde", 5);
	ck_assert_uint_eq(n.type, 0x101);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 0);
}
END_TEST

/* Tolerated: a tail too short for a note, and the last note's padding cut off. */
START_TEST(test_notes_slack)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_note n;

	build((unsigned int)_i);
	set_ph(1, P_FILESZ, NOTES_LEN + 11);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 0);

	set_ph(1, P_FILESZ, NOTES_LEN - 3);	/* "abcde" ends right there */
	ck_assert_int_eq(open_img(&e), 0);
	it = ELF_ITER_INIT;
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 1);
	ck_assert_mem_eq(n.desc, "abcde", 5);
	ck_assert_int_eq(elf_next_note(&e, &it, &n), 0);
}
END_TEST

/* Segments may end exactly at the top of the address space (ELF32: 4 GiB). */
START_TEST(test_segment_at_top)
{
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;
	uint64_t top;

	build((unsigned int)_i);
	top = is64() ? UINT64_MAX - 0x200 : 0x100000000ULL - 0x200;
	set_ph(0, P_PADDR, top);
	set_ph(0, P_VADDR, top);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), 1);
	ck_assert_uint_eq(s.paddr, top);
	ck_assert_uint_eq(s.vaddr, top);
	ck_assert_uint_eq(s.memsz, 0x200);
	/* One byte further wraps. */
	set_ph(0, P_PADDR, top + 1);
	ck_assert_int_eq(open_img(&e), 0);
	it = ELF_ITER_INIT;
	ck_assert_int_eq(elf_next_load(&e, &it, &s), -EINVAL);
	ck_assert_str_eq(e.err, "ELF segment 0 runs past the end of the address space");
}
END_TEST

/*
 * Every truncation of the image: always -EINVAL/-ENOEXEC somewhere, never
 * a read past the end (the sanitizer build checks that).
 */
START_TEST(test_every_truncation)
{
	struct elf e;
	struct elf_seg s;
	struct elf_note n;

	for (size_t len = 0; len <= IMG_LEN; len++) {
		struct elf_iter it = ELF_ITER_INIT;
		int ret;

		build((unsigned int)_i);
		img_len = len;
		ret = open_img(&e);
		if (!ret) {
			while ((ret = elf_next_load(&e, &it, &s)) > 0)
				;
		}
		if (!ret) {
			it = ELF_ITER_INIT;
			while ((ret = elf_next_note(&e, &it, &n)) > 0)
				;
		}
		if (len == IMG_LEN)
			ck_assert_int_eq(ret, 0);
		else if (len < 4)
			ck_assert_int_eq(ret, -ENOEXEC);
		else
			ck_assert_msg(ret == -EINVAL || (len < 16 && ret == -ENOEXEC),
				      "%s cut to %zu bytes: %d", fmts[_i].name, len, ret);
	}
}
END_TEST

START_TEST(test_uint)
{
	static const uint8_t p[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	struct elf le = { .data = ELF_DATA_LE }, be = { .data = ELF_DATA_BE };

	ck_assert_uint_eq(elf_uint(&le, p, 1), 0x01);
	ck_assert_uint_eq(elf_uint(&be, p, 1), 0x01);
	ck_assert_uint_eq(elf_uint(&le, p, 2), 0x2301);
	ck_assert_uint_eq(elf_uint(&be, p, 2), 0x0123);
	ck_assert_uint_eq(elf_uint(&le, p, 4), 0x67452301);
	ck_assert_uint_eq(elf_uint(&be, p, 4), 0x01234567);
	ck_assert_uint_eq(elf_uint(&le, p, 8), 0xefcdab8967452301ULL);
	ck_assert_uint_eq(elf_uint(&be, p, 8), 0x0123456789abcdefULL);
}
END_TEST

/* ---- malformed images: every case in every format ---- */

enum stage { OPEN, LOAD, NOTE };

static void m_len0(void) { img_len = 0; }
static void m_len15(void) { img_len = 15; }
static void m_magic(void) { img[3] = 'f'; }
static void m_class0(void) { img[4] = 0; }
static void m_class3(void) { img[4] = 3; }
static void m_data3(void) { img[5] = 3; }
static void m_short_ehdr(void) { img_len = ehsize() - 1; }
static void m_ehdr_only(void) { img_len = ehsize(); }
static void m_phoff_past(void) { set_phoff(IMG_LEN + 1); }
static void m_phoff_wraps(void) { set_phoff(max_word()); }
static void m_ph_straddle(void) { set_phoff(IMG_LEN - 2 * phentsize()); }
static void m_ph_overflow(void) { set_phnum(0xffff); set_phentsize(0xffff); }
static void m_phentsize(void) { set_phentsize(phentsize() - 1); }
static void m_phnum0(void) { set_phnum(0); }
static void m_off_wraps(void) { set_ph(0, P_OFFSET, max_word() - 0xf); }
static void m_off_past(void) { set_ph(2, P_OFFSET, IMG_LEN + 1); set_ph(2, P_FILESZ, 0); }
static void m_filesz_past(void) { set_ph(2, P_FILESZ, 0x101); set_ph(2, P_MEMSZ, 0x101); }
static void m_filesz_wraps(void) { set_ph(0, P_FILESZ, max_word()); set_ph(0, P_MEMSZ, max_word()); }
static void m_memsz(void) { set_ph(0, P_MEMSZ, 0x7f); }
static void m_paddr_wraps(void) { set_ph(0, P_PADDR, max_word() - 0xff); }
static void m_vaddr_wraps(void) { set_ph(2, P_VADDR, max_word()); }
static void m_namesz(void) { put(NOTE_OFF, 4, 0xffffffff); }
static void m_descsz(void) { put(NOTE_OFF + 4, 4, 0xfffffffd); }
static void m_desc_cut(void) { set_ph(1, P_FILESZ, NOTES_LEN - 4); }
static void m_note_past(void) { set_ph(1, P_OFFSET, IMG_LEN - 8); set_ph(1, P_FILESZ, 9); }
static void m_note_wraps(void) { set_ph(1, P_OFFSET, max_word()); }

static const struct bad {
	const char *what;
	void (*mutate)(void);
	int ret;		/* from the stage that fails */
	enum stage stage;
	int good;		/* entries the walker returns first */
	const char *err[2];	/* ELF32, ELF64 (NULL: as ELF32) */
} bad[] = {
	{ "empty file", m_len0, -ENOEXEC, OPEN, 0, { "not an ELF image" } },
	{ "shorter than e_ident", m_len15, -ENOEXEC, OPEN, 0, { "not an ELF image" } },
	{ "bad magic", m_magic, -ENOEXEC, OPEN, 0, { "not an ELF image" } },
	{ "class 0", m_class0, -EINVAL, OPEN, 0, { "unknown ELF class 0" } },
	{ "class 3", m_class3, -EINVAL, OPEN, 0, { "unknown ELF class 3" } },
	{ "data encoding 3", m_data3, -EINVAL, OPEN, 0, { "unknown ELF data encoding 3" } },
	{ "truncated header", m_short_ehdr, -EINVAL, OPEN, 0,
	  { "truncated ELF header (51 of 52 bytes)", "truncated ELF header (63 of 64 bytes)" } },
	{ "header without its table", m_ehdr_only, -EINVAL, LOAD, 0,
	  { "truncated or malformed ELF program headers (3 at offset 0x34 do not fit in 52 bytes)",
	    "truncated or malformed ELF program headers (3 at offset 0x40 do not fit in 64 bytes)" } },
	{ "phoff past the end", m_phoff_past, -EINVAL, LOAD, 0,
	  { "truncated or malformed ELF program headers (3 at offset 0x401 do not fit in 1024 bytes)" } },
	{ "phoff wraps", m_phoff_wraps, -EINVAL, NOTE, 0,
	  { "truncated or malformed ELF program headers (3 at offset 0xffffffff do not fit in 1024 bytes)",
	    "truncated or malformed ELF program headers (3 at offset 0xffffffffffffffff do not fit in 1024 bytes)" } },
	{ "table straddles the end", m_ph_straddle, -EINVAL, LOAD, 0,
	  { "truncated or malformed ELF program headers (3 at offset 0x3c0 do not fit in 1024 bytes)",
	    "truncated or malformed ELF program headers (3 at offset 0x390 do not fit in 1024 bytes)" } },
	{ "phnum * phentsize overflow", m_ph_overflow, -EINVAL, NOTE, 0,
	  { "truncated or malformed ELF program headers (65535 at offset 0x34 do not fit in 1024 bytes)",
	    "truncated or malformed ELF program headers (65535 at offset 0x40 do not fit in 1024 bytes)" } },
	{ "phentsize too small", m_phentsize, -EINVAL, LOAD, 0,
	  { "truncated or malformed ELF program headers (entries of 31 bytes, not 32)",
	    "truncated or malformed ELF program headers (entries of 55 bytes, not 56)" } },
	{ "no program headers", m_phnum0, -EINVAL, LOAD, 0,
	  { "truncated or malformed ELF program headers (there are none)" } },
	{ "offset + filesz wraps", m_off_wraps, -EINVAL, LOAD, 0,
	  { "ELF segment 0 lies outside the file (truncated?)" } },
	{ "offset past the end", m_off_past, -EINVAL, LOAD, 1,
	  { "ELF segment 2 lies outside the file (truncated?)" } },
	{ "filesz one byte past the end", m_filesz_past, -EINVAL, LOAD, 1,
	  { "ELF segment 2 lies outside the file (truncated?)" } },
	{ "filesz wraps", m_filesz_wraps, -EINVAL, LOAD, 0,
	  { "ELF segment 0 lies outside the file (truncated?)" } },
	{ "memsz < filesz", m_memsz, -EINVAL, LOAD, 0,
	  { "ELF segment 0 has more file bytes (0x80) than memory (0x7f)" } },
	{ "paddr + memsz wraps", m_paddr_wraps, -EINVAL, LOAD, 0,
	  { "ELF segment 0 runs past the end of the address space" } },
	{ "vaddr + memsz wraps", m_vaddr_wraps, -EINVAL, LOAD, 1,
	  { "ELF segment 2 runs past the end of the address space" } },
	{ "note namesz overflow", m_namesz, -EINVAL, NOTE, 0,
	  { "ELF note at offset 0x200 overruns its segment (namesz 4294967295, descsz 8)" } },
	{ "note descsz overflow", m_descsz, -EINVAL, NOTE, 0,
	  { "ELF note at offset 0x200 overruns its segment (namesz 4, descsz 4294967293)" } },
	{ "second note's desc cut short", m_desc_cut, -EINVAL, NOTE, 1,
	  { "ELF note at offset 0x218 overruns its segment (namesz 6, descsz 5)" } },
	{ "note segment past the end", m_note_past, -EINVAL, NOTE, 0,
	  { "ELF note segment 1 lies outside the file (truncated?)" } },
	{ "note segment offset wraps", m_note_wraps, -EINVAL, NOTE, 0,
	  { "ELF note segment 1 lies outside the file (truncated?)" } },
};

START_TEST(test_malformed)
{
	const struct bad *b = &bad[_i / 4];
	unsigned int f = (unsigned int)_i % 4;
	const char *want;
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;
	struct elf_note n;
	const uint8_t *desc = NULL;
	size_t descsz = 0;
	int ret, good = 0;

	build(f);
	want = b->err[is64() && b->err[1] ? 1 : 0];
	b->mutate();
	ret = open_img(&e);
	if (b->stage == OPEN) {
		ck_assert_msg(ret == b->ret, "%s, %s: elf_open %d", fmts[f].name, b->what, ret);
		ck_assert_str_eq(e.err, want);
		return;
	}
	ck_assert_msg(ret == 0, "%s, %s: elf_open %d (%s)", fmts[f].name, b->what, ret, e.err);
	if (b->stage == LOAD) {
		while ((ret = elf_next_load(&e, &it, &s)) > 0)
			good++;
	} else {
		while ((ret = elf_next_note(&e, &it, &n)) > 0)
			good++;
		/* A search that has to walk past the bad note fails the same way. */
		ck_assert_int_eq(elf_find_note(&e, "none", 1, &desc, &descsz), b->ret);
		ck_assert_ptr_null(desc);
	}
	ck_assert_msg(ret == b->ret, "%s, %s: walker %d", fmts[f].name, b->what, ret);
	ck_assert_int_eq(good, b->good);
	ck_assert_str_eq(e.err, want);
	/* Failing again, not walking on. */
	ck_assert_int_eq(b->stage == LOAD ? elf_next_load(&e, &it, &s) : elf_next_note(&e, &it, &n),
			 b->ret);
}
END_TEST

/*
 * Class byte and layout disagree: the header opens (it is long enough) but
 * the program header fields land on other data and the walker refuses.
 */
START_TEST(test_wrong_class)
{
	static const char *const want[4] = {
		"truncated or malformed ELF program headers (entries of 0 bytes, not 56)",
		"truncated or malformed ELF program headers (there are none)",
		"truncated or malformed ELF program headers (there are none)",
		"truncated or malformed ELF program headers (there are none)",
	};
	struct elf e;
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;

	build((unsigned int)_i);
	img[4] = (uint8_t)(is64() ? ELF_CLASS32 : ELF_CLASS64);
	ck_assert_int_eq(open_img(&e), 0);
	ck_assert_uint_ne(e.class, cls);
	ck_assert_int_eq(elf_next_load(&e, &it, &s), -EINVAL);
	ck_assert_str_eq(e.err, want[_i]);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc;

	tc = tcase_create("well-formed");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_header, 0, 4);
	tcase_add_loop_test(tc, test_loads, 0, 4);
	tcase_add_loop_test(tc, test_notes, 0, 4);
	tcase_add_loop_test(tc, test_find_note, 0, 4);
	tcase_add_loop_test(tc, test_notes_align8, 0, 4);
	tcase_add_loop_test(tc, test_notes_slack, 0, 4);
	tcase_add_loop_test(tc, test_segment_at_top, 0, 4);
	tcase_add_loop_test(tc, test_every_truncation, 0, 4);
	tcase_add_test(tc, test_uint);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_malformed, 0, (int)ARRAY_SIZE(bad) * 4);
	tcase_add_loop_test(tc, test_wrong_class, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
