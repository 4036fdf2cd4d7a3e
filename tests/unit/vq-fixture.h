/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_VQ_FIXTURE_H
#define LKVM_TESTS_UNIT_VQ_FIXTURE_H

#include <stdint.h>

/*
 * vq-fixture.c: the driver's side of a fake split ring in test RAM: n
 * descriptors (gpa, len, writable) chained from entry 0 of the table at
 * desc, then one more avail entry (head 0) in the ring at avail; *idx is
 * the avail index, qsize the queue size.
 */
void vq_fixture_post(uint8_t *ram, uint64_t desc, uint64_t avail, uint16_t qsize, uint16_t *idx,
		     unsigned int n, const uint64_t (*d)[3]);

#endif
