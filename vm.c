// SPDX-License-Identifier: GPL-2.0
/* The VM: /dev/kvm, guest RAM, vCPUs, and its lifecycle (stop, pause). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static int vm_open_kvm(struct vm *vm)
{
	int ver;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		if (errno == ENOENT)
			pr_err("cannot open /dev/kvm: no such device; load the kvm module or run on a host with virtualization");
		else if (errno == EACCES || errno == EPERM)
			pr_err("cannot open /dev/kvm: permission denied; add yourself to the 'kvm' group or run as root");
		else
			pr_err("cannot open /dev/kvm: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	ver = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION) {
		pr_err("/dev/kvm speaks KVM API %d, lkvm needs %d", ver, KVM_API_VERSION);
		return LKVM_EXIT_ERROR;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM failed: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

/*
 * Guest RAM from a hugetlbfs mount, over the reserved range at p: an
 * unlinked file, reserved at mmap time so a shortage shows now, not as a
 * SIGBUS later.
 */
static int vm_map_hugetlbfs(const char *dir, uint8_t *p, uint64_t ram)
{
	char path[4096];
	struct statfs sfs;
	int fd;

	if (statfs(dir, &sfs) < 0 || (unsigned long)sfs.f_type != HUGETLBFS_MAGIC) {
		pr_err("--hugetlbfs %s is not a hugetlbfs mount; mount one with 'mount -t hugetlbfs none DIR'",
		       dir);
		return LKVM_EXIT_USAGE;
	}
	if ((uint64_t)sfs.f_bsize == 0 || ram % (uint64_t)sfs.f_bsize) {
		pr_err("--mem must be a multiple of the huge page size (%ld KiB) with --hugetlbfs",
		       (long)sfs.f_bsize / 1024);
		return LKVM_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/lkvm-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot create a file in --hugetlbfs %s: %s", dir, strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	unlink(path);
	if (ftruncate(fd, (off_t)ram) < 0 ||
	    mmap(p, ram, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		pr_err("cannot get %llu MiB of huge pages from %s: %s; raise /proc/sys/vm/nr_hugepages",
		       (unsigned long long)(ram / MiB), dir, strerror(errno));
		close(fd);
		return LKVM_EXIT_ERROR;
	}
	close(fd);	/* the mapping keeps the file */
	return 0;
}

/*
 * One host mapping for all of guest RAM, 2 MiB aligned so the host can back
 * it with huge pages; the arch cuts it into guest-physical regions.
 */
static int vm_map_ram(struct vm *vm)
{
	struct arch_region ar[MEM_MAX_REGIONS];
	uint64_t ram = vm->opts->mem_mib * MiB, off = 0;
	uint8_t *p;
	int i, n;

	vm->mem.base_size = ram + 2 * MiB;
	p = mmap(NULL, vm->mem.base_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		pr_err("cannot map %llu MiB of guest RAM: %s; use a smaller --mem",
		       (unsigned long long)vm->opts->mem_mib, strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	vm->mem.base = p;
	p = (uint8_t *)ALIGN_UP((uintptr_t)p, 2 * MiB);
	if (vm->opts->hugetlbfs) {
		int ret = vm_map_hugetlbfs(vm->opts->hugetlbfs, p, ram);

		if (ret)
			return ret;
	} else {
		madvise(p, ram, MADV_HUGEPAGE);
	}
	madvise(p, ram, MADV_DONTDUMP);

	n = arch_mem_layout(ram, ar, MEM_MAX_REGIONS);
	for (i = 0; i < n; i++) {
		struct kvm_userspace_memory_region r = {
			.slot = (uint32_t)i,
			.guest_phys_addr = ar[i].gpa,
			.memory_size = ar[i].size,
			.userspace_addr = (uintptr_t)(p + off),
		};

		if (mem_map_add(&vm->mem, ar[i].gpa, ar[i].size, p + off) ||
		    ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
			pr_err("cannot register guest RAM at 0x%llx: %s",
			       (unsigned long long)ar[i].gpa, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
		off += ar[i].size;
	}
	return 0;
}

static int vm_create_vcpus(struct vm *vm)
{
	unsigned int i;
	int sz;

	sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	vm->run_size = (size_t)sz;
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return LKVM_EXIT_ERROR;
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].fd = -1;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0) {
			pr_err("cannot create vCPU %u: %s; try fewer --cpus", i, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
		v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			pr_err("cannot map vCPU %u state: %s", i, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
	}
	return 0;
}

int vm_create(struct vm *vm, struct run_opts *o)
{
	unsigned int i;
	int ret, max;

	static bool rebuilt;

	memset(vm, 0, sizeof(*vm));
	vm->t0_ns = rebuilt ? mono_ns() : lkvm_start_ns;
	rebuilt = true;
	vm->kvm_fd = vm->vm_fd = vm->wake_fd = -1;
	vm->opts = o;
	vm->nr_vcpus = o->cpus;
	vm->pio.name = "pio";
	vm->mmio.name = "mmio";
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0)
		return LKVM_EXIT_ERROR;

	ret = vm_open_kvm(vm);
	if (ret)
		return ret;
	max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max > 0 && o->cpus > (unsigned int)max) {
		pr_err("--cpus %u is more than this host's KVM allows (%d)", o->cpus, max);
		return LKVM_EXIT_USAGE;
	}
	ret = vm_map_ram(vm);
	if (ret)
		return ret;
	ret = arch_vm_init(vm);
	if (ret)
		return ret;
	ret = vm_create_vcpus(vm);
	if (ret)
		return ret;
	ret = arch_load_kernel(vm);
	if (ret)
		return ret;
	vm->ras_ops = arch_ras_ops();
	ret = ras_init(vm);
	if (ret)
		return ret;
	for (i = 0; i < vm->nr_vcpus; i++) {
		/* RAS first: the arch's CPUID may advertise what it set up. */
		if (vm->ras_ops && vm->ras_ops->vcpu_init && vm->ras_ops->vcpu_init(&vm->vcpus[i]))
			return LKVM_EXIT_ERROR;
		ret = arch_vcpu_init(&vm->vcpus[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
{
	uint64_t one = 1;
	unsigned int i;
	bool first;

	pthread_mutex_lock(&vm->lock);
	first = !vm->stopping;
	if (first) {
		vm->stopping = true;
		vm->exit_status = status;
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (!first)
		return;
	if (fmt) {
		char line[512];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		pr_info("%s", line);
	}
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (write(vm->wake_fd, &one, sizeof(one)) < 0)
		return;
}

bool vm_stopping(struct vm *vm)
{
	bool s;

	pthread_mutex_lock(&vm->lock);
	s = vm->stopping;
	pthread_mutex_unlock(&vm->lock);
	return s;
}

int vm_pause(struct vm *vm)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_req) {
		pthread_mutex_unlock(&vm->lock);
		return -EALREADY;
	}
	vm->pause_req = true;
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_lock(&vm->lock);
	while (vm->nr_paused < vm->nr_vcpus && !vm->stopping)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

int vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->pause_req) {
		pthread_mutex_unlock(&vm->lock);
		return -EALREADY;
	}
	vm->pause_req = false;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

bool vm_paused(struct vm *vm)
{
	bool p;

	pthread_mutex_lock(&vm->lock);
	p = vm->pause_req;
	pthread_mutex_unlock(&vm->lock);
	return p;
}

int vcpu_mailbox_post(struct vcpu *v, const struct ras_record *rec)
{
	int ret = 0;

	pthread_mutex_lock(&v->vm->lock);
	if (v->mb_head - v->mb_tail >= VCPU_MAILBOX)
		ret = -ENOSPC;
	else
		v->mailbox[v->mb_head++ % VCPU_MAILBOX] = *rec;
	pthread_mutex_unlock(&v->vm->lock);
	if (!ret)
		vcpu_kick(v);
	return ret;
}

bool vcpu_mailbox_take(struct vcpu *v, struct ras_record *rec)
{
	bool got = false;

	pthread_mutex_lock(&v->vm->lock);
	if (v->mb_tail != v->mb_head) {
		*rec = v->mailbox[v->mb_tail++ % VCPU_MAILBOX];
		got = true;
	}
	pthread_mutex_unlock(&v->vm->lock);
	return got;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	ras_exit(vm);
	arch_vm_exit(vm);
	for (i = 0; vm->vcpus && i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run && vm->vcpus[i].run != MAP_FAILED)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	if (vm->mem.base)
		munmap(vm->mem.base, vm->mem.base_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
}

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
	o += (size_t)snprintf(buf + o, n - o, "startup_us %llu\nexits %llu\n",
			      (unsigned long long)(__atomic_load_n(&vm->startup_ns, __ATOMIC_RELAXED) / 1000),
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
		o += (size_t)snprintf(buf + o, n - o, "poisoned_pages %u\n", ras_poisoned_count(vm));
	return MIN(o, n);
}

int vm_wait(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	return vm->exit_status;
}
