// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a split virtqueue whose guest memory is the input.
 * Input: [0] log2 queue size (values above 8 give an invalid size),
 * [1] bit 0 event index, bit 1 indirect descriptors, [2..7] descriptor, avail and used ring offsets
 * in 16-byte units; the rest is guest RAM from address 0. RAM is two
 * regions, adjacent in guest-physical space but apart in lkvm's, so a
 * buffer across the boundary must be refused. The device pops every
 * chain, reads and writes its buffers, completes it and asks whether to
 * notify; ASan/UBSan catch any access outside guest RAM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio-queue.h"
#include "lkvm/mem.h"

#define R0_SIZE	0x10000u
#define R1_SIZE	0x1000u

static struct vq_chain chain;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static uint8_t *r0, *r1;
	struct mem_map m = { .nr = 0 };
	uint8_t buf[512];
	struct vq q;
	uint16_t size;

	if (n < 8)
		return 0;
	if (!r0) {
		r0 = malloc(R0_SIZE);
		r1 = malloc(R1_SIZE);
	}
	memset(r0, 0, R0_SIZE);
	memset(r1, 0, R1_SIZE);
	memcpy(r0, data + 8, n - 8 < R0_SIZE ? n - 8 : R0_SIZE);
	if (n - 8 > R0_SIZE)
		memcpy(r1, data + 8 + R0_SIZE, n - 8 - R0_SIZE < R1_SIZE ? n - 8 - R0_SIZE : R1_SIZE);
	mem_map_add(&m, 0, R0_SIZE, r0);
	mem_map_add(&m, R0_SIZE, R1_SIZE, r1);

	size = (uint16_t)(data[0] <= 8 ? 1u << data[0] : data[0]);
	if (!vq_setup(&q, &m, "fuzz", size, 16u * (data[2] | data[3] << 8),
		      16u * (data[4] | data[5] << 8), 16u * (data[6] | data[7] << 8), data[1] & 1))
		return 0;
	q.indirect = data[1] & 2;
	for (int i = 0; i < 3 * VQ_MAX_SIZE; i++) {
		enum vq_status st = vq_pop(&q, &chain);

		if (st == VQ_EMPTY || vq_status_broken(st))
			break;
		if (st == VQ_OK) {
			long r = vq_chain_read(&q, &chain, i & 7, buf, sizeof(buf));

			if (r < 0 || (uint64_t)r > chain.out_len)
				abort();
			r = vq_chain_write(&q, &chain, i & 3, buf, sizeof(buf));
			if (r < 0 || (uint64_t)r > chain.in_len)
				abort();
			if (chain.nr > VQ_MAX_SIZE || (!q.indirect && chain.nr > q.size))
				abort();
		}
		if (vq_push(&q, chain.head, 0) != VQ_OK)
			break;
		(void)vq_should_notify(&q);
	}
	return 0;
}
