// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: virtio-net's pure half (hw/net-frame.c) as a hostile
 * driver and a hostile backend drive it, the way hw/virtio-net.c does.
 * Input: operations, one byte each and its arguments:
 *   0 len(1) bytes(len)        backend stream bytes; every whole frame is
 *                              put into the next receive chain, if any
 *   1 off(2) len(1) bytes(len) write guest RAM (rings, descriptors, buffers)
 *   2                          pop a transmit chain and gather its frame
 *   3 len(1) bytes(len)        a guest_mac= string
 * Checked: a frame taken from the stream lies inside the bytes given and
 * within NET_STREAM_FRAME_MAX; a bad length stops the stream for good; a
 * gathered frame is 14 to NET_FRAME_MAX bytes and equals the chain's bytes
 * after the header; a receive fill writes within the chain; a parsed MAC
 * is unicast. ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/net-frame.h"
#include "lkvm/mem.h"

#include "fuzz-ram.h"

#define RAM	0x10000u
#define QS	16
#define STAGE	(2 * (NET_STREAM_HDR + NET_STREAM_FRAME_MAX))

static struct vq_chain chain;
static uint8_t stage[STAGE], frame[NET_HDR_LEN + NET_FRAME_MAX], ref[NET_HDR_LEN + NET_FRAME_MAX];

/* The device's receive side: whole frames out of the stage, into receive chains. */
static void rx_frames(struct vq *rx, size_t *have, bool *broken)
{
	size_t off = 0;

	while (!*broken) {
		enum net_drop why;
		uint32_t flen = 0;
		int r = net_stream_frame(stage + off, *have - off, &flen);

		if (r < 0) {
			*broken = true;
			break;
		}
		if (!r)
			break;
		if (!flen || flen > NET_STREAM_FRAME_MAX || off + NET_STREAM_HDR + flen > *have)
			abort();
		if (vq_pop(rx, &chain) == VQ_OK) {
			long len = net_rx_fill(rx, &chain, stage + off + NET_STREAM_HDR, flen, &why);

			if (len > (long)chain.in_len || (len >= 0 && len != (long)(NET_HDR_LEN + flen)))
				abort();
			vq_push(rx, chain.head, len < 0 ? 0 : (uint32_t)len);
		}
		off += NET_STREAM_HDR + flen;
	}
	memmove(stage, stage + off, *have - off);
	*have -= off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static uint8_t *ram;
	struct mem_map m = { .nr = 0 };
	struct vq tx, rx;
	size_t o = 0, have = 0;
	bool broken = false;

	if (!ram)
		ram = malloc(RAM);
	memset(ram, 0, RAM);
	mem_map_add(&m, 0, RAM, ram);
	if (!vq_setup(&tx, &m, "fuzz-net-tx", QS, 0x0, 0x1000, 0x2000, true) ||
	    !vq_setup(&rx, &m, "fuzz-net-rx", QS, 0x3000, 0x4000, 0x5000, false))
		abort();
	tx.indirect = true;
	while (o < n) {
		uint8_t op = data[o++] % 4;
		size_t len;

		switch (op) {
		case 0:
			if (o >= n)
				return 0;
			len = data[o++];
			len = len < n - o ? len : n - o;
			len = len < STAGE - have ? len : STAGE - have;
			memcpy(stage + have, data + o, len);
			have += len;
			o += len;
			rx_frames(&rx, &have, &broken);
			break;
		case 1:
			if (fuzz_ram_write(ram, RAM, data, n, &o))
				return 0;
			break;
		case 2:
			if (vq_pop(&tx, &chain) == VQ_OK) {
				enum net_drop why;
				long got = net_tx_gather(&tx, &chain, frame, &why);

				if (got >= 0) {
					if (got < NET_ETH_HLEN || got > NET_FRAME_MAX ||
					    vq_chain_read(&tx, &chain, 0, ref, NET_HDR_LEN + (size_t)got) !=
						    NET_HDR_LEN + got ||
					    memcmp(ref + NET_HDR_LEN, frame + NET_HDR_LEN, (size_t)got))
						abort();
				} else if ((unsigned int)why >= NET_DROP_NR) {
					abort();
				}
				vq_push(&tx, chain.head, 0);
			}
			break;
		case 3: {
			char s[32];
			uint8_t mac[6];

			if (o >= n)
				return 0;
			len = data[o++] % sizeof(s);
			len = len < n - o ? len : n - o;
			memcpy(s, data + o, len);
			s[len] = '\0';
			o += len;
			if (!net_mac_parse(s, mac) && (mac[0] & 1))
				abort();
			break;
		}
		}
	}
	return 0;
}
