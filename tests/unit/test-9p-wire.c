// SPDX-License-Identifier: GPL-2.0
/*
 * 9P messages (hw/9p-wire.c, p9_handle()): the field readers and writers
 * at their bounds, each class of malformed message a row answered with
 * the right Rlerror (and the tag it carried), msize negotiation and the
 * clamps that follow from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/9p-wire.h"
#include "lkvm/util.h"
#include "p9-client.h"
#include "suites.h"

START_TEST(test_readers_bounded)
{
	static const uint8_t msg[] = { 0x01, 0x02, 0x03, 0x04, 0x02, 0x00, 'h', 'i', 0x09 };
	struct p9_in in = { .p = msg, .len = sizeof(msg) };
	char buf[8];
	uint16_t n;

	ck_assert_uint_eq(p9_get16(&in), 0x0201);
	ck_assert_uint_eq(p9_get16(&in), 0x0403);
	ck_assert_int_eq(p9_getcstr(&in, buf, 2), -ENAMETOOLONG);	/* "hi" needs 3 */
	in.pos = 4;
	ck_assert_int_eq(p9_getcstr(&in, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hi");
	ck_assert(!in.bad);
	ck_assert_uint_eq(p9_get32(&in), 0);	/* 1 byte left: bad, reads as 0 */
	ck_assert(in.bad);
	ck_assert_uint_eq(p9_get8(&in), 0);	/* bad stays bad */
	in = (struct p9_in){ .p = msg, .len = 4 };
	ck_assert_ptr_null(p9_getstr(&in, &n));	/* length 0x0201 past the end */
	ck_assert_uint_eq(n, 0);
	ck_assert(in.bad);
	in = (struct p9_in){ .p = msg, .len = sizeof(msg) };
	ck_assert_ptr_null(p9_getbytes(&in, sizeof(msg) + 1));
	ck_assert(in.bad);
}
END_TEST

START_TEST(test_writers_bounded)
{
	uint8_t buf[16];
	struct p9_out o = { .p = buf, .cap = 10 };
	struct p9_qid q = { P9_QTDIR, 1, 2 };

	p9_put64(&o, 0x0807060504030201ull);
	ck_assert_uint_eq(buf[0], 1);
	ck_assert_uint_eq(buf[7], 8);
	p9_putstr(&o, "x", 1);	/* 3 bytes into 2 */
	ck_assert(o.over);
	ck_assert_uint_eq(o.pos, 10);	/* the length fitted; the byte did not */
	o = (struct p9_out){ .p = buf, .cap = 12 };
	p9_putqid(&o, &q);
	ck_assert(o.over);
	o = (struct p9_out){ .p = buf, .cap = 16 };
	p9_putqid(&o, &q);
	ck_assert(!o.over);
	ck_assert_uint_eq(o.pos, P9_QID_SIZE);
	ck_assert_ptr_null(p9_reserve(&o, 4));
}
END_TEST

/* Raw requests: each malformed class, and the Rlerror it must get. */
static const struct bad_msg {
	const char *what;
	uint8_t msg[24];
	size_t len;
	uint32_t want;
	uint16_t tag;
} bad_msgs[] = {
	{ "shorter than a header", { 7, 0, 0, 0, P9_TCLUNK }, 5, EPROTO, P9_NOTAG },
	{ "size field below 7", { 5, 0, 0, 0, P9_TCLUNK, 1, 0 }, 7, EPROTO, 1 },
	{ "size field past the buffer", { 15, 0, 0, 0, P9_TCLUNK, 2, 0, 0, 0, 0, 0 }, 11, EPROTO, 2 },
	{ "fixed field cut short", { 9, 0, 0, 0, P9_TCLUNK, 4, 0, 0, 0 }, 9, EPROTO, 4 },
	{ "string length past the end",
	  { 19, 0, 0, 0, P9_TWALK, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 200, 0 }, 19, EPROTO, 5 },
	{ "walk of 17 names", { 17, 0, 0, 0, P9_TWALK, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 17, 0 }, 17,
	  EINVAL, 6 },
	{ "NUL inside a name",
	  { 20, 0, 0, 0, P9_TWALK, 7, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0 }, 20, EINVAL, 7 },
	{ "Twrite count past its data",
	  { 23, 0, 0, 0, P9_TWRITE, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0 }, 23,
	  EPROTO, 8 },
	{ "unknown type", { 7, 0, 0, 0, 200, 9, 0 }, 7, EOPNOTSUPP, 9 },
	{ "an R-message as request", { 7, 0, 0, 0, P9_RVERSION, 10, 0 }, 7, EOPNOTSUPP, 10 },
	{ "9P2000 Topen", { 12, 0, 0, 0, 112, 11, 0, 0, 0, 0, 0, 0 }, 12, EOPNOTSUPP, 11 },
	{ "Tversion msize below 4096",
	  { 21, 0, 0, 0, P9_TVERSION, 12, 0, 0, 4, 0, 0, 8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L' },
	  21, EINVAL, 12 },
	{ "Tauth", { 7, 0, 0, 0, P9_TAUTH, 13, 0 }, 7, EOPNOTSUPP, 13 },
	{ "unknown fid", { 11, 0, 0, 0, P9_TCLUNK, 14, 0, 9, 9, 9, 9 }, 11, EBADF, 14 },
	{ "NOFID as a new fid",
	  { 17, 0, 0, 0, P9_TWALK, 15, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 }, 17, EBADF, 15 },
};

START_TEST(test_bad_message)
{
	const struct bad_msg *b = &bad_msgs[_i];
	struct p9c *c = p9c_new(0, 0);
	size_t n;

	ck_assert_ptr_nonnull(c);
	n = p9c_raw(c, b->msg, b->len);
	ck_assert_msg(n == P9_HDR + 4 && c->rtype == P9_RLERROR && p9c_ecode(c) == b->want,
		      "%s: answer of %zu bytes, type %u, errno %u; expected Rlerror %u", b->what, n,
		      c->rtype, p9c_ecode(c), b->want);
	ck_assert_uint_eq(c->resp[0], 11);
	ck_assert_uint_eq(c->resp[5] | c->resp[6] << 8, b->tag);
	/* The session goes on. */
	ck_assert_int_eq(p9c_call(c, P9_TGETATTR, "48", P9C_ROOT, (uint64_t)0x7ff), 0);
	ck_assert_uint_eq(c->s.stats.errors, 1);
	p9c_free(c);
}
END_TEST

START_TEST(test_before_version)
{
	struct p9c *c = p9c_new_bare(0, 0);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(p9c_call(c, P9_TATTACH, "44ss4", 0, P9_NOFID, "", "", 0), EPROTO);
	/* An unknown version: "unknown", and still no session. */
	ck_assert_int_eq(p9c_call(c, P9_TVERSION, "4s", 8192, "9P2000.u"), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 8192);
	{
		char v[16];

		ck_assert_int_eq(p9_getcstr(&c->r, v, sizeof(v)), 0);
		ck_assert_str_eq(v, "unknown");
	}
	ck_assert_int_eq(p9c_call(c, P9_TATTACH, "44ss4", 0, P9_NOFID, "", "", 0), EPROTO);
	p9c_free(c);
}
END_TEST

static const struct msize_row {
	uint32_t offer, want;
} msize_rows[] = {
	{ 4096, 4096 },
	{ 8192, 8192 },
	{ 65536 + 11, 65536 + 11 },
	{ P9_MSIZE_MAX, P9_MSIZE_MAX },
	{ P9_MSIZE_MAX + 1, P9_MSIZE_MAX },
	{ 0xffffffffu, P9_MSIZE_MAX },
};

/* The offer clamped; a Tread for more than msize leaves answers with msize - 11. */
START_TEST(test_msize_clamp)
{
	const struct msize_row *m = &msize_rows[_i];
	struct p9c *c = p9c_new_bare(0, 0);
	static char big[P9_MSIZE_MAX + 16];

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(p9c_call(c, P9_TVERSION, "4s", m->offer, "9P2000.L"), 0);
	ck_assert_uint_eq(p9_get32(&c->r), m->want);
	ck_assert_int_eq(p9c_call(c, P9_TATTACH, "44ss4", 0, P9_NOFID, "", "", 0), 0);
	memset(big, 'z', sizeof(big));
	{
		int fd = open(p9c_host(c, "big"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		ck_assert_int_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
		close(fd);
	}
	ck_assert_int_eq(p9c_open(c, 1, "big", 0), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", 1, (uint64_t)0, 0xffffffffu), 0);
	ck_assert_uint_eq(c->rlen, m->want);
	ck_assert_uint_eq(p9_get32(&c->r), m->want - P9_IOHDR);
	/* A smaller answer buffer than msize: the read shrinks to fit it. */
	c->resp_cap = 4096 + 100;
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", 1, (uint64_t)0, 0xffffffffu), 0);
	ck_assert_uint_eq(c->rlen, MIN(m->want, 4096 + 100));
	/* Too small for any answer: none. */
	c->resp_cap = 10;
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", 1), -1);
	ck_assert_uint_eq(c->rlen, 0);
	p9c_free(c);
}
END_TEST

/* A request larger than msize is refused whole, even if well formed. */
START_TEST(test_write_over_msize)
{
	struct p9c *c = p9c_new(0, 0);
	static char data[P9C_MSIZE];

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(p9c_put_file(c, "f", ""), 0);
	ck_assert_int_eq(p9c_open(c, 1, "f", 1), 0);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", 1, (uint64_t)0,
				  (unsigned int)sizeof(data), (int)sizeof(data), data), EPROTO);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", 1, (uint64_t)0, 100u, 100, data), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 100);
	p9c_free(c);
}
END_TEST

/*
 * A request whose answer does not fit (room for an Rlerror only) is
 * EMSGSIZE and changes nothing: no fid made or moved, no file opened or
 * created, the session kept. One row per request that changes something.
 */
static const char *const nofit_rows[] = {
	"Tattach", "Twalk to a new fid", "Twalk of a fid to itself", "Tlopen", "Tlcreate",
	"Tmkdir", "Tsymlink", "Tmknod", "Txattrwalk", "Tversion",
};

static int nofit_send(struct p9c *c, int row)
{
	switch (row) {
	case 0: return p9c_call(c, P9_TATTACH, "44ss4", 5, P9_NOFID, "", "", 0);
	case 1: return p9c_walk(c, P9C_ROOT, 5, "d");
	case 2: return p9c_walk(c, 1, 1, "d");
	case 3: return p9c_call(c, P9_TLOPEN, "44", 2, 0);
	case 4: return p9c_call(c, P9_TLCREATE, "4s444", 1, "new", 2, 0644, 0);
	case 5: return p9c_call(c, P9_TMKDIR, "4s44", P9C_ROOT, "new", 0755, 0);
	case 6: return p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "new", "d", 0);
	case 7: return p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "new", 0010644, 0, 0, 0);
	case 8: return p9c_call(c, P9_TXATTRWALK, "44s", P9C_ROOT, 5, "");
	default: return p9c_call(c, P9_TVERSION, "4s", 8192, "9P2000.L");
	}
}

START_TEST(test_answer_too_big)
{
	struct p9c *c = p9c_new(0, 0);
	struct stat st;
	int err;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(mkdir(p9c_host(c, "d"), 0755), 0);
	ck_assert_int_eq(p9c_put_file(c, "f", "x"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, 1, ""), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, 2, "f"), 0);
	c->resp_cap = P9_HDR + 4;
	err = nofit_send(c, _i);
	ck_assert_msg(err == EMSGSIZE && c->rlen == P9_HDR + 4, "%s: %d, %zu bytes",
		      nofit_rows[_i], err, c->rlen);
	c->resp_cap = P9C_BUF;
	/* Nothing changed: fid 5 is free, fid 1 is the share unopened, fid 2 unopened. */
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", 5), EBADF);
	ck_assert_int_eq(p9c_walk(c, 1, 3, "d"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", 1, 0), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", 2, 0), 0);
	ck_assert_int_ne(fstatat(AT_FDCWD, p9c_host(c, "new"), &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(c->s.msize, P9C_MSIZE);
	p9c_free(c);
}
END_TEST

Suite *p9_wire_suite(void)
{
	Suite *s = suite_create("9p-wire");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, test_readers_bounded);
	tcase_add_test(tc, test_writers_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("messages");
	tcase_add_loop_test(tc, test_bad_message, 0, (int)ARRAY_SIZE(bad_msgs));
	tcase_add_test(tc, test_before_version);
	tcase_add_loop_test(tc, test_msize_clamp, 0, (int)ARRAY_SIZE(msize_rows));
	tcase_add_test(tc, test_write_over_msize);
	tcase_add_loop_test(tc, test_answer_too_big, 0, (int)ARRAY_SIZE(nofit_rows));
	suite_add_tcase(s, tc);
	return s;
}
