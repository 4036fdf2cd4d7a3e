// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-ports as a guest drives it: this file plays Linux's
 * virtio_console (the registers through the MMIO bus, as a vCPU's exits
 * reach them; rings and buffers in a fake guest RAM) against the real
 * device and its I/O thread, with pipes for the ports' fds. Features and
 * config, the control handshake, names, all 256 byte values both ways,
 * host EOF -> PORT_OPEN 0, the guest's close after its bytes, a full
 * out_fd (nothing dropped, no vCPU waiting), bad control messages, reset,
 * and the stat lines.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "hw/virtio-mmio.h"
#include "hw/virtio-ports.h"
#include "hw/vport-proto.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "suites.h"
#include "vdriver.h"

#define RAM		0x100000ULL
#define BUFS		0x40000ULL
#define WAIT_MS		3000

static struct vm vm;
static uint8_t *ram;
static uint64_t buf_next;

/* What ev() saw: "o0 c1 ..." and, at each close, the bytes waiting in its out pipe. */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static char ev_log[128];
static int ev_pipe[VPORT_MAX] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static int ev_waiting[VPORT_MAX];

static void on_event(void *opaque, unsigned int port, bool open)
{
	size_t o = strlen(ev_log);

	(void)opaque;
	pthread_mutex_lock(&ev_lock);
	snprintf(ev_log + o, sizeof(ev_log) - o, "%c%u ", open ? 'o' : 'c', port);
	if (!open && ev_pipe[port] >= 0)
		ioctl(ev_pipe[port], FIONREAD, &ev_waiting[port]);
	pthread_mutex_unlock(&ev_lock);
}

/* The driver's probe: features (MULTIPORT, VERSION_1), every queue, DRIVER_OK. */
static void driver_init(unsigned int nq)
{
	vd_features(1u << VIRTIO_CONSOLE_F_MULTIPORT);
	vd_queues(nq);
}

static uint64_t buf_alloc(size_t len)
{
	uint64_t g = buf_next;

	buf_next += (len + 15) & ~15ULL;
	ck_assert_uint_le(buf_next, RAM);
	return g;
}

static uint64_t post_in(unsigned int qi, size_t len)
{
	uint64_t g = buf_alloc(len);

	vd_post(qi, 1, (const uint64_t[][3]){ { g, len, 1 } });
	return g;
}

static void post_ctl(uint32_t id, uint16_t ev, uint16_t val, size_t len)
{
	uint64_t g = buf_alloc(VPORT_CTL_HDR);

	io_data_put(ram + g, 4, id);
	io_data_put(ram + g + 4, 2, ev);
	io_data_put(ram + g + 6, 2, val);
	vd_post(VPORT_CTL_TXQ, 1, (const uint64_t[][3]){ { g, len, 0 } });
}

/* The device's next control message is (id, event, value[, name]). */
static void expect_ctl(uint32_t id, uint16_t ev, uint16_t val, const char *name)
{
	uint64_t g;
	uint32_t len;

	ck_assert_msg(vd_used(VPORT_CTL_RXQ, WAIT_MS, &g, &len), "no control message (want event %u)", ev);
	ck_assert_uint_eq(len, VPORT_CTL_HDR + (name ? strlen(name) : 0));
	ck_assert_uint_eq(io_data_get(ram + g, 4), id);
	ck_assert_uint_eq(io_data_get(ram + g + 4, 2), ev);
	ck_assert_uint_eq(io_data_get(ram + g + 6, 2), val);
	if (name)
		ck_assert_int_eq(memcmp(ram + g + VPORT_CTL_HDR, name, strlen(name)), 0);
}

static void expect_done(unsigned int qi)
{
	uint64_t g;
	uint32_t len;

	ck_assert_msg(vd_used(qi, WAIT_MS, &g, &len), "queue %u: the request was not completed", qi);
}

static void setup(void)
{
	test_vm_init(&vm);
	ram = aligned_alloc(4096, RAM);
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, RAM);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, RAM, ram), 0);
	vd_attach(&vm, ram);
	buf_next = BUFS;
	ev_log[0] = '\0';
}

static void teardown(void)
{
	devices_destroy(&vm);
	free(ram);
}

static void read_all(int fd, uint8_t *b, size_t n)
{
	for (size_t o = 0; o < n;) {
		ssize_t r = read(fd, b + o, n - o);

		ck_assert_int_gt(r, 0);
		o += (size_t)r;
	}
}

START_TEST(test_ports_handshake_data_eof_close)
{
	int in[2], out[2], log[2];
	uint8_t all[256], rev[256], got[1000];
	uint64_t g, tx;
	uint32_t len;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(log, O_CLOEXEC), 0);
	const struct vport_spec s[] = { { "data", in[0], out[1] }, { "log.1", -1, log[1] } };

	ev_pipe[1] = log[0];
	ck_assert_int_eq(virtio_ports_add(&vm, s, 2, on_event, NULL), 0);
	close(in[0]);		/* the device holds its own copies */
	close(out[1]);
	close(log[1]);
	ck_assert_str_eq(vm.devices->name, "virtio-ports");
	ck_assert_uint_eq(vd_rd(0x008, 4), VIRTIO_ID_CONSOLE);
	vd_wr(0x014, 0);
	ck_assert_uint_eq(vd_rd(0x010, 4) & 7, 1u << VIRTIO_CONSOLE_F_MULTIPORT);	/* no SIZE, no EMERG_WRITE */
	ck_assert_uint_eq(vd_rd(0x104, 4), 2);		/* max_nr_ports */
	driver_init(6);

	/* The handshake: DEVICE_READY, then a DEVICE_ADD per port. */
	for (int i = 0; i < 8; i++)
		post_in(VPORT_CTL_RXQ, 256);
	post_ctl(0xffffffffu, VPORT_DEVICE_READY, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_DEVICE_ADD, 1, NULL);
	expect_ctl(1, VPORT_DEVICE_ADD, 1, NULL);

	/* Host bytes wait until the guest opens the port (Linux drops them before). */
	for (int i = 0; i < 256; i++) {
		all[i] = (uint8_t)i;
		rev[i] = (uint8_t)(255 - i);
	}
	ck_assert_int_eq(write(in[1], all, 256), 256);
	g = post_in(0, 4096);
	post_ctl(0, VPORT_PORT_READY, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_PORT_NAME, 1, "data");
	expect_ctl(0, VPORT_PORT_OPEN, 1, NULL);
	usleep(100 * 1000);
	ck_assert_uint_eq(vd_used_idx(0), 0);
	post_ctl(0, VPORT_PORT_OPEN, 1, VPORT_CTL_HDR);
	ck_assert(vd_used(0, WAIT_MS, &g, &len));
	ck_assert_uint_eq(len, 256);
	ck_assert_int_eq(memcmp(ram + g, all, 256), 0);

	/* Guest bytes, in two buffers, out unchanged. */
	tx = buf_alloc(256);
	memcpy(ram + tx, rev, 256);
	vd_post(1, 2, (const uint64_t[][3]){ { tx, 100, 0 }, { tx + 100, 156, 0 } });
	read_all(out[0], got, 256);
	ck_assert_int_eq(memcmp(got, rev, 256), 0);
	expect_done(1);

	/* Port 1: the guest writes 1000 bytes and closes; ev(close) comes after they are out. */
	post_ctl(1, VPORT_PORT_READY, 1, VPORT_CTL_HDR);
	expect_ctl(1, VPORT_PORT_NAME, 1, "log.1");
	expect_ctl(1, VPORT_PORT_OPEN, 1, NULL);
	post_ctl(1, VPORT_PORT_OPEN, 1, VPORT_CTL_HDR);
	tx = buf_alloc(1000);
	for (int i = 0; i < 1000; i++)
		ram[tx + i] = (uint8_t)(i * 7);
	vd_post(5, 1, (const uint64_t[][3]){ { tx, 1000, 0 } });
	post_ctl(1, VPORT_PORT_OPEN, 0, VPORT_CTL_HDR);
	for (int ms = 0; !strstr(ev_log, "c1") && ms < WAIT_MS; ms++)
		usleep(1000);
	ck_assert_str_eq(ev_log, "o0 o1 c1 ");
	ck_assert_int_eq(ev_waiting[1], 1000);
	read_all(log[0], got, 1000);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(got[i], (uint8_t)(i * 7));

	/* Host EOF after a tail: the tail first, then PORT_OPEN 0. */
	post_in(0, 4096);
	ck_assert_int_eq(write(in[1], "tail", 4), 4);
	close(in[1]);
	ck_assert(vd_used(0, WAIT_MS, &g, &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(ram + g, "tail", 4), 0);
	expect_ctl(0, VPORT_PORT_OPEN, 0, NULL);

	STAT("virtio-ports.data.to_guest 260");
	STAT("virtio-ports.data.from_guest 256");
	STAT("virtio-ports.log.1.from_guest 1000");
	STAT("virtio-ports.log.1.to_guest 0");
	STAT("virtio-ports.bad_control 0");
	ev_pipe[1] = -1;
	close(out[0]);
	close(log[0]);
}
END_TEST

/*
 * A guest that sends bad control messages: each refused and counted,
 * nothing answered, the device still serving; then a reset (status 0):
 * ev(close) for the open port, and the handshake again from the start.
 */
START_TEST(test_ports_bad_control_and_reset)
{
	int p[2];
	uint64_t g;
	uint32_t len;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	const struct vport_spec s[] = { { "only", p[0], -1 } };

	ck_assert_int_eq(virtio_ports_add(&vm, s, 1, on_event, NULL), 0);
	driver_init(4);
	for (int i = 0; i < 8; i++)
		post_in(VPORT_CTL_RXQ, 256);
	post_ctl(0, VPORT_PORT_READY, 1, VPORT_CTL_HDR);	/* before DEVICE_READY */
	post_ctl(0, VPORT_DEVICE_READY, 1, 4);			/* short */
	post_ctl(0, VPORT_DEVICE_ADD, 1, VPORT_CTL_HDR);	/* the device's event */
	post_ctl(0, VPORT_PORT_NAME, 1, VPORT_CTL_HDR);
	for (int i = 0; i < 4; i++)
		expect_done(VPORT_CTL_TXQ);
	usleep(50 * 1000);
	ck_assert_uint_eq(vd_used_idx(VPORT_CTL_RXQ), 0);
	STAT("virtio-ports.bad_control 4");
	post_ctl(0, VPORT_DEVICE_READY, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_DEVICE_ADD, 1, NULL);
	post_ctl(1, VPORT_PORT_READY, 1, VPORT_CTL_HDR);	/* no port 1 */
	post_ctl(0, VPORT_PORT_READY, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_PORT_NAME, 1, "only");
	expect_ctl(0, VPORT_PORT_OPEN, 1, NULL);
	post_ctl(0, VPORT_PORT_OPEN, 1, VPORT_CTL_HDR);
	STAT("virtio-ports.bad_control 5");

	for (int ms = 0; !strstr(ev_log, "o0") && ms < WAIT_MS; ms++)
		usleep(1000);
	vd_wr(0x070, 0);
	ck_assert_str_eq(ev_log, "o0 c0 ");
	ck_assert_uint_eq(vd_rd(0x070, 4), 0);

	/* After the reset: the handshake again; a receive buffer too small for the name loses it. */
	driver_init(4);
	post_in(VPORT_CTL_RXQ, 10);
	post_ctl(0, VPORT_DEVICE_READY, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_DEVICE_ADD, 1, NULL);
	post_in(VPORT_CTL_RXQ, 10);				/* "only" needs 12 */
	post_in(VPORT_CTL_RXQ, 256);
	post_ctl(0, VPORT_PORT_READY, 1, VPORT_CTL_HDR);
	ck_assert(vd_used(VPORT_CTL_RXQ, WAIT_MS, &g, &len));
	ck_assert_uint_eq(len, 0);
	expect_ctl(0, VPORT_PORT_OPEN, 1, NULL);
	STAT("virtio-ports.lost_control 1");
	close(p[1]);
	close(p[0]);
}
END_TEST

/*
 * out_fd full (a pipe of one page nobody reads): the guest's 64 KiB wait,
 * its chain stays the device's, a vCPU's register access does not wait
 * behind it; then every byte comes out in order.
 */
/* One port "out" on a pipe of one page; the driver set up. The pipe's read end. */
static int one_page_port(void)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_ge(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	const struct vport_spec s[] = { { "out", -1, p[1] } };

	ck_assert_int_eq(virtio_ports_add(&vm, s, 1, NULL, NULL), 0);
	close(p[1]);
	driver_init(4);
	return p[0];
}

/* The driver's side of port 0 ready and open (the handshake's first steps). */
static void port0_open(void)
{
	for (int i = 0; i < 4; i++)
		post_in(VPORT_CTL_RXQ, 256);
	post_ctl(0, VPORT_DEVICE_READY, 1, VPORT_CTL_HDR);
	post_ctl(0, VPORT_PORT_READY, 1, VPORT_CTL_HDR);
	post_ctl(0, VPORT_PORT_OPEN, 1, VPORT_CTL_HDR);
	expect_ctl(0, VPORT_DEVICE_ADD, 1, NULL);
}

START_TEST(test_ports_out_full)
{
	uint8_t *got = malloc(65536);
	uint64_t tx, t0;
	int r;

	ck_assert_ptr_nonnull(got);
	r = one_page_port();
	port0_open();
	tx = buf_alloc(65536);
	for (int i = 0; i < 65536; i++)
		ram[tx + i] = (uint8_t)(i ^ (i >> 8));
	vd_post(1, 1, (const uint64_t[][3]){ { tx, 65536, 0 } });
	usleep(200 * 1000);
	ck_assert_uint_eq(vd_used_idx(1), 0);		/* held: not all out */
	t0 = mono_ns();
	ck_assert_uint_eq(vd_rd(0x070, 4), 15);		/* the lock is free */
	ck_assert_uint_lt(mono_ns() - t0, 100000000ULL);
	read_all(r, got, 65536);
	for (int i = 0; i < 65536; i++)
		ck_assert_uint_eq(got[i], (uint8_t)(i ^ (i >> 8)));
	expect_done(1);
	STAT("virtio-ports.out.from_guest 65536");
	STAT("virtio-ports.out.dropped 0");
	close(r);
	free(got);
}
END_TEST

/* Read what comes within ms milliseconds of quiet; the byte count. */
static size_t drain(int fd, uint8_t *b, size_t cap, int ms)
{
	size_t o = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (o == cap || poll(&p, 1, ms) <= 0)
			return o;
		r = read(fd, b + o, cap - o);
		if (r <= 0)
			return o;
		o += (size_t)r;
	}
}

/*
 * A reset while guest bytes wait for a full out_fd: the chain is the
 * driver's again (its unread rest is gone with it), but the bytes lkvm
 * already took still come out once the fd has room, with no queue ready.
 */
START_TEST(test_ports_reset_keeps_staged)
{
	uint8_t *got = malloc(65536);
	uint64_t tx;
	int queued = 0, r;

	ck_assert_ptr_nonnull(got);
	r = one_page_port();
	tx = buf_alloc(65536);
	for (int i = 0; i < 65536; i++)
		ram[tx + i] = (uint8_t)(i * 13);
	vd_post(1, 1, (const uint64_t[][3]){ { tx, 65536, 0 } });
	for (int ms = 0; queued < 4096 && ms < WAIT_MS; ms++) {
		usleep(1000);
		ioctl(r, FIONREAD, &queued);
	}
	ck_assert_int_eq(queued, 4096);
	usleep(100 * 1000);		/* the second 4 KiB copied out, waiting for room */
	vd_wr(0x070, 0);
	ck_assert_uint_eq(drain(r, got, 65536, 500), 8192);
	for (int i = 0; i < 8192; i++)
		ck_assert_uint_eq(got[i], (uint8_t)(i * 13));
	STAT("virtio-ports.out.from_guest 8192");
	close(r);
	free(got);
}
END_TEST

/*
 * A guest powering off resets the device right after its last write, before
 * lkvm's thread took it (in the bed the thread shares the vCPU's CPU): the
 * bytes still in the transmit ring come out at the reset, none lost
 * (a sandbox's 1 MiB cat lost 68 KiB that way, 2026-12-08).
 */
START_TEST(test_ports_reset_flushes_ring)
{
	uint8_t *got = malloc(16384);
	uint64_t tx;
	int p[2];

	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	const struct vport_spec s[] = { { "out", -1, p[1] } };

	ck_assert_int_eq(virtio_ports_add(&vm, s, 1, NULL, NULL), 0);
	close(p[1]);
	driver_init(4);
	port0_open();
	tx = buf_alloc(16384);
	for (int i = 0; i < 16384; i++)
		ram[tx + i] = (uint8_t)(i * 7 + 1);
	vd_post_quiet(1, 1, (const uint64_t[][3]){ { tx, 8192, 0 } });
	vd_post_quiet(1, 1, (const uint64_t[][3]){ { tx + 8192, 8192, 0 } });
	vd_wr(0x070, 0);
	ck_assert_uint_eq(drain(p[0], got, 16384, 300), 16384);
	for (int i = 0; i < 16384; i++)
		ck_assert_uint_eq(got[i], (uint8_t)(i * 7 + 1));
	STAT("virtio-ports.out.from_guest 16384");
	close(p[0]);
	free(got);
}
END_TEST

/* Bad specs and a second device: refused with LKVM_EXIT_USAGE, nothing registered. */
START_TEST(test_ports_refused)
{
	const struct vport_spec bad[] = { { "x y", -1, -1 } };
	const struct vport_spec twice[] = { { "a", -1, -1 }, { "a", -1, -1 } };
	const struct vport_spec closed_fd[] = { { "a", 1000, -1 } };
	const struct vport_spec ok[] = { { "a", -1, -1 } };

	ck_assert_int_eq(virtio_ports_add(&vm, bad, 1, NULL, NULL), LKVM_EXIT_USAGE);
	ck_assert_int_eq(virtio_ports_add(&vm, twice, 2, NULL, NULL), LKVM_EXIT_USAGE);
	ck_assert_int_eq(virtio_ports_add(&vm, ok, 0, NULL, NULL), LKVM_EXIT_USAGE);
	ck_assert_int_eq(virtio_ports_add(&vm, closed_fd, 1, NULL, NULL), LKVM_EXIT_ERROR);
	ck_assert_ptr_null(vm.devices);
	ck_assert_int_eq(virtio_ports_add(&vm, ok, 1, NULL, NULL), 0);
	ck_assert_int_eq(virtio_ports_add(&vm, ok, 1, NULL, NULL), LKVM_EXIT_USAGE);
	ck_assert_int_eq(vm.mmio.nr, 1);
}
END_TEST

Suite *virtio_ports_suite(void)
{
	Suite *s = suite_create("virtio-ports");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ports_handshake_data_eof_close);
	tcase_add_test(tc, test_ports_bad_control_and_reset);
	tcase_add_test(tc, test_ports_out_full);
	tcase_add_test(tc, test_ports_reset_keeps_staged);
	tcase_add_test(tc, test_ports_reset_flushes_ring);
	tcase_add_test(tc, test_ports_refused);
	suite_add_tcase(s, tc);
	return s;
}
