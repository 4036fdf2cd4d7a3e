// SPDX-License-Identifier: GPL-2.0
/* The memory-error path's one queue type (ras.h): a lock-free ring. */
#include "lkvm/ras.h"

bool ras_queue_push(struct ras_queue *q, const struct ras_record *rec)
{
	unsigned int head = __atomic_load_n(&q->head, __ATOMIC_RELAXED);
	unsigned int tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);

	if (head - tail >= RAS_QUEUE_SIZE) {
		__atomic_add_fetch(&q->lost, 1, __ATOMIC_RELAXED);	/* 64-bit: lock-free on every arch lkvm has */
		return false;
	}
	q->rec[head % RAS_QUEUE_SIZE] = *rec;
	__atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

bool ras_queue_pop(struct ras_queue *q, struct ras_record *rec)
{
	unsigned int tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED);
	unsigned int head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);

	if (tail == head)
		return false;
	*rec = q->rec[tail % RAS_QUEUE_SIZE];
	__atomic_store_n(&q->tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}
