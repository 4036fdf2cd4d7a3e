// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors, steps 2 and 3 (ras.h): locate a recorded error in the
 * guest memory map, then dispatch it by the policy through the arch's
 * ras_ops, with one event line per error. Runs on a vCPU thread. Both
 * doors end here: a SIGBUS record (ras_handle_record) and an error a vCPU
 * exit reported (ras_vcpu_report), with or without an address.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lkvm/ras-event.h"
#include "lkvm/ras-hold.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

void ras_error_from_record(struct ras_error *e, const struct ras_record *rec,
			   unsigned int page_shift)
{
	memset(e, 0, sizeof(*e));
	e->kind = (enum ras_kind)rec->kind;
	e->hva = rec->hva;
	/* The kernel says how much is bad; an error without a size is a page. */
	e->lsb = rec->lsb ? rec->lsb : page_shift;
	e->extent = e->lsb < 64 ? 1ULL << e->lsb : 0;
	e->simulated = rec->simulated;
	e->reader = rec->reader;
	e->vcpu = -1;
	e->source = "sigbus";
	e->t_signal_ns = rec->t_ns;
}

int ras_locate(const struct mem_map *m, struct ras_poison_set *ps, unsigned int page_shift,
	       const struct ras_record *rec, struct ras_error *e)
{
	struct mem_hit hits[MEM_MAX_REGIONS];
	int n;

	ras_error_from_record(e, rec, page_shift);
	n = mem_extent_lookup(m, e->hva, e->lsb, hits, MEM_MAX_REGIONS);
	e->in_guest = n > 0;
	if (!e->in_guest)
		return 0;
	if (!mem_hva_to_gpa(m, e->hva, &e->gpa))
		e->gpa = hits[0].gpa;
	e->repeat = ras_poison_contains(ps, e->gpa);
	e->reported = ras_poison_reported(ps, e->gpa);
	for (int i = 0; i < n; i++)
		ras_poison_add(ps, hits[i].gpa, hits[i].len);
	return n;
}

void ras_emit(struct vm *vm, struct ras_error *e, enum ras_action act, const char *why,
	      const char *what)
{
	e->t_action_ns = mono_ns();
	pthread_mutex_lock(&vm->ras->lock);
	ras_event_emit(vm->ras->log_fd, vm->opts->name, e, act, why, what);
	pthread_mutex_unlock(&vm->ras->lock);
}

/* Ask the arch whether the guest can take e now (RAS_READY when the policy is not inject). */
static enum ras_ready ras_ready_now(struct vcpu *v, const struct ras_error *e, char *why, size_t n)
{
	const struct ras_ops *ops = v->vm->ras_ops;

	if (!e->in_guest || v->vm->opts->ras_policy != RAS_POLICY_INJECT)
		return RAS_READY;
	if (!ops || !ops->inject) {
		snprintf(why, n, "this architecture cannot inject memory errors");
		return RAS_UNABLE;
	}
	return ops->guest_can_take ? ops->guest_can_take(v, e, why, n) : RAS_READY;
}

static void ras_stop_for(struct vm *vm, const struct ras_error *e, enum ras_action act)
{
	if (act == RAS_ACT_FATAL)
		vm_request_stop(vm, LKVM_EXIT_RAS_FATAL,
				"fatal: lkvm's own memory at host 0x%llx was hit by an uncorrected error (exit status %d)",
				(unsigned long long)e->hva, LKVM_EXIT_RAS_FATAL);
	else if (ras_error_has_gpa(e))
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a memory error at guest physical 0x%llx (exit status %d)",
				vm->opts->name, (unsigned long long)e->gpa, LKVM_EXIT_RAS_STOP);
	else
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a memory error on vCPU %d at an address nobody gave (%s) (exit status %d)",
				vm->opts->name, e->vcpu, e->source, LKVM_EXIT_RAS_STOP);
}

/* Decide, inject or stop, and log: the end of every error's path. */
static enum ras_action ras_act(struct vcpu *v, struct ras_error *e, bool can_take, char *why,
			       size_t n)
{
	struct vm *vm = v->vm;
	char what[256] = "";
	enum ras_action act = ras_decide(vm->opts->ras_policy, e->kind, e->in_guest, can_take);

	/*
	 * The guest already knows this page is bad and nothing of it ran into
	 * it now (an AO after the AR, or a second AO): telling it again only
	 * risks a machine check while it handles the first. A consumed error is
	 * always delivered: that is what kills only the reading process.
	 */
	if (act == RAS_ACT_INJECT && !ras_error_consumed(e) && e->reported) {
		act = RAS_ACT_IGNORE;
		snprintf(why, n, "the guest was already told this page is bad (%s injected before)",
			 e->reported & RAS_PAGE_AR_SENT ? "AR" : "AO");
	} else if (act == RAS_ACT_INJECT) {
		int err = vm->ras_ops->inject(v, e, what, sizeof(what));

		e->t_inject_ns = mono_ns();
		if (err) {
			act = RAS_ACT_STOP;
			snprintf(why, n, "injection failed: %s", strerror(-err));
		} else {
			if (ras_error_has_gpa(e)) {
				pthread_mutex_lock(&vm->ras->lock);
				ras_poison_mark(&vm->ras->poison, e->gpa, ras_error_consumed(e) ?
						RAS_PAGE_AR_SENT : RAS_PAGE_AO_SENT);
				pthread_mutex_unlock(&vm->ras->lock);
			}
			if (ras_error_consumed(e) && v->hold.ar_busy_since_ns) {
				/* Re-raised while the guest was busy: how long that took. */
				e->held_ns = mono_ns() - v->hold.ar_busy_since_ns;
				v->hold.ar_busy_since_ns = 0;
			}
		}
	} else if (act == RAS_ACT_STOP && !*why) {
		snprintf(why, n, "--ras-policy=stop");
	} else if (act == RAS_ACT_FATAL) {
		snprintf(why, n, "lkvm itself was hit");
	} else if (act == RAS_ACT_IGNORE) {
		snprintf(why, n, "not guest memory; nothing consumed it");
	}
	ras_emit(vm, e, act, why, what);
	if (act == RAS_ACT_STOP || act == RAS_ACT_FATAL)
		ras_stop_for(vm, e, act);
	return act;
}

/*
 * The guest is busy with the previous error (x86: MCIP set). Stopping it
 * would throw away a guest that can take this one in a moment, so:
 *  - a consumed error (real AR on this vCPU) is not delivered: the vCPU
 *    re-executes, touches the page again and KVM raises the AR again; only
 *    if that goes on for RAS_HOLD_MAX_NS does lkvm stop the VM;
 *  - anything else (AO, guarded reads, simulated ARs, errors an exit
 *    reported once, which nothing would raise again) is held and tried
 *    again before every KVM_RUN; a `once` error keeps the vCPU out of the
 *    guest until then (ras_vcpu_drain).
 */
static enum ras_action ras_hold(struct vcpu *v, struct ras_error *e, char *why, size_t n)
{
	struct ras_hold *h = &v->hold;
	uint64_t now = mono_ns();

	if (ras_error_consumed(e) && !e->simulated && !e->once) {
		if (!h->ar_busy_since_ns)
			h->ar_busy_since_ns = now;
		if (now - h->ar_busy_since_ns < RAS_HOLD_MAX_NS)
			return RAS_ACT_HOLD;
		char busy[256];

		h->ar_busy_since_ns = 0;
		snprintf(busy, sizeof(busy), "%s", why);
		snprintf(why, n, "it kept touching a poisoned page for %llu s while busy with the last error: %.160s",
			 (unsigned long long)(RAS_HOLD_MAX_NS / 1000000000ULL), busy);
		return ras_act(v, e, false, why, n);
	}
	if (!ras_hold_add(v, e, now)) {
		snprintf(why, n, "%u errors already wait for the guest on vCPU %u to become ready",
			 h->nr, v->id);
		if (e->once)	/* the guest must not run on as if nothing happened */
			return ras_act(v, e, false, why, n);
		ras_emit(v->vm, e, RAS_ACT_DROP, why, "");
		return RAS_ACT_DROP;
	}
	pr_debug("memory error from %s held on vCPU %u: %s", e->source, v->id, why);
	return RAS_ACT_HOLD;
}

enum ras_action ras_dispatch(struct vcpu *v, struct ras_error *e)
{
	char why[256] = "";
	enum ras_ready ready;

	if (!e->t_pick_ns)
		e->t_pick_ns = mono_ns();
	if (vm_stopping(v->vm)) {
		/* Still the user's to know: the kernel reported it. */
		ras_emit(v->vm, e, RAS_ACT_DROP, "VM stopping", "");
		return RAS_ACT_DROP;
	}
	ready = ras_ready_now(v, e, why, sizeof(why));
	e->t_ready_ns = mono_ns();
	if (ready == RAS_BUSY)
		return ras_hold(v, e, why, sizeof(why));
	return ras_act(v, e, ready == RAS_READY, why, sizeof(why));
}

void ras_hold_retry(struct vcpu *v)
{
	struct ras_hold *h = &v->hold;
	unsigned int i = 0;

	while (i < h->nr) {
		struct ras_error e;
		char why[256] = "";
		enum ras_ready ready = RAS_READY;
		bool stopping = vm_stopping(v->vm);

		if (!stopping)
			ready = ras_ready_now(v, &h->e[i], why, sizeof(why));
		if (ready == RAS_BUSY && !ras_hold_expired(h, i, mono_ns())) {
			i++;
			continue;
		}
		/* Leaves the hold list, one way or the other. */
		ras_hold_take(h, i, mono_ns(), &e);
		e.t_ready_ns = mono_ns();
		if (stopping) {
			ras_emit(v->vm, &e, RAS_ACT_DROP, "VM stopping", "");
			continue;
		}
		if (ready == RAS_BUSY) {
			char reason[320];

			snprintf(reason, sizeof(reason), "held %llu s, the guest never became ready: %s",
				 (unsigned long long)(RAS_HOLD_MAX_NS / 1000000000ULL), why);
			if (e.once)	/* never told, and nothing raises it again: stop */
				ras_act(v, &e, false, reason, sizeof(reason));
			else
				ras_emit(v->vm, &e, RAS_ACT_DROP, reason, "");
			continue;
		}
		if (ras_error_has_gpa(&e)) {
			/* The page may have been told about meanwhile. */
			pthread_mutex_lock(&v->vm->ras->lock);
			e.reported = ras_poison_reported(&v->vm->ras->poison, e.gpa);
			pthread_mutex_unlock(&v->vm->ras->lock);
		}
		ras_act(v, &e, ready == RAS_READY, why, sizeof(why));
	}
	if (h->nr)
		ras_hold_arm(v);
}

void ras_handle_record(struct vcpu *v, const struct ras_record *rec, bool own)
{
	struct vm *vm = v->vm;
	struct ras_error e;

	pthread_mutex_lock(&vm->ras->lock);
	ras_locate(&vm->mem, &vm->ras->poison, vm->page_shift, rec, &e);
	pthread_mutex_unlock(&vm->ras->lock);
	/* Consumed by this vCPU's guest code only if KVM_RUN was interrupted for it. */
	if (own && e.kind == RAS_AR && !e.reader)
		e.vcpu = (int)v->id;
	ras_dispatch(v, &e);
}

/* An exit's error with no address: in guest context, on v, told once. */
static void ras_error_unlocated(struct ras_error *e, struct vcpu *v, enum ras_kind kind)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->gpa = RAS_GPA_UNKNOWN;
	e->in_guest = true;
	e->once = true;
	e->vcpu = kind == RAS_AR ? (int)v->id : -1;
	e->t_signal_ns = mono_ns();
}

enum ras_action ras_vcpu_report(struct vcpu *v, enum ras_kind kind, uint64_t gpa,
				const char *source, uint64_t detail)
{
	struct vm *vm = v->vm;
	uint64_t page = 1ULL << vm->page_shift;
	struct ras_record rec = { .t_ns = mono_ns(), .kind = (uint8_t)kind };
	struct ras_error e;
	void *hva = NULL;

	if (gpa == RAS_GPA_UNKNOWN) {
		ras_error_unlocated(&e, v, kind);
	} else {
		hva = mem_gpa_to_hva(&vm->mem, ALIGN_DOWN(gpa, page), page);
		if (!hva) {
			/* Nothing of lkvm's was hit; the guest's view is just wrong. */
			ras_error_from_record(&e, &rec, 0);
			e.gpa = gpa;
			e.extent = 0;
			e.vcpu = (int)v->id;
			e.source = source;
			ras_emit(vm, &e, RAS_ACT_STOP, "the reported address is not guest RAM", "");
			vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
					"VM '%s' stopped: %s reported a memory error at 0x%llx, outside guest RAM (exit status %d)",
					vm->opts->name, source, (unsigned long long)gpa, LKVM_EXIT_RAS_STOP);
			return RAS_ACT_STOP;
		}
		rec.hva = (uintptr_t)hva + (gpa & (page - 1));
		pthread_mutex_lock(&vm->ras->lock);
		ras_locate(&vm->mem, &vm->ras->poison, vm->page_shift, &rec, &e);
		pthread_mutex_unlock(&vm->ras->lock);
		if (kind == RAS_AR)
			e.vcpu = (int)v->id;
	}
	e.source = source;
	e.detail = detail;
	return ras_dispatch(v, &e);
}
