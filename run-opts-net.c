// SPDX-License-Identifier: GPL-2.0
/* `lkvm run -n/--network SPEC`: mode, guest_mac, hostfwd, socket, tapif (run-opts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/net-frame.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* A port 1-65535 at s, ended by end: 0 or -1. */
static int port_parse(const char *s, const char *end, uint16_t *port)
{
	unsigned long v = 0;

	if (s == end || end - s > 5)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (!v || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/*
 * QEMU's hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, with
 * both addresses empty: passt listens on every host address and the guest
 * has one (passt's -t/-u HOST:GUEST).
 */
static int hostfwd_parse(const char *v, struct run_hostfwd *f)
{
	const char *dash = strchr(v, '-');

	memset(f, 0, sizeof(*f));
	if (!strncmp(v, "tcp:", 4)) {
		v += 4;
	} else if (!strncmp(v, "udp:", 4)) {
		f->udp = true;
		v += 4;
	} else if (*v == ':') {
		v += 1;		/* no protocol: tcp, as QEMU */
	} else {
		return -1;
	}
	if (*v != ':' || !dash || dash[1] != ':')
		return -1;
	if (port_parse(v + 1, dash, &f->host) || port_parse(dash + 2, dash + 2 + strlen(dash + 2), &f->guest))
		return -1;
	return 0;
}

static int net_field(struct run_opts *o, const char *key, const char *val, const char *arg,
		     char *err, size_t errlen)
{
	struct run_net *n = &o->net;
	size_t vlen = strlen(val);

	if (!strcmp(key, "mode")) {
		if (!strcmp(val, "none"))
			n->mode = RUN_NET_NONE;
		else if (!strcmp(val, "user"))
			n->mode = RUN_NET_USER;
		else if (!strcmp(val, "tap"))
			n->mode = RUN_NET_TAP;
		else
			fail("invalid --network '%s': mode is none, user (passt) or tap", arg);
	} else if (!strcmp(key, "guest_mac")) {
		if (net_mac_parse(val, n->mac))
			fail("invalid --network '%s': guest_mac must be a unicast MAC like 02:6c:6b:00:00:01",
			     arg);
		n->mac_given = true;
	} else if (!strcmp(key, "hostfwd")) {
		if (n->nr_fwd >= RUN_MAX_HOSTFWD)
			fail("invalid --network '%s': at most %d hostfwd=", arg, RUN_MAX_HOSTFWD);
		if (hostfwd_parse(val, &n->fwd[n->nr_fwd]))
			fail("invalid --network '%s': hostfwd is tcp::HOSTPORT-:GUESTPORT (or udp:), ports 1-65535, no addresses",
			     arg);
		n->nr_fwd++;
	} else if (!strcmp(key, "socket")) {
		if (!vlen || vlen >= sizeof(n->socket))
			fail("invalid --network '%s': socket must be a path of 1 to %zu bytes", arg,
			     sizeof(n->socket) - 1);
		memcpy(n->socket, val, vlen + 1);
	} else if (!strcmp(key, "tapif")) {
		if (!vlen || vlen >= sizeof(n->tapif) || strchr(val, '/'))
			fail("invalid --network '%s': tapif must be an interface name of 1 to %zu bytes",
			     arg, sizeof(n->tapif) - 1);
		memcpy(n->tapif, val, vlen + 1);
	} else if (!strcmp(key, "trans")) {
		if (strcmp(val, "mmio"))
			fail("invalid --network '%s': lkvm's virtio devices are always on virtio-mmio (trans=mmio)",
			     arg);
	} else {
		fail("invalid --network '%s': unknown field '%s' (mode, guest_mac, hostfwd, socket, tapif)",
		     arg, key);
	}
	return 0;
}

int run_opts_net(struct run_opts *o, const char *arg, char *err, size_t errlen)
{
	struct run_net *n = &o->net;
	char buf[512], *save = NULL;
	bool given = n->mode != RUN_NET_NONE || n->mac_given || n->nr_fwd || n->socket[0] ||
		     n->tapif[0];

	if (given)
		fail("invalid --network '%s': lkvm has one network device; give one --network", arg);
	if (strlen(arg) >= sizeof(buf))
		fail("invalid --network '%s': too long", arg);
	if (!strcmp(arg, "none"))
		return 0;
	strcpy(buf, arg);
	for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');

		if (!eq)
			fail("invalid --network '%s': '%s' is not KEY=VALUE", arg, f);
		*eq = '\0';
		if (net_field(o, f, eq + 1, arg, err, errlen))
			return -1;
	}
	if (n->mode != RUN_NET_USER && (n->nr_fwd || n->socket[0]))
		fail("invalid --network '%s': hostfwd= and socket= are for mode=user", arg);
	if (n->mode != RUN_NET_TAP && n->tapif[0])
		fail("invalid --network '%s': tapif= is for mode=tap", arg);
	if (n->mode == RUN_NET_NONE && n->mac_given)
		fail("invalid --network '%s': guest_mac= needs mode=user or mode=tap", arg);
	return 0;
}
