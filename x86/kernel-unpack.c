// SPDX-License-Identifier: GPL-2.0
/*
 * A bzImage's own vmlinux, decompressed by lkvm (liblzma) so that a guest
 * can boot it through its PVH entry and skip the decompressor that runs
 * inside the guest: arch_kernel_unpack() (arch.h).
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "pvh.h"

#define HDR_SETUP_SECTS		0x1f1
#define HDR_VERSION		0x206
#define HDR_PAYLOAD_OFFSET	0x248
#define HDR_PAYLOAD_LENGTH	0x24c
#define UNPACK_MAX		(512 * MiB)	/* a vmlinux larger than this is not one */
#define UNPACK_MEMLIMIT		(256 * MiB)	/* the kernel's xz uses a 32 MiB dictionary */

int arch_kernel_unpack(const uint8_t *k, size_t n, uint8_t **out, size_t *outlen)
{
	static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	uint64_t memlimit = UNPACK_MEMLIMIT;
	size_t setup, off, len, size, in_pos = 0, out_pos = 0;
	const uint8_t *p;
	uint8_t *buf;

	/* payload_offset and payload_length exist from boot protocol 2.08 on. */
	if (!bzimage_probe(k, n) || rd16(k + HDR_VERSION) < 0x208)
		return 1;
	setup = ((size_t)(k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1) * 512;
	off = rd32(k + HDR_PAYLOAD_OFFSET);
	len = rd32(k + HDR_PAYLOAD_LENGTH);
	if (setup > n || off > n - setup || len > n - setup - off || len < sizeof(xz_magic) + 4)
		return 1;
	p = k + setup + off;
	if (memcmp(p, xz_magic, sizeof(xz_magic)))
		return 1;	/* gzip, zstd, lz4...: the guest decompresses those itself */
	/* The build appends the uncompressed size (le32) after the xz stream. */
	size = rd32(p + len - 4);
	if (!size || size > UNPACK_MAX)
		return -1;
	buf = malloc(size);
	if (!buf)
		return -1;
	if (lzma_stream_buffer_decode(&memlimit, 0, NULL, p, &in_pos, len - 4, buf, &out_pos,
				      size) != LZMA_OK ||
	    out_pos != size || !pvh_probe(buf, size)) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = size;
	return 0;
}
