// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p's glue without KVM: --9p parsing and opening (a row per case),
 * the config space bytes, and request chains through virtio_9p_serve()
 * over a fake guest RAM and ring (gathered, answered, scattered).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hw/9p-wire.h"
#include "hw/virtio-9p.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
#include "lkvm/ras.h"
#include "lkvm/run-opts.h"
#include "lkvm/vm.h"
#include "p9-client.h"
#include "suites.h"
#include "vq-fixture.h"

static struct run_opts o;
static char err[512];
static char tmpdir[64];

static int parse2(const char *opt, const char *arg)
{
	char a0[] = "run", a1[64], a2[600];
	char *v[] = { a0, a1, a2, NULL };

	snprintf(a1, sizeof(a1), "%s", opt);
	snprintf(a2, sizeof(a2), "%s", arg);
	err[0] = '\0';
	return run_opts_parse(&o, 3, v, err, sizeof(err));
}

static void tmp_setup(void)
{
	char f[128];
	int fd;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lkvm-v9p-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(f, sizeof(f), "%s/file", tmpdir);
	fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void tmp_teardown(void)
{
	char f[128];

	snprintf(f, sizeof(f), "%s/file", tmpdir);
	unlink(f);
	rmdir(tmpdir);
}

START_TEST(test_9p_good)
{
	char a[2][160];
	char a0[] = "run", o1[] = "--9p", o2[] = "--9p";
	char *v[] = { a0, o1, a[0], o2, a[1], NULL };

	snprintf(a[0], sizeof(a[0]), "%s,hostshare", tmpdir);
	snprintf(a[1], sizeof(a[1]), "%s,other,ro", tmpdir);
	ck_assert_int_eq(run_opts_parse(&o, 5, v, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nr_shares, 2);
	ck_assert_str_eq(o.shares[0].dir, tmpdir);
	ck_assert_str_eq(o.shares[0].tag, "hostshare");
	ck_assert(!o.shares[0].ro);
	ck_assert_str_eq(o.shares[1].tag, "other");
	ck_assert(o.shares[1].ro);
	ck_assert_int_eq(run_shares_open(&o, err, sizeof(err)), 0);
	ck_assert_int_ge(o.shares[0].fd, 0);
	ck_assert_int_ge(o.shares[1].fd, 0);
	ck_assert_int_eq(fcntl(o.shares[0].fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	run_shares_close(&o);
	ck_assert_int_eq(o.shares[0].fd, -1);
}
END_TEST

/* One bad --9p per row: the parse (or the open) fails with this text. */
static const struct bad_row {
	const char *arg;	/* after the temporary directory (none: ",tag" alone) */
	bool at_open;		/* parses, then run_shares_open() refuses it */
	const char *msg;
} bad_rows[] = {
	{ "", false, "give DIR,TAG or DIR,TAG,ro" },
	{ ",", false, "TAG must be 1 to 255 bytes" },
	{ ",,ro", false, "TAG must be 1 to 255 bytes" },
	{ NULL, false, "DIR must be a path" },
	{ ",a,b", false, "without a comma" },
	{ ",tag,rw", false, "without a comma" },
	{ ",LONG", false, "TAG must be 1 to 255 bytes" },
	{ "/missing,tag", true, "No such file or directory" },
	{ "/file,tag", true, "not a directory" },
};

START_TEST(test_9p_bad)
{
	const struct bad_row *r = &bad_rows[_i];
	char arg[600];
	int ret;

	if (!r->arg) {
		snprintf(arg, sizeof(arg), ",tag");
	} else if (strstr(r->arg, "LONG")) {
		char tag[RUN_TAG_MAX + 2];

		memset(tag, 't', RUN_TAG_MAX + 1);
		tag[RUN_TAG_MAX + 1] = '\0';
		snprintf(arg, sizeof(arg), "%s,%s", tmpdir, tag);
	} else {
		snprintf(arg, sizeof(arg), "%s%s", tmpdir, r->arg);
	}
	ret = parse2("--9p", arg);
	if (r->at_open) {
		ck_assert_int_eq(ret, 0);
		ret = run_shares_open(&o, err, sizeof(err));
		ck_assert_int_eq(o.shares[0].fd, -1);
	}
	ck_assert_int_eq(ret, -1);
	ck_assert_msg(strstr(err, r->msg), "'%s': '%s' lacks '%s'", arg, err, r->msg);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_9p_limits)
{
	char tag[RUN_TAG_MAX + 1], arg[600];
	char a0[] = "run";
	char args[RUN_MAX_SHARES + 1][32], opt[RUN_MAX_SHARES + 1][8];
	char *v[2 * (RUN_MAX_SHARES + 1) + 2];
	int n = 0;

	memset(tag, 'x', RUN_TAG_MAX);
	tag[RUN_TAG_MAX] = '\0';
	snprintf(arg, sizeof(arg), "%s,%s,ro", tmpdir, tag);
	ck_assert_int_eq(parse2("--9p", arg), 0);
	ck_assert_uint_eq(strlen(o.shares[0].tag), RUN_TAG_MAX);
	ck_assert(o.shares[0].ro);
	/* Two shares with one tag, and one share too many. */
	ck_assert_int_eq(parse2("--9p", "/a,t"), 0);
	v[n++] = a0;
	for (int i = 0; i <= RUN_MAX_SHARES; i++) {
		snprintf(opt[i], sizeof(opt[i]), "--9p");
		snprintf(args[i], sizeof(args[i]), "/d,t%d", i);
		v[n++] = opt[i];
		v[n++] = args[i];
	}
	v[n] = NULL;
	ck_assert_int_eq(run_opts_parse(&o, n, v, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "too many --9p"), "%s", err);
	snprintf(args[1], sizeof(args[1]), "/e,t0");
	ck_assert_int_eq(run_opts_parse(&o, 5, v, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "already used"), "%s", err);
}
END_TEST

START_TEST(test_9p_help)
{
	char *h = run_help_text();

	ck_assert_ptr_nonnull(strstr(h, "--9p DIR,TAG[,ro]"));
	free(h);
	ck_assert_int_eq(parse2("--balloon", "x"), -1);	/* kvmtool-only still refused */
	ck_assert_int_eq(parse2("--9p", "/x,y"), 0);	/* no longer one of them */
}
END_TEST

START_TEST(test_9p_config)
{
	uint8_t cfg[VIRTIO_9P_CONFIG_MAX + 8];
	char tag[400];

	memset(cfg, 0xee, sizeof(cfg));
	ck_assert_uint_eq(virtio_9p_config(cfg, "hostshare"), 11);
	ck_assert_uint_eq(cfg[0], 9);
	ck_assert_uint_eq(cfg[1], 0);
	ck_assert_int_eq(memcmp(cfg + 2, "hostshare", 9), 0);
	ck_assert_uint_eq(cfg[11], 0xee);	/* no NUL, nothing past the tag */
	memset(tag, 'q', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = '\0';
	ck_assert_uint_eq(virtio_9p_config(cfg, tag), VIRTIO_9P_CONFIG_MAX);
	ck_assert_uint_eq(io_data_get(cfg, 2), VIRTIO_9P_TAG_MAX);
	ck_assert_uint_eq(VIRTIO_9P_MOUNT_TAG, 0);
}
END_TEST

/* ---- request chains over a fake guest RAM ---- */

#define RAM	0x40000ULL
#define DESC	0x1000ULL
#define AVAIL	0x2000ULL
#define USED	0x3000ULL
#define QSIZE	8

static uint8_t *ram;
static struct mem_map map;
static struct vq q;
static struct vq_chain chain;
static struct p9c *pc;
static uint8_t *req, *resp;

static void ring_setup(void)
{
	ram = aligned_alloc(4096, RAM);	/* pages of "guest RAM" are host pages (the drill's) */
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, RAM);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, 0, RAM, ram), 0);
	ck_assert(vq_setup(&q, &map, "virtio-9p0", QSIZE, DESC, AVAIL, USED, false));
	pc = p9c_new_bare(0, 0);
	ck_assert_ptr_nonnull(pc);
	req = malloc(P9_MSIZE_MAX);
	resp = malloc(P9_MSIZE_MAX);
}

static void ring_teardown(void)
{
	p9c_free(pc);
	free(req);
	free(resp);
	free(ram);
}

/* Descriptors (gpa, len, writable) chained from 0; one more avail entry. */
static void post(unsigned int n, const uint64_t (*d)[3])
{
	static uint16_t idx;

	vq_fixture_post(ram, DESC, AVAIL, QSIZE, &idx, n, d);
	ck_assert_int_eq(vq_pop(&q, &chain), VQ_OK);
}

static uint32_t serve(bool *fault)
{
	return virtio_9p_serve(&pc->s, &q, &chain, req, resp, P9_MSIZE_MAX, fault);
}

START_TEST(test_9p_chain)
{
	uint8_t msg[64];
	size_t n = p9c_build(msg, sizeof(msg), P9_TVERSION, "4s", 65536, "9P2000.L");
	bool fault;
	uint32_t len;

	/* Tversion split over two readable buffers; the answer over two writable ones. */
	memcpy(ram + 0x8000, msg, 5);
	memcpy(ram + 0x9000, msg + 5, n - 5);
	post(4, (const uint64_t[][3]){ { 0x8000, 5, 0 }, { 0x9000, (uint64_t)n - 5, 0 },
				      { 0xa000, 7, 1 }, { 0xb000, 4096, 1 } });
	len = serve(&fault);
	ck_assert(!fault);
	ck_assert_uint_eq(len, n);	/* Rversion: same shape as Tversion */
	ck_assert_uint_eq(io_data_get(ram + 0xa000, 4), n);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RVERSION);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 5, 2), 0x1234);	/* p9c_build's tag */
	ck_assert_uint_eq(io_data_get(ram + 0xb000, 4), 65536);	/* msize, scattered on */
	ck_assert_uint_eq(pc->s.msize, 65536);
	ck_assert_uint_eq(pc->s.stats.requests, 1);

	/* Room for an Rlerror only: the answer is EMSGSIZE in 11 bytes. */
	n = p9c_build(msg, sizeof(msg), P9_TATTACH, "44ss4", 1, P9_NOFID, "root", "", 0);
	memcpy(ram + 0x8000, msg, n);
	post(2, (const uint64_t[][3]){ { 0x8000, n, 0 }, { 0xa000, 11, 1 } });
	ck_assert_uint_eq(serve(&fault), 11);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RLERROR);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 5, 2), 0x1234);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EMSGSIZE);

	/* No room even for that: nothing written, length 0. */
	memset(ram + 0xa000, 0x5a, 16);
	post(2, (const uint64_t[][3]){ { 0x8000, n, 0 }, { 0xa000, 10, 1 } });
	ck_assert_uint_eq(serve(&fault), 0);
	ck_assert_uint_eq(ram[0xa000], 0x5a);

	/* No readable part: answered NOTAG EPROTO, as the server does short messages. */
	post(1, (const uint64_t[][3]){ { 0xa000, 64, 1 } });
	ck_assert_uint_eq(serve(&fault), 11);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 5, 2), P9_NOTAG);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EPROTO);

	/* A Tattach of a new fid with room: attached. */
	n = p9c_build(msg, sizeof(msg), P9_TATTACH, "44ss4", 2, P9_NOFID, "root", "", 0);
	memcpy(ram + 0x8000, msg, n);
	post(2, (const uint64_t[][3]){ { 0x8000, n, 0 }, { 0xa000, 64, 1 } });
	ck_assert_uint_eq(serve(&fault), P9_HDR + P9_QID_SIZE);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RATTACH);
	ck_assert(!fault);
}
END_TEST

/* A readable part larger than msize: only msize bytes are gathered. */
START_TEST(test_9p_chain_msize)
{
	uint8_t msg[64];
	size_t n = p9c_build(msg, sizeof(msg), P9_TVERSION, "4s", 4096, "9P2000.L");
	bool fault;

	memcpy(ram + 0x8000, msg, n);
	post(2, (const uint64_t[][3]){ { 0x8000, n, 0 }, { 0xa000, 64, 1 } });
	ck_assert_uint_eq(serve(&fault), n);
	ck_assert_uint_eq(pc->s.msize, 4096);
	/* A Tclunk whose size field claims 8 KiB, in a 16 KiB buffer: past msize. */
	n = p9c_build(msg, sizeof(msg), P9_TCLUNK, "4", 5);
	io_data_put(msg, 4, 8192);
	memcpy(ram + 0x10000, msg, n);
	post(2, (const uint64_t[][3]){ { 0x10000, 16384, 0 }, { 0xa000, 64, 1 } });
	ck_assert_uint_eq(serve(&fault), 11);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RLERROR);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EPROTO);
}
END_TEST

/* The drill's raise: the SIGBUS the kernel sends for a poisoned page, on this thread. */
static int raise_ar(uint64_t hva, unsigned int lsb)
{
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, hva, lsb);
}

/* Memory errors on this thread recorded into rq, routed against the fake guest RAM. */
static void ras_on(struct ras_queue *rq)
{
	static struct vm vm;

	memset(rq, 0, sizeof(*rq));
	vm.mem = map;
	vm.page_shift = 12;
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(ras_thread_attach(rq), 0);
	ras_set_vm(&vm);
}

/*
 * A poisoned page in a request's body: Rlerror EIO under the request's tag,
 * the memory error recorded for routing, naming the device; then a poisoned
 * page under the header: the same, with NOTAG. The server is untouched.
 */
START_TEST(test_9p_chain_poison)
{
	static struct ras_queue rq;
	struct ras_record r;
	uint8_t msg[64];
	size_t n = p9c_build(msg, sizeof(msg), P9_TVERSION, "4s", 65536, "9P2000.L");
	bool fault;

	if (skip_emulated("test_9p_chain_poison",
			  "qemu-user cannot leave a queued SIGBUS through siglongjmp (run natively)"))
		return;
	ras_on(&rq);
	/* Header on one page, the rest on a page the drill poisons. */
	memcpy(ram + 0x8ff9, msg, P9_HDR);
	memcpy(ram + 0x9000, msg + P9_HDR, n - P9_HDR);
	post(2, (const uint64_t[][3]){ { 0x8ff9, n, 0 }, { 0xa000, 64, 1 } });
	mem_drill_arm((uintptr_t)(ram + 0x9000), 12, raise_ar);
	ck_assert_uint_eq(serve(&fault), 11);
	ck_assert(fault);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RLERROR);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 5, 2), 0x1234);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EIO);
	ck_assert_uint_eq(pc->s.msize, 0);	/* the Tversion never reached the server */
	ck_assert_uint_eq(pc->s.stats.errors, 1);
	ck_assert(ras_queue_pop(&rq, &r));
	ck_assert_uint_eq(r.kind, RAS_AR);
	ck_assert_uint_eq(r.hva, (uintptr_t)(ram + 0x9000));
	ck_assert_str_eq(r.reader, "virtio-9p0");
	/* The header's own page: NOTAG. */
	post(2, (const uint64_t[][3]){ { 0x8ff9, n, 0 }, { 0xa000, 64, 1 } });
	mem_drill_arm((uintptr_t)(ram + 0x8000), 12, raise_ar);
	ck_assert_uint_eq(serve(&fault), 11);
	ck_assert(fault);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 5, 2), P9_NOTAG);
	ck_assert(ras_queue_pop(&rq, &r));
	/* The next request goes through. */
	post(2, (const uint64_t[][3]){ { 0x8ff9, n, 0 }, { 0xa000, 64, 1 } });
	ck_assert_uint_eq(serve(&fault), n);
	ck_assert(!fault);
	ck_assert_uint_eq(pc->s.msize, 65536);
	ras_set_vm(NULL);
	ras_thread_detach();
}
END_TEST

/* 6000 bytes of a pattern, in the share as "f", opened as fid 1 of a negotiated server. */
#define RD_LEN	6000

static struct p9c *read_setup(uint8_t *want)
{
	struct p9c *c = p9c_new(0, 0);
	char text[RD_LEN + 1];

	ck_assert_ptr_nonnull(c);
	for (size_t i = 0; i < RD_LEN; i++)
		text[i] = want[i] = (uint8_t)('a' + i % 23);
	text[RD_LEN] = '\0';
	ck_assert_int_eq(p9c_put_file(c, "f", text), 0);
	ck_assert_int_eq(p9c_open(c, 1, "f", 0), 0);
	return c;
}

/* Tread fid 1 at off for count, answered into 11 header bytes at 0xa000, then 0xb000 and 0xc000. */
static uint32_t read_chain(struct p9c *c, uint64_t off, uint32_t count, bool *fault)
{
	uint8_t msg[64];
	size_t n = p9c_build(msg, sizeof(msg), P9_TREAD, "484", 1, off, count);

	memcpy(ram + 0x8000, msg, n);
	post(4, (const uint64_t[][3]){ { 0x8000, n, 0 }, { 0xa000, P9_HDR + 4, 1 },
				      { 0xb000, 4096, 1 }, { 0xc000, 8192, 1 } });
	memset(resp, 0xaa, P9_MSIZE_MAX);
	return virtio_9p_serve(&c->s, &q, &chain, req, resp, P9_MSIZE_MAX, fault);
}

/*
 * Tread's data goes straight into the guest's pages, across two buffers,
 * never through lkvm's answer buffer (which keeps its filler); the header
 * is scattered as before. Short at the end of the file; past it, 0 bytes.
 */
START_TEST(test_9p_chain_read_direct)
{
	static uint8_t want[RD_LEN];
	struct p9c *c = read_setup(want);
	bool fault;

	ck_assert_uint_eq(read_chain(c, 0, 8192, &fault), P9_HDR + 4 + RD_LEN);
	ck_assert(!fault);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RREAD);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), RD_LEN);
	ck_assert_mem_eq(ram + 0xb000, want, 4096);
	ck_assert_mem_eq(ram + 0xc000, want + 4096, RD_LEN - 4096);
	for (size_t i = P9_HDR + 4; i < P9_HDR + 4 + RD_LEN; i++)
		ck_assert_msg(resp[i] == 0xaa, "resp[%zu] was written: a second copy", i);
	ck_assert_uint_eq(c->s.stats.bytes_read, RD_LEN);
	ck_assert_ptr_null(c->s.direct.pread);	/* not left pointing at this chain */

	/* From the middle, less than the file: exactly count bytes. */
	memset(ram + 0xb000, 0, 4096);
	ck_assert_uint_eq(read_chain(c, 100, 10, &fault), P9_HDR + 4 + 10);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), 10);
	ck_assert_mem_eq(ram + 0xb000, want + 100, 10);
	ck_assert_uint_eq(ram[0xb000 + 10], 0);

	/* Past the end: Rread of 0 bytes. */
	ck_assert_uint_eq(read_chain(c, RD_LEN, 4096, &fault), P9_HDR + 4);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), 0);
	/* An unopened fid: Rlerror, nothing counted as placed. */
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", 1), 0);
	ck_assert_uint_eq(read_chain(c, 0, 4096, &fault), 11);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RLERROR);
	ck_assert_uint_eq(c->s.direct.len, 0);
	p9c_free(c);
}
END_TEST

/*
 * A guest page the kernel cannot write (here a page of an empty memfd: a
 * bus error for lkvm, EFAULT for preadv): the first buffer is filled
 * directly, the rest falls to the guarded copy, which meets the fault and
 * answers EIO, as a poisoned page does; then a drill, which the direct
 * read leaves to the guarded copy: EIO and the event naming virtio-9p0.
 */
START_TEST(test_9p_chain_read_fault)
{
	static struct ras_queue rq;
	static uint8_t want[RD_LEN];
	struct ras_record r;
	struct p9c *c;
	bool fault;
	int fd;

	if (skip_emulated("test_9p_chain_read_fault",
			  "qemu-user cannot leave a queued SIGBUS through siglongjmp (run natively)"))
		return;
	c = read_setup(want);
	ras_on(&rq);
	fd = memfd_create("hole", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_eq(mmap(ram + 0xc000, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			      fd, 0), ram + 0xc000);
	ck_assert_uint_eq(read_chain(c, 0, 8192, &fault), 11);
	ck_assert(fault);
	ck_assert_uint_eq(ram[0xa000 + 4], P9_RLERROR);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EIO);
	ck_assert_mem_eq(ram + 0xb000, want, 4096);	/* placed before the fault */
	ck_assert_ptr_eq(mmap(ram + 0xc000, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ram + 0xc000);
	close(fd);

	mem_drill_arm((uintptr_t)(ram + 0xc000), 12, raise_ar);
	ck_assert_uint_eq(read_chain(c, 0, 8192, &fault), 11);
	ck_assert(fault);
	ck_assert_uint_eq(io_data_get(ram + 0xa000 + 7, 4), EIO);
	ck_assert(ras_queue_pop(&rq, &r));
	ck_assert_uint_eq(r.kind, RAS_AR);
	ck_assert_uint_eq(r.hva, (uintptr_t)(ram + 0xc000));
	ck_assert_str_eq(r.reader, "virtio-9p0");
	/* The next read goes through, directly. */
	ck_assert_uint_eq(read_chain(c, 0, 8192, &fault), P9_HDR + 4 + RD_LEN);
	ck_assert(!fault);
	ck_assert_mem_eq(ram + 0xc000, want + 4096, RD_LEN - 4096);
	ras_set_vm(NULL);
	ras_thread_detach();
	p9c_free(c);
}
END_TEST

Suite *virtio_9p_suite(void)
{
	Suite *s = suite_create("virtio-9p");
	TCase *tc = tcase_create("options");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_9p_good);
	tcase_add_loop_test(tc, test_9p_bad, 0, sizeof(bad_rows) / sizeof(bad_rows[0]));
	tcase_add_test(tc, test_9p_limits);
	tcase_add_test(tc, test_9p_help);
	tcase_add_test(tc, test_9p_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("chain");
	tcase_add_checked_fixture(tc, ring_setup, ring_teardown);
	tcase_add_test(tc, test_9p_chain);
	tcase_add_test(tc, test_9p_chain_msize);
	tcase_add_test(tc, test_9p_chain_poison);
	tcase_add_test(tc, test_9p_chain_read_direct);
	tcase_add_test(tc, test_9p_chain_read_fault);
	suite_add_tcase(s, tc);
	return s;
}
