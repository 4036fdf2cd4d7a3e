// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's request path without KVM: chains through blk_serve() over a
 * fake guest RAM and ring against a temporary image. Reads and writes go
 * straight between the image and the guest's pages (nothing through the
 * bounce buffer), across chunks; a page the kernel cannot touch, or a
 * drill, fails just that request through the guarded copy, with the event.
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

#include "hw/virtio-blk.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
#include "lkvm/ras.h"
#include "lkvm/vm.h"
#include "suites.h"
#include "vq-fixture.h"

#define RAM	(4ULL << 20)
#define DESC	0x1000ULL
#define AVAIL	0x2000ULL
#define USED	0x3000ULL
#define QSIZE	8
#define HDR	0x8000ULL	/* the request header */
#define STATUS	0x9000ULL	/* the status byte */
#define IMG	(4ULL << 20)	/* the image: 4 MiB of a pattern */

static uint8_t *ram;
static struct mem_map map;
static struct vq q;
static struct vq_chain chain;
static struct blk_disk disk;
static char path[64];

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 4096);
}

static void blk_setup(void)
{
	static uint8_t buf[64 << 10];
	int fd;

	ram = aligned_alloc(4096, RAM);	/* pages of "guest RAM" are host pages */
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, RAM);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, 0, RAM, ram), 0);
	ck_assert(vq_setup(&q, &map, "virtio-blk0", QSIZE, DESC, AVAIL, USED, false));
	snprintf(path, sizeof(path), "/tmp/lkvm-vblk-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (uint64_t o = 0; o < IMG; o += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(o + i);
		ck_assert_int_eq(pwrite(fd, buf, sizeof(buf), (off_t)o), (ssize_t)sizeof(buf));
	}
	disk = (struct blk_disk){ .fd = fd, .dfd = -1, .sectors = IMG / BLK_SECTOR,
				  .id = "disk.img" };
}

static void blk_teardown(void)
{
	if (disk.dfd >= 0)
		close(disk.dfd);
	close(disk.fd);
	free(disk.bounce);
	unlink(path);
	free(ram);
}

/*
 * A request: the header (type, sector) at HDR, then the data buffers
 * (gpa, len), then the status byte; data writable for a read or get-id.
 */
static uint8_t request(uint32_t type, uint64_t sector, unsigned int n, const uint64_t (*data)[2],
		       uint32_t *written)
{
	static uint16_t idx;
	uint64_t d[8][3] = { { HDR, BLK_HDR_LEN, 0 } };
	unsigned int nd = 1;

	io_data_put(ram + HDR, 4, type);
	io_data_put(ram + HDR + 4, 4, 0);
	io_data_put(ram + HDR + 8, 8, sector);
	for (unsigned int i = 0; i < n; i++, nd++) {
		d[nd][0] = data[i][0];
		d[nd][1] = data[i][1];
		d[nd][2] = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	}
	d[nd][0] = STATUS;
	d[nd][1] = 1;
	d[nd++][2] = 1;
	vq_fixture_post(ram, DESC, AVAIL, QSIZE, &idx, nd, (const uint64_t(*)[3])d);
	ck_assert_int_eq(vq_pop(&q, &chain), VQ_OK);
	return blk_serve(&disk, &q, &chain, written);
}

static void assert_pattern(const uint8_t *p, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(off + i))
			ck_abort_msg("byte %zu from image offset %llu: %u, not %u", i,
				     (unsigned long long)off, p[i], pattern(off + i));
}

/* size_max and seg_max offered, with the values that let Linux send large requests. */
START_TEST(test_blk_config)
{
	uint8_t cfg[BLK_CONFIG_LEN];

	blk_config(&disk, cfg);
	ck_assert_uint_eq(io_data_get(cfg, 8), IMG / BLK_SECTOR);
	ck_assert_uint_eq(io_data_get(cfg + 8, 4), BLK_SIZE_MAX);
	ck_assert_uint_ge(BLK_SIZE_MAX, 1u << 20);
	ck_assert_uint_eq(io_data_get(cfg + 12, 4), VQ_MAX_SIZE - 2);
	ck_assert(blk_features(&disk) & (1ULL << VIRTIO_BLK_F_SIZE_MAX));
	ck_assert(blk_features(&disk) & (1ULL << VIRTIO_BLK_F_SEG_MAX));
	ck_assert(blk_features(&disk) & (1ULL << VIRTIO_BLK_F_DISCARD));
	disk.ro = true;
	ck_assert(blk_features(&disk) & (1ULL << VIRTIO_BLK_F_RO));
	ck_assert(!(blk_features(&disk) & (1ULL << VIRTIO_BLK_F_DISCARD)));
}
END_TEST

/* A read lands in two buffers straight from the image: nothing through the bounce buffer. */
START_TEST(test_blk_read_direct)
{
	uint32_t written;

	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 3,
				  2, (const uint64_t[][2]){ { 0xb000, 4096 }, { 0xd200, 1536 } },
				  &written), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(written, 4096 + 1536);
	assert_pattern(ram + 0xb000, 3 * 512, 4096);
	assert_pattern(ram + 0xd200, 3 * 512 + 4096, 1536);
	ck_assert_uint_eq(ram[0xd200 + 1536], 0);
	ck_assert_uint_eq(disk.direct_bytes, 4096 + 1536);
	ck_assert_uint_eq(disk.guarded_bytes, 0);
	ck_assert_ptr_null(disk.bounce);
}
END_TEST

/* A write goes from the guest's buffers to the image; the sectors around stay. */
START_TEST(test_blk_write_direct)
{
	uint8_t got[3 * 512];
	uint32_t written;

	memset(ram + 0xb000, 0x5a, 512);
	memset(ram + 0xc000, 0xa5, 512);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_OUT, 10,
				  2, (const uint64_t[][2]){ { 0xb000, 512 }, { 0xc000, 512 } },
				  &written), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(written, 0);
	ck_assert_int_eq(pread(disk.fd, got, sizeof(got), 9 * 512), (ssize_t)sizeof(got));
	assert_pattern(got, 9 * 512, 512);
	for (int i = 0; i < 512; i++) {
		ck_assert_uint_eq(got[512 + i], 0x5a);
		ck_assert_uint_eq(got[1024 + i], 0xa5);
	}
	ck_assert_uint_eq(disk.direct_bytes, 1024);
	ck_assert_uint_eq(disk.guarded_bytes, 0);
}
END_TEST

/*
 * 1.5 MiB in two buffers of 768 KiB: two chunks, the first ending inside
 * the second buffer; every byte in place. Then a read past the image's
 * end, a length not in sectors, a write to a read-only disk: I/O errors.
 */
START_TEST(test_blk_read_chunks)
{
	uint32_t written;

	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 8, 2,
				  (const uint64_t[][2]){ { 0x100000, 768 << 10 },
							 { 0x100000 + (768 << 10), 768 << 10 } },
				  &written), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(written, 1536 << 10);
	assert_pattern(ram + 0x100000, 8 * 512, 1536 << 10);
	ck_assert_uint_eq(disk.guarded_bytes, 0);

	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, IMG / BLK_SECTOR - 1, 1,
				  (const uint64_t[][2]){ { 0xb000, 1024 } }, &written),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(written, 0);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 1, (const uint64_t[][2]){ { 0xb000, 1000 } },
				  &written), VIRTIO_BLK_S_IOERR);
	disk.ro = true;
	ck_assert_uint_eq(request(VIRTIO_BLK_T_OUT, 0, 1, (const uint64_t[][2]){ { 0xb000, 512 } },
				  &written), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_GET_ID, 0, 1, (const uint64_t[][2]){ { 0xb000, 20 } },
				  &written), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(written, 20);
	ck_assert_mem_eq(ram + 0xb000, "disk.img\0\0\0", 11);
}
END_TEST

static bool stop_now(void *ctx)
{
	return *(bool *)ctx;
}

/* A stopping VM: the request gives up before its first chunk. */
START_TEST(test_blk_stopping)
{
	bool stop = true;
	uint32_t written;

	disk.stopping = stop_now;
	disk.ctx = &stop;
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 1, (const uint64_t[][2]){ { 0xb000, 4096 } },
				  &written), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(ram[0xb000], 0);
	stop = false;
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 1, (const uint64_t[][2]){ { 0xb000, 4096 } },
				  &written), VIRTIO_BLK_S_OK);
	assert_pattern(ram + 0xb000, 0, 4096);
}
END_TEST

/*
 * ,direct: the data path on an O_DIRECT descriptor; a buffer O_DIRECT
 * refuses (not 512-byte aligned in memory) falls back to the buffered one.
 */
START_TEST(test_blk_odirect)
{
	uint32_t written;

	disk.dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (disk.dfd < 0) {
		printf("SKIP test_blk_odirect: O_DIRECT on %s: %s\n", path, strerror(errno));
		return;
	}
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 16, 1, (const uint64_t[][2]){ { 0x10000, 8192 } },
				  &written), VIRTIO_BLK_S_OK);
	assert_pattern(ram + 0x10000, 16 * 512, 8192);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 1, 1, (const uint64_t[][2]){ { 0x20100, 4096 } },
				  &written), VIRTIO_BLK_S_OK);
	assert_pattern(ram + 0x20100, 512, 4096);
	ck_assert_uint_eq(disk.direct_bytes, 8192 + 4096);
	ck_assert_uint_eq(disk.guarded_bytes, 0);
}
END_TEST

static int raise_ar(uint64_t hva, unsigned int lsb)
{
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, hva, lsb);
}

static struct ras_queue rq;

/* Memory errors on this thread recorded into rq, routed against the fake guest RAM. */
static bool ras_on(const char *test)
{
	static struct vm vm;

	if (skip_emulated(test, "qemu-user cannot leave a queued SIGBUS through siglongjmp (run natively)"))
		return false;
	memset(&rq, 0, sizeof(rq));
	vm.mem = map;
	vm.page_shift = 12;
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(ras_thread_attach(&rq), 0);
	ras_set_vm(&vm);
	return true;
}

static void ras_off(void)
{
	ras_set_vm(NULL);
	ras_thread_detach();
}

/* A page the kernel cannot touch (an empty memfd's: EFAULT for it, a bus error for lkvm). */
static int hole_at(uint64_t gpa)
{
	int fd = memfd_create("hole", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_eq(mmap(ram + gpa, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0),
			 ram + gpa);
	return fd;
}

static void hole_fill(uint64_t gpa, int fd)
{
	ck_assert_ptr_eq(mmap(ram + gpa, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ram + gpa);
	close(fd);
}

static void assert_event(uint64_t gpa)
{
	struct ras_record r;

	ck_assert(ras_queue_pop(&rq, &r));
	ck_assert_uint_eq(r.kind, RAS_AR);
	ck_assert_uint_eq(r.hva, (uintptr_t)(ram + gpa));
	ck_assert_str_eq(r.reader, "virtio-blk0");
}

/*
 * A read whose second buffer the kernel cannot write: the first is filled
 * directly, the rest falls to the guarded copy, which meets the bus error
 * (a poisoned page's is test_blk_drill's): the request fails; the next
 * one goes through directly.
 */
START_TEST(test_blk_read_fault)
{
	uint32_t written;
	int fd;

	if (!ras_on("test_blk_read_fault"))
		return;
	fd = hole_at(0xc000);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 2,
				  (const uint64_t[][2]){ { 0xb000, 4096 }, { 0xc000, 4096 } },
				  &written), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(written, 0);
	assert_pattern(ram + 0xb000, 0, 4096);		/* placed before the fault */
	ck_assert_uint_eq(disk.direct_bytes, 4096);
	ck_assert_uint_eq(disk.guarded_bytes, 0);
	hole_fill(0xc000, fd);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 2,
				  (const uint64_t[][2]){ { 0xb000, 4096 }, { 0xc000, 4096 } },
				  &written), VIRTIO_BLK_S_OK);
	assert_pattern(ram + 0xc000, 4096, 4096);
	ck_assert_uint_eq(disk.direct_bytes, 4096 + 8192);
	ras_off();
}
END_TEST

/*
 * A write whose second buffer the kernel cannot read: the first buffer's
 * sectors reach the image, the second's do not; the request fails.
 */
START_TEST(test_blk_write_fault)
{
	uint8_t got[1024];
	uint32_t written;
	int fd;

	if (!ras_on("test_blk_write_fault"))
		return;
	memset(ram + 0xb000, 0x5a, 512);
	fd = hole_at(0xc000);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_OUT, 2, 2,
				  (const uint64_t[][2]){ { 0xb000, 512 }, { 0xc000, 512 } },
				  &written), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(disk.direct_bytes, 512);
	ck_assert_uint_eq(disk.guarded_bytes, 0);
	ck_assert_int_eq(pread(disk.fd, got, sizeof(got), 2 * 512), (ssize_t)sizeof(got));
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(got[i], 0x5a);
	assert_pattern(got + 512, 3 * 512, 512);
	hole_fill(0xc000, fd);
	ras_off();
}
END_TEST

/* An armed drill: every byte through the guarded copy, which fires it: IOERR and the event. */
START_TEST(test_blk_drill)
{
	uint32_t written;

	if (!ras_on("test_blk_drill"))
		return;
	mem_drill_arm((uintptr_t)(ram + 0xc000), 12, raise_ar);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 2,
				  (const uint64_t[][2]){ { 0xb000, 4096 }, { 0xc000, 4096 } },
				  &written), VIRTIO_BLK_S_IOERR);
	assert_event(0xc000);
	ck_assert_uint_eq(disk.direct_bytes, 0);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 0, 2,
				  (const uint64_t[][2]){ { 0xb000, 4096 }, { 0xc000, 4096 } },
				  &written), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(disk.direct_bytes, 8192);
	assert_pattern(ram + 0xb000, 0, 8192);
	ras_off();
}
END_TEST

Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("requests");

	tcase_add_checked_fixture(tc, blk_setup, blk_teardown);
	tcase_add_test(tc, test_blk_config);
	tcase_add_test(tc, test_blk_read_direct);
	tcase_add_test(tc, test_blk_write_direct);
	tcase_add_test(tc, test_blk_read_chunks);
	tcase_add_test(tc, test_blk_stopping);
	tcase_add_test(tc, test_blk_odirect);
	tcase_add_test(tc, test_blk_read_fault);
	tcase_add_test(tc, test_blk_write_fault);
	tcase_add_test(tc, test_blk_drill);
	suite_add_tcase(s, tc);
	return s;
}
