// SPDX-License-Identifier: GPL-2.0
/* A virtio-mmio driver for device tests, playing Linux's (vdriver.h). */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio-mmio.h"
#include "lkvm/devices.h"
#include "lkvm/io-bus.h"
#include "lkvm/vm.h"
#include "vdriver.h"

struct vd_queue vd_q[VD_MAX_QUEUES];
static struct vm *vd_vm;
static uint8_t *vd_ram;

void vd_attach(struct vm *vm, uint8_t *ram)
{
	vd_vm = vm;
	vd_ram = ram;
	memset(vd_q, 0, sizeof(vd_q));
}

void vd_wr(uint64_t off, uint32_t v)
{
	uint8_t d[4];

	io_data_put(d, 4, v);
	ck_assert(io_bus_dispatch(&vd_vm->mmio, NULL, VD_BASE + off, d, 4, true));
}

uint32_t vd_rd(uint64_t off, unsigned int len)
{
	uint8_t d[4] = { 0 };

	ck_assert(io_bus_dispatch(&vd_vm->mmio, NULL, VD_BASE + off, d, len, false));
	return (uint32_t)io_data_get(d, len);
}

uint64_t vd_ring(unsigned int qi, unsigned int part)
{
	return VD_RINGS + qi * 0x1000ULL + part * 0x400ULL;
}

void vd_features(uint32_t low)
{
	vd_wr(0x070, 0);
	vd_wr(0x070, 1 | 2);
	vd_wr(0x024, 0);
	vd_wr(0x020, low);
	vd_wr(0x024, 1);
	vd_wr(0x020, 1);			/* VIRTIO_F_VERSION_1 */
	vd_wr(0x070, 1 | 2 | 8);
	ck_assert_uint_eq(vd_rd(0x070, 4) & 8, 8);	/* FEATURES_OK kept */
}

void vd_queues(unsigned int nq)
{
	memset(vd_q, 0, sizeof(vd_q));
	memset(vd_ram + VD_RINGS, 0, 0x1000 * nq);
	for (unsigned int qi = 0; qi < nq; qi++) {
		vd_wr(0x030, qi);
		ck_assert_uint_eq(vd_rd(0x034, 4), 256);
		vd_wr(0x038, VD_QSIZE);
		vd_wr(0x080, (uint32_t)vd_ring(qi, 0));
		vd_wr(0x090, (uint32_t)vd_ring(qi, 1));
		vd_wr(0x0a0, (uint32_t)vd_ring(qi, 2));
		vd_wr(0x044, 1);
		ck_assert_uint_eq(vd_rd(0x044, 4), 1);
	}
	vd_wr(0x070, 1 | 2 | 8 | 4);
}

void vd_post(unsigned int qi, unsigned int n, const uint64_t (*b)[3])
{
	vd_post_quiet(qi, n, b);
	vd_wr(0x050, qi);
}

void vd_post_quiet(unsigned int qi, unsigned int n, const uint64_t (*b)[3])
{
	uint16_t head = vd_q[qi].desc;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t d = (uint16_t)((head + i) % VD_QSIZE);
		uint8_t *p = vd_ram + vd_ring(qi, 0) + 16 * d;

		io_data_put(p, 8, b[i][0]);
		io_data_put(p + 8, 4, b[i][1]);
		io_data_put(p + 12, 2, (b[i][2] ? VRING_DESC_F_WRITE : 0) |
				       (i + 1 < n ? VRING_DESC_F_NEXT : 0));
		io_data_put(p + 14, 2, (head + i + 1) % VD_QSIZE);
	}
	vd_q[qi].desc = (uint16_t)((head + n) % VD_QSIZE);
	vd_q[qi].gpa[head] = b[0][0];
	io_data_put(vd_ram + vd_ring(qi, 1) + 4 + 2 * (vd_q[qi].avail % VD_QSIZE), 2, head);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vd_q[qi].avail++;
	io_data_put(vd_ram + vd_ring(qi, 1) + 2, 2, vd_q[qi].avail);
}

uint16_t vd_used_idx(unsigned int qi)
{
	return __atomic_load_n((uint16_t *)(vd_ram + vd_ring(qi, 2) + 2), __ATOMIC_ACQUIRE);
}

bool vd_used(unsigned int qi, int wait_ms, uint64_t *gpa, uint32_t *len)
{
	const uint8_t *e;

	for (int ms = 0; vd_used_idx(qi) == vd_q[qi].used; ms++) {
		if (ms > wait_ms)
			return false;
		usleep(1000);
	}
	e = vd_ram + vd_ring(qi, 2) + 4 + 8 * (vd_q[qi].used % VD_QSIZE);
	vd_q[qi].used++;
	*gpa = vd_q[qi].gpa[io_data_get(e, 4) % VD_QSIZE];
	*len = (uint32_t)io_data_get(e + 4, 4);
	return true;
}

const char *vd_stats(void)
{
	static char s[4096];

	devices_stats(vd_vm, s, sizeof(s));
	return s;
}
