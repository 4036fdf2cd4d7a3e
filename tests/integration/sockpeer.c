// SPDX-License-Identifier: GPL-2.0
/*
 * sockpeer MODE PATH [ARG]: the odd control-socket peers the integration
 * suite needs, as one static program (the nested bed's L1 has no python3):
 *
 *   bind PATH           bind a UNIX socket at PATH and exit (a socket file
 *                       left behind, as kvmtool leaves its own)
 *   listen PATH SECS    bind, listen and sleep SECS without accepting (a
 *                       server of another user)
 *   mute PATH           bind, listen, accept one client, read its request
 *                       line, close without answering, wait 1 s
 *   trickle PATH OUT    connect, send "s" every 0.3 s twenty times (never a
 *                       whole line), then read the answer until EOF or 5 s
 *                       of silence and write it to OUT
 *
 * Exit status 0, or 1 with one line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "sockpeer: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static int sock_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int sock_bound(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || sock_addr(path, &sa) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int peer_mute(const char *path)
{
	int fd = sock_bound(path), c;
	char ch;

	if (fd < 0 || listen(fd, 1) < 0)
		return fail("cannot serve", path);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return fail("cannot accept on", path);
	while (read(c, &ch, 1) == 1 && ch != '\n')
		;
	close(c);
	nap_ms(1000);
	return 0;
}

static int peer_trickle(const char *path, const char *out)
{
	struct timeval tv = { 5, 0 };
	struct sockaddr_un sa;
	char buf[256];
	ssize_t n;
	int fd, o, i;

	signal(SIGPIPE, SIG_IGN);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || sock_addr(path, &sa) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("cannot connect to", path);
	/* The server cuts a slow client off: later sends may fail, as expected. */
	for (i = 0; i < 20; i++) {
		if (write(fd, "s", 1) != 1)
			break;
		nap_ms(300);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o < 0)
		return fail("cannot write", out);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(o, buf, n) != n)
			return fail("cannot write", out);
	close(o);
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc >= 3 && !strcmp(argv[1], "bind")) {
		if (sock_bound(argv[2]) < 0)
			return fail("cannot bind", argv[2]);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "listen")) {
		fd = sock_bound(argv[2]);
		if (fd < 0 || listen(fd, 1) < 0)
			return fail("cannot serve", argv[2]);
		nap_ms(atol(argv[3]) * 1000);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "mute"))
		return peer_mute(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "trickle"))
		return peer_trickle(argv[2], argv[3]);
	fprintf(stderr, "usage: sockpeer bind PATH | listen PATH SECS | mute PATH | trickle PATH OUT\n");
	return 1;
}
