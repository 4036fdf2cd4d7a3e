// SPDX-License-Identifier: GPL-2.0
/*
 * --testdev: the test device kvm-unit-tests' x86 runner always gives QEMU
 * (`-device pc-testdev`), with the same ports, so its tests run under lkvm:
 *
 *   0x2000 + N (N < 24)  a write raises (non-zero) or lowers (zero) interrupt
 *                        line N of the in-kernel PIC and I/O APIC: a test
 *                        makes its own interrupts (realmode's `sti; hlt`,
 *                        ioapic's edge and level pins). Reads give 0.
 *   0xe0-0xe3            a 32-bit scratch register, read back as written
 *   0xe4-0xe7            the same register, one byte per port
 *   0xe8-0xeb            QEMU's "flush page" (it re-protects a host page);
 *                        writes are taken and ignored: lkvm keeps no TLB
 *   0xff000000 (64 KiB)  MMIO that reads back what was written, kept in
 *                        lkvm: every guest access exits, so KVM's instruction
 *                        emulator must carry out each instruction that
 *                        touches it (the emulator and lam tests).
 * Opt-in: no test result may depend on it being there by default.
 */
#include <pthread.h>
#include <string.h>

#include "lkvm/util.h"
#include "x86.h"

#define TESTDEV_SCRATCH		0xe0
#define TESTDEV_SCRATCH_BYTES	0xe4
#define TESTDEV_FLUSH_PAGE	0xe8
#define TESTDEV_IRQ_BASE	0x2000
#define TESTDEV_NR_IRQS		24	/* the I/O APIC's pins */

struct testdev {
	pthread_mutex_t lock;
	uint32_t scratch;
	uint8_t mem[TESTDEV_MEM_LEN];
};

static struct testdev td = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* 0xe0: the register, as QEMU's: a write replaces it, a read gives its low bytes. */
static void testdev_scratch_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			       bool is_write, void *opaque)
{
	pthread_mutex_lock(&td.lock);
	if (is_write)
		td.scratch = (uint32_t)(io_data_get(data, len) << (8 * off));
	else
		io_data_put(data, len, td.scratch >> (8 * off));
	pthread_mutex_unlock(&td.lock);
}

/* 0xe4: byte off of the same register, for each byte of the access. */
static void testdev_scratch_byte_io(struct vcpu *v, uint64_t off, uint8_t *data,
				    unsigned int len, bool is_write, void *opaque)
{
	pthread_mutex_lock(&td.lock);
	for (unsigned int i = 0; i < len; i++) {
		unsigned int shift = 8 * (unsigned int)(off + i);

		if (off + i >= 4)
			data[i] = 0xff;
		else if (is_write)
			td.scratch = (td.scratch & ~(0xffu << shift)) | (uint32_t)data[i] << shift;
		else
			data[i] = (uint8_t)(td.scratch >> shift);
	}
	pthread_mutex_unlock(&td.lock);
}

static void testdev_flush_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			     bool is_write, void *opaque)
{
	if (!is_write)
		memset(data, 0, len);
}

static void testdev_irq_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			   bool is_write, void *opaque)
{
	if (!is_write) {
		memset(data, 0, len);
		return;
	}
	/* A wider write starts at line off; the line is the port's (QEMU's too). */
	if (off < TESTDEV_NR_IRQS && arch_irq_line(v->vm, (unsigned int)off,
						   io_data_get(data, len) != 0))
		pr_debug("testdev: interrupt line %llu: KVM_IRQ_LINE failed",
			 (unsigned long long)off);
}

static void testdev_mem_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
			   bool is_write, void *opaque)
{
	unsigned int n = off < TESTDEV_MEM_LEN ? MIN(len, (unsigned int)(TESTDEV_MEM_LEN - off)) : 0;

	pthread_mutex_lock(&td.lock);
	if (is_write)
		memcpy(td.mem + off, data, n);
	else
		memcpy(data, td.mem + off, n);
	pthread_mutex_unlock(&td.lock);
	if (!is_write && n < len)
		memset(data + n, 0xff, len - n);	/* past the window: unclaimed */
}

int x86_testdev_create(struct vm *vm)
{
	int err = 0;

	if (!vm->opts->arch.testdev)
		return 0;
	/* A reboot starts from a clean device, as a cold QEMU would. */
	pthread_mutex_lock(&td.lock);
	td.scratch = 0;
	memset(td.mem, 0, sizeof(td.mem));
	pthread_mutex_unlock(&td.lock);
	err |= io_bus_register(&vm->pio, TESTDEV_SCRATCH, 4, testdev_scratch_io, NULL,
			       "testdev-scratch");
	err |= io_bus_register(&vm->pio, TESTDEV_SCRATCH_BYTES, 4, testdev_scratch_byte_io, NULL,
			       "testdev-scratch-byte");
	err |= io_bus_register(&vm->pio, TESTDEV_FLUSH_PAGE, 4, testdev_flush_io, NULL,
			       "testdev-flush");
	err |= io_bus_register(&vm->pio, TESTDEV_IRQ_BASE, TESTDEV_NR_IRQS, testdev_irq_io, NULL,
			       "testdev-irq");
	err |= io_bus_register(&vm->mmio, TESTDEV_MEM_BASE, TESTDEV_MEM_LEN, testdev_mem_io, NULL,
			       "testdev-mem");
	return err ? -1 : 0;
}
