// SPDX-License-Identifier: GPL-2.0
/*
 * Building and tearing down a VM, in named stages (vm_create): each stage
 * may rely on everything before it.
 */
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
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "hw/virtio-devs.h"
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
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, arch_vm_type(vm));
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
		vm->mem.no_remap = true;
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

/* kvmtool's rule: lower the count to what KVM allows, and say so. */
static int vm_check_cpus(struct vm *vm)
{
	int max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	char warn[160];

	vm->nr_vcpus = run_cpus_resolve(vm->opts->cpus, sysconf(_SC_NPROCESSORS_ONLN), max,
					warn, sizeof(warn));
	if (warn[0])
		pr_warn("warning: %s", warn);
	vm->opts->cpus = vm->nr_vcpus;	/* a reboot asks again quietly */
	return 0;
}

/*
 * The input files open, in kvmtool's words: scripts (kvm-unit-tests) probe a
 * VMM with a missing kernel and look for this line to learn that it got
 * past its options and KVM set-up. The loaders read the files later.
 */
static int vm_check_files(struct vm *vm)
{
	const char *files[][2] = {
		{ "kernel", vm->opts->kernel }, { "initrd", vm->opts->initrd },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct stat st = { .st_mode = S_IFREG };
		int fd;

		if (!files[i][1])
			continue;
		/* O_NONBLOCK: a FIFO must not hang start-up waiting for a writer. */
		fd = open(files[i][1], O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			pr_err("Fatal: Unable to open %s %s: %s", files[i][0], files[i][1],
			       strerror(errno));
			return LKVM_EXIT_USAGE;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			pr_err("Fatal: Unable to open %s %s: not a regular file (a %s); give the %s file itself",
			       files[i][0], files[i][1], S_ISDIR(st.st_mode) ? "directory" :
			       S_ISFIFO(st.st_mode) ? "FIFO" : S_ISSOCK(st.st_mode) ? "socket" : "device",
			       files[i][0]);
			return LKVM_EXIT_USAGE;
		}
		close(fd);
	}
	return 0;
}

static int vm_init_ras_vcpus(struct vm *vm)
{
	int ret;

	vm->ras_ops = arch_ras_ops();
	ret = ras_init(vm);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		/* The arch orders its own steps and the RAS per-vCPU set-up. */
		ret = arch_vcpu_init(&vm->vcpus[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The arch's platform devices, then the virtio devices the options ask for,
 * all with room from the window the arch gives (devices.h).
 */
static int vm_create_devices(struct vm *vm)
{
	int ret;

	devices_init(vm);
	ret = arch_devices_init(vm);
	return ret ? ret : virtio_devices_create(vm);
}

/*
 * The stages, in order. Hidden rules made explicit: the irqchip exists
 * before any vCPU (x86 LAPICs, arm64 vGIC); devices exist before the
 * description that lists them; RAS state exists before a vCPU's RAS set-up;
 * devices start last: their start hooks move interrupts to irqfds, which KVM
 * refuses on arm64 before the vGIC is initialised, with the last vCPU.
 */
static const struct vm_stage {
	const char *name;
	int (*fn)(struct vm *vm);
} vm_stages[] = {
	{ "open /dev/kvm, create VM", vm_open_kvm },
	{ "check vCPU count", vm_check_cpus },
	{ "kernel and initrd files", vm_check_files },
	{ "guest RAM", vm_map_ram },
	{ "interrupt controller", arch_irqchip_init },
	{ "vCPUs", vm_create_vcpus },
	{ "devices", vm_create_devices },
	{ "kernel", arch_load_kernel },
	{ "machine description", arch_describe },
	{ "memory errors, vCPU set-up", vm_init_ras_vcpus },
	{ "device interrupts", devices_start },
};

int vm_create(struct vm *vm, struct run_opts *o)
{
	static bool rebuilt;

	memset(vm, 0, sizeof(*vm));
	vm->t0_ns = rebuilt ? mono_ns() : lkvm_start_ns;
	rebuilt = true;
	vm->kvm_fd = vm->vm_fd = vm->wake_fd = -1;
	vm->opts = o;
	vm->nr_vcpus = o->cpus;
	vm->page_shift = arch_page_shift();
	vm->pio.name = "pio";
	vm->mmio.name = "mmio";
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0)
		return LKVM_EXIT_ERROR;
	/* From here on a memory error in this VM's RAM is guest RAM. */
	ras_set_vm(vm);
	for (size_t i = 0; i < ARRAY_SIZE(vm_stages); i++) {
		int ret = vm_stages[i].fn(vm);

		if (ret) {
			pr_debug("VM build stopped at stage '%s'", vm_stages[i].name);
			return ret;
		}
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	ras_exit(vm);
	devices_destroy(vm);	/* their threads stopped before the arch's state goes */
	arch_vm_exit(vm);
	for (i = 0; vm->vcpus && i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run && vm->vcpus[i].run != MAP_FAILED)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	/* No SIGBUS may look this RAM up any more. */
	ras_set_vm(NULL);
	if (vm->mem.base)
		munmap(vm->mem.base, vm->mem.base_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
}

int vm_wait(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	return vm->exit_status;
}
