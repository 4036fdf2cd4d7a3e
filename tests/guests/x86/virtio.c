// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio payload: drives lkvm's devices by hand, as a driver would,
 * and feeds them malformed rings. Finds the transports at 0xd0000000 + 4
 * KiB steps, then per device id:
 *   blk (2)     write, read back, flush, get-id, out-of-range read, and the
 *               hostile chains: a loop, a buffer outside RAM, readable
 *               after writable, an indirect descriptor; then, with drill=1,
 *               a write whose data page lkvm meets as poisoned (via
 *               --ras-test-port): it must fail with an I/O error while
 *               lkvm and the device live on; with ro=1 writes must fail.
 *               Finally a ring whose avail index jumps: NEEDS_RESET, then
 *               a reset brings the device back.
 *   rng (4)     one 64-byte buffer filled
 *   console (3) one line out through the transmit queue
 * With irq=GSI, the block device's interrupt is then taken for real: the
 * IOAPIC pin GSI (level, vector 31) to this CPU, and each of 8 reads must
 * bring one interrupt, which the handler acknowledges (InterruptACK) and
 * EOIs; lkvm's stat says which path it took (KVM_IRQ_LINE, irqfd).
 * Exit 0x20 when every check held, 0x21 otherwise.
 */
#include "guest.h"

#define MMIO_BASE	0xd0000000u
#define QSIZE		8
#define DESC		0x400000u
#define AVAIL		0x401000u
#define USED		0x402000u
#define HDR		0x403000u
#define DATA		0x404000u
#define DATA2		0x405000u
#define STATUS		0x406000u
#define RANGE		0x407000u	/* discard ranges */
#define POISON_PAGE	0x408000u

#define R(off)		(*(volatile uint32_t *)(base + (off)))
#define M8(a)		(*(volatile uint8_t *)(a))
#define M16(a)		(*(volatile uint16_t *)(a))
#define M32(a)		(*(volatile uint32_t *)(a))
#define M64(a)		(*(volatile uint64_t *)(a))

static uint32_t fails;
static volatile uint32_t machine_checks;

/* The drill's memory error reaches the guest as action-optional: clear it. */
static void mc_handler(struct trap_frame *f)
{
	uint32_t banks = (uint32_t)rdmsr(0x179) & 0xff;

	for (uint32_t b = 0; b < banks; b++)
		wrmsr(0x401 + 4 * b, 0);
	wrmsr(0x17a, 0);
	machine_checks++;
	(void)f;
}
static uint16_t avail_idx, used_seen;

#define IOAPIC		0xfec00000u
#define LAPIC		0xfee00000u
#define IRQ_VECTOR	31	/* the payload's IDT has 32 gates; the LAPIC takes >= 16 */
#define IRQ_ROUNDS	8u
static volatile uint32_t irqs, irq_empty, irq_isr, irq_base;

static void check(bool ok, const char *what)
{
	printf("virtio: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		fails++;
}

static void barrier(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

static void desc(unsigned int i, uint32_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	M64(DESC + 16 * i) = addr;
	M32(DESC + 16 * i + 8) = len;
	M16(DESC + 16 * i + 12) = flags;
	M16(DESC + 16 * i + 14) = next;
}

/* Offer head, kick queue q, wait for the used ring; returns the used length (~0: timeout). */
static uint32_t submit(uint32_t base, unsigned int q, uint16_t head)
{
	M16(AVAIL + 4 + 2 * (avail_idx % QSIZE)) = head;
	barrier();
	M16(AVAIL + 2) = ++avail_idx;
	barrier();
	R(0x050) = q;
	for (uint32_t spin = 0; spin < 50000000; spin++) {
		barrier();
		if (M16(USED + 2) != used_seen) {
			uint32_t len = M32(USED + 4 + 8 * (used_seen % QSIZE) + 4);

			used_seen++;
			return len;
		}
		pause();
	}
	return ~0u;
}

static bool setup(uint32_t base, unsigned int nq, uint32_t want_hi, uint32_t *feat_lo)
{
	R(0x070) = 0;
	R(0x070) = 1 | 2;
	R(0x014) = 0;
	*feat_lo = R(0x010);
	R(0x014) = 1;
	if (!(R(0x010) & 1))
		return false;		/* VIRTIO_F_VERSION_1 */
	R(0x024) = 0;
	/* event idx, discard, flush, ro */
	R(0x020) = *feat_lo & ((1u << 29) | (1u << 13) | (1u << 9) | (1u << 5));
	R(0x024) = 1;
	R(0x020) = want_hi;
	R(0x070) = 1 | 2 | 8;
	if (!(R(0x070) & 8))
		return false;
	for (unsigned int q = 0; q < nq; q++) {
		R(0x030) = q;
		if (R(0x034) < QSIZE)
			return false;
		R(0x038) = QSIZE;
		/* Every queue on the same rings: the payload uses one at a time. */
		R(0x080) = DESC;
		R(0x084) = 0;
		R(0x090) = AVAIL;
		R(0x094) = 0;
		R(0x0a0) = USED;
		R(0x0a4) = 0;
		R(0x044) = 1;
	}
	for (uint32_t a = DESC; a < USED + 0x1000; a += 4)
		M32(a) = 0;
	avail_idx = used_seen = 0;
	R(0x070) = 1 | 2 | 8 | 4;
	return true;
}

/* A 3-descriptor block request; returns the status byte (0xee: no completion). */
static uint8_t blk(uint32_t base, uint32_t type, uint32_t sector, uint32_t data, uint32_t len,
		   bool to_device, uint32_t *used_len)
{
	M32(HDR) = type;
	M32(HDR + 4) = 0;
	M64(HDR + 8) = sector;
	M8(STATUS) = 0xee;
	desc(0, HDR, 16, 1, len ? 1 : 2);
	desc(1, data, len, (uint16_t)(1 | (to_device ? 0 : 2)), 2);
	desc(2, STATUS, 1, 2, 0);
	*used_len = submit(base, 0, 0);
	return M8(STATUS);
}

static void discard_range(uint32_t i, uint64_t sector, uint32_t num, uint32_t flags)
{
	M64(RANGE + 16 * i) = sector;
	M32(RANGE + 16 * i + 8) = num;
	M32(RANGE + 16 * i + 12) = flags;
}

/* VIRTIO_BLK_T_DISCARD (11): sector 5 written, punched out, read back as zeros. */
static void test_discard(uint32_t base)
{
	uint32_t ul, cap = R(0x100), zero = 0;
	uint8_t st;

	check(R(0x100 + 40) == 32 && R(0x100 + 36) != 0, "blk: discard limits in the config");
	st = blk(base, 1, 5, DATA, 512, true, &ul);
	discard_range(0, 5, 1, 0);
	check(st == 0 && blk(base, 11, 0, RANGE, 16, true, &ul) == 0, "blk: discard sector 5");
	for (uint32_t i = 0; i < 512; i++)
		M8(DATA2 + i) = 0xaa;
	st = blk(base, 0, 5, DATA2, 512, false, &ul);
	for (uint32_t i = 0; i < 512; i++)
		zero += M8(DATA2 + i) == 0;
	check(st == 0 && zero == 512, "blk: discarded sector reads back as zeros");
	discard_range(0, cap, 1, 0);
	check(blk(base, 11, 0, RANGE, 16, true, &ul) == 1, "blk: discard past the end (IOERR)");
	discard_range(0, 0xffffffffffffff00ull, 0x200, 0);
	check(blk(base, 11, 0, RANGE, 16, true, &ul) == 1, "blk: discard wrapping 64 bits (IOERR)");
	discard_range(0, 5, 1, 1);
	check(blk(base, 11, 0, RANGE, 16, true, &ul) == 2, "blk: discard with the unmap flag (UNSUPP)");
	discard_range(0, 5, 1, 0);
	check(blk(base, 11, 0, RANGE, 24, true, &ul) == 1, "blk: discard of 24 bytes (IOERR)");
	discard_range(0, 6, 0, 0);
	check(blk(base, 11, 0, RANGE, 16, true, &ul) == 1, "blk: discard of 0 sectors (IOERR)");
}

static void test_blk(uint32_t base, bool ro, bool drill)
{
	uint32_t feat, ul, cap;
	uint8_t st;

	check(setup(base, 1, 1, &feat), "blk: feature negotiation and queue set-up");
	check(!!(feat & (1u << 5)) == ro, ro ? "blk: VIRTIO_BLK_F_RO offered" : "blk: writable");
	check(!(feat & (1u << 13)) == ro, ro ? "blk: no discard on a read-only disk" :
	      "blk: VIRTIO_BLK_F_DISCARD offered");
	cap = R(0x100);
	printf("virtio: blk: capacity %u sectors\n", cap);
	for (uint32_t i = 0; i < 512; i++)
		M8(DATA + i) = (uint8_t)("lkvm-virtio-payload-"[i % 20]);
	st = blk(base, 1, 1, DATA, 512, true, &ul);
	check(st == (ro ? 1 : 0) && ul == 1, ro ? "blk: write refused (IOERR)" : "blk: write sector 1");
	for (uint32_t i = 0; i < 512; i++)
		M8(DATA2 + i) = 0;
	st = blk(base, 0, 1, DATA2, 512, false, &ul);
	if (!ro) {
		bool same = true;

		for (uint32_t i = 0; i < 512; i++)
			same &= M8(DATA2 + i) == M8(DATA + i);
		check(st == 0 && ul == 513 && same, "blk: read back sector 1");
	} else {
		check(st == 0 && ul == 513, "blk: read sector 1");
	}
	st = blk(base, 4, 0, 0, 0, true, &ul);
	check(st == 0 && ul == 1, "blk: flush");
	st = blk(base, 8, 0, DATA2, 20, false, &ul);
	M8(DATA2 + 20) = 0;
	check(st == 0, "blk: get-id");
	printf("virtio: blk: id '%s'\n", (const char *)DATA2);
	st = blk(base, 0, cap, DATA2, 512, false, &ul);
	check(st == 1, "blk: read past the end fails (IOERR)");
	st = blk(base, 0x77, 0, DATA2, 512, false, &ul);
	check(st == 2, "blk: unknown request type (UNSUPP)");

	/* Hostile chains: each must come back, empty, and the device live on. */
	desc(3, HDR, 16, 1, 3);
	check(submit(base, 0, 3) == 0, "blk: looping chain completed empty");
	desc(3, 0x7ff00000u, 512, 0, 0);
	check(submit(base, 0, 3) == 0, "blk: buffer outside RAM completed empty");
	desc(3, STATUS, 1, 1 | 2, 4);
	desc(4, HDR, 16, 0, 0);
	check(submit(base, 0, 3) == 0, "blk: readable after writable completed empty");
	desc(3, DESC, 48, 4, 0);
	check(submit(base, 0, 3) == 0, "blk: indirect descriptor completed empty");
	st = blk(base, 0, 1, DATA2, 512, false, &ul);
	check(st == 0, "blk: still serving after hostile chains");

	/* A notification storm with nothing new: no effect, no completions. */
	for (uint32_t i = 0; i < 20000; i++)
		R(0x050) = 0;
	st = blk(base, 0, 1, DATA2, 512, false, &ul);
	check(st == 0 && M16(USED + 2) == used_seen, "blk: 20000 idle notifies, then a normal read");

	if (drill) {
		trap_set(18, mc_handler);
		write_cr4(read_cr4() | (1u << 6));	/* CR4.MCE */
		outl(0xe0, POISON_PAGE);
		outl(0xe4, 0);
		outb(0xe8, 6);
		check(inl(0xe8) == 0, "blk: drill armed at the data page");
		for (uint32_t i = 0; i < 512; i++)
			M8(POISON_PAGE + i) = 0x55;
		st = blk(base, 1, 2, POISON_PAGE, 512, true, &ul);
		check(st == 1, "blk: write from a poisoned page fails (IOERR)");
		st = blk(base, 1, 3, DATA, 512, true, &ul);
		check(st == 0, "blk: next write succeeds");
	}

	if (!ro)
		test_discard(base);
	check((R(0x060) & 1) == 1, "blk: used-buffer interrupt pending");
	R(0x064) = R(0x060);
	check(R(0x060) == 0, "blk: interrupt acknowledged");

	/* A broken ring: the avail index jumps past the queue size. */
	M16(AVAIL + 2) = (uint16_t)(avail_idx + 100);
	barrier();
	R(0x050) = 0;
	for (uint32_t spin = 0; spin < 50000000 && !(R(0x070) & 0x40); spin++)
		pause();
	check(!!(R(0x070) & 0x40), "blk: broken avail index -> DEVICE_NEEDS_RESET");
	check(setup(base, 1, 1, &feat), "blk: reset and set up again");
	st = blk(base, 0, 1, DATA2, 512, false, &ul);
	check(st == 0, "blk: serving after the reset");
}

static void test_rng(uint32_t base)
{
	uint32_t feat, n, nz = 0;

	check(setup(base, 1, 1, &feat), "rng: set-up");
	for (uint32_t i = 0; i < 64; i++)
		M8(DATA + i) = 0;
	desc(0, DATA, 64, 2, 0);
	n = submit(base, 0, 0);
	for (uint32_t i = 0; i < 64; i++)
		nz += M8(DATA + i) != 0;
	check(n == 64 && nz > 32, "rng: 64 random bytes");
}

static void test_console(uint32_t base)
{
	static const char msg[] = "hello from virtio-console\n";
	uint32_t feat;

	check(setup(base, 2, 1, &feat), "console: set-up");
	for (uint32_t i = 0; i < sizeof(msg) - 1; i++)
		M8(DATA + i) = (uint8_t)msg[i];
	desc(0, DATA, sizeof(msg) - 1, 0, 0);
	check(submit(base, 1, 0) == 0, "console: line sent");
}

static void irq_handler(struct trap_frame *f)
{
	uint32_t base = irq_base, isr = R(0x060);

	R(0x064) = isr;
	irq_isr |= isr;
	if (isr)
		irqs++;
	else
		irq_empty++;	/* not ours to count: see test_irq() */
	M32(LAPIC + 0xb0) = 0;	/* EOI; the vector is level-triggered: the IOAPIC sees it */
	(void)f;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	M32(IOAPIC) = reg;
	M32(IOAPIC + 0x10) = v;
}

static void test_irq(uint32_t base, uint32_t gsi)
{
	uint32_t feat, ul, got = 0;

	irq_base = base;
	trap_set(IRQ_VECTOR, irq_handler);
	M32(LAPIC + 0xf0) = 0x100 | 30;		/* software-enabled, spurious vector 30 */
	ioapic_write(0x11 + 2 * gsi, apic_id() << 24);
	ioapic_write(0x10 + 2 * gsi, IRQ_VECTOR | (1u << 15));	/* fixed, high, level, unmasked */
	check(setup(base, 1, 1, &feat), "irq: set-up");
	__asm__ volatile("sti");
	for (uint32_t i = 0; i < IRQ_ROUNDS; i++) {
		uint32_t before = irqs;

		M16(AVAIL + 4 + 2 * QSIZE) = used_seen;	/* used_event: interrupt me now */
		if (blk(base, 0, 1, DATA2, 512, false, &ul) != 0)
			break;
		for (uint32_t spin = 0; spin < 50000000 && irqs == before; spin++)
			pause();
		got += irqs != before;
	}
	__asm__ volatile("cli");
	ioapic_write(0x10 + 2 * gsi, 1u << 16);	/* masked again */
	printf("virtio: irq: %u interrupts for %u reads (InterruptStatus seen 0x%x), %u with InterruptStatus 0\n",
	       irqs, IRQ_ROUNDS, irq_isr, irq_empty);
	check(got == IRQ_ROUNDS && irqs == IRQ_ROUNDS && (irq_isr & 1),
	      "irq: one used-buffer interrupt per read, acknowledged and EOIed");
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	bool ro = cmdline_arg(c, "ro") != 0, drill = cmdline_arg(c, "drill") != 0;
	const char *irq = cmdline_arg(c, "irq");
	uint32_t gsi = irq ? parse_u32(irq) : 0;
	unsigned int found = 0;

	for (uint32_t i = 0; i < 16; i++) {
		uint32_t base = MMIO_BASE + 0x1000 * i;

		if (R(0x000) != 0x74726976)
			continue;
		found++;
		printf("virtio: device %u at 0x%x: version %u id %u\n", i, base, R(0x004), R(0x008));
		if (R(0x004) != 2)
			fails++;
		else if (R(0x008) == 2 && gsi)
			test_irq(base, gsi);
		else if (R(0x008) == 2)
			test_blk(base, ro, drill);
		else if (R(0x008) == 4)
			test_rng(base);
		else if (R(0x008) == 3)
			test_console(base);
	}
	printf("virtio: %u devices, %u failures\n", found, fails);
	guest_exit(fails || !found ? 0x21 : 0x20);
}
