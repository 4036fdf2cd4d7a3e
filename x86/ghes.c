// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 GHES source of AMD guests (ghes.h): the error status address
 * register as MMIO, which tells lkvm that the guest's GHES driver polls
 * the source, and the choice between it and a machine check.
 */
#include "ghes.h"
#include "acpi.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "x86.h"

/* Reads give the block's address (whatever their size); writes are ignored. */
static void x86_ghes_reg(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			 bool is_write, void *opaque)
{
	struct x86_vm *x = opaque;

	if (is_write)
		return;
	__atomic_store_n(&x->ghes_polled_ns, mono_ns(), __ATOMIC_RELAXED);
	io_data_put(data, len, off < 8 ? X86_GHES_BLOCK >> (8 * off) : 0);
}

int x86_ghes_init(struct vm *vm)
{
	return io_bus_register(&vm->mmio, X86_GHES_STATUS_REG, 0x1000, x86_ghes_reg, x86_vm(vm),
			       "GHES");
}

bool x86_ghes_polled(const struct x86_vm *x, uint64_t now_ns)
{
	uint64_t at = __atomic_load_n(&x->ghes_polled_ns, __ATOMIC_RELAXED);

	return at && now_ns - at <= X86_GHES_FRESH_MS * 1000000ULL;
}

enum x86_ras_how x86_ras_plan(const struct x86_ras_facts *f)
{
	if (f->consumed || !f->amd || !f->has_gpa || !f->ghes || !f->polled)
		return X86_RAS_MCE;
	return f->busy ? X86_RAS_GHES_WAIT : X86_RAS_GHES;
}
