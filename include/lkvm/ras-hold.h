/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_HOLD_H
#define LKVM_RAS_HOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/ras.h"

/*
 * A vCPU's hold list (struct ras_hold in ras.h) and the timer that serves
 * it: errors the guest cannot take yet wait here, on the vCPU's own thread
 * only. The list does not decide anything: ras-route.c asks the arch again
 * (ras_hold_retry) before every KVM_RUN, the timer makes sure there is one
 * within RAS_HOLD_RETRY_NS, and an error held `once` keeps the vCPU out of
 * the guest meanwhile (ras_hold_blocks_run, ras_hold_wait).
 */
struct vcpu;

/* Put e on v's list and arm the retry kick. false: the list is full (RAS_HOLD_MAX). */
bool ras_hold_add(struct vcpu *v, const struct ras_error *e, uint64_t now);
/* Has entry i waited RAS_HOLD_MAX_NS by now? */
bool ras_hold_expired(const struct ras_hold *h, unsigned int i, uint64_t now);
/* Take entry i off the list into *e, with how long it waited in e->held_ns. */
void ras_hold_take(struct ras_hold *h, unsigned int i, uint64_t now, struct ras_error *e);
/* Does an error on the list have to reach the guest before it runs again (`once`)? */
bool ras_hold_blocks_run(const struct ras_hold *h);
/* Kick v's own thread in RAS_HOLD_RETRY_NS: KVM_RUN returns, held errors are tried. */
void ras_hold_arm(struct vcpu *v);
/* On v's thread, kept out of the guest: wait up to RAS_HOLD_RETRY_NS (a kick ends it). */
void ras_hold_wait(struct vcpu *v);
/* Release v's retry timer. */
void ras_hold_free(struct vcpu *v);

#endif
