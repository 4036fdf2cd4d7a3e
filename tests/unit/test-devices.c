// SPDX-License-Identifier: GPL-2.0
/*
 * The device registry (devices.c): room from the arch's window, the
 * registry walked in order, unregister, start/destroy/stats hooks, and a
 * virtio-mmio transport whose creation fails after it registered leaving
 * nothing behind; a virtio-9p share as the guest sees its registers. The arch side is played here: a window the test sets,
 * and an arch_irq_claim() that can refuse a line (as ppc64's XICS can).
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/arch.h"
#include "lkvm/devices.h"
#include "lkvm/io-bus.h"
#include "lkvm/vm.h"
#include "suites.h"

static struct arch_dev_window window;
static int claim_fail_irq = -1;		/* arch_irq_claim() refuses this line */
static unsigned int claims;

void arch_dev_window(struct vm *vm, struct arch_dev_window *w)
{
	(void)vm;
	*w = window;
}

int arch_irq_claim(struct vm *vm, unsigned int irq)
{
	(void)vm;
	claims++;
	return (int)irq == claim_fail_irq ? -EBUSY : 0;
}

/* What irqfd.c asks of the arch; KVM is absent, so the lines stay on KVM_IRQ_LINE. */
int arch_irq_line(struct vm *vm, unsigned int irq, int level)
{
	(void)vm;
	(void)irq;
	(void)level;
	return 0;
}

enum arch_irq_trigger arch_irq_trigger(void)
{
	return ARCH_IRQ_LEVEL;
}

unsigned int arch_irq_gsi(unsigned int irq)
{
	return irq;
}

static struct vm vm;
static char log_buf[256];

void test_vm_init(struct vm *v)
{
	memset(v, 0, sizeof(*v));
	v->kvm_fd = v->vm_fd = -1;
	v->pio.name = "pio";
	v->mmio.name = "mmio";
	window = (struct arch_dev_window){ .mmio_base = 0xd0000000ULL, .mmio_size = 0x4000,
					   .irq_first = 16, .nr_irqs = 3 };
	claim_fail_irq = -1;
	devices_init(v);
}

static void vm_setup(void)
{
	test_vm_init(&vm);
	claims = 0;
	log_buf[0] = '\0';
}

START_TEST(test_mmio_alloc_align_and_exhaust)
{
	uint64_t a = 0, b = 0, c = 0, d = 0;

	ck_assert_int_eq(device_mmio_alloc(&vm, 0x200, &a), 0);
	ck_assert_uint_eq(a, 0xd0000000ULL);
	/* The next piece starts on the next 4 KiB, whatever the size before. */
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x1001, &b), 0);
	ck_assert_uint_eq(b, 0xd0001000ULL);
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x1000, &c), 0);
	ck_assert_uint_eq(c, 0xd0003000ULL);
	/* 16 KiB window: used up exactly. */
	ck_assert_int_eq(device_mmio_alloc(&vm, 1, &d), -ENOSPC);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(device_mmio_alloc(&vm, 0, &d), -EINVAL);
}
END_TEST

START_TEST(test_mmio_alloc_too_big_leaves_room)
{
	uint64_t a = 0;

	ck_assert_int_eq(device_mmio_alloc(&vm, 0x4001, &a), -ENOSPC);
	ck_assert_int_eq(device_mmio_alloc(&vm, UINT64_MAX, &a), -ENOSPC);
	/* A refusal uses nothing up: the whole window is still there. */
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x4000, &a), 0);
	ck_assert_uint_eq(a, 0xd0000000ULL);
}
END_TEST

/* A window that ends at the top of the address space: no wrap-around. */
START_TEST(test_mmio_alloc_top_of_space)
{
	uint64_t a = 0;

	window.mmio_base = UINT64_MAX - 0x1fffULL;	/* the last 8 KiB */
	window.mmio_size = 0x2000;
	devices_init(&vm);
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x1000, &a), 0);
	ck_assert_uint_eq(a, UINT64_MAX - 0x1fffULL);
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x1000, &a), 0);
	ck_assert_uint_eq(a, UINT64_MAX - 0xfffULL);
	ck_assert_int_eq(device_mmio_alloc(&vm, 0x1000, &a), -ENOSPC);
	ck_assert_int_eq(device_mmio_alloc(&vm, 1, &a), -ENOSPC);
}
END_TEST

START_TEST(test_irq_alloc_range_and_claim)
{
	unsigned int irq = 0;

	ck_assert_int_eq(device_irq_alloc(&vm, &irq), 0);
	ck_assert_uint_eq(irq, 16);
	/* The arch refuses line 17 (ppc64: no XICS source): nothing used up. */
	claim_fail_irq = 17;
	ck_assert_int_eq(device_irq_alloc(&vm, &irq), -EBUSY);
	ck_assert_uint_eq(irq, 16);
	claim_fail_irq = -1;
	ck_assert_int_eq(device_irq_alloc(&vm, &irq), 0);
	ck_assert_uint_eq(irq, 17);
	ck_assert_int_eq(device_irq_alloc(&vm, &irq), 0);
	ck_assert_uint_eq(irq, 18);
	/* [16, 19): the range is over, and the arch is not even asked. */
	ck_assert_int_eq(device_irq_alloc(&vm, &irq), -ENOSPC);
	ck_assert_uint_eq(irq, 18);
	ck_assert_uint_eq(claims, 4);
}
END_TEST

static void log_event(const char *what, const struct device *d)
{
	size_t o = strlen(log_buf);

	snprintf(log_buf + o, sizeof(log_buf) - o, "%s:%s ", what, d->name);
}

static int dev_start(struct vm *v, struct device *d)
{
	(void)v;
	log_event("start", d);
	return d->base == 0x70 ? 7 : 0;	/* "rtc" fails to start: status 7 */
}

static void dev_destroy(struct vm *v, struct device *d)
{
	(void)v;
	log_event("destroy", d);
}

static size_t dev_stats(const struct device *d, char *buf, size_t n)
{
	return (size_t)snprintf(buf, n, "%s.x 1\n", d->name);
}

static void dev_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		   bool is_write, void *opaque)
{
	(void)v;
	(void)off;
	(void)is_write;
	(void)opaque;
	memset(data, 0x5a, len);
}

START_TEST(test_registry_walk_unregister_hooks)
{
	struct device d[4] = {
		{ .name = "uart", .kind = DEV_KIND_UART, .bus = DEV_BUS_PIO, .base = 0x3f8, .len = 8,
		  .irq = 4, .io = dev_io, .destroy = dev_destroy, .stats = dev_stats },
		{ .name = "virtio-blk0", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = 0xd0000000ULL, .len = 0x200, .irq = 16, .io = dev_io,
		  .start = dev_start, .destroy = dev_destroy, .stats = dev_stats },
		{ .name = "virtio-rng", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = 0xd0001000ULL, .len = 0x200, .irq = 17, .io = dev_io,
		  .start = dev_start, .destroy = dev_destroy },
		{ .name = "rtc", .kind = DEV_KIND_PLATFORM, .bus = DEV_BUS_PIO, .base = 0x70,
		  .len = 2, .irq = DEV_NO_IRQ, .io = dev_io, .start = dev_start,
		  .destroy = dev_destroy },
	};
	const char *order[4];
	uint8_t b[1];
	char stats[128];
	int n = 0;

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(device_register(&vm, &d[i]), 0);
	/* The same range twice: refused, and the registry is unchanged. */
	ck_assert_int_eq(device_register(&vm, &(struct device){ .name = "dup", .bus = DEV_BUS_MMIO,
								.base = 0xd0000100ULL, .len = 4,
								.io = dev_io }), -EBUSY);
	for_each_device(vm.devices, p)
		order[n++] = p->name;
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(order[0], "uart");
	ck_assert_str_eq(order[1], "virtio-blk0");
	ck_assert_str_eq(order[2], "virtio-rng");
	ck_assert_str_eq(order[3], "rtc");
	ck_assert_uint_eq(devices_count(&vm, DEV_KIND_VIRTIO_MMIO), 2);
	ck_assert_uint_eq(devices_count(&vm, DEV_KIND_UART), 1);
	ck_assert_str_eq(dev_kind_node(DEV_KIND_VIRTIO_MMIO), "virtio");
	ck_assert_str_eq(dev_kind_compatible(DEV_KIND_UART), "ns16550a");
	ck_assert_ptr_null(dev_kind_node(DEV_KIND_PLATFORM));

	/* Unregister the middle one: gone from the walk and from its bus. */
	device_unregister(&vm, &d[1]);
	ck_assert_uint_eq(devices_count(&vm, DEV_KIND_VIRTIO_MMIO), 1);
	ck_assert_ptr_eq(vm.devices->next, &d[2]);
	ck_assert_int_eq(vm.mmio.nr, 1);
	ck_assert(!io_bus_dispatch(&vm.mmio, NULL, 0xd0000000ULL, b, 1, false));
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, 0xd0001000ULL, b, 1, false));
	/* Its range can be taken again. */
	ck_assert_int_eq(device_register(&vm, &d[1]), 0);

	/* Start in registration order, stopping at the first failure's status. */
	ck_assert_int_eq(devices_start(&vm), 7);
	ck_assert_str_eq(log_buf, "start:virtio-rng start:rtc ");
	ck_assert_uint_eq(devices_stats(&vm, stats, sizeof(stats)), strlen(stats));
	ck_assert_str_eq(stats, "uart.x 1\nvirtio-blk0.x 1\n");

	/* Destroy newest first; the registry and the buses end empty. */
	log_buf[0] = '\0';
	devices_destroy(&vm);
	ck_assert_str_eq(log_buf,
			 "destroy:virtio-blk0 destroy:rtc destroy:virtio-rng destroy:uart ");
	ck_assert_ptr_null(vm.devices);
	ck_assert_int_eq(vm.pio.nr, 0);
	ck_assert_int_eq(vm.mmio.nr, 0);
}
END_TEST

static struct virtio_dev test_dev = { .name = "virtio-test", .id = VIRTIO_ID_RNG,
				      .nr_queues = 1, .poll_fd = -1 };

/* A transport that works: registered with room from the window, then destroyed by the registry. */
START_TEST(test_virtio_create_destroy)
{
	struct virtio_mmio *t = virtio_mmio_create(&vm, &test_dev);

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(vm.devices);
	ck_assert_uint_eq(vm.devices->kind, DEV_KIND_VIRTIO_MMIO);
	ck_assert_uint_eq(vm.devices->base, 0xd0000000ULL);
	ck_assert_int_eq(vm.devices->irq, 16);
	ck_assert_int_eq(vm.mmio.nr, 1);
	ck_assert_str_eq(virtio_mmio_cmdline(&vm), "virtio_mmio.device=512@0xd0000000:16");
	ck_assert_int_eq(devices_start(&vm), 0);	/* no KVM: stays on KVM_IRQ_LINE */
	devices_destroy(&vm);
	ck_assert_int_eq(vm.mmio.nr, 0);
	ck_assert_str_eq(virtio_mmio_cmdline(&vm), "");
}
END_TEST

static uint32_t mmio_rd(uint64_t addr, unsigned int len)
{
	uint8_t d[4] = { 0 };

	ck_assert(io_bus_dispatch(&vm.mmio, NULL, addr, d, len, false));
	return (uint32_t)io_data_get(d, len);
}

/* virtio-9p on the registry: device ID 9, the mount-tag feature, the tag's bytes, its stat lines. */
START_TEST(test_virtio_9p_device)
{
	struct run_share sh = { .tag = "hostshare" };
	char stats[1024];

	snprintf(sh.dir, sizeof(sh.dir), "/tmp");
	sh.fd = open(sh.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(sh.fd, 0);
	ck_assert_int_eq(virtio_9p_create(&vm, &sh, 0), 0);
	ck_assert_str_eq(vm.devices->name, "virtio-9p0");
	ck_assert_uint_eq(vm.devices->kind, DEV_KIND_VIRTIO_MMIO);
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x008, 4), 9);	/* DeviceID */
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x010, 4) & 1, 1);	/* VIRTIO_9P_MOUNT_TAG */
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x100, 2), 9);	/* tag_len */
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x102, 4), 0x74736f68);	/* "host" */
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x106, 4), 0x72616873);	/* "shar" */
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x10a, 1), 'e');
	ck_assert_uint_eq(mmio_rd(0xd0000000ULL + 0x10b, 1), 0);		/* nothing after it */
	devices_stats(&vm, stats, sizeof(stats));
	ck_assert_ptr_nonnull(strstr(stats, "virtio-9p0.requests 0\n"));
	ck_assert_ptr_nonnull(strstr(stats, "virtio-9p0.p9_requests 0\nvirtio-9p0.p9_errors 0\n"));
	ck_assert_ptr_nonnull(strstr(stats, "virtio-9p0.bytes_read 0\nvirtio-9p0.bytes_written 0\n"));
	/* A device reset from the guest (a vCPU): flagged for the I/O thread, no crash. */
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, 0xd0000000ULL + 0x070, (uint8_t[4]){ 0 }, 4, true));
	devices_destroy(&vm);
	ck_assert_int_eq(vm.mmio.nr, 0);
	close(sh.fd);
}
END_TEST

/*
 * The I/O thread cannot start (clone refused by a seccomp filter in a
 * child): virtio_mmio_create() fails after it registered, and must take the
 * range back, or the bus keeps a handler whose opaque was freed.
 */
START_TEST(test_virtio_create_fails_leaves_nothing)
{
	scmp_filter_ctx ctx;
	int status = 0;
	pid_t pid;

	if (skip_emulated("test_virtio_create_fails_leaves_nothing",
			  "qemu-user cannot install a seccomp filter (the native x86 run covers this code)"))
		return;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct virtio_mmio *t;
		int bad = 0;

		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAGAIN), SCMP_SYS(clone), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) ||
		    seccomp_load(ctx))
			_exit(100);
		t = virtio_mmio_create(&vm, &test_dev);
		bad |= t != NULL;
		bad |= (vm.mmio.nr != 0) << 1;		/* no range left on the bus */
		bad |= (vm.devices != NULL) << 2;	/* nor in the registry */
		_exit(bad);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) != 100, "cannot install the seccomp filter");
	ck_assert_msg(!(WEXITSTATUS(status) & 1), "create succeeded without a thread");
	ck_assert_msg(!(WEXITSTATUS(status) & 2), "the failed create left its range on the bus");
	ck_assert_msg(!(WEXITSTATUS(status) & 4), "the failed create left a registry entry");
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *devices_suite(void)
{
	Suite *s = suite_create("devices");
	TCase *tc;

	tc = tcase_create("allocator");
	tcase_add_checked_fixture(tc, vm_setup, NULL);
	tcase_add_test(tc, test_mmio_alloc_align_and_exhaust);
	tcase_add_test(tc, test_mmio_alloc_too_big_leaves_room);
	tcase_add_test(tc, test_mmio_alloc_top_of_space);
	tcase_add_test(tc, test_irq_alloc_range_and_claim);
	suite_add_tcase(s, tc);

	tc = tcase_create("registry");
	tcase_add_checked_fixture(tc, vm_setup, NULL);
	tcase_add_test(tc, test_registry_walk_unregister_hooks);
	tcase_add_test(tc, test_virtio_create_destroy);
	tcase_add_test(tc, test_virtio_9p_device);
	tcase_add_test(tc, test_virtio_create_fails_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}
