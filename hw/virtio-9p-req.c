// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p's request path (virtio-9p.h): the tag in the config space, and
 * one chain gathered, answered by the 9P server and scattered back, every
 * guest byte through the guarded copy (vq_chain_read/write).
 */
#include <errno.h>
#include <string.h>

#include "hw/9p-wire.h"
#include "hw/virtio-9p.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"

size_t virtio_9p_config(uint8_t cfg[VIRTIO_9P_CONFIG_MAX], const char *tag)
{
	size_t len = strnlen(tag, VIRTIO_9P_TAG_MAX);

	io_data_put(cfg, 2, len);
	memcpy(cfg + 2, tag, len);
	return 2 + len;
}

/* Rlerror ecode under tag: 11 bytes, or 0 when they do not fit. */
static size_t p9_rlerror(uint8_t *resp, size_t cap, uint16_t tag, uint32_t ecode)
{
	if (cap < P9_HDR + 4)
		return 0;
	io_data_put(resp, 4, P9_HDR + 4);
	resp[4] = P9_RLERROR;
	io_data_put(resp + 5, 2, tag);
	io_data_put(resp + 7, 4, ecode);
	return P9_HDR + 4;
}

uint32_t virtio_9p_serve(struct p9_server *s, const struct vq *q, const struct vq_chain *c,
			 uint8_t *req, uint8_t *resp, size_t cap, bool *fault)
{
	/* Before Tversion the server takes nothing but Tversion: cap bounds it. */
	size_t limit = s->msize ? MIN((size_t)s->msize, cap) : cap;
	size_t in = MIN((size_t)c->out_len, limit), hdr = MIN(in, (size_t)P9_HDR);
	size_t out_cap = MIN((size_t)c->in_len, limit), len;
	uint16_t tag = P9_NOTAG;

	*fault = false;
	/*
	 * The header first, on its own: should the rest meet a poisoned page,
	 * the tag is known without touching that page a second time.
	 */
	if (vq_chain_read(q, c, 0, req, hdr) != (long)hdr) {
		*fault = true;
	} else {
		if (hdr == P9_HDR)
			tag = (uint16_t)io_data_get(req + 5, 2);
		*fault = vq_chain_read(q, c, hdr, req + hdr, in - hdr) != (long)(in - hdr);
	}
	if (*fault) {
		s->stats.requests++;
		s->stats.errors++;
		len = p9_rlerror(resp, out_cap, tag, EIO);
	} else {
		len = p9_handle(s, req, in, resp, out_cap);
	}
	if (len && vq_chain_write(q, c, 0, resp, len) != (long)len) {
		/* The answer's own pages: try the short error, then give up (length 0). */
		*fault = true;
		len = p9_rlerror(resp, out_cap, tag, EIO);
		if (len && vq_chain_write(q, c, 0, resp, len) != (long)len)
			len = 0;
	}
	return (uint32_t)len;
}
