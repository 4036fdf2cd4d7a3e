/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_DRILL_H
#define LKVM_RAS_DRILL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/ras.h"

/*
 * Memory-error drills: `lkvm debug --poison`, `--poison-lkvm`,
 * `--guest-read`, and the test-only guest port (--ras-test-port). Where the
 * host allows it they poison for real (MADV_HWPOISON); otherwise they have
 * the right thread raise the SIGBUS the kernel would send (simulated, and
 * marked so in the event). Everything after the signal is the real path.
 */
struct vm;
struct vcpu;

/* Poison a guest page: really when allowed, else a simulated AR/AO. */
int ras_drill_poison_gpa(struct vm *vm, uint64_t gpa, enum ras_kind kind, int vcpu,
			 char *msg, size_t n);
/*
 * Poison a guest page, then read it with lkvm's guarded guest-memory copy
 * on this (non-vCPU) thread, as device emulation would. The read must fail
 * with -EHWPOISON and the error be routed by the policy; lkvm lives.
 */
int ras_drill_guest_read(struct vm *vm, uint64_t gpa, char *msg, size_t n);
/*
 * Poison a page of lkvm's own memory and read it. Ends lkvm with
 * LKVM_EXIT_RAS_FATAL; returns only on failure to arrange it.
 */
int ras_drill_poison_self(struct vm *vm, char *msg, size_t n);

/* Test-only guest requests (--ras-test-port). */
enum ras_test_cmd {
	RAS_TEST_AR = 1,	/* AR at a guest page, on the requesting vCPU */
	RAS_TEST_AO = 2,	/* AO at a guest page, via the early-kill thread */
	RAS_TEST_AR_LKVM = 3,	/* AR at lkvm's own (non-guest) memory */
	RAS_TEST_AR_LKVM_LOAD = 4,	/* as if lkvm's own load consumed poison */
	RAS_TEST_GUEST_READ = 5,	/* lkvm's guarded read of a poisoned guest page */
	RAS_TEST_DEVICE_READ = 6,	/* the next device access to the page meets poison */
};
int ras_drill_test_request(struct vcpu *v, uint64_t gpa, enum ras_test_cmd cmd);

#endif
