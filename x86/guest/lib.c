// SPDX-License-Identifier: GPL-2.0
/* Runtime for lkvm's tiny x86 guests (see guest.h). */
#include <stdarg.h>

#include "guest.h"

#define COM1		0x3f8
#define DEBUG_EXIT	0xf4
#define PM1A_CNT	0x604
#define APIC_BASE	0xfee00000u
#define APIC_ID		0x20
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310

void putc(char c)
{
	outb(COM1, (uint8_t)c);	/* lkvm's UART is always ready */
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_u32(uint32_t v, unsigned int base, int width)
{
	char buf[12];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		putc(buf[--n]);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			puts(va_arg(ap, const char *));
			break;
		case 'c':
			putc((char)va_arg(ap, int));
			break;
		case 'u':
			put_u32(va_arg(ap, uint32_t), 10, 0);
			break;
		case 'd': {
			int v = va_arg(ap, int);

			if (v < 0) {
				putc('-');
				v = -v;
			}
			put_u32((uint32_t)v, 10, 0);
			break;
		}
		case 'x':
			put_u32(va_arg(ap, uint32_t), 16, 0);
			break;
		case 'l':	/* %llx */
			fmt += 2;
			{
				uint64_t v = va_arg(ap, uint64_t);

				if (v >> 32) {
					put_u32((uint32_t)(v >> 32), 16, 0);
					put_u32((uint32_t)v, 16, 8);
				} else {
					put_u32((uint32_t)v, 16, 0);
				}
			}
			break;
		case '%':
			putc('%');
			break;
		default:
			putc('?');
		}
	}
	va_end(ap);
}

void guest_exit(uint32_t code)
{
	outl(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void poweroff(void)
{
	outw(PM1A_CNT, 1u << 13);	/* SLP_EN */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void fw_cfg_read(uint16_t key, void *buf, uint32_t len)
{
	uint8_t *p = buf;

	outw(0x510, key);
	while (len--)
		*p++ = inb(0x511);
}

const char *cmdline_arg(const char *c, const char *key)
{
	while (c && *c) {
		const char *k = key;
		const char *p = c;

		while (*k && *p == *k) {
			p++;
			k++;
		}
		if (!*k && *p == '=')
			return p + 1;
		while (*c && *c != ' ')
			c++;
		while (*c == ' ')
			c++;
	}
	return 0;
}

uint32_t parse_u32(const char *s)
{
	uint32_t v = 0, base = 10;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		uint32_t d;

		if (*s >= '0' && *s <= '9')
			d = (uint32_t)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (uint32_t)(*s - 'a' + 10);
		else
			break;
		v = v * base + d;
	}
	return v;
}

static inline volatile uint32_t *apic(uint32_t reg)
{
	return (volatile uint32_t *)(APIC_BASE + reg);
}

uint32_t apic_id(void)
{
	return *apic(APIC_ID) >> 24;
}

volatile uint32_t ap_online;
volatile uint32_t ap_ids[64];
static volatile uint32_t ap_claimed;

__attribute__((weak)) void ap_payload(void);

/*
 * An AP claims its slot, writes its id there, and only then counts itself
 * online: smp_start() returns on the count, so every counted slot is filled
 * (counting first let a reader see an id still 0). Online counts in claim
 * order, so the first ap_online slots are the filled ones.
 */
void ap_main(void)
{
	uint32_t n = atomic_inc(&ap_claimed);

	if (n <= 64)
		ap_ids[n - 1] = apic_id();
	while (ap_online != n - 1)	/* publish in slot order */
		pause();
	atomic_inc(&ap_online);
	if (ap_payload)
		ap_payload();
}

extern char __tramp_load[], __tramp_start[], __tramp_end[];

uint32_t smp_start(uint32_t want)
{
	uint32_t spins;

	if (!want)
		return 0;
	/* The trampoline is linked to run at 0x8000 but loaded with the kernel. */
	for (uint32_t i = 0; i < (uintptr_t)__tramp_end - (uintptr_t)__tramp_start; i++)
		((volatile char *)__tramp_start)[i] = __tramp_load[i];
	*apic(APIC_ICR_HI) = 0;
	*apic(APIC_ICR_LO) = 0x000c4500;	/* INIT, all excluding self */
	*apic(APIC_ICR_LO) = 0x000c4608;	/* SIPI, vector 0x08 -> 0x8000 */
	*apic(APIC_ICR_LO) = 0x000c4608;
	for (spins = 0; spins < 2000000 && ap_online < want; spins++)
		pause();
	return ap_online;
}

/* IDT: 32 exception gates, all through crt0's stubs. */
struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[32];
struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) idt_desc;
static trap_fn trap_fns[32];

#define T(n) extern char trap##n[];
T(0) T(1) T(2) T(3) T(4) T(5) T(6) T(7) T(8) T(9) T(10) T(11) T(12) T(13) T(14) T(15)
T(16) T(17) T(18) T(19) T(20) T(21) T(22) T(23) T(24) T(25) T(26) T(27) T(28) T(29) T(30) T(31)
#undef T

void idt_setup(void);
void idt_setup(void)
{
	static char *const stubs[32] = {
		trap0, trap1, trap2, trap3, trap4, trap5, trap6, trap7, trap8, trap9,
		trap10, trap11, trap12, trap13, trap14, trap15, trap16, trap17, trap18,
		trap19, trap20, trap21, trap22, trap23, trap24, trap25, trap26, trap27,
		trap28, trap29, trap30, trap31,
	};

	for (int i = 0; i < 32; i++) {
		uint32_t a = (uint32_t)stubs[i];

		idt[i] = (struct idt_gate){ (uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16) };
	}
	idt_desc.limit = sizeof(idt) - 1;
	idt_desc.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idt_desc));
}

void trap_set(unsigned int vector, trap_fn fn)
{
	if (vector < 32)
		trap_fns[vector] = fn;
}

void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
	if (f->vector < 32 && trap_fns[f->vector]) {
		trap_fns[f->vector](f);
		return;
	}
	printf("guest: unexpected exception %u at eip 0x%x (error 0x%x)\n", f->vector, f->eip,
	       f->error);
	guest_exit(0x7f);
}
