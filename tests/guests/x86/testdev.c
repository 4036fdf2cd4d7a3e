// SPDX-License-Identifier: GPL-2.0
/*
 * Payload for --testdev (x86/testdev.c), each port as kvm-unit-tests uses
 * it: the scratch register at 0xe0 (whole and byte by byte at 0xe4), the
 * MMIO window at 0xff000000 through instructions KVM's emulator must carry
 * out (plain moves, an add and an xchg on memory, rep movs both ways, the
 * window's last byte), and interrupt line 3 through port 0x2003: raised,
 * it must reach the CPU once through the 8259 (an edge), again only after
 * it was lowered. One line per check; exit 0 (status 1) when all pass,
 * 2 (status 5) without the device (the scratch register reads all-ones),
 * 3 (status 7) on a failed check.
 */
#include "guest.h"

#define SCRATCH		0xe0
#define SCRATCH_BYTES	0xe4
#define IRQ_PORT(n)	((uint16_t)(0x2000 + (n)))
#define WINDOW		0xff000000u
#define LINE		3
#define PIC_BASE	0x18	/* vectors 24-31: the runtime's IDT has 32 gates */

static int failed;
static volatile uint32_t irqs;

static void check(const char *what, uint32_t got, uint32_t want)
{
	printf("testdev: %s 0x%x (want 0x%x) %s\n", what, got, want, got == want ? "ok" : "BAD");
	failed |= got != want;
}

static void scratch(void)
{
	outl(SCRATCH, 0x12345678);
	check("scratch", inl(SCRATCH), 0x12345678);
	outb(SCRATCH_BYTES + 1, 0xab);
	check("scratch byte 1 written", inl(SCRATCH), 0x1234ab78);
	check("scratch byte 2", inb(SCRATCH_BYTES + 2), 0x34);
}

/* 64 bytes with one string instruction, which KVM emulates where either side is MMIO. */
static void rep_movsb(uint32_t from, uint32_t to)
{
	uint32_t n = 64;

	__asm__ volatile("cld; rep movsb" : "+S"(from), "+D"(to), "+c"(n) : : "memory");
}

static void window(void)
{
	volatile uint32_t *w = (volatile uint32_t *)WINDOW;
	static uint8_t src[64], dst[64];
	uint32_t x = 0x55aa55aa, sum = 0;

	w[1] = 0xdeadbeef;
	check("window mov", w[1], 0xdeadbeef);
	__asm__ volatile("addl $1, %0" : "+m"(w[1]));
	check("window add", w[1], 0xdeadbef0);
	__asm__ volatile("xchg %0, %1" : "+r"(x), "+m"(w[2]));
	check("window xchg old", x, 0);
	check("window xchg new", w[2], 0x55aa55aa);
	for (int i = 0; i < 64; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	rep_movsb((uint32_t)src, WINDOW + 0x100);
	rep_movsb(WINDOW + 0x100, (uint32_t)dst);
	for (int i = 0; i < 64; i++)
		sum += dst[i] == src[i];
	check("window rep movsb bytes equal", sum, 64);
	*(volatile uint8_t *)(WINDOW + 0xffff) = 0x5a;
	check("window last byte", *(volatile uint8_t *)(WINDOW + 0xffff), 0x5a);
}

static void on_irq(struct trap_frame *f)
{
	irqs++;
	outb(0x20, 0x20);		/* EOI to the master 8259 */
}

static void wait_irq(void)
{
	for (int i = 0; i < 100000 && !irqs; i++)
		pause();
}

static void irq_line(void)
{
	/* 8259 master: edge, vectors from PIC_BASE, only LINE unmasked; slave all masked. */
	outb(0x20, 0x11);
	outb(0x21, PIC_BASE);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0x21, (uint8_t)~(1u << LINE));
	outb(0xa1, 0xff);
	trap_set(PIC_BASE + LINE, on_irq);
	__asm__ volatile("sti");
	outb(IRQ_PORT(LINE), 1);
	wait_irq();
	check("line 3 raised: interrupts", irqs, 1);
	outb(IRQ_PORT(LINE), 1);	/* still high: no new edge */
	for (int i = 0; i < 10000; i++)
		pause();
	check("line 3 raised again: interrupts", irqs, 1);
	outb(IRQ_PORT(LINE), 0);
	outb(IRQ_PORT(LINE), 1);
	for (int i = 0; i < 100000 && irqs < 2; i++)
		pause();
	check("line 3 lowered and raised: interrupts", irqs, 2);
	outb(IRQ_PORT(LINE), 0);
	__asm__ volatile("cli");
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	if (inl(SCRATCH) == 0xffffffff) {
		puts("testdev: absent (port 0xe0 reads all-ones)\n");
		guest_exit(2);
	}
	scratch();
	window();
	irq_line();
	puts(failed ? "testdev: FAIL\n" : "testdev: all ok\n");
	guest_exit(failed ? 3 : 0);
}
