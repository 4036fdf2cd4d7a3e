// SPDX-License-Identifier: GPL-2.0
/*
 * The split-virtqueue walker against hostile rings: one table row per
 * malformed case, with the outcome the device must see. Guest RAM is two
 * small regions plus a large reserved (never touched) one, so buffers can
 * straddle a region end or add up past 4 GiB while still "in RAM".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hw/virtio-queue.h"
#include "lkvm/io-bus.h"
#include "suites.h"

#define R0_SIZE		0x100000ULL		/* [0, 1 MiB) */
#define R1_GPA		0x100000ULL		/* [1 MiB, 1 MiB + 64 KiB): another region */
#define R1_SIZE		0x10000ULL
#define BIG_GPA		0x100000000ULL		/* 4 GiB reserved at 4 GiB, never touched */
#define BIG_SIZE	0x100000000ULL
#define QSIZE		8
#define DESC		0x1000ULL
#define AVAIL		0x2000ULL
#define USED		0x3000ULL

static struct mem_map map;
static uint8_t *r0, *r1, *big;

static void ram_setup(void)
{
	memset(&map, 0, sizeof(map));
	r0 = calloc(1, R0_SIZE);
	r1 = calloc(1, R1_SIZE);
	big = mmap(NULL, BIG_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert_ptr_nonnull(r0);
	ck_assert_ptr_nonnull(r1);
	ck_assert_ptr_ne(big, MAP_FAILED);
	ck_assert_int_eq(mem_map_add(&map, 0, R0_SIZE, r0), 0);
	ck_assert_int_eq(mem_map_add(&map, R1_GPA, R1_SIZE, r1), 0);
	ck_assert_int_eq(mem_map_add(&map, BIG_GPA, BIG_SIZE, big), 0);
}

static void ram_teardown(void)
{
	free(r0);
	free(r1);
	munmap(big, BIG_SIZE);
}

struct tdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void put_desc(unsigned int i, const struct tdesc *d)
{
	uint8_t *p = r0 + DESC + 16 * i;

	io_data_put(p, 8, d->addr);
	io_data_put(p + 8, 4, d->len);
	io_data_put(p + 12, 2, d->flags);
	io_data_put(p + 14, 2, d->next);
}

static void put_avail(uint16_t idx, const uint16_t *ring, unsigned int n)
{
	io_data_put(r0 + AVAIL + 2, 2, idx);
	for (unsigned int i = 0; i < n; i++)
		io_data_put(r0 + AVAIL + 4 + 2 * i, 2, ring[i]);
}

#define N	VRING_DESC_F_NEXT
#define W	VRING_DESC_F_WRITE
#define I	VRING_DESC_F_INDIRECT

/* One malformed (or well-formed) request per row. */
static const struct pop_row {
	const char *name;
	unsigned int nr_desc;
	struct tdesc d[QSIZE];
	uint16_t avail_idx, head;
	enum vq_status want;
	unsigned int want_nr;
	uint32_t want_out, want_in;
} pop_rows[] = {
	{ "one readable buffer", 1, { { 0x8000, 512, 0, 0 } }, 1, 0, VQ_OK, 1, 512, 0 },
	{ "readable then writable", 3,
	  { { 0x8000, 16, N, 1 }, { 0x9000, 4096, N | W, 2 }, { 0xa000, 1, W, 0 } },
	  1, 0, VQ_OK, 3, 16, 4097 },
	{ "nothing available", 1, { { 0x8000, 16, 0, 0 } }, 0, 0, VQ_EMPTY, 0, 0, 0 },
	{ "whole queue available", 1, { { 0x8000, 16, 0, 0 } }, QSIZE, 0, VQ_OK, 1, 16, 0 },
	{ "avail idx beyond the queue size", 1, { { 0x8000, 16, 0, 0 } }, QSIZE + 1, 0,
	  VQ_BROKEN_IDX, 0, 0, 0 },
	{ "avail idx far behind (wrapped backwards)", 1, { { 0x8000, 16, 0, 0 } }, 0xffff, 0,
	  VQ_BROKEN_IDX, 0, 0, 0 },
	{ "head index beyond the table", 1, { { 0x8000, 16, 0, 0 } }, 1, QSIZE,
	  VQ_BROKEN_HEAD, 0, 0, 0 },
	{ "head index 0xffff", 1, { { 0x8000, 16, 0, 0 } }, 1, 0xffff, VQ_BROKEN_HEAD, 0, 0, 0 },
	{ "next index beyond the table", 1, { { 0x8000, 16, N, QSIZE } }, 1, 0,
	  VQ_BAD_NEXT, 0, 0, 0 },
	{ "descriptor loops to itself", 1, { { 0x8000, 16, N, 0 } }, 1, 0, VQ_BAD_LOOP, 0, 0, 0 },
	{ "two descriptors loop", 2, { { 0x8000, 16, N, 1 }, { 0x9000, 16, N, 0 } }, 1, 0,
	  VQ_BAD_LOOP, 0, 0, 0 },
	{ "chain as long as the queue", QSIZE,
	  { { 0x8000, 1, N, 1 }, { 0x8000, 1, N, 2 }, { 0x8000, 1, N, 3 }, { 0x8000, 1, N, 4 },
	    { 0x8000, 1, N, 5 }, { 0x8000, 1, N, 6 }, { 0x8000, 1, N, 7 }, { 0x8000, 1, 0, 0 } },
	  1, 0, VQ_OK, QSIZE, QSIZE, 0 },
	{ "chain one longer than the queue (loops back)", QSIZE,
	  { { 0x8000, 1, N, 1 }, { 0x8000, 1, N, 2 }, { 0x8000, 1, N, 3 }, { 0x8000, 1, N, 4 },
	    { 0x8000, 1, N, 5 }, { 0x8000, 1, N, 6 }, { 0x8000, 1, N, 7 }, { 0x8000, 1, N, 1 } },
	  1, 0, VQ_BAD_LOOP, 0, 0, 0 },
	{ "buffer outside guest RAM", 1, { { 0x7fff0000, 16, 0, 0 } }, 1, 0, VQ_BAD_ADDR, 0, 0, 0 },
	{ "buffer straddles a region end", 1, { { R1_GPA - 0x100, 0x200, 0, 0 } }, 1, 0,
	  VQ_BAD_ADDR, 0, 0, 0 },
	{ "buffer runs past the last region", 1, { { BIG_GPA + BIG_SIZE - 8, 16, W, 0 } }, 1, 0,
	  VQ_BAD_ADDR, 0, 0, 0 },
	{ "address + length wraps 64 bits", 1, { { 0xfffffffffffff000ULL, 0x2000, 0, 0 } }, 1, 0,
	  VQ_BAD_ADDR, 0, 0, 0 },
	{ "bad address late in the chain", 2, { { 0x8000, 16, N, 1 }, { 0x200000, 16, W, 0 } }, 1,
	  0, VQ_BAD_ADDR, 0, 0, 0 },
	{ "zero-length buffer anywhere is harmless", 1, { { 0xdead0000, 0, W, 0 } }, 1, 0, VQ_OK,
	  1, 0, 0 },
	{ "writable lengths overflow 32 bits", 2,
	  { { BIG_GPA, 0x80000000u, N | W, 1 }, { BIG_GPA + 0x80000000ULL, 0x80000000u, W, 0 } },
	  1, 0, VQ_BAD_LEN, 0, 0, 0 },
	{ "readable lengths overflow 32 bits", 3,
	  { { BIG_GPA, 0xffffffffu, N, 1 }, { BIG_GPA, 1, N, 2 }, { 0x8000, 1, W, 0 } },
	  1, 0, VQ_BAD_LEN, 0, 0, 0 },
	{ "readable after writable", 2, { { 0x9000, 16, N | W, 1 }, { 0x8000, 16, 0, 0 } }, 1, 0,
	  VQ_BAD_ORDER, 0, 0, 0 },
	{ "indirect descriptor", 1, { { 0x8000, 32, I, 0 } }, 1, 0, VQ_BAD_INDIRECT, 0, 0, 0 },
	{ "indirect late in the chain", 2, { { 0x8000, 16, N, 1 }, { 0x9000, 32, I, 0 } }, 1, 0,
	  VQ_BAD_INDIRECT, 0, 0, 0 },
};

START_TEST(test_pop_row)
{
	const struct pop_row *r = &pop_rows[_i];
	struct vq_chain *c = calloc(1, sizeof(*c));
	struct vq q;
	enum vq_status st;
	uint16_t heads[QSIZE];

	for (unsigned int i = 0; i < QSIZE; i++)
		heads[i] = r->head;
	for (unsigned int i = 0; i < r->nr_desc; i++)
		put_desc(i, &r->d[i]);
	put_avail(r->avail_idx, heads, QSIZE);
	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
	st = vq_pop(&q, c);
	ck_assert_msg(st == r->want, "%s: got '%s', want '%s'", r->name, vq_status_name(st),
		      vq_status_name(r->want));
	if (st == VQ_OK) {
		ck_assert_uint_eq(c->nr, r->want_nr);
		ck_assert_uint_eq(c->out_len, r->want_out);
		ck_assert_uint_eq(c->in_len, r->want_in);
	}
	/* A bad request consumes its head (to be failed); a broken ring consumes nothing. */
	if (st == VQ_OK || (st < VQ_BROKEN_IDX && st != VQ_EMPTY)) {
		ck_assert_uint_eq(q.last_avail, 1);
		ck_assert_uint_eq(c->head, r->head);
		/* The driver learns to kick at the next entry (avail_event). */
		ck_assert_uint_eq(io_data_get(r0 + USED + 4 + 8 * QSIZE, 2), 1);
	} else {
		ck_assert_uint_eq(q.last_avail, 0);
	}
	free(c);
}
END_TEST

/*
 * Indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC): the ring's
 * descriptors d[], an indirect table t[] at ITABLE (ITABLE_LEN entries of
 * room), negotiated or not. One row per malformed case.
 */
#define ITABLE		0x6000ULL
#define ITABLE_LEN	8

static void put_itable(unsigned int i, const struct tdesc *d)
{
	uint8_t *p = r0 + ITABLE + 16 * i;

	io_data_put(p, 8, d->addr);
	io_data_put(p + 8, 4, d->len);
	io_data_put(p + 12, 2, d->flags);
	io_data_put(p + 14, 2, d->next);
}

static const struct ind_row {
	const char *name;
	bool negotiated;
	unsigned int nr_desc, nr_table;
	struct tdesc d[3];
	struct tdesc t[ITABLE_LEN];
	enum vq_status want;
	unsigned int want_nr;
	uint32_t want_out, want_in;
} ind_rows[] = {
	{ "blk request in a table", true, 1, 3, { { ITABLE, 48, I, 0 } },
	  { { 0x8000, 16, N, 1 }, { 0x9000, 512, N | W, 2 }, { 0xa000, 1, W, 0 } },
	  VQ_OK, 3, 16, 513 },
	{ "table order is by next, not position", true, 1, 3, { { ITABLE, 48, I, 0 } },
	  { { 0x8000, 16, N, 2 }, { 0xa000, 1, W, 0 }, { 0x9000, 8, N, 1 } },
	  VQ_OK, 3, 24, 1 },
	{ "the indirect descriptor's WRITE flag is ignored", true, 1, 1,
	  { { ITABLE, 16, I | W, 0 } }, { { 0x8000, 16, 0, 0 } }, VQ_OK, 1, 16, 0 },
	{ "direct descriptors, then a table", true, 2, 1,
	  { { 0x8000, 16, N, 1 }, { ITABLE, 16, I, 0 } }, { { 0xa000, 1, W, 0 } },
	  VQ_OK, 2, 16, 1 },
	{ "not negotiated", false, 1, 1, { { ITABLE, 16, I, 0 } }, { { 0x8000, 16, 0, 0 } },
	  VQ_BAD_INDIRECT, 0, 0, 0 },
	{ "INDIRECT and NEXT together", true, 2, 1, { { ITABLE, 16, I | N, 1 }, { 0x8000, 1, W, 0 } },
	  { { 0x8000, 16, 0, 0 } }, VQ_BAD_INDIRECT, 0, 0, 0 },
	{ "table length zero", true, 1, 0, { { ITABLE, 0, I, 0 } }, { { 0 } }, VQ_BAD_ITABLE, 0, 0, 0 },
	{ "table length not a multiple of 16", true, 1, 2, { { ITABLE, 24, I, 0 } },
	  { { 0x8000, 16, 0, 0 } }, VQ_BAD_ITABLE, 0, 0, 0 },
	{ "table outside guest RAM", true, 1, 0, { { 0x7fff0000, 32, I, 0 } }, { { 0 } },
	  VQ_BAD_ADDR, 0, 0, 0 },
	{ "table straddles a region end", true, 1, 0, { { R1_GPA - 16, 32, I, 0 } }, { { 0 } },
	  VQ_BAD_ADDR, 0, 0, 0 },
	{ "table address + length wraps 64 bits", true, 1, 0,
	  { { 0xfffffffffffffff0ULL, 32, I, 0 } }, { { 0 } }, VQ_BAD_ADDR, 0, 0, 0 },
	{ "nested indirect", true, 1, 2, { { ITABLE, 32, I, 0 } },
	  { { 0x8000, 16, N, 1 }, { ITABLE, 32, I, 0 } }, VQ_BAD_NESTED, 0, 0, 0 },
	{ "next beyond the table", true, 1, 2, { { ITABLE, 32, I, 0 } },
	  { { 0x8000, 16, N, 2 }, { 0x9000, 1, W, 0 } }, VQ_BAD_NEXT, 0, 0, 0 },
	{ "loop inside the table", true, 1, 2, { { ITABLE, 32, I, 0 } },
	  { { 0x8000, 16, N, 1 }, { 0x9000, 16, N, 0 } }, VQ_BAD_LOOP, 0, 0, 0 },
	{ "buffer in the table outside RAM", true, 1, 1, { { ITABLE, 16, I, 0 } },
	  { { 0x7fff0000, 16, 0, 0 } }, VQ_BAD_ADDR, 0, 0, 0 },
	{ "readable after writable in the table", true, 1, 2, { { ITABLE, 32, I, 0 } },
	  { { 0x9000, 16, N | W, 1 }, { 0x8000, 16, 0, 0 } }, VQ_BAD_ORDER, 0, 0, 0 },
	{ "writable direct, readable in the table", true, 2, 1,
	  { { 0x9000, 16, N | W, 1 }, { ITABLE, 16, I, 0 } }, { { 0x8000, 16, 0, 0 } },
	  VQ_BAD_ORDER, 0, 0, 0 },
	{ "lengths in the table overflow 32 bits", true, 1, 2, { { ITABLE, 32, I, 0 } },
	  { { BIG_GPA, 0xffffffffu, N, 1 }, { BIG_GPA, 1, 0, 0 } }, VQ_BAD_LEN, 0, 0, 0 },
};

START_TEST(test_indirect_row)
{
	const struct ind_row *r = &ind_rows[_i];
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint16_t heads[QSIZE] = { 0 };
	struct vq q;
	enum vq_status st;

	for (unsigned int i = 0; i < r->nr_desc; i++)
		put_desc(i, &r->d[i]);
	for (unsigned int i = 0; i < r->nr_table; i++)
		put_itable(i, &r->t[i]);
	put_avail(1, heads, QSIZE);
	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
	q.indirect = r->negotiated;
	st = vq_pop(&q, c);
	ck_assert_msg(st == r->want, "%s: got '%s', want '%s'", r->name, vq_status_name(st),
		      vq_status_name(r->want));
	ck_assert(!vq_status_broken(st));
	ck_assert_uint_eq(q.last_avail, 1);	/* consumed: to be completed, even when bad */
	if (st == VQ_OK) {
		ck_assert_uint_eq(c->nr, r->want_nr);
		ck_assert_uint_eq(c->out_len, r->want_out);
		ck_assert_uint_eq(c->in_len, r->want_in);
	}
	free(c);
}
END_TEST

/*
 * A table as long as a chain may be (VQ_MAX_SIZE descriptors) is served;
 * one entry more, chained through, is refused (the chain bound), as is a
 * big table whose chain runs in a circle.
 */
START_TEST(test_indirect_long)
{
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint16_t heads[QSIZE] = { 0 };
	const uint64_t table = 0x10000;
	struct vq q;

	for (unsigned int n = VQ_MAX_SIZE; n <= VQ_MAX_SIZE + 1; n++) {
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *p = r0 + table + 16 * i;

			io_data_put(p, 8, 0x8000);
			io_data_put(p + 8, 4, 1);
			io_data_put(p + 12, 2, i + 1 < n ? N : 0);
			io_data_put(p + 14, 2, i + 1);
		}
		put_desc(0, &(struct tdesc){ table, 16 * n, I, 0 });
		put_avail(1, heads, QSIZE);
		ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
		q.indirect = true;
		if (n == VQ_MAX_SIZE) {
			ck_assert_int_eq(vq_pop(&q, c), VQ_OK);
			ck_assert_uint_eq(c->nr, VQ_MAX_SIZE);
			ck_assert_uint_eq(c->out_len, VQ_MAX_SIZE);
		} else {
			ck_assert_int_eq(vq_pop(&q, c), VQ_BAD_LOOP);
		}
	}
	/* 300 entries, the last pointing back to the first. */
	for (unsigned int i = 0; i < 300; i++)
		io_data_put(r0 + table + 16 * i + 14, 2, (i + 1) % 300);
	io_data_put(r0 + table + 16 * 299 + 12, 2, N);
	put_desc(0, &(struct tdesc){ table, 16 * 300, I, 0 });
	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
	q.indirect = true;
	ck_assert_int_eq(vq_pop(&q, c), VQ_BAD_LOOP);
	free(c);
}
END_TEST

static const struct setup_row {
	const char *name;
	uint16_t size;
	uint64_t desc, avail, used;
	bool ok;
} setup_rows[] = {
	{ "good", 8, DESC, AVAIL, USED, true },
	{ "largest size", VQ_MAX_SIZE, DESC, 0x5000, 0x6000, true },
	{ "size 0", 0, DESC, AVAIL, USED, false },
	{ "size not a power of two", 6, DESC, AVAIL, USED, false },
	{ "size above the maximum", VQ_MAX_SIZE * 2, DESC, 0x9000, 0xa000, false },
	{ "descriptor table misaligned", 8, DESC + 8, AVAIL, USED, false },
	{ "avail ring misaligned", 8, DESC, AVAIL + 1, USED, false },
	{ "used ring misaligned", 8, DESC, AVAIL, USED + 2, false },
	{ "descriptor table outside RAM", 8, 0x80000000ULL, AVAIL, USED, false },
	{ "used ring straddles a region end", 8, DESC, AVAIL, R1_GPA - 16, false },
	{ "avail ring past the end of RAM", 8, DESC, BIG_GPA + BIG_SIZE - 8, USED, false },
	{ "descriptor table wraps 64 bits", 8, 0xfffffffffffffff0ULL, AVAIL, USED, false },
};

START_TEST(test_setup_row)
{
	const struct setup_row *r = &setup_rows[_i];
	struct vq q;

	ck_assert_msg(vq_setup(&q, &map, "test", r->size, r->desc, r->avail, r->used, false) == r->ok,
		      "%s", r->name);
}
END_TEST

/* Used ring, event index and the copies, on a well-formed queue. */
START_TEST(test_push_notify)
{
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint16_t heads[QSIZE] = { 0, 1 };
	uint8_t buf[16];
	struct vq q;

	put_desc(0, &(struct tdesc){ 0x8000, 4, N, 1 });
	put_desc(1, &(struct tdesc){ 0x9000, 8, W, 0 });
	memcpy(r0 + 0x8000, "abcd", 4);
	put_avail(1, heads, QSIZE);
	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
	ck_assert_int_eq(vq_pop(&q, c), VQ_OK);
	ck_assert_int_eq(vq_chain_read(&q, c, 1, buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "bcd", 3);
	ck_assert_int_eq(vq_chain_write(&q, c, 2, "XYZWVUTS", 8), 6);
	ck_assert_mem_eq(r0 + 0x9002, "XYZWVU", 6);
	ck_assert_int_eq(vq_push(&q, c->head, 6), VQ_OK);
	ck_assert_uint_eq(io_data_get(r0 + USED + 2, 2), 1);
	ck_assert_uint_eq(io_data_get(r0 + USED + 4, 4), 0);
	ck_assert_uint_eq(io_data_get(r0 + USED + 8, 4), 6);
	/* First completion always signals; then only when used_event is crossed. */
	ck_assert(vq_should_notify(&q));
	io_data_put(r0 + AVAIL + 4 + 2 * QSIZE, 2, 5);	/* used_event: wake me after 6 */
	ck_assert_int_eq(vq_push(&q, 0, 0), VQ_OK);
	ck_assert(!vq_should_notify(&q));
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(vq_push(&q, 0, 0), VQ_OK);	/* used_idx 6 */
	ck_assert(vq_should_notify(&q));
	ck_assert_int_eq(vq_pop(&q, c), VQ_EMPTY);
	free(c);
}
END_TEST

START_TEST(test_no_event_idx_flags)
{
	struct vq q;

	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, false));
	io_data_put(r0 + AVAIL, 2, VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert_int_eq(vq_push(&q, 3, 0), VQ_OK);
	ck_assert(!vq_should_notify(&q));
	io_data_put(r0 + AVAIL, 2, 0);
	ck_assert(vq_should_notify(&q));
}
END_TEST

/* A driver that never reads the used ring: indexes wrap, nothing breaks. */
START_TEST(test_wrap_16bit)
{
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint16_t heads[QSIZE] = { 0 };
	struct vq q;

	put_desc(0, &(struct tdesc){ 0x8000, 4, 0, 0 });
	ck_assert(vq_setup(&q, &map, "test", QSIZE, DESC, AVAIL, USED, true));
	for (unsigned int n = 1; n <= 70000; n++) {
		put_avail((uint16_t)n, heads, QSIZE);
		ck_assert_int_eq(vq_pop(&q, c), VQ_OK);
		ck_assert_int_eq(vq_push(&q, c->head, 0), VQ_OK);
	}
	ck_assert_uint_eq(q.used_idx, (uint16_t)70000);
	ck_assert_int_eq(vq_pop(&q, c), VQ_EMPTY);
	free(c);
}
END_TEST

Suite *virtio_queue_suite(void)
{
	Suite *s = suite_create("virtio-queue");
	TCase *tc = tcase_create("walker");

	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_add_loop_test(tc, test_pop_row, 0, (int)(sizeof(pop_rows) / sizeof(pop_rows[0])));
	tcase_add_loop_test(tc, test_setup_row, 0, (int)(sizeof(setup_rows) / sizeof(setup_rows[0])));
	tcase_add_loop_test(tc, test_indirect_row, 0, (int)(sizeof(ind_rows) / sizeof(ind_rows[0])));
	tcase_add_test(tc, test_indirect_long);
	tcase_add_test(tc, test_push_notify);
	tcase_add_test(tc, test_no_event_idx_flags);
	tcase_add_test(tc, test_wrap_16bit);
	suite_add_tcase(s, tc);
	return s;
}
