// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors, steps 2 and 3 (ras.h): locate a recorded error in the
 * guest memory map, then dispatch it by the policy through the arch's
 * ras_ops, with one event line per error. Runs on a vCPU thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lkvm/ras-event.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static int ras_poison_find(const struct ras_poison_set *ps, uint64_t gpa)
{
	for (unsigned int i = 0; i < ps->nr; i++)
		if (gpa >= ps->r[i].gpa && gpa - ps->r[i].gpa < ps->r[i].len)
			return (int)i;
	return -1;
}

bool ras_poison_contains(const struct ras_poison_set *ps, uint64_t gpa)
{
	return ras_poison_find(ps, gpa) >= 0;
}

void ras_poison_mark(struct ras_poison_set *ps, uint64_t gpa, uint8_t reported)
{
	int i = ras_poison_find(ps, gpa);

	if (i >= 0)
		ps->r[i].reported |= reported;
}

static void ras_poison_add(struct ras_poison_set *ps, uint64_t gpa, uint64_t len)
{
	uint64_t page = 1ULL << ps->page_shift;
	uint64_t start = ALIGN_DOWN(gpa, page), end = ALIGN_UP(gpa + len, page);

	if (ras_poison_contains(ps, start) && ras_poison_contains(ps, end - 1))
		return;
	if (ps->nr >= RAS_MAX_POISON) {
		if (!ps->overflow)
			pr_err("more than %d poisoned ranges: later ones are not remembered",
			       RAS_MAX_POISON);
		ps->overflow = true;
		return;
	}
	ps->r[ps->nr].gpa = start;
	ps->r[ps->nr].len = end - start;
	ps->r[ps->nr].reported = 0;
	ps->nr++;
}

uint64_t ras_poison_bytes(const struct ras_poison_set *ps)
{
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < ps->nr; i++)
		bytes += ps->r[i].len;
	return bytes;
}

int ras_locate(const struct mem_map *m, struct ras_poison_set *ps, unsigned int page_shift,
	       const struct ras_record *rec, struct ras_error *e)
{
	struct mem_hit hits[MEM_MAX_REGIONS];
	int n;

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
	n = mem_extent_lookup(m, e->hva, e->lsb, hits, MEM_MAX_REGIONS);
	e->in_guest = n > 0;
	if (!e->in_guest)
		return 0;
	if (!mem_hva_to_gpa(m, e->hva, &e->gpa))
		e->gpa = hits[0].gpa;
	{
		int known = ras_poison_find(ps, e->gpa);

		e->repeat = known >= 0;
		e->reported = known >= 0 ? ps->r[known].reported : 0;
	}
	for (int i = 0; i < n; i++)
		ras_poison_add(ps, hits[i].gpa, hits[i].len);
	return n;
}

static void ras_emit(struct vm *vm, struct ras_error *e, enum ras_action act, const char *why,
		     const char *what)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	e->t_action_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
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
			pthread_mutex_lock(&vm->ras->lock);
			ras_poison_mark(&vm->ras->poison, e->gpa, ras_error_consumed(e) ?
					RAS_PAGE_AR_SENT : RAS_PAGE_AO_SENT);
			pthread_mutex_unlock(&vm->ras->lock);
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

	if (act == RAS_ACT_STOP)
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a memory error at guest physical 0x%llx (exit status %d)",
				vm->opts->name, (unsigned long long)e->gpa, LKVM_EXIT_RAS_STOP);
	else if (act == RAS_ACT_FATAL)
		vm_request_stop(vm, LKVM_EXIT_RAS_FATAL,
				"fatal: lkvm's own memory at host 0x%llx was hit by an uncorrected error (exit status %d)",
				(unsigned long long)e->hva, LKVM_EXIT_RAS_FATAL);
	return act;
}

/*
 * The guest is busy with the previous error (x86: MCIP set). Stopping it
 * would throw away a guest that can take this one in a moment, so:
 *  - a consumed error (real AR on this vCPU) is not delivered: the vCPU
 *    re-executes, touches the page again and KVM raises the AR again; only
 *    if that goes on for RAS_HOLD_MAX_NS does lkvm stop the VM;
 *  - anything else (AO, guarded reads, simulated ARs, which nothing would
 *    raise again) is held and tried again before every KVM_RUN.
 */
static enum ras_action ras_hold(struct vcpu *v, struct ras_error *e, char *why, size_t n)
{
	struct ras_hold *h = &v->hold;
	uint64_t now = mono_ns();

	if (ras_error_consumed(e) && !e->simulated) {
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
	if (h->nr >= RAS_HOLD_MAX) {
		snprintf(why, n, "%u errors already wait for the guest on vCPU %u to become ready",
			 h->nr, v->id);
		ras_emit(v->vm, e, RAS_ACT_DROP, why, "");
		return RAS_ACT_DROP;
	}
	h->e[h->nr] = *e;
	h->since_ns[h->nr] = now;
	h->nr++;
	pr_debug("memory error at guest physical 0x%llx held: %s", (unsigned long long)e->gpa, why);
	ras_hold_arm(v);
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
		struct ras_error e = h->e[i];
		char why[256] = "";
		enum ras_ready ready = RAS_READY;
		bool stopping = vm_stopping(v->vm);

		if (!stopping)
			ready = ras_ready_now(v, &e, why, sizeof(why));
		e.t_ready_ns = mono_ns();
		if (ready == RAS_BUSY && mono_ns() - h->since_ns[i] < RAS_HOLD_MAX_NS) {
			i++;
			continue;
		}
		/* Leaves the hold list, one way or the other. */
		e.held_ns = mono_ns() - h->since_ns[i];
		h->nr--;
		memmove(&h->e[i], &h->e[i + 1], (h->nr - i) * sizeof(h->e[0]));
		memmove(&h->since_ns[i], &h->since_ns[i + 1], (h->nr - i) * sizeof(h->since_ns[0]));
		if (stopping) {
			ras_emit(v->vm, &e, RAS_ACT_DROP, "VM stopping", "");
		} else if (ready == RAS_BUSY) {
			char reason[320];

			snprintf(reason, sizeof(reason), "held %llu s, the guest never became ready: %s",
				 (unsigned long long)(RAS_HOLD_MAX_NS / 1000000000ULL), why);
			ras_emit(v->vm, &e, RAS_ACT_DROP, reason, "");
		} else {
			/* The page may have been told about meanwhile. */
			int k;

			pthread_mutex_lock(&v->vm->ras->lock);
			k = ras_poison_find(&v->vm->ras->poison, e.gpa);
			e.reported = k >= 0 ? v->vm->ras->poison.r[k].reported : 0;
			pthread_mutex_unlock(&v->vm->ras->lock);
			ras_act(v, &e, ready == RAS_READY, why, sizeof(why));
		}
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

enum ras_action ras_vcpu_error(struct vcpu *v, uint64_t gpa, enum ras_kind kind,
			       const char *source)
{
	struct vm *vm = v->vm;
	uint64_t page = 1ULL << vm->page_shift;
	void *hva = mem_gpa_to_hva(&vm->mem, ALIGN_DOWN(gpa, page), page);
	struct ras_record rec = {
		.hva = (uintptr_t)hva + (gpa & (page - 1)),
		.t_ns = mono_ns(),
		.kind = (uint8_t)kind,
	};
	struct ras_error e;

	if (!hva) {
		/* Nothing of lkvm's was hit; the guest's view is just wrong. */
		memset(&e, 0, sizeof(e));
		e.kind = kind;
		e.gpa = gpa;
		e.vcpu = (int)v->id;
		e.source = source;
		e.t_signal_ns = rec.t_ns;
		ras_emit(vm, &e, RAS_ACT_STOP, "the reported address is not guest RAM", "");
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped: %s reported a memory error at 0x%llx, outside guest RAM (exit status %d)",
				vm->opts->name, source, (unsigned long long)gpa, LKVM_EXIT_RAS_STOP);
		return RAS_ACT_STOP;
	}
	pthread_mutex_lock(&vm->ras->lock);
	ras_locate(&vm->mem, &vm->ras->poison, vm->page_shift, &rec, &e);
	pthread_mutex_unlock(&vm->ras->lock);
	e.source = source;
	if (kind == RAS_AR)
		e.vcpu = (int)v->id;
	return ras_dispatch(v, &e);
}

unsigned int ras_poisoned_count(struct vm *vm)
{
	uint64_t bytes;

	if (!vm->ras)
		return 0;
	pthread_mutex_lock(&vm->ras->lock);
	bytes = ras_poison_bytes(&vm->ras->poison);
	pthread_mutex_unlock(&vm->ras->lock);
	return (unsigned int)(bytes >> vm->page_shift);
}
