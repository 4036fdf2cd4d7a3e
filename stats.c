// SPDX-License-Identifier: GPL-2.0
/* `lkvm stat`: where the VM's exits went, as "key value" lines. */
#include <stdio.h>

#include "lkvm/guest-log.h"
#include "lkvm/mem-load.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static size_t stats_bus(const struct io_bus *bus, char *buf, size_t n)
{
	size_t o = 0;

	for (int i = 0; i < bus->nr && o < n; i++)
		if (bus->r[i].hits)
			o += (size_t)snprintf(buf + o, n - o, "%s.%s %llu\n", bus->name, bus->r[i].name,
					      (unsigned long long)bus->r[i].hits);
	if (bus->unclaimed && o < n)
		o += (size_t)snprintf(buf + o, n - o, "%s.unclaimed %llu (last 0x%llx)\n", bus->name,
				      (unsigned long long)bus->unclaimed,
				      (unsigned long long)bus->last_unclaimed);
	return MIN(o, n);
}

size_t vm_stats_format(struct vm *vm, char *buf, size_t n)
{
	uint64_t total = 0, by[VCPU_EXIT_REASONS] = { 0 };
	size_t o = 0;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		for (int r = 0; r < VCPU_EXIT_REASONS; r++) {
			uint64_t c = __atomic_load_n(&vm->vcpus[i].exits[r], __ATOMIC_RELAXED);

			by[r] += c;
			total += c;
		}
	o += (size_t)snprintf(buf + o, n - o, "startup_us %llu\nload_mapped_bytes %llu\nram_hva 0x%llx-0x%llx\nexits %llu\n",
			      (unsigned long long)(__atomic_load_n(&vm->startup_ns, __ATOMIC_RELAXED) / 1000),
			      (unsigned long long)mem_load_mapped(), (unsigned long long)(uintptr_t)vm->mem.base,
			      (unsigned long long)((uintptr_t)vm->mem.base + vm->mem.base_size),
			      (unsigned long long)total);
	for (int r = 0; r < VCPU_EXIT_REASONS && o < n; r++)
		if (by[r])
			o += (size_t)snprintf(buf + o, n - o, "exits.%s %llu\n",
					      vcpu_exit_name((uint32_t)r), (unsigned long long)by[r]);
	if (o < n)
		o += stats_bus(&vm->pio, buf + o, n - o);
	if (o < n)
		o += stats_bus(&vm->mmio, buf + o, n - o);
	if (o < n)
		o += devices_stats(vm, buf + o, n - o);	/* each device's own lines */
	if (o < n)
		o += (size_t)snprintf(buf + o, n - o, "poisoned_pages %u\n", ras_poisoned_count(vm));
	if (o < n)
		o += (size_t)snprintf(buf + o, n - o, "log.guest_suppressed %llu\n",
				      (unsigned long long)guest_log_suppressed());
	return MIN(o, n);
}
