// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p's request path (virtio-9p.h): the tag in the config space, and
 * one chain gathered, answered by the 9P server and scattered back through
 * the guarded copy (vq_chain_read/write); Tread's data preadv()'d straight
 * into the guest's pages, the guarded copy taking over where that fails.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "hw/9p-wire.h"
#include "hw/virtio-9p.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
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

struct p9_vq {
	const struct vq *q;
	const struct vq_chain *c;
};

/*
 * The server's direct read (p9_direct): bytes [at, at + count) of the
 * chain's writable part, each piece checked to lie in one RAM region, as
 * one iovec for preadv(). The kernel writes the guest's pages itself, so a
 * poisoned page is a short count or EFAULT (no SIGBUS): what is missing,
 * from there on, goes through the guarded copy, which meets the poison,
 * answers EIO and names the device. So does all of it while a drill is
 * armed: drills fire only in the guarded copy.
 */
static long p9_vq_pread(void *ctx, int fd, size_t at, size_t count, uint64_t off)
{
	const struct p9_vq *v = ctx;
	struct iovec iov[VQ_MAX_SIZE];
	unsigned int n = 0;
	size_t want = count;
	ssize_t r;

	if (mem_drill_armed())
		return 0;
	for (unsigned int i = v->c->nr_out; i < v->c->nr && i < VQ_MAX_SIZE && want; i++) {
		const struct vq_seg *sg = &v->c->seg[i];
		size_t len;
		void *hva;

		if (at >= sg->len) {
			at -= sg->len;
			continue;
		}
		len = MIN((size_t)sg->len - at, want);
		hva = mem_gpa_to_hva(v->q->mem, sg->gpa + at, len);
		if (!hva)
			break;	/* outside RAM: the guarded copy says so */
		iov[n++] = (struct iovec){ .iov_base = hva, .iov_len = len };
		want -= len;
		at = 0;
	}
	if (!n)
		return 0;
	r = preadv(fd, iov, (int)n, (off_t)off);
	if (r < 0)
		return errno == EFAULT ? 0 : -errno;
	return (long)r;
}

/* The answer from resp, but for the bytes the direct read put in place. */
static bool p9_vq_answer(const struct vq *q, const struct vq_chain *c, const uint8_t *resp,
			 size_t len, const struct p9_direct *d)
{
	size_t at = MIN(d->at, len), end = MIN(d->at + d->len, len);

	if (!d->len)
		return vq_chain_write(q, c, 0, resp, len) == (long)len;
	return vq_chain_write(q, c, 0, resp, at) == (long)at &&
	       vq_chain_write(q, c, end, resp + end, len - end) == (long)(len - end);
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
	s->direct.len = 0;
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
		struct p9_vq v = { .q = q, .c = c };

		s->direct = (struct p9_direct){ .pread = p9_vq_pread, .ctx = &v };
		len = p9_handle(s, req, in, resp, out_cap);
		s->direct.pread = NULL;
		s->direct.ctx = NULL;
	}
	if (len && !p9_vq_answer(q, c, resp, len, &s->direct)) {
		/* The answer's own pages: try the short error, then give up (length 0). */
		*fault = true;
		len = p9_rlerror(resp, out_cap, tag, EIO);
		if (len && vq_chain_write(q, c, 0, resp, len) != (long)len)
			len = 0;
	}
	return (uint32_t)len;
}
