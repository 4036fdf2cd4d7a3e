// SPDX-License-Identifier: GPL-2.0
/* virtio-console's multiport control protocol, device side (vport-proto.h). */
#include <stdio.h>
#include <string.h>

#include "hw/vport-proto.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"

const char *vport_ctl_name(enum vport_ctl r)
{
	static const char *const names[VPORT_CTL_NR] = {
		[VPORT_CTL_OK] = "ok", [VPORT_CTL_OPENED] = "opened",
		[VPORT_CTL_CLOSED] = "closed", [VPORT_CTL_SHORT] = "short message",
		[VPORT_CTL_EVENT] = "unknown event", [VPORT_CTL_ID] = "no such port",
		[VPORT_CTL_STATE] = "out of order",
	};

	return (unsigned int)r < VPORT_CTL_NR ? names[r] : "?";
}

bool vport_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > VPORT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int vports_init(struct vports *p, const struct vport_spec *s, unsigned int n, char *err,
		size_t len)
{
	memset(p, 0, sizeof(*p));
	if (!n || n > VPORT_MAX) {
		snprintf(err, len, "virtio-ports: %u ports: give 1 to %d", n, VPORT_MAX);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (!vport_name_ok(s[i].name)) {
			snprintf(err, len, "virtio-ports: port %u: name '%.80s' must be 1 to %d of A-Z a-z 0-9 . _ -",
				 i, s[i].name ? s[i].name : "", VPORT_NAME_MAX);
			return -1;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (!strcmp(s[i].name, s[j].name)) {
				snprintf(err, len, "virtio-ports: port name '%s' given twice", s[i].name);
				return -1;
			}
		}
		snprintf(p->port[i].name, sizeof(p->port[i].name), "%s", s[i].name);
	}
	p->n = n;
	return 0;
}

void vports_reset(struct vports *p)
{
	p->device_ready = false;
	p->q_head = p->q_len = 0;
	for (unsigned int i = 0; i < p->n; i++) {
		struct vport_state *s = &p->port[i];

		s->added = s->ready = s->guest_open = s->host_open = false;
	}
}

static void owe(struct vports *p, uint32_t id, uint16_t event, uint16_t value)
{
	if (p->q_len >= VPORT_CTL_QUEUE) {
		p->overflow++;
		return;
	}
	p->q[(p->q_head + p->q_len++) % VPORT_CTL_QUEUE] =
		(struct vport_msg){ .id = id, .event = event, .value = value };
}

/* PORT_READY 1: the driver can take the port's name and our side's state now. */
static void port_ready(struct vports *p, unsigned int i)
{
	struct vport_state *s = &p->port[i];

	s->ready = true;
	owe(p, i, VPORT_PORT_NAME, 1);
	if (!s->host_eof) {
		s->host_open = true;
		owe(p, i, VPORT_PORT_OPEN, 1);
	}
}

enum vport_ctl vports_ctl(struct vports *p, const uint8_t *msg, size_t len, unsigned int *port)
{
	uint32_t id;
	uint16_t ev, val;
	struct vport_state *s;
	enum vport_ctl r = VPORT_CTL_OK;

	*port = 0;
	if (len < VPORT_CTL_HDR) {
		r = VPORT_CTL_SHORT;
		goto out;
	}
	id = (uint32_t)io_data_get(msg, 4);
	ev = (uint16_t)io_data_get(msg + 4, 2);
	val = (uint16_t)io_data_get(msg + 6, 2);
	if (ev == VPORT_DEVICE_READY) {
		/* The id is unused (Linux sends ~0); a second one changes nothing. */
		if (val == 1 && !p->device_ready) {
			p->device_ready = true;
			for (unsigned int i = 0; i < p->n; i++) {
				p->port[i].added = true;
				owe(p, i, VPORT_DEVICE_ADD, 1);
			}
		}
		goto out;
	}
	if (ev != VPORT_PORT_READY && ev != VPORT_PORT_OPEN) {
		r = VPORT_CTL_EVENT;
		goto out;
	}
	if (id >= p->n) {
		r = VPORT_CTL_ID;
		goto out;
	}
	*port = id;
	s = &p->port[id];
	if (!s->added || (ev == VPORT_PORT_OPEN && !s->ready)) {
		r = VPORT_CTL_STATE;
		goto out;
	}
	if (ev == VPORT_PORT_READY) {
		/* value 0: the driver could not set it up; it stays silent. */
		if (val == 1 && !s->ready)
			port_ready(p, id);
		goto out;
	}
	if (!!val == s->guest_open)
		goto out;		/* no change */
	s->guest_open = !!val;
	r = s->guest_open ? VPORT_CTL_OPENED : VPORT_CTL_CLOSED;
out:
	if (vport_ctl_bad(r))
		p->refused[r]++;
	return r;
}

void vports_host_eof(struct vports *p, unsigned int i)
{
	struct vport_state *s;

	if (i >= p->n)
		return;
	s = &p->port[i];
	if (s->host_eof)
		return;
	s->host_eof = true;
	if (s->host_open) {
		s->host_open = false;
		owe(p, i, VPORT_PORT_OPEN, 0);
	}
}

bool vports_can_send(const struct vports *p, unsigned int i)
{
	const struct vport_state *s;

	if (i >= p->n)
		return false;
	s = &p->port[i];
	return p->device_ready && s->ready && s->guest_open && s->host_open;
}

size_t vports_peek(const struct vports *p, uint8_t *buf, size_t cap)
{
	const struct vport_msg *m;
	size_t len = VPORT_CTL_HDR;

	if (!p->q_len)
		return 0;
	m = &p->q[p->q_head];
	if (m->event == VPORT_PORT_NAME)
		len += strlen(p->port[m->id].name);	/* no NUL: Linux sizes it by the buffer */
	if (len > cap)
		return len;
	io_data_put(buf, 4, m->id);
	io_data_put(buf + 4, 2, m->event);
	io_data_put(buf + 6, 2, m->value);
	if (m->event == VPORT_PORT_NAME)
		memcpy(buf + VPORT_CTL_HDR, p->port[m->id].name, len - VPORT_CTL_HDR);
	return len;
}

void vports_drop(struct vports *p)
{
	if (!p->q_len)
		return;
	p->q_head = (p->q_head + 1) % VPORT_CTL_QUEUE;
	p->q_len--;
}

enum vport_ctl vports_ctl_chain(struct vports *p, const struct vq *q, const struct vq_chain *c,
				unsigned int *port)
{
	uint8_t msg[VPORT_CTL_HDR];
	long r = vq_chain_read(q, c, 0, msg, MIN(sizeof(msg), (size_t)c->out_len));

	return vports_ctl(p, msg, r > 0 ? (size_t)r : 0, port);
}

uint32_t vports_fill_chain(struct vports *p, const struct vq *q, const struct vq_chain *c,
			   bool *bad)
{
	uint8_t msg[VPORT_CTL_MAX];
	size_t len = vports_peek(p, msg, MIN(sizeof(msg), (size_t)c->in_len));
	long w;

	*bad = false;
	if (!len)
		return 0;
	vports_drop(p);
	if (len > c->in_len) {
		*bad = true;
		return 0;
	}
	w = vq_chain_write(q, c, 0, msg, len);
	if (w != (long)len) {
		*bad = true;
		return 0;
	}
	return (uint32_t)len;
}
