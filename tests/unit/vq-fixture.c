// SPDX-License-Identifier: GPL-2.0
/* A fake driver posting chains on a split ring in test RAM (vq-fixture.h). */
#include "hw/virtio-queue.h"
#include "lkvm/io-bus.h"
#include "vq-fixture.h"

void vq_fixture_post(uint8_t *ram, uint64_t desc, uint64_t avail, uint16_t qsize, uint16_t *idx,
		     unsigned int n, const uint64_t (*d)[3])
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *p = ram + desc + 16 * i;

		io_data_put(p, 8, d[i][0]);
		io_data_put(p + 8, 4, d[i][1]);
		io_data_put(p + 12, 2, (d[i][2] ? VRING_DESC_F_WRITE : 0) |
				       (i + 1 < n ? VRING_DESC_F_NEXT : 0));
		io_data_put(p + 14, 2, i + 1);
	}
	io_data_put(ram + avail + 4 + 2 * (*idx % qsize), 2, 0);
	(*idx)++;
	io_data_put(ram + avail + 2, 2, *idx);
}
