// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-error payload. The guest asks lkvm (run with --ras-test-port) for
 * a memory error at a guest page through ports 0xe0/0xe4 (address) and
 * 0xe8 (1 AR, 2 AO, 3 AR in lkvm's memory, 4 lkvm's own load hit), and
 * reports what its #MC handler read from the machine-check MSRs.
 *
 *   mode=inject gpa=G   enable CR4.MCE, request AR at G, report the #MC
 *   mode=ao gpa=G       same with AO
 *   mode=nomce gpa=G    request AR with CR4.MCE clear (lkvm must stop)
 *   mode=lkvm           request AR in lkvm's own memory (lkvm must die)
 *   mode=lkvmload       lkvm's own load consumed poison (lkvm must die)
 *   mode=devread gpa=G  a device's guarded read of G hits poison: lkvm lives,
 *                       the guest gets it as action-optional
 *   mode=held gpa=G     AR at G; inside its #MC handler (MCIP set) request an
 *                       AO at G + 4 KiB: lkvm must hold it, not stop, and
 *                       deliver it once the handler cleared MCIP
 *   mode=burst n=N      every vCPU requests N ARs at distinct pages
 *
 * Exit: 0x10 when every #MC carried the expected address, 0x11 otherwise,
 * 0x12 when no #MC arrived.
 */
#include "guest.h"

#define MSR_MCG_CAP	0x179
#define MSR_MCG_STATUS	0x17a
#define MSR_MC0_STATUS	0x401
#define CR4_MCE		(1u << 6)
#define BURST_BASE	0x400000u

static volatile uint32_t mc_count[64];
static volatile uint32_t mc_bad[64];
static volatile uint32_t mc_bcast[64];	/* Intel broadcast companions: VAL|UC, no address */
static volatile uint64_t mc_expect[64];
static volatile uint32_t burst_done;
static uint32_t burst_n;
static bool verbose = true;
static volatile bool wait_mode;
static uint64_t held_gpa;	/* mode=held: the AO to request inside the handler */

static void request(uint64_t gpa, uint32_t cmd)
{
	outl(0xe0, (uint32_t)gpa);
	outl(0xe4, (uint32_t)(gpa >> 32));
	outb(0xe8, (uint8_t)cmd);
}

static volatile uint32_t print_lock;

static void mc_handler(struct trap_frame *f)
{
	uint32_t cpu = apic_id() & 63, banks = (uint32_t)rdmsr(MSR_MCG_CAP) & 0xff, b;
	uint64_t mcg = rdmsr(MSR_MCG_STATUS);
	uint32_t real = 0;

	for (b = 0; b < banks; b++) {
		uint64_t st = rdmsr(MSR_MC0_STATUS + 4 * b);
		uint64_t addr, misc;

		if (!(st >> 63))
			continue;
		if (!((st >> 58) & 1)) {
			/* Another CPU's error, broadcast (Intel): no address. */
			mc_bcast[cpu]++;
			while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
				pause();
			printf("mce: cpu=%u broadcast bank=%u status=0x%llx mcg_status=0x%llx\n", cpu, b,
			       st, mcg);
			__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
			wrmsr(MSR_MC0_STATUS + 4 * b, 0);
			continue;
		}
		real++;
		addr = rdmsr(MSR_MC0_STATUS + 4 * b + 1);
		misc = rdmsr(MSR_MC0_STATUS + 4 * b + 2);
		if (verbose) {
			while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
				pause();
			printf("mce: cpu=%u bank=%u status=0x%llx addr=0x%llx misc=0x%llx mcg_status=0x%llx mcg_cap=0x%llx\n",
			       cpu, b, st, addr, misc, mcg, rdmsr(MSR_MCG_CAP));
			__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
		}
		if (addr != mc_expect[cpu])
			mc_bad[cpu]++;
		wrmsr(MSR_MC0_STATUS + 4 * b, 0);
	}
	if (!real) {
		wrmsr(MSR_MCG_STATUS, 0);
		return;
	}
	mc_count[cpu]++;
	if (held_gpa && mc_count[cpu] == 1) {
		/* Still in the handler: lkvm sees MCIP set and must hold this one. */
		request(held_gpa, 2);
		for (uint32_t i = 0; i < 2000; i++)
			pause();
		mc_expect[cpu] = held_gpa;
		printf("mce: handler requested an AO at 0x%llx with MCIP set\n", held_gpa);
	}
	wrmsr(MSR_MCG_STATUS, 0);	/* MCIP clear: ready for the next one */
	if (wait_mode) {
		while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
			pause();
		printf("mce: handled on cpu=%u\n", cpu);
		__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
	}
	(void)f;
}

/* Print and count the valid banks, as an OS's poll would; true if one was at want. */
static bool poll_banks(uint64_t want)
{
	uint32_t banks = (uint32_t)rdmsr(MSR_MCG_CAP) & 0xff, b;
	bool hit = false;

	for (b = 0; b < banks; b++) {
		uint64_t st = rdmsr(MSR_MC0_STATUS + 4 * b), addr;

		if (!(st >> 63))
			continue;
		addr = rdmsr(MSR_MC0_STATUS + 4 * b + 1);
		printf("mce: polled bank=%u status=0x%llx addr=0x%llx\n", b, st, addr);
		hit |= addr == want;
	}
	return hit;
}

static void burst(void)
{
	uint32_t cpu = apic_id() & 63, i;

	write_cr4(read_cr4() | CR4_MCE);
	for (i = 0; i < burst_n; i++) {
		uint64_t gpa = BURST_BASE + ((uint64_t)cpu * burst_n + i) * 4096;
		uint32_t before = mc_count[cpu];

		mc_expect[cpu] = gpa;
		request(gpa, 1);
		while (mc_count[cpu] == before)
			pause();
	}
	atomic_inc(&burst_done);
}

void ap_payload(void);
void ap_payload(void)
{
	if (burst_n)
		burst();
	if (wait_mode) {
		write_cr4(read_cr4() | CR4_MCE);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
}

int main(uint32_t magic, struct multiboot_info *mbi);
int main(uint32_t magic, struct multiboot_info *mbi)
{
	const char *c = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	const char *mode = cmdline_arg(c, "mode"), *g = cmdline_arg(c, "gpa");
	uint64_t gpa = g ? parse_u32(g) : 0x200000;
	uint32_t spins;

	uint32_t v[4];
	char vendor[13];

	cpuid(0, &v[0], &v[1], &v[3], &v[2]);
	__builtin_memcpy(vendor, &v[1], 12);
	vendor[12] = 0;
	printf("mce: vendor=%s\n", vendor);
	trap_set(18, mc_handler);
	if (!mode)
		guest_exit(0x7e);
	if (mode[0] == 'w') {		/* wait: take #MCs on every vCPU until stopped */
		uint16_t cpus = 0;

		wait_mode = true;
		write_cr4(read_cr4() | CR4_MCE);
		fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
		smp_start(cpus - 1u);
		puts("mce: waiting\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (mode[0] == 'b') {		/* burst */
		uint16_t cpus = 0;
		uint32_t i, total = 0, bad = 0;

		burst_n = parse_u32(cmdline_arg(c, "n") ? cmdline_arg(c, "n") : "100");
		verbose = false;
		fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
		smp_start(cpus - 1u);
		burst();
		while (burst_done < cpus)
			pause();
		for (i = 0; i < cpus; i++) {
			printf("burst: cpu%u %u/%u, %u with a wrong address\n", i, mc_count[i],
			       burst_n, mc_bad[i]);
			total += mc_count[i];
			bad += mc_bad[i];
		}
		printf("burst: %u machine checks\n", total);
		guest_exit(total == cpus * burst_n && !bad ? 0x10 : 0x11);
	}
	if (mode[0] != 'n')		/* nomce leaves CR4.MCE clear */
		write_cr4(read_cr4() | CR4_MCE);
	mc_expect[0] = gpa & ~0xfffULL;
	printf("mce: mode=%s request at 0x%llx\n", mode, gpa);
	if (mode[0] == 'h') {
		held_gpa = (gpa & ~0xfffULL) + 0x1000;
		request(gpa, 1);
		for (spins = 0; spins < 400000 && mc_count[0] < 2; spins++)
			pause();
		printf("mce: %u machine checks\n", mc_count[0]);
		if (mc_count[0] == 2)	/* Intel: the held SRAO came as a second #MC */
			guest_exit(mc_bad[0] ? 0x11 : 0x10);
		/* AMD: a deferred error raises no #MC, it waits in its bank. */
		guest_exit(mc_count[0] == 1 && poll_banks(held_gpa) ? 0x13 : 0x12);
	}
	if (mode[0] == 'a')
		request(gpa, 2);
	else if (mode[0] == 'd')
		request(gpa, 5);
	else if (mode[0] == 'l' && mode[4] == 'l')
		request(gpa, 4);
	else if (mode[0] == 'l')
		request(gpa, 3);
	else
		request(gpa, 1);
	for (spins = 0; spins < 1000000 && !mc_count[0]; spins++)
		pause();
	printf("mce: %u machine checks\n", mc_count[0]);
	/*
	 * An AMD deferred error (what action-optional becomes on AMD guests)
	 * raises no #MC: the OS finds it by polling the banks. So do we.
	 */
	if (!mc_count[0] && (mode[0] == 'a' || mode[0] == 'd') && poll_banks(gpa & ~0xfffULL))
		guest_exit(0x13);
	guest_exit(!mc_count[0] ? 0x12 : mc_bad[0] ? 0x11 : 0x10);
}
