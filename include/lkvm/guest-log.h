/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GUEST_LOG_H
#define LKVM_GUEST_LOG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Lines a guest can cause (a bad virtqueue request, a broken ring, a
 * firmware call) go through one rate limit for the whole process, so no
 * guest can flood the host's log: a burst of GUEST_LOG_BURST lines, then
 * one per second. What the limit held back is counted (`lkvm stat`:
 * log.guest_suppressed) and summed up in one line when the VM ends.
 * Callers still report each kind of event once only (their own rule).
 */
#define GUEST_LOG_BURST	10

/* pr_err() under the limit; false when the line was held back. Thread-safe. */
bool pr_guest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lines held back so far. */
uint64_t guest_log_suppressed(void);
/* At the VM's end: one line saying how many were held back (none: nothing), and reset. */
void guest_log_summary(void);
/* The limit's clock, for tests: ns since any fixed point (mono_ns() by default). */
void guest_log_set_clock(uint64_t (*now_ns)(void));

#endif
