// SPDX-License-Identifier: GPL-2.0
/*
 * Payload for the RTC's update cycle and ACPI S3 (hw/rtc.c, x86/sleep.c).
 *
 *   mode=clock (default)  UIP is seen set and then clear (as kvm-unit-tests'
 *                         s3 and Linux's mc146818 code wait for it), after
 *                         which register C holds update-ended and, with
 *                         every alarm field "don't care", alarm (IRQF only
 *                         once AIE enables it); at 1024 Hz periodic, within
 *                         a few ms; reading C clears it. Then the same as
 *                         interrupts on IRQ 8: periodic, then the alarm.
 *   mode=s3               arms the alarm for the next second, puts a real-mode
 *                         stub at 0x1000 as the FACS waking vector and writes
 *                         SLP_TYP 1 | SLP_EN: lkvm must come back at the stub,
 *                         which exits with the code kept in RAM at 0x500
 *                         (21: status 43); with wake=resume no alarm is armed.
 * One line per check; clock mode exits 0 (status 1) when all pass, 3
 * (status 7) otherwise; s3 mode exits 4 (status 9) if the write returns.
 */
#include "guest.h"

#define RTC_A		0x0a
#define RTC_B		0x0b
#define RTC_C		0x0c
#define UIP		0x80
#define PM1A_EVT	0x600
#define PM1A_CNT	0x604
#define WAKE_STUB	0x1000
#define WAKE_CODE	0x500

static int failed;

/* A physical address as a pointer the compiler cannot reason about (no paging). */
static volatile void *phys(uint32_t a)
{
	__asm__("" : "+r"(a));
	return (volatile void *)a;
}

static uint8_t rtc_in(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void rtc_out(uint8_t reg, uint8_t v)
{
	outb(0x70, reg);
	outb(0x71, v);
}

static void check(const char *what, uint32_t got, uint32_t want)
{
	printf("rtc: %s 0x%x (want 0x%x) %s\n", what, got, want, got == want ? "ok" : "BAD");
	failed |= got != want;
}

/* Spin until UIP is as wanted; the count of reads, 0 when it never was. */
static uint32_t wait_uip(uint8_t want)
{
	for (uint32_t n = 1; n < 5000000; n++)
		if ((rtc_in(RTC_A) & UIP) == want)
			return n;
	return 0;
}

static void clock_mode(void)
{
	uint8_t c;

	rtc_in(RTC_C);
	check("UIP seen set", wait_uip(UIP) != 0, 1);
	check("UIP seen clear after", wait_uip(0) != 0, 1);
	rtc_out(0x01, 0xc0);		/* alarm: every second */
	rtc_out(0x03, 0xc0);
	rtc_out(0x05, 0xc0);
	check("alarm seconds read back", rtc_in(0x01), 0xc0);
	/* PF comes at the periodic rate whether or not PIE enables it: left out here. */
	c = rtc_in(RTC_C);
	check("C after the update: UF AF, no IRQF", c & 0xb0, 0x30);
	check("C read again: UF AF cleared", rtc_in(RTC_C) & 0x30, 0);
	rtc_out(RTC_B, rtc_in(RTC_B) | 0x20);	/* AIE */
	wait_uip(UIP);
	wait_uip(0);
	check("C with AIE: IRQF UF AF", rtc_in(RTC_C) & 0xb0, 0xb0);
	rtc_out(RTC_B, rtc_in(RTC_B) & ~0x20);
	rtc_out(RTC_A, 0x26);		/* 1024 Hz */
	rtc_in(RTC_C);
	c = 0;
	for (uint32_t n = 0; n < 1000000 && !(c & 0x40); n++)
		c = rtc_in(RTC_C);
	check("periodic flag at 1024 Hz", c & 0x40, 0x40);
}

static volatile uint32_t irqs;
static volatile uint8_t irq_c;

/* IRQ 8: the handler reads C (which lowers the line), then EOIs slave and master. */
static void on_irq8(struct trap_frame *f)
{
	irq_c |= rtc_in(RTC_C);
	irqs++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

/*
 * Interrupts on IRQ 8 through the 8259 pair (vectors 16-31: the runtime's
 * IDT has 32 gates): periodic at 1024 Hz, then one alarm.
 */
static void irq_mode(void)
{
	uint32_t n;

	outb(0x20, 0x11); outb(0x21, 0x10); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x18); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, (uint8_t)~0x04);		/* master: only the cascade */
	outb(0xa1, (uint8_t)~0x01);		/* slave: only IRQ 8 */
	trap_set(0x18, on_irq8);
	rtc_out(RTC_A, 0x26);
	rtc_in(RTC_C);
	/* Registers only with interrupts off: the handler moves the index to C. */
	rtc_out(RTC_B, rtc_in(RTC_B) | 0x40);	/* PIE */
	__asm__ volatile("sti");
	for (n = 0; n < 20000000 && irqs < 5; n++)
		pause();
	__asm__ volatile("cli");
	rtc_out(RTC_B, rtc_in(RTC_B) & ~0x40);
	check("periodic interrupts: at least 5", irqs >= 5, 1);
	check("periodic interrupt: C had IRQF PF", irq_c & 0xc0, 0xc0);
	rtc_out(0x01, 0xc0);
	rtc_out(0x03, 0xc0);
	rtc_out(0x05, 0xc0);
	irqs = 0;
	irq_c = 0;
	rtc_in(RTC_C);
	rtc_out(RTC_B, rtc_in(RTC_B) | 0x20);	/* AIE */
	__asm__ volatile("sti");
	for (n = 0; n < 50000000 && !irqs; n++)
		pause();
	__asm__ volatile("cli");
	rtc_out(RTC_B, rtc_in(RTC_B) & ~0x20);
	check("alarm interrupt: C had IRQF AF", irq_c & 0xa0, 0xa0);
}

/* 16-bit: mov eax, [WAKE_CODE]; out 0xf4, eax; hlt; jmp back to hlt */
static const uint8_t stub[] = { 0x66, 0xa1, WAKE_CODE & 0xff, WAKE_CODE >> 8, 0x66, 0xe7, 0xf4,
				0xf4, 0xeb, 0xfd };

/* The FACS: lkvm's ACPI area is 0xe0000-0xeffff; tables are 16-byte aligned. */
static volatile uint32_t *find_facs(void)
{
	for (uint32_t a = 0xe0000; a < 0xf0000; a += 16)
		if (*(volatile uint32_t *)phys(a) == 0x53434146)	/* "FACS" */
			return phys(a);
	return 0;
}

static void s3_mode(bool alarm)
{
	volatile uint32_t *facs = find_facs();

	if (!facs) {
		puts("rtc: no FACS\n");
		guest_exit(5);
	}
	for (unsigned int i = 0; i < sizeof(stub); i++)
		((volatile uint8_t *)phys(WAKE_STUB))[i] = stub[i];
	*(volatile uint32_t *)phys(WAKE_CODE) = 21;
	facs[3] = WAKE_STUB;			/* firmware_waking_vector */
	printf("rtc: s3: FACS at 0x%x, waking vector 0x%x, PM1 status 0x%x\n", (uint32_t)facs,
	       facs[3], inl(PM1A_EVT) & 0xffff);
	if (alarm) {
		wait_uip(UIP);
		wait_uip(0);
		rtc_in(RTC_C);
		rtc_out(0x01, 0xc0);
		rtc_out(0x03, 0xc0);
		rtc_out(0x05, 0xc0);
		rtc_out(RTC_B, rtc_in(RTC_B) | 0x20);
	}
	puts("rtc: s3: sleeping\n");
	outw(PM1A_CNT, (1 << 10) | (1 << 13));
	puts("rtc: s3: the sleep write returned\n");
	guest_exit(4);
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (magic == 0x2badb002 && (mbi->flags & 4)) ? (const char *)mbi->cmdline : 0;
	const char *mode = cmdline_arg(c, "mode"), *wake = cmdline_arg(c, "wake");

	if (mode && mode[0] == 's')
		s3_mode(!(wake && wake[0] == 'r'));
	clock_mode();
	irq_mode();
	puts(failed ? "rtc: FAIL\n" : "rtc: all ok\n");
	guest_exit(failed ? 3 : 0);
}
