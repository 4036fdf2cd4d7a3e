/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_STATE_H
#define LKVM_RAS_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/ras.h"

/*
 * A VM's memory-error state, shared by the core's RAS files (ras*.c) and
 * nobody else: an arch asks through ras.h (ras_vm_poison_latest, the
 * ras_ops arguments), never takes this lock (`make lint` checks).
 */
struct ras_state {
	int log_fd;
	pthread_mutex_t lock;		/* poison set, event order, req producers */
	struct ras_poison_set poison;
	pthread_t ao_thread;
	pid_t ao_tid;
	bool ao_started;
	int ao_setup;			/* 0 starting, 1 ready, -errno: failed (under lock) */
	pthread_cond_t ao_cond;		/* ao_setup changed */
	volatile int ao_quit;
	int ao_wake_fd;			/* eventfd its handler writes, its ppoll() waits on */
	struct ras_queue ao_ring;	/* the early-kill thread's SIGBUS records */
	struct ras_queue ao_req;	/* simulated AOs it should raise (producers: lock) */
};

/*
 * Report the records q refused since the last report (its count is taken
 * and reset atomically); whose names the queue ("vCPU 2", ...). Returns
 * how many were reported.
 */
uint64_t ras_report_lost(struct ras_queue *q, const char *whose);
/* The same for signals that hit a thread with no queue at all. */
uint64_t ras_report_unqueued(void);

/* ras.c, for the threads of ras-thread.c: this thread's queue and names. */
struct ras_queue *ras_thread_queue(void);
const char *ras_thread_name(void);
/* Name this thread's queue; the handler writes wake_fd (-1: none) after a record. */
void ras_thread_set_wake(const char *name, int wake_fd);
/* The --ras-log fd the handler's fatal record goes to (-1: none). */
void ras_signal_log(int fd);

/* ras-route.c: one event (stderr line, log record) for e, stamped now. */
void ras_emit(struct vm *vm, struct ras_error *e, enum ras_action act, const char *why,
	      const char *what);

#endif
