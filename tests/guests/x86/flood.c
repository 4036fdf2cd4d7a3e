// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio driver (issue 22 item 1): keeps one device's queue full
 * of the biggest requests it can name, for ever. Every one of the 256
 * entries names the same indirect table of 256 descriptors:
 *   con=1   transmit queue, 256 readable segments of 15 MiB (3.75 GiB each)
 *   blk=1   a read of 32 MiB (the device's cap) from sector 0: header,
 *           15 + 15 + 2 MiB writable, status
 *   rng=1   256 writable segments of 15 MiB (the device fills 4 KiB)
 *   bad=1   (virtio-rng) bad chains of four kinds in turn (a loop, a buffer
 *           outside RAM, an indirect descriptor with NEXT, a next index
 *           beyond the table), then an avail index that jumps (the device
 *           needs a reset), a reset, and again: for ever (item 2, the log)
 * Completed entries go straight back into the avail ring. Every vCPU
 * (-c N) reads the device's Status register in a loop: a register access
 * that waits behind the device's work, and a vCPU with it. Says
 * "flood: <kind>: flooding" once the queue is full; never exits.
 */
#include "guest.h"

#define MMIO_BASE	0xd0000000u
#define QSIZE		256
#define DESC		0x400000u
#define AVAIL		0x401000u
#define USED		0x402000u
#define ITABLE		0x404000u
#define HDR		0x405000u
#define STATUS		0x406000u
#define BIG		0x1000000u	/* 15 MiB of guest RAM from 16 MiB: -m 64 */
#define SEG		(15u << 20)

#define R(off)		(*(volatile uint32_t *)(flood_base + (off)))
#define M16(a)		(*(volatile uint16_t *)(a))
#define M32(a)		(*(volatile uint32_t *)(a))
#define M64(a)		(*(volatile uint64_t *)(a))

#define F_NEXT		1
#define F_WRITE		2
#define F_INDIRECT	4

static volatile uint32_t flood_base;
static volatile uint32_t reg_reads;

static void barrier(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

static void idesc(unsigned int i, uint32_t addr, uint32_t len, uint16_t flags)
{
	M64(ITABLE + 16 * i) = addr;
	M32(ITABLE + 16 * i + 8) = len;
	M16(ITABLE + 16 * i + 12) = flags;
	M16(ITABLE + 16 * i + 14) = (uint16_t)(i + 1);
}

/* The indirect table for the device kind; returns its number of descriptors. */
static unsigned int fill_table(uint32_t id)
{
	unsigned int n = 256;

	if (id == 2) {		/* blk: VIRTIO_BLK_T_IN, sector 0, 32 MiB */
		M32(HDR) = 0;
		M32(HDR + 4) = 0;
		M64(HDR + 8) = 0;
		idesc(0, HDR, 16, F_NEXT);
		idesc(1, BIG, SEG, F_NEXT | F_WRITE);
		idesc(2, BIG, SEG, F_NEXT | F_WRITE);
		idesc(3, BIG, 2u << 20, F_NEXT | F_WRITE);
		idesc(4, STATUS, 1, F_WRITE);
		return 5;
	}
	for (unsigned int i = 0; i < n; i++)
		idesc(i, BIG, SEG, (uint16_t)((i + 1 < n ? F_NEXT : 0) | (id == 4 ? F_WRITE : 0)));
	return n;
}

static bool setup(uint32_t q)
{
	R(0x070) = 0;
	R(0x070) = 1 | 2;
	R(0x014) = 1;
	if (!(R(0x010) & 1))
		return false;		/* VIRTIO_F_VERSION_1 */
	R(0x024) = 0;
	R(0x020) = 1u << 28;		/* VIRTIO_RING_F_INDIRECT_DESC */
	R(0x024) = 1;
	R(0x020) = 1;
	R(0x070) = 1 | 2 | 8;
	if (!(R(0x070) & 8))
		return false;
	R(0x030) = q;
	if (R(0x034) < QSIZE)
		return false;
	R(0x038) = QSIZE;
	R(0x080) = DESC;
	R(0x084) = 0;
	R(0x090) = AVAIL;
	R(0x094) = 0;
	R(0x0a0) = USED;
	R(0x0a4) = 0;
	for (uint32_t a = DESC; a < USED + 0x1000; a += 4)
		M32(a) = 0;
	R(0x044) = 1;
	R(0x070) = 1 | 2 | 8 | 4;
	return true;
}

static void desc(unsigned int i, uint32_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	M64(DESC + 16 * i) = addr;
	M32(DESC + 16 * i + 8) = len;
	M16(DESC + 16 * i + 12) = flags;
	M16(DESC + 16 * i + 14) = next;
}

static bool setup(uint32_t q);

/* bad=1: every kind of bad chain in turn, a broken ring, a reset; for ever. */
static void __attribute__((noreturn)) bad_chains(void)
{
	puts("flood: bad: flooding\n");
	for (;;) {
		if (!setup(0))
			guest_exit(1);
		desc(0, STATUS, 16, F_NEXT | F_WRITE, 0);		/* a loop */
		desc(1, 0xf0000000u, 16, F_WRITE, 0);		/* outside RAM */
		desc(2, ITABLE, 16, F_INDIRECT | F_NEXT, 3);	/* indirect with NEXT */
		desc(3, STATUS, 16, F_NEXT | F_WRITE, 300);	/* next beyond the table */
		for (uint16_t i = 0; i < 4; i++)
			M16(AVAIL + 4 + 2 * i) = i;
		barrier();
		M16(AVAIL + 2) = 4;
		barrier();
		R(0x050) = 0;
		while (M16(USED + 2) != 4 && !(R(0x070) & 0x40))
			pause();
		M16(AVAIL + 2) = 4 + 1000;	/* the ring is broken */
		barrier();
		R(0x050) = 0;
		while (!(R(0x070) & 0x40))
			pause();
	}
}

/* Every AP: read a register that takes the device's lock, for ever. */
void ap_payload(void);
void ap_payload(void)
{
	while (!flood_base)
		pause();
	for (;;) {
		(void)R(0x070);
		atomic_inc(&reg_reads);
	}
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	bool bad = cmdline_arg(c, "bad");
	uint32_t want = cmdline_arg(c, "blk") ? 2 : cmdline_arg(c, "rng") || bad ? 4 : 3;
	const char *kind = want == 2 ? "blk" : want == 4 ? "rng" : "con";
	uint32_t q = want == 3 ? 1 : 0, base = 0;
	uint16_t cpus = 0, avail = 0, seen = 0;
	unsigned int n;

	for (uint32_t i = 0; i < 16 && !base; i++) {
		uint32_t b = MMIO_BASE + 0x1000 * i;

		if (*(volatile uint32_t *)b == 0x74726976 && *(volatile uint32_t *)(b + 8) == want)
			base = b;
	}
	if (!base) {
		printf("flood: %s: no such device\n", kind);
		guest_exit(1);
	}
	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	if (cpus > 1)
		smp_start(cpus - 1u);
	flood_base = base;
	if (bad)
		bad_chains();
	if (!setup(q)) {
		printf("flood: %s: set-up failed\n", kind);
		guest_exit(1);
	}
	n = fill_table(want);
	for (unsigned int i = 0; i < QSIZE; i++) {
		M64(DESC + 16 * i) = ITABLE;
		M32(DESC + 16 * i + 8) = 16 * n;
		M16(DESC + 16 * i + 12) = F_INDIRECT;
		M16(AVAIL + 4 + 2 * i) = (uint16_t)i;
	}
	avail = QSIZE;
	printf("flood: %s: flooding with %u vCPUs\n", kind, cpus);	/* before the console's flood */
	barrier();
	M16(AVAIL + 2) = avail;
	barrier();
	R(0x050) = q;
	for (;;) {
		uint16_t used = M16(USED + 2);

		barrier();
		while (seen != used) {
			M16(AVAIL + 4 + 2 * (avail % QSIZE)) = (uint16_t)M32(USED + 4 + 8 * (seen % QSIZE));
			avail++;
			seen++;
		}
		barrier();
		M16(AVAIL + 2) = avail;
		barrier();
		R(0x050) = q;
		(void)R(0x070);
	}
}
