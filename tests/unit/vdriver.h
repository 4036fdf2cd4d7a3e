/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_VDRIVER_H
#define LKVM_TESTS_UNIT_VDRIVER_H

/*
 * A virtio-mmio driver for device tests (test-virtio-ports.c,
 * test-virtio-net.c), playing Linux's: the registers of the transport at
 * VD_BASE through the VM's MMIO bus, as a vCPU's exits reach them; split
 * rings of VD_QSIZE entries for queue qi at VD_RINGS + qi * 4 KiB in the
 * test's fake guest RAM; buffers wherever the test puts them.
 */
#include <stdbool.h>
#include <stdint.h>

#define VD_BASE		0xd0000000ULL
#define VD_RINGS	0x10000ULL
#define VD_QSIZE	16
#define VD_MAX_QUEUES	18

struct vm;

/* The driver's side of each queue: next avail and descriptor, used entries seen. */
struct vd_queue {
	uint16_t avail, used, desc;
	uint64_t gpa[VD_QSIZE];	/* by head: its first buffer */
};
extern struct vd_queue vd_q[VD_MAX_QUEUES];

/* The VM whose bus holds the transport, and its RAM at guest physical 0. */
void vd_attach(struct vm *vm, uint8_t *ram);
void vd_wr(uint64_t off, uint32_t v);
uint32_t vd_rd(uint64_t off, unsigned int len);
uint64_t vd_ring(unsigned int qi, unsigned int part);	/* 0 desc, 1 avail, 2 used */
/* Reset, ACKNOWLEDGE | DRIVER, these features (VERSION_1 added), FEATURES_OK kept. */
void vd_features(uint32_t low);
/* Queues 0..nq-1 set up (256 offered, VD_QSIZE taken), then DRIVER_OK. */
void vd_queues(unsigned int nq);
/* One chain of n buffers (gpa, len, device-writable) on qi, and the notify. */
void vd_post(unsigned int qi, unsigned int n, const uint64_t (*b)[3]);
/* The same without the notify: a chain the device has not been told of. */
void vd_post_quiet(unsigned int qi, unsigned int n, const uint64_t (*b)[3]);
uint16_t vd_used_idx(unsigned int qi);
/* The attached VM's `lkvm stat` text (devices_stats), in a static buffer. */
const char *vd_stats(void);
/* That text has this whole line. */
#define STAT(line) ck_assert_msg(strstr(vd_stats(), line "\n"), "no '%s' in:\n%s", line, vd_stats())
/* The next used entry of qi within wait_ms: its first buffer's gpa and the length. */
bool vd_used(unsigned int qi, int wait_ms, uint64_t *gpa, uint32_t *len);

#endif
