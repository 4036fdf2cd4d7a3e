// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: virtio-ports' control path (hw/vport-proto.c) as a
 * hostile driver drives it. Input: [0] the number of ports - 1 (mod 8),
 * then operations, one byte each and its arguments:
 *   0 id(4) event(2) value(2) len(1)  a control message (len: the bytes given, <= 8)
 *   1 port(1)                         the host's in_fd ended
 *   2                                 the driver reset the device
 *   3 cap(1)                          take the next owed message into cap bytes
 *   4 off(2) len(1) bytes(len)        write guest RAM (rings, descriptors, buffers)
 *   5                                 pop a chain of the control transmit queue into vports_ctl_chain
 *   6                                 pop a chain of the control receive queue, fill it
 * Checked after each: every owed message names a port and an event the
 * device sends, the queue never overflows (at most four owed per port),
 * vports_can_send only for a ready, open port. ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/vport-proto.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"

#include "fuzz-ram.h"

#define RAM	0x10000u
#define QS	16

static struct vq_chain chain;

static void check(const struct vports *p)
{
	uint8_t b[VPORT_CTL_MAX];
	size_t len = vports_peek(p, b, sizeof(b));

	if (p->overflow || p->q_len > VPORT_CTL_QUEUE)
		abort();
	if (len) {
		uint32_t id = (uint32_t)io_data_get(b, 4);
		uint16_t ev = (uint16_t)io_data_get(b + 4, 2);

		if (len > VPORT_CTL_MAX || id >= p->n ||
		    (ev != VPORT_DEVICE_ADD && ev != VPORT_PORT_NAME && ev != VPORT_PORT_OPEN))
			abort();
		if (ev != VPORT_PORT_NAME && len != VPORT_CTL_HDR)
			abort();
	}
	for (unsigned int i = 0; i < VPORT_MAX; i++)
		if (vports_can_send(p, i) &&
		    (i >= p->n || !p->port[i].ready || !p->port[i].guest_open || p->port[i].host_eof))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const struct vport_spec spec[VPORT_MAX] = {
		{ "a", -1, -1 }, { "b.1", -1, -1 }, { "c_2", -1, -1 }, { "d-3", -1, -1 },
		{ "e", -1, -1 }, { "f", -1, -1 }, { "g", -1, -1 },
		{ "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh", -1, -1 },
	};
	static uint8_t *ram;
	struct mem_map m = { .nr = 0 };
	struct vports p;
	struct vq tx, rx;
	char err[160];
	size_t o = 1;

	if (n < 1)
		return 0;
	if (!ram)
		ram = malloc(RAM);
	memset(ram, 0, RAM);
	mem_map_add(&m, 0, RAM, ram);
	if (!vq_setup(&tx, &m, "fuzz-ctl-tx", QS, 0x0, 0x1000, 0x2000, false) ||
	    !vq_setup(&rx, &m, "fuzz-ctl-rx", QS, 0x3000, 0x4000, 0x5000, false) ||
	    vports_init(&p, spec, data[0] % VPORT_MAX + 1u, err, sizeof(err)))
		abort();
	while (o < n) {
		uint8_t op = data[o++] % 7, b[VPORT_CTL_MAX];
		unsigned int port;
		bool bad;

		switch (op) {
		case 0:
			if (n - o < 9)
				return 0;
			vports_ctl(&p, data + o, data[o + 8] % (VPORT_CTL_HDR + 1), &port);
			if (port >= p.n && port)
				abort();
			o += 9;
			break;
		case 1:
			if (o < n)
				vports_host_eof(&p, data[o++]);
			break;
		case 2:
			vports_reset(&p);
			if (p.q_len || p.device_ready)
				abort();
			break;
		case 3:
			if (o < n && vports_peek(&p, b, data[o++] % (sizeof(b) + 1)))
				vports_drop(&p);
			break;
		case 4:
			if (fuzz_ram_write(ram, RAM, data, n, &o))
				return 0;
			break;
		case 5:
			if (vq_pop(&tx, &chain) == VQ_OK) {
				vports_ctl_chain(&p, &tx, &chain, &port);
				vq_push(&tx, chain.head, 0);
			}
			break;
		case 6:
			if (vq_pop(&rx, &chain) == VQ_OK) {
				uint32_t len = vports_fill_chain(&p, &rx, &chain, &bad);

				if (len > chain.in_len || (bad && len))
					abort();
				vq_push(&rx, chain.head, len);
			}
			break;
		}
		check(&p);
	}
	return 0;
}
