// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net as a guest drives it: this file plays Linux's virtio_net (the
 * registers through the MMIO bus, rings and buffers in a fake guest RAM)
 * against the real device and its I/O thread, with a socket pair as the
 * backend: a stream one standing in for passt (4-byte big-endian lengths)
 * and a datagram one for a TAP. Features and config, frames both ways and
 * in order, frames split and batched in the stream, a frame waiting for
 * the guest's buffers, passt's socket drained while the guest has none,
 * bad transmit chains (each dropped by reason, the
 * device alive), a bad stream length and a backend that hangs up, stat.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw/net-frame.h"
#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/io-bus.h"
#include "lkvm/net-backend.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "suites.h"
#include "vdriver.h"

#define RAM		0x100000ULL
#define BUFS		0x40000ULL
#define WAIT_MS		3000
#define RXQ		0
#define TXQ		1

static struct vm vm;
static uint8_t *ram;
static int peer = -1;			/* the backend's other end: "passt" or "the TAP" */
static struct run_net net;

/* A backend on one end of a socket pair of type; the device on it. */
static void net_up(int type)
{
	struct net_backend *be = calloc(1, sizeof(*be));
	int sv[2];

	ck_assert_ptr_nonnull(be);
	ck_assert_int_eq(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	be->fd = sv[0];
	be->stream = type == SOCK_STREAM;
	be->rx = malloc(NET_RX_STAGE);
	ck_assert_ptr_nonnull(be->rx);
	snprintf(be->what, sizeof(be->what), "%s", be->stream ? "passt" : "tap9");
	peer = sv[1];
	memset(&net, 0, sizeof(net));
	net.mode = be->stream ? RUN_NET_USER : RUN_NET_TAP;
	net.be = be;
	ck_assert_int_eq(virtio_net_create(&vm, &net, "guest-1"), 0);
}

/* The driver's probe: MAC, STATUS, MTU and VERSION_1, both queues, DRIVER_OK. */
static void driver_init(void)
{
	vd_wr(0x070, 0);
	vd_wr(0x014, 0);
	ck_assert_uint_eq(vd_rd(0x010, 4) & ~(1u << VIRTIO_RING_F_INDIRECT_DESC | 1u << VIRTIO_RING_F_EVENT_IDX),
			  1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS | 1u << VIRTIO_NET_F_MTU);
	vd_features(1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS | 1u << VIRTIO_NET_F_MTU);
	vd_queues(2);
}

static void setup(void)
{
	test_vm_init(&vm);
	ram = aligned_alloc(4096, RAM);
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, RAM);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, RAM, ram), 0);
	vd_attach(&vm, ram);
}

static void teardown(void)
{
	devices_destroy(&vm);
	if (net.be) {
		close(net.be->fd);
		free(net.be->rx);
		free(net.be);
		net.be = NULL;
	}
	if (peer >= 0)
		close(peer);
	peer = -1;
	free(ram);
}

/* A frame of len bytes, a pattern from seed, as the guest sends it at gpa (header first). */
static void tx_frame(uint64_t gpa, size_t len, unsigned int seed)
{
	memset(ram + gpa, 0, NET_HDR_LEN);
	for (size_t i = 0; i < len; i++)
		ram[gpa + NET_HDR_LEN + i] = (uint8_t)(i * 31 + seed);
	vd_post(TXQ, 1, (const uint64_t[][3]){ { gpa, NET_HDR_LEN + len, 0 } });
}

static void read_all(int fd, uint8_t *b, size_t n)
{
	for (size_t o = 0; o < n;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		ck_assert_msg(poll(&p, 1, WAIT_MS) == 1, "the backend got %zu of %zu bytes", o, n);
		r = read(fd, b + o, n - o);
		ck_assert_int_gt(r, 0);
		o += (size_t)r;
	}
}

/* passt's side: the next frame is len bytes of seed's pattern. */
static void expect_stream_frame(size_t len, unsigned int seed)
{
	uint8_t b[NET_STREAM_HDR + NET_FRAME_MAX];

	read_all(peer, b, NET_STREAM_HDR);
	ck_assert_uint_eq((uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3], len);
	read_all(peer, b, len);
	for (size_t i = 0; i < len; i++)
		ck_assert_uint_eq(b[i], (uint8_t)(i * 31 + seed));
}

START_TEST(test_config_space)
{
	uint8_t mac[6];

	net_up(SOCK_STREAM);
	ck_assert_uint_eq(vd_rd(0x008, 4), VIRTIO_ID_NET);
	net_mac_from_name("guest-1", mac);
	for (unsigned int i = 0; i < 6; i++)
		ck_assert_uint_eq(vd_rd(0x100 + i, 1), mac[i]);
	ck_assert_uint_eq(vd_rd(0x106, 2), VIRTIO_NET_S_LINK_UP);
	ck_assert_uint_eq(vd_rd(0x10a, 2), NET_MTU);
	driver_init();
	ck_assert_uint_eq(vd_rd(0x070, 4), 1 | 2 | 8 | 4);
}
END_TEST

/* Guest -> passt: each frame framed, in order, whole; the chains come back with length 0. */
START_TEST(test_tx_stream)
{
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	driver_init();
	tx_frame(BUFS, 60, 1);
	tx_frame(BUFS + 0x1000, NET_FRAME_MAX, 2);
	/* Header and frame in three pieces. */
	memset(ram + BUFS + 0x3000, 0, NET_HDR_LEN);
	for (size_t i = 0; i < 100; i++)
		ram[(i < 40 ? BUFS + 0x3100 : BUFS + 0x3200 - 40) + i] = (uint8_t)(i * 31 + 3);
	vd_post(TXQ, 3, (const uint64_t[][3]){ { BUFS + 0x3000, NET_HDR_LEN, 0 },
					     { BUFS + 0x3100, 40, 0 }, { BUFS + 0x3200, 60, 0 } });
	expect_stream_frame(60, 1);
	expect_stream_frame(NET_FRAME_MAX, 2);
	expect_stream_frame(100, 3);
	for (unsigned int i = 0; i < 3; i++) {
		ck_assert(vd_used(TXQ, WAIT_MS, &g, &len));
		ck_assert_uint_eq(len, 0);
	}
	STAT("virtio-net0.tx_frames 3");
	STAT("virtio-net0.tx_bytes 1678");
	STAT("virtio-net0.drop_tx_short 0");
}
END_TEST

/* The guest's receive buffer at gpa holds the header (one buffer) and seed's pattern. */
static void expect_rx(uint64_t gpa, uint32_t len, size_t flen, unsigned int seed)
{
	ck_assert_uint_eq(len, NET_HDR_LEN + flen);
	for (unsigned int i = 0; i < NET_HDR_LEN; i++)
		ck_assert_uint_eq(ram[gpa + i], i == 10 ? 1 : 0);
	for (size_t i = 0; i < flen; i++)
		ck_assert_uint_eq(ram[gpa + NET_HDR_LEN + i], (uint8_t)(i * 17 + seed));
}

static size_t put_frame(uint8_t *b, size_t flen, unsigned int seed)
{
	net_stream_hdr(b, (uint32_t)flen);
	for (size_t i = 0; i < flen; i++)
		b[NET_STREAM_HDR + i] = (uint8_t)(i * 17 + seed);
	return NET_STREAM_HDR + flen;
}

static void post_rx(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t g = BUFS + 0x10000 + (uint64_t)(vd_q[RXQ].avail % VD_QSIZE) * 0x800;

		memset(ram + g, 0xee, 0x800);
		vd_post(RXQ, 1, (const uint64_t[][3]){ { g, NET_HDR_LEN + NET_FRAME_MAX, 1 } });
	}
}

/*
 * passt -> guest: two frames in one write, one split over two writes with
 * a pause between, one that waits for the guest's next buffer, and one
 * above the MTU (dropped, no buffer spent on it).
 */
START_TEST(test_rx_stream)
{
	uint8_t b[4 * (NET_STREAM_HDR + 0x1000)];
	size_t n;
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	driver_init();
	post_rx(3);
	n = put_frame(b, 60, 1);
	n += put_frame(b + n, NET_FRAME_MAX, 2);
	ck_assert_int_eq(write(peer, b, n), (ssize_t)n);
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, 60, 1);
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, NET_FRAME_MAX, 2);
	n = put_frame(b, 1000, 3);
	ck_assert_int_eq(write(peer, b, 7), 7);
	usleep(20000);
	ck_assert(!vd_used(RXQ, 0, &g, &len));	/* 3 bytes of frame: nothing yet */
	ck_assert_int_eq(write(peer, b + 7, n - 7), (ssize_t)(n - 7));
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, 1000, 3);
	/* No buffer left: the frame waits in lkvm, then goes to the next buffer given. */
	n = put_frame(b, NET_FRAME_MAX + 1, 4);
	n += put_frame(b + n, 200, 5);
	ck_assert_int_eq(write(peer, b, n), (ssize_t)n);
	usleep(50000);
	ck_assert(!vd_used(RXQ, 0, &g, &len));
	post_rx(1);
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, 200, 5);
	STAT("virtio-net0.rx_frames 4");
	STAT("virtio-net0.rx_bytes 2778");
	STAT("virtio-net0.drop_rx_long 1");
}
END_TEST

/*
 * passt's socket drained while the guest has no buffer: 330 frames (more
 * than 256 KiB, less than the stage) go through a socket that holds 4 KiB,
 * so passt's writes complete only if lkvm reads on; then every frame, in
 * order, into the buffers the guest gives one by one.
 */
START_TEST(test_rx_drain)
{
	const unsigned int frames = 330;
	const size_t one = NET_STREAM_HDR + NET_FRAME_MAX, total = frames * one;
	uint8_t *b = malloc(total);
	int small = 4096;
	size_t o = 0;
	uint64_t g;
	uint32_t len;

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_gt(total, 256 * 1024);
	ck_assert_uint_lt(total, NET_RX_STAGE);
	net_up(SOCK_STREAM);
	ck_assert_int_eq(setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(fcntl(peer, F_SETFL, O_NONBLOCK), 0);
	driver_init();
	vd_wr(0x050, RXQ);	/* a kick with no buffer: the device looks at the backend */
	for (unsigned int i = 0; i < frames; i++)
		put_frame(b + i * one, NET_FRAME_MAX, i);
	while (o < total) {
		struct pollfd p = { .fd = peer, .events = POLLOUT };
		ssize_t w;

		ck_assert_msg(poll(&p, 1, WAIT_MS) == 1,
			      "passt's socket full after %zu of %zu bytes: lkvm stopped reading it", o, total);
		w = write(peer, b + o, total - o);
		ck_assert_int_gt(w, 0);
		o += (size_t)w;
	}
	ck_assert(!vd_used(RXQ, 0, &g, &len));
	for (unsigned int i = 0; i < frames; i++) {
		post_rx(1);
		ck_assert_msg(vd_used(RXQ, WAIT_MS, &g, &len), "frame %u not delivered", i);
		expect_rx(g, len, NET_FRAME_MAX, i);
	}
	STAT("virtio-net0.rx_frames 330");
	STAT("virtio-net0.drop_rx_small 0");
	free(b);
}
END_TEST

/* A TAP's frames: one per datagram both ways, no length in front. */
START_TEST(test_tap)
{
	uint8_t b[NET_FRAME_MAX];
	uint64_t g;
	uint32_t len;

	net_up(SOCK_DGRAM);
	driver_init();
	tx_frame(BUFS, 98, 7);
	ck_assert(vd_used(TXQ, WAIT_MS, &g, &len));
	ck_assert_int_eq(read(peer, b, sizeof(b)), 98);
	for (size_t i = 0; i < 98; i++)
		ck_assert_uint_eq(b[i], (uint8_t)(i * 31 + 7));
	post_rx(2);
	for (size_t i = 0; i < 300; i++)
		b[i] = (uint8_t)(i * 17 + 8);
	ck_assert_int_eq(write(peer, b, 300), 300);
	ck_assert_int_eq(write(peer, b, 14), 14);
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, 300, 8);
	ck_assert(vd_used(RXQ, WAIT_MS, &g, &len));
	expect_rx(g, len, 14, 8);
}
END_TEST

/*
 * Hostile transmit chains, each dropped and counted by reason, its chain
 * given back; then a good frame still goes out, and nothing else did.
 */
START_TEST(test_tx_bad)
{
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	driver_init();
	tx_frame(BUFS, 1, 0);				/* shorter than an Ethernet header */
	tx_frame(BUFS + 0x1000, NET_FRAME_MAX + 1, 0);	/* above the MTU */
	memset(ram + BUFS + 0x3000, 0, 80);
	ram[BUFS + 0x3000] = 1;				/* NEEDS_CSUM, not offered */
	vd_post(TXQ, 1, (const uint64_t[][3]){ { BUFS + 0x3000, 80, 0 } });
	ram[BUFS + 0x3000] = 0;
	ram[BUFS + 0x3001] = 4;				/* GSO TCPv6, not offered */
	vd_post(TXQ, 1, (const uint64_t[][3]){ { BUFS + 0x3000, 80, 0 } });
	/* Outside RAM: the walker refuses the chain (bad_requests), length 0. */
	vd_post(TXQ, 1, (const uint64_t[][3]){ { RAM - 8, 80, 0 } });
	/* A receive-only chain on the transmit queue: nothing readable. */
	vd_post(TXQ, 1, (const uint64_t[][3]){ { BUFS + 0x4000, 80, 1 } });
	tx_frame(BUFS + 0x5000, 64, 9);
	for (unsigned int i = 0; i < 7; i++) {
		ck_assert(vd_used(TXQ, WAIT_MS, &g, &len));
		ck_assert_uint_eq(len, 0);
	}
	expect_stream_frame(64, 9);
	STAT("virtio-net0.tx_frames 1");
	STAT("virtio-net0.drop_tx_short 2");
	STAT("virtio-net0.drop_tx_long 1");
	STAT("virtio-net0.drop_tx_offload 2");
	STAT("virtio-net0.bad_requests 1");
	/* Nothing else reached passt. */
	ck_assert_int_eq(recv(peer, (uint8_t[4]){ 0 }, 4, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
}
END_TEST

/*
 * passt sends a length of 0: the stream cannot be followed. One line, the
 * backend down, the guest's frames dropped as "backend" from then on, the
 * device and its queues alive; the same after passt hangs up.
 */
START_TEST(test_backend_down)
{
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	driver_init();
	post_rx(2);
	ck_assert_int_eq(write(peer, (uint8_t[]){ 0, 0, 0, 0, 1, 2 }, 6), 6);
	for (int ms = 0; !__atomic_load_n(&net.be->down, __ATOMIC_ACQUIRE) && ms < WAIT_MS; ms++)
		usleep(1000);
	tx_frame(BUFS, 60, 1);
	ck_assert(vd_used(TXQ, WAIT_MS, &g, &len));
	STAT("virtio-net0.drop_backend 1");
	STAT("virtio-net0.tx_frames 0");
	ck_assert(!vd_used(RXQ, 20, &g, &len));	/* nothing delivered */
	ck_assert(net.be->down);
	ck_assert_uint_eq(vd_rd(0x070, 4) & 0x40, 0);	/* no DEVICE_NEEDS_RESET: the guest is fine */
}
END_TEST

START_TEST(test_backend_hangup)
{
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	driver_init();
	post_rx(1);
	close(peer);
	peer = -1;
	for (int ms = 0; !net.be->down && ms < WAIT_MS; ms++)
		usleep(1000);
	ck_assert(__atomic_load_n(&net.be->down, __ATOMIC_ACQUIRE));
	tx_frame(BUFS, 60, 1);
	ck_assert(vd_used(TXQ, WAIT_MS, &g, &len));
	STAT("virtio-net0.drop_backend 1");
}
END_TEST

/* passt's reader, late to start: every frame, whole and in order. */
static void *slow_reader(void *arg)
{
	unsigned int *frames = arg;

	usleep(100000);
	for (unsigned int i = 0; i < *frames; i++)
		expect_stream_frame(NET_FRAME_MAX - i % 7, i);
	return NULL;
}

/*
 * A full backend (small socket buffers, a reader that starts late): frames
 * wait in lkvm, none lost or torn, and the guest's ring drains as passt
 * reads; the thread never spins or blocks meanwhile (the stop still works).
 */
START_TEST(test_tx_backpressure)
{
	unsigned int frames = 100, sent = 0;
	int small = 4096;
	pthread_t reader;
	uint64_t g;
	uint32_t len;

	net_up(SOCK_STREAM);
	ck_assert_int_eq(setsockopt(net.be->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	driver_init();
	ck_assert_int_eq(pthread_create(&reader, NULL, slow_reader, &frames), 0);
	while (sent < frames) {
		if ((uint16_t)(vd_q[TXQ].avail - vd_q[TXQ].used) >= VD_QSIZE) {
			ck_assert_msg(vd_used(TXQ, WAIT_MS, &g, &len), "stuck after %u frames", sent);
			continue;
		}
		tx_frame(BUFS + (uint64_t)(vd_q[TXQ].avail % VD_QSIZE) * 0x800, NET_FRAME_MAX - sent % 7, sent);
		sent++;
	}
	ck_assert_int_eq(pthread_join(reader, NULL), 0);
	STAT("virtio-net0.drop_backend 0");
	ck_assert(!net.be->down);
}
END_TEST

Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_space);
	tcase_add_test(tc, test_tx_stream);
	tcase_add_test(tc, test_rx_stream);
	tcase_add_test(tc, test_rx_drain);
	tcase_add_test(tc, test_tap);
	tcase_add_test(tc, test_tx_bad);
	tcase_add_test(tc, test_backend_down);
	tcase_add_test(tc, test_backend_hangup);
	tcase_add_test(tc, test_tx_backpressure);
	suite_add_tcase(s, tc);
	return s;
}
