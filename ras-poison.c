// SPDX-License-Identifier: GPL-2.0
/*
 * The poison set (ras.h): which guest pages are known to be bad and what
 * the guest was told of each. Pure list code, plus the locked queries the
 * rest of lkvm (and the arch) asks a VM's set through.
 */
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

uint8_t ras_poison_reported(const struct ras_poison_set *ps, uint64_t gpa)
{
	int i = ras_poison_find(ps, gpa);

	return i >= 0 ? ps->r[i].reported : 0;
}

void ras_poison_mark(struct ras_poison_set *ps, uint64_t gpa, uint8_t reported)
{
	int i = ras_poison_find(ps, gpa);

	if (i >= 0)
		ps->r[i].reported |= reported;
}

void ras_poison_add(struct ras_poison_set *ps, uint64_t gpa, uint64_t len)
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

bool ras_poison_latest(const struct ras_poison_set *ps, uint8_t without, uint64_t *gpa)
{
	unsigned int nr = MIN(ps->nr, (unsigned int)RAS_MAX_POISON);

	for (unsigned int i = nr; i-- > 0;) {
		if (!(ps->r[i].reported & without)) {
			*gpa = ps->r[i].gpa;
			return true;
		}
	}
	return false;
}

bool ras_vm_poison_latest(struct vm *vm, uint8_t without, uint64_t *gpa)
{
	bool found;

	if (!vm->ras)
		return false;
	pthread_mutex_lock(&vm->ras->lock);
	found = ras_poison_latest(&vm->ras->poison, without, gpa);
	pthread_mutex_unlock(&vm->ras->lock);
	return found;
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
