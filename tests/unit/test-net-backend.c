// SPDX-License-Identifier: GPL-2.0
/*
 * Opening virtio-net's backend (net-backend.c) for real: the passt lkvm
 * starts answers an ARP request sent with the stream framing (so --fd,
 * the framing and the child all work as lkvm uses them); socket=PATH
 * connects to a passt stand-in; a TAP made by lkvm is up and named.
 * SKIP where passt is not installed or TAPs cannot be made.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lkvm/net-backend.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"
#include "suites.h"

static bool have_passt(void)
{
	return system("command -v passt >/dev/null 2>&1") == 0;
}

/* Read exactly n bytes from a non-blocking fd within 5 s. */
static bool read_n(int fd, uint8_t *b, size_t n)
{
	for (size_t o = 0; o < n;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) != 1)
			return false;
		r = read(fd, b + o, n - o);
		if (r <= 0 && !(r < 0 && errno == EAGAIN))
			return false;
		o += r > 0 ? (size_t)r : 0;
	}
	return true;
}

START_TEST(test_passt_arp)
{
	static const uint8_t mac[6] = { 0x02, 0x6c, 0x6b, 0, 0, 1 };
	uint8_t f[NET_STREAM_HDR + 42], r[NET_STREAM_HDR + NET_STREAM_FRAME_MAX];
	struct run_opts o;
	uint32_t len = 0;
	size_t got = 0;

	if (skip_emulated("test_passt_arp", "passt is a host program (the native run covers this)"))
		return;
	if (!have_passt()) {
		printf("SKIP test_passt_arp: passt is not installed (Debian package 'passt')\n");
		return;
	}
	memset(&o, 0, sizeof(o));
	o.net.mode = RUN_NET_USER;
	ck_assert_int_eq(run_net_open(&o), 0);
	ck_assert_ptr_nonnull(o.net.be);
	ck_assert(o.net.be->stream);
	ck_assert_int_gt(o.net.be->passt, 0);
	/* ARP: who has 10.0.2.2? Tell 10.0.2.15 (passt answers for any address but the guest's). */
	net_stream_hdr(f, 42);
	memset(f + 4, 0xff, 6);
	memcpy(f + 10, mac, 6);
	memcpy(f + 16, (uint8_t[]){ 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 }, 10);
	memcpy(f + 26, mac, 6);
	memcpy(f + 32, (uint8_t[]){ 10, 0, 2, 15 }, 4);
	memset(f + 36, 0, 6);
	memcpy(f + 42, (uint8_t[]){ 10, 0, 2, 2 }, 4);
	ck_assert_int_eq(write(o.net.be->fd, f, sizeof(f)), (ssize_t)sizeof(f));
	/* The first ARP reply among what passt sends (it may send others first). */
	for (int i = 0; i < 8; i++) {
		ck_assert_msg(read_n(o.net.be->fd, r, NET_STREAM_HDR), "passt sent nothing back");
		ck_assert_int_eq(net_stream_frame(r, NET_STREAM_HDR + NET_STREAM_FRAME_MAX, &len), 1);
		ck_assert(read_n(o.net.be->fd, r + NET_STREAM_HDR, len));
		got = len;
		if (len >= 42 && r[4 + 12] == 0x08 && r[4 + 13] == 0x06 && r[4 + 21] == 2)
			break;
	}
	ck_assert_uint_ge(got, 42);
	ck_assert_uint_eq(r[4 + 21], 2);			/* ARP reply */
	ck_assert_mem_eq(r + 4, mac, 6);			/* to us */
	ck_assert_mem_eq(r + 4 + 28, ((uint8_t[]){ 10, 0, 2, 2 }), 4);	/* for what we asked */
	run_net_close(&o);
	ck_assert_ptr_null(o.net.be);
}
END_TEST

/* The next frame from passt of ethertype type (others skipped): its length, or 0. */
static size_t next_frame(int fd, uint8_t *r, uint16_t type)
{
	for (int i = 0; i < 16; i++) {
		uint32_t len = 0;

		if (!read_n(fd, r, NET_STREAM_HDR) ||
		    net_stream_frame(r, NET_STREAM_HDR + NET_STREAM_FRAME_MAX, &len) != 1 ||
		    !read_n(fd, r + NET_STREAM_HDR, len))
			return 0;
		if (len >= 14 && (r[4 + 12] << 8 | r[4 + 13]) == type)
			return len;
	}
	return 0;
}

/* RFC 1071 over n bytes (n even). */
static uint16_t ip_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * DHCP as L2's udhcpc asks it: passt offers an address, with the MTU lkvm
 * asked it to announce (1500, what VIRTIO_NET_F_MTU says).
 */
START_TEST(test_passt_dhcp)
{
	static const uint8_t mac[6] = { 0x02, 0x6c, 0x6b, 0, 0, 2 };
	uint8_t f[NET_STREAM_HDR + 14 + 20 + 8 + 248] = { 0 };
	uint8_t r[NET_STREAM_HDR + NET_STREAM_FRAME_MAX];
	uint8_t *e = f + NET_STREAM_HDR, *ip = e + 14, *udp = ip + 20, *b = udp + 8;
	const uint8_t *o, *bp;
	struct run_opts opts;
	int type = 0, mtu = 0;
	size_t len;

	if (skip_emulated("test_passt_dhcp", "passt is a host program (the native run covers this)"))
		return;
	if (!have_passt()) {
		printf("SKIP test_passt_dhcp: passt is not installed (Debian package 'passt')\n");
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.net.mode = RUN_NET_USER;
	ck_assert_int_eq(run_net_open(&opts), 0);
	net_stream_hdr(f, (uint32_t)(sizeof(f) - NET_STREAM_HDR));
	memset(e, 0xff, 6);
	memcpy(e + 6, mac, 6);
	e[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + 8 + 248) >> 8);
	ip[3] = (uint8_t)(20 + 8 + 248);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);			/* 0.0.0.0 -> 255.255.255.255 */
	ip[10] = (uint8_t)(ip_sum(ip, 20) >> 8);
	ip[11] = (uint8_t)ip_sum(ip, 20);
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = (uint8_t)((8 + 248) >> 8);
	udp[5] = (uint8_t)(8 + 248);
	b[0] = 1;					/* BOOTREQUEST, Ethernet, 6 */
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, "\x12\x34\x56\x78", 4);	/* xid */
	memcpy(b + 28, mac, 6);				/* chaddr */
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8);	/* cookie, DISCOVER, end */
	ck_assert_int_eq(write(opts.net.be->fd, f, sizeof(f)), (ssize_t)sizeof(f));
	len = next_frame(opts.net.be->fd, r, 0x0800);
	ck_assert_msg(len >= 14 + 20 + 8 + 240, "passt sent no IPv4 answer");
	bp = r + NET_STREAM_HDR + 14 + 20 + 8;
	ck_assert_uint_eq(bp[0], 2);			/* BOOTREPLY */
	ck_assert_mem_eq(bp + 4, "\x12\x34\x56\x78", 4);
	ck_assert_msg(bp[16] | bp[17] | bp[18] | bp[19], "no address offered");
	for (o = bp + 240; o + 2 <= r + NET_STREAM_HDR + len && *o != 255; o += o[0] ? 2 + o[1] : 1) {
		if (o[0] == 53)
			type = o[2];
		if (o[0] == 26)
			mtu = o[2] << 8 | o[3];
	}
	ck_assert_int_eq(type, 2);			/* DHCPOFFER */
	ck_assert_int_eq(mtu, NET_MTU);
	printf("passt offered %u.%u.%u.%u, MTU %d\n", bp[16], bp[17], bp[18], bp[19], mtu);
	run_net_close(&opts);
}
END_TEST

/* socket=PATH: lkvm connects to the passt already listening there. */
START_TEST(test_passt_socket)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/lkvm-net-XXXXXX";
	struct run_opts o;
	int l, c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/passt.sock", dir);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	memset(&o, 0, sizeof(o));
	o.net.mode = RUN_NET_USER;
	snprintf(o.net.socket, sizeof(o.net.socket), "%s", sa.sun_path);
	ck_assert_int_eq(run_net_open(&o), 0);
	ck_assert(o.net.be->stream);
	ck_assert_int_eq(o.net.be->passt, 0);
	ck_assert(fcntl(o.net.be->fd, F_GETFL) & O_NONBLOCK);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(write(c, "\0\0\0\1x", 5), 5);
	{
		uint8_t b[5];

		ck_assert(read_n(o.net.be->fd, b, 5));
		ck_assert_mem_eq(b, "\0\0\0\1x", 5);
	}
	run_net_close(&o);
	close(c);
	close(l);
	unlink(sa.sun_path);
	rmdir(dir);
	/* Nobody listening: 2, the message printed. */
	memset(&o, 0, sizeof(o));
	o.net.mode = RUN_NET_USER;
	snprintf(o.net.socket, sizeof(o.net.socket), "%s", sa.sun_path);
	ck_assert_int_eq(run_net_open(&o), LKVM_EXIT_USAGE);
	ck_assert_ptr_null(o.net.be);
}
END_TEST

/* A TAP lkvm makes: named by the kernel, up, gone when lkvm closes it. */
START_TEST(test_tap_made)
{
	struct ifreq ifr = { 0 };
	struct run_opts o;
	char name[sizeof(((struct net_backend *)0)->what)];
	int s, ret;

	if (skip_emulated("test_tap_made", "qemu-user does not pass TUNSETIFF through"))
		return;
	memset(&o, 0, sizeof(o));
	o.net.mode = RUN_NET_TAP;
	ret = run_net_open(&o);
	if (ret) {
		printf("SKIP test_tap_made: this host does not let the test make a TAP (no /dev/net/tun or no CAP_NET_ADMIN)\n");
		return;
	}
	ck_assert(!o.net.be->stream);
	snprintf(name, sizeof(name), "%s", o.net.be->what);
	ck_assert_int_eq(strncmp(name, "tap", 3), 0);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_uint_lt(strlen(name), sizeof(ifr.ifr_name));
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ck_assert(ifr.ifr_flags & IFF_UP);
	close(s);
	run_net_close(&o);
	ck_assert_uint_eq(if_nametoindex(name), 0);	/* not persistent: gone with lkvm's fd */
}
END_TEST

Suite *net_backend_suite(void)
{
	Suite *s = suite_create("net-backend");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_passt_arp);
	tcase_add_test(tc, test_passt_dhcp);
	tcase_add_test(tc, test_passt_socket);
	tcase_add_test(tc, test_tap_made);
	suite_add_tcase(s, tc);
	return s;
}
