/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime of lkvm's tiny x86 guests: 32-bit protected mode, no paging,
 * serial console, fw_cfg, debug exit, LAPIC start-up of APs, exceptions.
 */
#ifndef LKVM_GUEST_H
#define LKVM_GUEST_H

#include <stdbool.h>
#include <stdint.h>

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct multiboot_mod {
	uint32_t start, end, string, reserved;
};

struct trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v)); }

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline uint32_t atomic_inc(volatile uint32_t *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline void pause(void) { __asm__ volatile("pause"); }

/* Console and printing (%s %c %u %d %x, and %llx for 64-bit hex). */
void putc(char c);
void puts(const char *s);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Machine control. */
void guest_exit(uint32_t code) __attribute__((noreturn));	/* status (code << 1) | 1 */
void poweroff(void) __attribute__((noreturn));			/* status 0 */

/* fw_cfg: QEMU's legacy port interface (lkvm implements keys 0x00-0x19). */
void fw_cfg_read(uint16_t key, void *buf, uint32_t len);
#define FW_CFG_RAM_SIZE	0x03
#define FW_CFG_NB_CPUS	0x05

/* Multiboot command line helpers. */
const char *cmdline_arg(const char *cmdline, const char *key);	/* "key=" value or NULL */
uint32_t parse_u32(const char *s);

/* Local APIC. */
uint32_t apic_id(void);
/* INIT-SIPI-SIPI to all other CPUs; returns when want APs ran ap_main, or after a timeout. */
uint32_t smp_start(uint32_t want);
extern volatile uint32_t ap_online;
extern volatile uint32_t ap_ids[64];
void ap_main(void);

/* Exceptions: a handler per vector; unhandled ones end the guest with 0x7f. */
typedef void (*trap_fn)(struct trap_frame *f);
void trap_set(unsigned int vector, trap_fn fn);

extern uint32_t mb_magic, mb_info;

#endif
