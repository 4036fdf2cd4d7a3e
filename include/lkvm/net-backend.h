/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_NET_BACKEND_H
#define LKVM_NET_BACKEND_H

/*
 * Where virtio-net's frames go (net-backend.c opens it, hw/net-io.c moves
 * frames): passt's socket, with QEMU's stream framing (a 4-byte big-endian
 * length before each frame), or a TAP fd (one frame per read or write).
 * Opened once per `lkvm run`, on the control thread before any filter, and
 * kept across the guest's reboots: what is staged here (half a frame of
 * the stream either way) must stay in step with the other end.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hw/net-frame.h"

/*
 * Stream bytes lkvm holds for the guest (hw/virtio-net.c drains passt's
 * socket into them while the guest has no buffer): 512 KiB, eight of the
 * longest frames, so half of it always takes one whole.
 */
#define NET_RX_STAGE	(8 * (NET_STREAM_HDR + NET_STREAM_FRAME_MAX))

struct net_backend {
	int fd;				/* non-blocking, close-on-exec */
	bool stream;			/* passt: length framing; else TAP: a frame per read */
	pid_t passt;			/* the passt lkvm started, or 0 */
	char what[48];			/* "passt", "tap0": names it in messages */
	bool down;			/* end of file or an error: frames are dropped */
	/* Backend -> guest: rx[off, have) not yet handed over. */
	uint8_t *rx;
	size_t rx_have, rx_off;
	/* Guest -> backend: tx[off, len) of one frame not yet written. */
	uint8_t tx[NET_STREAM_HDR + NET_FRAME_MAX];
	size_t tx_len, tx_off;
};

#endif
