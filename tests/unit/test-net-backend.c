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
	tcase_add_test(tc, test_passt_socket);
	tcase_add_test(tc, test_tap_made);
	suite_add_tcase(s, tc);
	return s;
}
