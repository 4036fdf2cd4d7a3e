// SPDX-License-Identifier: GPL-2.0
/* virtio-net's pure half: MACs, config space, stream framing, a frame out of or into a chain (net-frame.h). */
#include <stdio.h>
#include <string.h>

#include "hw/net-frame.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"

/* virtio_net_hdr (virtio 1.x 5.1.6): flags and gso_type first, num_buffers last. */
#define HDR_FLAGS	0
#define HDR_GSO_TYPE	1
#define HDR_NUM_BUFFERS	10

static const char *const drop_names[NET_DROP_NR] = {
	[NET_DROP_TX_SHORT] = "tx_short",
	[NET_DROP_TX_LONG] = "tx_long",
	[NET_DROP_TX_OFFLOAD] = "tx_offload",
	[NET_DROP_TX_FAULT] = "tx_fault",
	[NET_DROP_RX_SMALL] = "rx_small",
	[NET_DROP_RX_FAULT] = "rx_fault",
	[NET_DROP_RX_LONG] = "rx_long",
	[NET_DROP_BACKEND] = "backend",
};

const char *net_drop_name(enum net_drop d)
{
	return (unsigned int)d < NET_DROP_NR ? drop_names[d] : "?";
}

int net_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (unsigned int i = 0; i < 6; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -1;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	/* A group address would make every frame to it a broadcast of sorts: never a NIC's own. */
	if (m[0] & 1)
		return -1;
	memcpy(mac, m, 6);
	return 0;
}

void net_mac_from_name(const char *name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a: stable across builds and hosts */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	mac[0] = 0x02;		/* locally administered, unicast */
	mac[1] = 0x6c;		/* "lk" */
	mac[2] = 0x6b;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

void net_config(uint8_t cfg[NET_CONFIG_LEN], const uint8_t mac[6])
{
	memcpy(cfg, mac, 6);
	io_data_put(cfg + 6, 2, VIRTIO_NET_S_LINK_UP);
	io_data_put(cfg + 8, 2, 1);		/* max_virtqueue_pairs: read only with MQ */
	io_data_put(cfg + 10, 2, NET_MTU);
}

int net_stream_frame(const uint8_t *buf, size_t have, uint32_t *flen)
{
	uint32_t len;

	if (have < NET_STREAM_HDR)
		return 0;
	len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (!len || len > NET_STREAM_FRAME_MAX)
		return -1;
	if (have - NET_STREAM_HDR < len)
		return 0;
	*flen = len;
	return 1;
}

void net_stream_hdr(uint8_t hdr[NET_STREAM_HDR], uint32_t flen)
{
	hdr[0] = (uint8_t)(flen >> 24);
	hdr[1] = (uint8_t)(flen >> 16);
	hdr[2] = (uint8_t)(flen >> 8);
	hdr[3] = (uint8_t)flen;
}

long net_tx_gather(const struct vq *q, const struct vq_chain *c, uint8_t *buf,
		   enum net_drop *drop)
{
	size_t len = c->out_len;

	if (len < NET_HDR_LEN + NET_ETH_HLEN) {
		*drop = NET_DROP_TX_SHORT;
		return -1;
	}
	if (len > NET_HDR_LEN + NET_FRAME_MAX) {
		*drop = NET_DROP_TX_LONG;
		return -1;
	}
	/* One guarded copy for header and frame: a poisoned page fails it whole. */
	if (vq_chain_read(q, c, 0, buf, len) != (long)len) {
		*drop = NET_DROP_TX_FAULT;
		return -1;
	}
	/* Neither VIRTIO_NET_F_CSUM nor a GSO feature is offered: a driver asking is broken. */
	if (buf[HDR_FLAGS] || buf[HDR_GSO_TYPE]) {
		*drop = NET_DROP_TX_OFFLOAD;
		return -1;
	}
	return (long)(len - NET_HDR_LEN);
}

long net_rx_fill(const struct vq *q, const struct vq_chain *c, const uint8_t *frame,
		 size_t flen, enum net_drop *drop)
{
	uint8_t hdr[NET_HDR_LEN] = { 0 };

	if (flen > NET_FRAME_MAX) {
		*drop = NET_DROP_RX_LONG;
		return -1;
	}
	if (c->in_len < NET_HDR_LEN + flen) {
		*drop = NET_DROP_RX_SMALL;
		return -1;
	}
	io_data_put(hdr + HDR_NUM_BUFFERS, 2, 1);
	if (vq_chain_write(q, c, 0, hdr, sizeof(hdr)) != (long)sizeof(hdr) ||
	    vq_chain_write(q, c, NET_HDR_LEN, frame, flen) != (long)flen) {
		*drop = NET_DROP_RX_FAULT;
		return -1;
	}
	return (long)(NET_HDR_LEN + flen);
}
