// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's pure half (hw/net-frame.c): MAC syntax and the name-derived
 * MAC, the config space bytes, passt's stream framing one row per length,
 * and transmit and receive chains of every bad shape, each with the drop
 * reason the device must count. Guest RAM: one 64 KiB region at 0.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hw/net-frame.h"
#include "lkvm/io-bus.h"
#include "lkvm/ras.h"
#include "lkvm/run-opts.h"
#include "lkvm/vm.h"
#include "suites.h"

#define RAM_SIZE	0x10000ULL

static struct mem_map map;
static uint8_t *ram;
static struct vq q;

static void ram_setup(void)
{
	memset(&map, 0, sizeof(map));
	ram = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, RAM_SIZE);
	ck_assert_int_eq(mem_map_add(&map, 0, RAM_SIZE, ram), 0);
	memset(&q, 0, sizeof(q));
	q.mem = &map;
	q.who = "virtio-net0";
}

static void ram_teardown(void)
{
	free(ram);
}

START_TEST(test_mac)
{
	static const char *const bad[] = {
		"", "52:54:00:12:34", "52:54:00:12:34:5", "52:54:00:12:34:567", "52-54-00-12-34-56",
		"g2:54:00:12:34:56", "01:00:5e:00:00:01" /* multicast */, "ff:ff:ff:ff:ff:ff",
		"52:54:00:12:34:56:", " 52:54:00:12:34:56",
	};
	uint8_t mac[6] = { 0 }, again[6];

	ck_assert_int_eq(net_mac_parse("52:54:00:aB:Cd:ef", mac), 0);
	ck_assert_mem_eq(mac, ((uint8_t[]){ 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef }), 6);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(mac, 0x11, sizeof(mac));
		ck_assert_msg(net_mac_parse(bad[i], mac) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(mac[0], 0x11);	/* untouched */
	}
	/* From a name: stable, unicast, locally administered, differs by name. */
	net_mac_from_name("guest-1", mac);
	net_mac_from_name("guest-1", again);
	ck_assert_mem_eq(mac, again, 6);
	ck_assert_int_eq(mac[0], 0x02);
	ck_assert_int_eq(mac[1], 0x6c);
	ck_assert_int_eq(mac[2], 0x6b);
	net_mac_from_name("guest-2", again);
	ck_assert_int_ne(memcmp(mac, again, 6), 0);
	/* FNV-1a of "" is 0x811c9dc5: the tail bytes are its low 24 bits. */
	net_mac_from_name("", mac);
	ck_assert_mem_eq(mac, ((uint8_t[]){ 0x02, 0x6c, 0x6b, 0x1c, 0x9d, 0xc5 }), 6);
}
END_TEST

START_TEST(test_config)
{
	const uint8_t mac[6] = { 2, 3, 4, 5, 6, 7 };
	uint8_t cfg[NET_CONFIG_LEN];

	net_config(cfg, mac);
	ck_assert_mem_eq(cfg, mac, 6);
	ck_assert_uint_eq(io_data_get(cfg + 6, 2), VIRTIO_NET_S_LINK_UP);
	ck_assert_uint_eq(io_data_get(cfg + 8, 2), 1);
	ck_assert_uint_eq(io_data_get(cfg + 10, 2), 1500);
}
END_TEST

/* One row per stream prefix: what the device must conclude. */
static const struct stream_row {
	const char *what;
	uint8_t bytes[8];
	size_t have;
	int want;
	uint32_t flen;
} stream_rows[] = {
	{ "nothing yet", { 0 }, 0, 0, 0 },
	{ "three bytes of the length", { 0, 0, 0 }, 3, 0, 0 },
	{ "length 0: cannot be followed", { 0, 0, 0, 0 }, 4, -1, 0 },
	{ "length 65536: above any frame", { 0, 1, 0, 0 }, 4, -1, 0 },
	{ "length 2^32-1", { 0xff, 0xff, 0xff, 0xff }, 4, -1, 0 },
	{ "length 1, frame not yet here", { 0, 0, 0, 1 }, 4, 0, 0 },
	{ "length 1, whole", { 0, 0, 0, 1, 0xaa }, 5, 1, 1 },
	{ "length 3 of 4 bytes here", { 0, 0, 0, 4, 1, 2, 3 }, 7, 0, 0 },
	{ "length 2, and more after", { 0, 0, 0, 2, 1, 2, 0, 0 }, 8, 1, 2 },
	{ "big-endian, not little", { 0, 0, 1, 0, 0, 0, 0, 0 }, 8, 0, 0 },
};

START_TEST(test_stream)
{
	const struct stream_row *r = &stream_rows[_i];
	uint32_t flen = 0;

	ck_assert_msg(net_stream_frame(r->bytes, r->have, &flen) == r->want, "%s", r->what);
	if (r->want == 1)
		ck_assert_uint_eq(flen, r->flen);
}
END_TEST

START_TEST(test_stream_hdr)
{
	uint8_t h[4];
	uint32_t flen = 0;
	uint8_t buf[4 + 65535];

	net_stream_hdr(h, 0x0102);
	ck_assert_mem_eq(h, ((uint8_t[]){ 0, 0, 1, 2 }), 4);
	net_stream_hdr(buf, 65535);
	ck_assert_int_eq(net_stream_frame(buf, sizeof(buf), &flen), 1);
	ck_assert_uint_eq(flen, 65535);
	ck_assert_int_eq(net_stream_frame(buf, sizeof(buf) - 1, &flen), 0);
}
END_TEST

static void seg(struct vq_chain *c, uint64_t gpa, uint32_t len, bool write)
{
	c->seg[c->nr] = (struct vq_seg){ .gpa = gpa, .len = len, .write = write };
	c->nr++;
	if (write) {
		c->in_len += len;
	} else {
		c->nr_out++;
		c->out_len += len;
	}
}

/* Transmit chains: header at 0x1000, frame pieces after; what gather must say. */
static const struct tx_row {
	const char *what;
	uint32_t lens[3];	/* readable pieces at 0x1000, 0x3000, 0x5000 */
	uint8_t flags, gso;
	uint64_t bad_gpa;	/* non-zero: the second piece is there instead */
	long want;
	enum net_drop drop;
} tx_rows[] = {
	{ "header and a minimal frame", { 12, 14 }, 0, 0, 0, 14, 0 },
	{ "header, frame in three pieces", { 12, 1000, 518 }, 0, 0, 0, 1518, 0 },
	{ "frame split across the header's piece", { 20, 1498 }, 0, 0, 0, 1506, 0 },
	{ "the longest frame", { 12, NET_FRAME_MAX }, 0, 0, 0, NET_FRAME_MAX, 0 },
	{ "one byte longer", { 12, NET_FRAME_MAX + 1 }, 0, 0, 0, -1, NET_DROP_TX_LONG },
	{ "header only", { 12 }, 0, 0, 0, -1, NET_DROP_TX_SHORT },
	{ "header short of the Ethernet header", { 12, 13 }, 0, 0, 0, -1, NET_DROP_TX_SHORT },
	{ "NEEDS_CSUM without the feature", { 12, 60 }, 1, 0, 0, -1, NET_DROP_TX_OFFLOAD },
	{ "GSO TCPv4 without the feature", { 12, 60 }, 0, 1, 0, -1, NET_DROP_TX_OFFLOAD },
	{ "a piece outside RAM", { 12, 60 }, 0, 0, RAM_SIZE + 0x1000, -1, NET_DROP_TX_FAULT },
	{ "a piece straddling RAM's end", { 12, 60 }, 0, 0, RAM_SIZE - 30, -1, NET_DROP_TX_FAULT },
};

START_TEST(test_tx)
{
	const struct tx_row *r = &tx_rows[_i];
	static const uint64_t at[3] = { 0x1000, 0x3000, 0x5000 };
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint8_t *buf = malloc(NET_HDR_LEN + NET_FRAME_MAX);
	enum net_drop drop = NET_DROP_NR;
	uint8_t want[3 * 0x2000];
	size_t wn = 0;
	long n;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(buf);
	for (unsigned int i = 0; i < 3 && r->lens[i]; i++) {
		uint64_t gpa = i == 1 && r->bad_gpa ? r->bad_gpa : at[i];

		for (uint32_t k = 0; k < r->lens[i] && gpa + k < RAM_SIZE; k++)
			ram[gpa + k] = (uint8_t)(k * 7 + i);
		if (i == 0) {
			ram[gpa] = r->flags;
			ram[gpa + 1] = r->gso;
		}
		for (uint32_t k = 0; k < r->lens[i] && gpa + k < RAM_SIZE; k++)
			want[wn++] = ram[gpa + k];
		seg(c, gpa, r->lens[i], false);
	}
	seg(c, 0x8000, 100, true);	/* a writable tail is ignored */
	n = net_tx_gather(&q, c, buf, &drop);
	ck_assert_msg(n == r->want, "%s: %ld, want %ld", r->what, n, r->want);
	if (n >= 0)
		ck_assert_mem_eq(buf + NET_HDR_LEN, want + NET_HDR_LEN, (size_t)n);
	else
		ck_assert_msg(drop == r->drop, "%s: drop %s, want %s", r->what, net_drop_name(drop),
			      net_drop_name(r->drop));
	free(buf);
	free(c);
}
END_TEST

/* Receive chains: writable pieces; the frame's length; what fill must say. */
static const struct rx_row {
	const char *what;
	uint32_t lens[3];	/* writable pieces at 0x1000, 0x3000, 0x5000 */
	uint64_t bad_gpa;
	size_t flen;
	long want;
	enum net_drop drop;
} rx_rows[] = {
	{ "one buffer, header and frame", { 1526 }, 0, 1514, 1526, 0 },
	{ "header and frame apart", { 12, 1514 }, 0, 1514, 1526, 0 },
	{ "header split over two pieces", { 5, 7, 60 }, 0, 60, 72, 0 },
	{ "exactly the room", { 12, 60 }, 0, 60, 72, 0 },
	{ "one byte short", { 12, 59 }, 0, 60, -1, NET_DROP_RX_SMALL },
	{ "no writable bytes", { 0 }, 0, 60, -1, NET_DROP_RX_SMALL },
	{ "a frame above the MTU", { 12, 0x1800 }, 0, NET_FRAME_MAX + 1, -1, NET_DROP_RX_LONG },
	{ "a piece outside RAM", { 12, 100 }, RAM_SIZE, 60, -1, NET_DROP_RX_FAULT },
};

START_TEST(test_rx)
{
	const struct rx_row *r = &rx_rows[_i];
	static const uint64_t at[3] = { 0x1000, 0x3000, 0x5000 };
	struct vq_chain *c = calloc(1, sizeof(*c));
	enum net_drop drop = NET_DROP_NR;
	uint8_t frame[0x2000], hdr[NET_HDR_LEN], back[0x2000];
	size_t got = 0;
	long n;

	ck_assert_ptr_nonnull(c);
	for (size_t k = 0; k < sizeof(frame); k++)
		frame[k] = (uint8_t)(k * 13 + 5);
	memset(ram, 0xee, RAM_SIZE);
	seg(c, 0x800, 16, false);	/* a readable head is skipped */
	for (unsigned int i = 0; i < 3 && r->lens[i]; i++)
		seg(c, i == 1 && r->bad_gpa ? r->bad_gpa : at[i], r->lens[i], true);
	n = net_rx_fill(&q, c, frame, r->flen, &drop);
	ck_assert_msg(n == r->want, "%s: %ld, want %ld", r->what, n, r->want);
	if (n < 0) {
		ck_assert_msg(drop == r->drop, "%s: drop %s", r->what, net_drop_name(drop));
		free(c);
		return;
	}
	/* Read back the header and the frame from the writable pieces in order. */
	for (unsigned int i = c->nr_out; i < c->nr; i++) {
		for (uint32_t k = 0; k < c->seg[i].len && got < (size_t)n; k++, got++) {
			if (got < NET_HDR_LEN)
				hdr[got] = ram[c->seg[i].gpa + k];
			else
				back[got - NET_HDR_LEN] = ram[c->seg[i].gpa + k];
		}
	}
	ck_assert_mem_eq(hdr, ((uint8_t[NET_HDR_LEN]){ [10] = 1 }), NET_HDR_LEN);
	ck_assert_mem_eq(back, frame, r->flen);
	ck_assert_uint_eq(ram[0x800], 0xee);	/* the readable part is not written */
	free(c);
}
END_TEST

/* The drill's raise: the SIGBUS the kernel sends for a poisoned page, on this thread. */
static int raise_ar(uint64_t hva, unsigned int lsb)
{
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, hva, lsb);
}

/*
 * A poisoned page in a transmit buffer: that frame dropped (tx_fault), the
 * memory error recorded for routing, naming virtio-net0; the next frame
 * from the same pages goes through.
 */
START_TEST(test_tx_poison)
{
	static struct ras_queue rq;
	static struct vm pvm;
	struct vq_chain *c = calloc(1, sizeof(*c));
	uint8_t *buf = malloc(NET_HDR_LEN + NET_FRAME_MAX);
	enum net_drop drop = NET_DROP_NR;
	struct ras_record r;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(buf);
	if (skip_emulated("test_tx_poison",
			  "qemu-user cannot leave a queued SIGBUS through siglongjmp (run natively)")) {
		free(buf);
		free(c);
		return;
	}
	memset(&rq, 0, sizeof(rq));
	pvm.mem = map;
	pvm.page_shift = 12;
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(ras_thread_attach(&rq), 0);
	ras_set_vm(&pvm);
	/* Header on one page, the frame on the next, which the drill poisons. */
	seg(c, 0x2ff4, NET_HDR_LEN, false);
	seg(c, 0x3000, 200, false);
	mem_drill_arm((uintptr_t)(ram + 0x3000), 12, raise_ar);
	ck_assert_int_eq(net_tx_gather(&q, c, buf, &drop), -1);
	ck_assert_int_eq(drop, NET_DROP_TX_FAULT);
	ck_assert(ras_queue_pop(&rq, &r));
	ck_assert_uint_eq(r.kind, RAS_AR);
	ck_assert_uint_eq(r.hva, (uintptr_t)(ram + 0x3000));
	ck_assert_str_eq(r.reader, "virtio-net0");
	ck_assert_int_eq(net_tx_gather(&q, c, buf, &drop), 200);
	ras_set_vm(NULL);
	ras_thread_detach();
	free(buf);
	free(c);
}
END_TEST

START_TEST(test_drop_names)
{
	ck_assert_str_eq(net_drop_name(NET_DROP_TX_FAULT), "tx_fault");
	ck_assert_str_eq(net_drop_name(NET_DROP_BACKEND), "backend");
	for (int i = 0; i < NET_DROP_NR; i++)
		ck_assert_ptr_nonnull(net_drop_name(i));
	ck_assert_str_eq(net_drop_name(NET_DROP_NR), "?");
}
END_TEST

/* `lkvm run ARGS...` into o, on writable copies (getopt may permute them). */
static int parse(struct run_opts *o, char *err, size_t n, const char *const *args)
{
	static char store[6][600];
	char *v[7];
	int argc = 0;

	v[argc] = strcpy(store[argc], "run");
	for (argc = 1; *args && argc < 6; args++, argc++)
		v[argc] = strcpy(store[argc], *args);
	v[argc] = NULL;
	err[0] = '\0';
	return run_opts_parse(o, argc, v, err, n);
}

#define PARSE(...)	parse(&o, err, sizeof(err), (const char *const[]){ __VA_ARGS__, NULL })

/* -n SPEC: one row per spelling, the fields it sets or the line it gives. */
START_TEST(test_opts)
{
	struct run_opts o;
	char err[256];

	ck_assert_int_eq(PARSE("-n", "mode=user,hostfwd=tcp::8080-:80,hostfwd=udp::5353-:53,guest_mac=02:00:00:00:00:09"), 0);
	ck_assert_int_eq(o.net.mode, RUN_NET_USER);
	ck_assert_uint_eq(o.net.nr_fwd, 2);
	ck_assert(!o.net.fwd[0].udp);
	ck_assert_uint_eq(o.net.fwd[0].host, 8080);
	ck_assert_uint_eq(o.net.fwd[0].guest, 80);
	ck_assert(o.net.fwd[1].udp);
	ck_assert_uint_eq(o.net.fwd[1].host, 5353);
	ck_assert(o.net.mac_given);
	ck_assert_uint_eq(o.net.mac[5], 9);
	ck_assert_int_eq(PARSE("-n", "mode=user,hostfwd=::2222-:22"), 0);
	ck_assert_uint_eq(o.net.fwd[0].host, 2222);
	ck_assert_int_eq(PARSE("--network=mode=user,socket=/run/passt.sock"), 0);
	ck_assert_str_eq(o.net.socket, "/run/passt.sock");
	ck_assert_int_eq(PARSE("-n", "mode=tap"), 0);
	ck_assert_str_eq(o.net.tapif, "");
	ck_assert_int_eq(PARSE("-n", "mode=tap,trans=mmio"), 0);

	static const struct {
		const char *spec, *line;
	} bad[] = {
		{ "mode=user,hostfwd=tcp::0-:80", "hostfwd is tcp::HOSTPORT-:GUESTPORT" },
		{ "mode=user,hostfwd=tcp::65536-:80", "hostfwd is" },
		{ "mode=user,hostfwd=tcp::80-:", "hostfwd is" },
		{ "mode=user,hostfwd=tcp:127.0.0.1:80-:80", "no addresses" },
		{ "mode=user,hostfwd=tcp::80-10.0.2.15:80", "hostfwd is" },
		{ "mode=user,hostfwd=sctp::80-:80", "hostfwd is" },
		{ "mode=user,hostfwd=tcp::8a-:80", "hostfwd is" },
		{ "mode=user,guest_mac=01:00:00:00:00:01", "guest_mac must be a unicast MAC" },
		{ "mode=tap,hostfwd=tcp::80-:80", "hostfwd= and socket= are for mode=user" },
		{ "mode=user,tapif=tap0", "tapif= is for mode=tap" },
		{ "mode=tap,tapif=a/b", "tapif must be an interface name" },
		{ "mode=tap,tapif=0123456789abcdef", "tapif must be an interface name" },
		{ "guest_mac=02:00:00:00:00:01", "guest_mac= needs mode=user or mode=tap" },
		{ "mode=user,script=/etc/qemu-ifup", "unknown field 'script'" },
		{ "mode=user,trans=pci", "always on virtio-mmio" },
		{ "mode=user,user", "'user' is not KEY=VALUE" },
		{ "mode=vde", "mode is none, user (passt) or tap" },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(PARSE("-n", bad[i].spec) == -1, "'%s' accepted", bad[i].spec);
		ck_assert_msg(strstr(err, bad[i].line), "'%s': %s", bad[i].spec, err);
	}
	ck_assert_int_eq(PARSE("-n", "mode=user", "-n", "mode=tap"), -1);
	ck_assert_ptr_nonnull(strstr(err, "one network device"));
	ck_assert_int_eq(PARSE("-n", "mode=user,hostfwd=tcp::1-:1,hostfwd=tcp::2-:1,hostfwd=tcp::3-:1,hostfwd=tcp::4-:1,hostfwd=tcp::5-:1,hostfwd=tcp::6-:1,hostfwd=tcp::7-:1,hostfwd=tcp::8-:1,hostfwd=tcp::9-:1"), -1);
	ck_assert_ptr_nonnull(strstr(err, "at most 8 hostfwd="));
}
END_TEST

Suite *net_frame_suite(void)
{
	Suite *s = suite_create("net-frame");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_add_test(tc, test_mac);
	tcase_add_test(tc, test_config);
	tcase_add_loop_test(tc, test_stream, 0, (int)(sizeof(stream_rows) / sizeof(stream_rows[0])));
	tcase_add_test(tc, test_stream_hdr);
	tcase_add_loop_test(tc, test_tx, 0, (int)(sizeof(tx_rows) / sizeof(tx_rows[0])));
	tcase_add_loop_test(tc, test_rx, 0, (int)(sizeof(rx_rows) / sizeof(rx_rows[0])));
	tcase_add_test(tc, test_tx_poison);
	tcase_add_test(tc, test_drop_names);
	tcase_add_test(tc, test_opts);
	suite_add_tcase(s, tc);
	return s;
}
