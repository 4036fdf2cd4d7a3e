/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_NET_FRAME_H
#define LKVM_HW_NET_FRAME_H

/*
 * virtio-net's pure half (virtio 1.x 5.1): MAC addresses, the device's
 * configuration space, the stream framing of passt and QEMU's stream
 * netdev (a 4-byte big-endian length before each Ethernet frame), and a
 * frame taken from a transmit chain or put into a receive chain. No
 * threads, no fds: everything from the guest or the backend is checked
 * here, so the unit tests and fuzz-net reach every bound.
 */
#include <stddef.h>
#include <stdint.h>

#include "hw/virtio-queue.h"

#define VIRTIO_NET_F_MTU	3
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#define NET_HDR_LEN		12	/* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define NET_ETH_HLEN		14
#define NET_MTU			1500	/* offered as VIRTIO_NET_F_MTU; no offloads, no GSO */
/* The longest frame either way: MTU + Ethernet header + one VLAN tag. */
#define NET_FRAME_MAX		(NET_MTU + NET_ETH_HLEN + 4)
/* The longest frame a backend may hand lkvm (passt's own MTU is 65520). */
#define NET_STREAM_FRAME_MAX	65535
#define NET_STREAM_HDR		4
#define NET_CONFIG_LEN		12	/* mac[6], status, max_virtqueue_pairs, mtu */

/* Why a frame was dropped: `lkvm stat` shows each as <dev>.drop_<name>. */
enum net_drop {
	NET_DROP_TX_SHORT,	/* a transmit chain shorter than header + Ethernet header */
	NET_DROP_TX_LONG,	/* longer than header + NET_FRAME_MAX */
	NET_DROP_TX_OFFLOAD,	/* a header asking for checksum or GSO (not offered) */
	NET_DROP_TX_FAULT,	/* its guest memory could not be read (poisoned, outside RAM) */
	NET_DROP_RX_SMALL,	/* a receive chain too small for the frame */
	NET_DROP_RX_FAULT,	/* a receive chain's guest memory could not be written */
	NET_DROP_RX_LONG,	/* a backend frame longer than NET_FRAME_MAX */
	NET_DROP_BACKEND,	/* the backend is gone or refused the frame */
	NET_DROP_NR
};

const char *net_drop_name(enum net_drop d);

/* "52:54:00:12:34:56": 0, or -1 (bad syntax, or a multicast address). */
int net_mac_parse(const char *s, uint8_t mac[6]);
/* A stable unicast, locally administered MAC for a VM name: 02:6c:6b + 3 bytes of its hash. */
void net_mac_from_name(const char *name, uint8_t mac[6]);
/* The device configuration space (little-endian): mac, status LINK_UP, 1 pair, NET_MTU. */
void net_config(uint8_t cfg[NET_CONFIG_LEN], const uint8_t mac[6]);

/*
 * Stream framing: is a whole frame at the front of buf[0, have)? 1: yes,
 * its length in *flen, its bytes at buf + NET_STREAM_HDR; 0: need more
 * bytes; -1: the length is 0 or above NET_STREAM_FRAME_MAX, so the stream
 * cannot be trusted any more (there is no way to find the next frame).
 */
int net_stream_frame(const uint8_t *buf, size_t have, uint32_t *flen);
void net_stream_hdr(uint8_t hdr[NET_STREAM_HDR], uint32_t flen);

/*
 * A transmit chain's frame: the header checked (no offloads), the frame
 * copied to frame[0, NET_FRAME_MAX). -1 when dropped, with why in *drop.
 */
long net_tx_gather(const struct vq *q, const struct vq_chain *c, uint8_t *frame,
		   enum net_drop *drop);
/*
 * A received frame into a receive chain: header (no offloads, one buffer)
 * then the frame. Bytes written, or -1 with why in *drop.
 */
long net_rx_fill(const struct vq *q, const struct vq_chain *c, const uint8_t *frame,
		 size_t flen, enum net_drop *drop);

#endif
