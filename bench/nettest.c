// SPDX-License-Identifier: GPL-2.0
/*
 * Both sides of `make bench-net` (bench/net.sh): TCP over the guest's
 * network card, every connection made by the guest (L2) to a server on L1's
 * loopback (the user-mode backends map the gateway's address there), so no
 * port forward is needed and each backend carries the same traffic:
 *   nettest server PORT                L1: one connection at a time, forever
 *   nettest client ADDR PORT SECONDS [TESTS]
 *                                      L2: the tests named in TESTS (tx, rx,
 *                                      rr; all three without it), one line
 *     BENCH-NET tx_mbits X rx_mbits Y rr_tps Z      (0: not run)
 * The client's first byte names the test:
 *   'w'  guest -> host: the client writes for SECONDS, shuts its side; the
 *        server counts to end of file and answers the count (8 bytes, big
 *        endian): Mbit/s = count over the time to that answer
 *   'r'  host -> guest: the server writes for SECONDS (the 4 bytes after
 *        'r', big endian), then closes: Mbit/s = bytes over the time to EOF
 *   'e'  request/response: 1 byte each way, TCP_NODELAY, for SECONDS:
 *        round trips per second
 * Everything is measured where the bytes end up, never from what a
 * socket buffer swallowed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(128 * 1024)

static char buf[CHUNK];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The server's side of one connection. */
static void serve(int fd)
{
	unsigned char cmd, be[8];
	uint64_t count = 0;
	ssize_t n;

	if (read_all(fd, &cmd, 1))
		return;
	switch (cmd) {
	case 'w':
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			count += (uint64_t)n;
		for (int i = 0; i < 8; i++)
			be[i] = (unsigned char)(count >> (56 - 8 * i));
		write_all(fd, be, 8);
		break;
	case 'r': {
		double end;

		if (read_all(fd, be, 4))
			return;
		end = now() + (be[0] << 24 | be[1] << 16 | be[2] << 8 | be[3]);
		while (now() < end && write_all(fd, buf, sizeof(buf)) == 0)
			;
		break;
	}
	case 'e':
		nodelay(fd);
		while ((n = read(fd, buf, sizeof(buf))) > 0 && write_all(fd, buf, (size_t)n) == 0)
			;
		break;
	}
}

static int server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	signal(SIGPIPE, SIG_IGN);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4)) {
		perror("nettest server");
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		serve(c);
		close(c);
	}
}

static int dial(const char *addr, int port, char cmd)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) || write_all(s, &cmd, 1)) {
		fprintf(stderr, "BENCH-NET-FAIL connect %s:%d (%c): %s\n", addr, port, cmd, strerror(errno));
		exit(1);
	}
	return s;
}

/* Guest -> host: Mbit/s the server counted. */
static double test_tx(const char *addr, int port, unsigned int secs)
{
	int s = dial(addr, port, 'w');
	double t0 = now(), end = t0 + secs;
	unsigned char be[8];
	uint64_t count = 0;

	while (now() < end)
		if (write_all(s, buf, sizeof(buf)))
			break;
	shutdown(s, SHUT_WR);
	if (read_all(s, be, 8))
		return 0;
	for (int i = 0; i < 8; i++)
		count = count << 8 | be[i];
	close(s);
	return count * 8 / 1e6 / (now() - t0);
}

/* Host -> guest: Mbit/s read here. */
static double test_rx(const char *addr, int port, unsigned int secs)
{
	int s = dial(addr, port, 'r');
	unsigned char be[4] = { secs >> 24, secs >> 16, secs >> 8, secs };
	double t0 = now();
	uint64_t count = 0;
	ssize_t n;

	if (write_all(s, be, 4))
		return 0;
	while ((n = read(s, buf, sizeof(buf))) > 0)
		count += (uint64_t)n;
	close(s);
	return count * 8 / 1e6 / (now() - t0);
}

/* Request/response: 1-byte round trips per second. */
static double test_rr(const char *addr, int port, unsigned int secs)
{
	int s = dial(addr, port, 'e');
	double t0 = now(), end = t0 + secs, t;
	unsigned long n = 0;
	char c = 'x';

	nodelay(s);
	do {
		if (write_all(s, &c, 1) || read_all(s, &c, 1))
			return 0;
		n++;
	} while ((t = now()) < end);
	close(s);
	return n / (t - t0);
}

int main(int argc, char **argv)
{
	memset(buf, 0x5a, sizeof(buf));
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "client")) {
		const char *tests = argc == 6 ? argv[5] : "tx,rx,rr";
		int port = atoi(argv[3]);
		unsigned int secs = (unsigned int)atoi(argv[4]);
		double tx = 0, rx = 0, rr = 0;
		bool ok = true;

		signal(SIGPIPE, SIG_IGN);
		if (strstr(tests, "tx"))
			ok &= (tx = test_tx(argv[2], port, secs)) > 0;
		if (strstr(tests, "rx"))
			ok &= (rx = test_rx(argv[2], port, secs)) > 0;
		if (strstr(tests, "rr"))
			ok &= (rr = test_rr(argv[2], port, secs)) > 0;
		printf("BENCH-NET tx_mbits %.1f rx_mbits %.1f rr_tps %.0f\n", tx, rx, rr);
		return ok ? 0 : 1;
	}
	fprintf(stderr, "usage: nettest server PORT | nettest client ADDR PORT SECONDS [tx,rx,rr]\n");
	return 2;
}
