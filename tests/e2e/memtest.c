// SPDX-License-Identifier: GPL-2.0
/*
 * memtest: the L2 side of the nested memory-error scenarios (tests/e2e/).
 * Runs as root inside the L2 Linux guest, built with gcc -static.
 *
 *   memtest ar    fill a page, print "E2E-GPA 0x<guest physical>", wait for a
 *                 line on stdin (the host poisons the page meanwhile), then
 *                 read the page. The guest kernel is expected to kill us with
 *                 SIGBUS BUS_MCEERR_AR; the handler prints what it got and
 *                 dies by the same signal.
 *   memtest ao    fill a page and print its address the same way, wait for a
 *                 line, never touch the page again, and wait (bounded) until
 *                 the guest kernel's log shows it handled a memory failure at
 *                 that page frame: prints "E2E-AO-SEEN" or "E2E-AO-NOTSEEN".
 *   memtest burst N
 *                 fill N pages (N <= 64) and print each address as "ao"
 *                 does, wait for a line (the host poisons them all), never
 *                 touch them again, and wait (bounded) until the kernel's
 *                 log has "Memory failure: <pfn>:" for every one: prints
 *                 "E2E-BURST-SEEN n=N after S s" or "E2E-BURST-NOTSEEN
 *                 K of N".
 *   memtest dwrite DEV
 *                 the device drill (disk-poison, 9p-poison): fill a page, print
 *                 its address, wait for a line (the host poisons the page),
 *                 then write it to DEV (a block device, or a file on a 9p
 *                 share: Linux's 9p client hands a write of user memory over
 *                 1 KiB to virtio as those pages, zero-copy) at 64 KiB with
 *                 O_DIRECT (the device reads the guest page itself; a file
 *                 system refusing O_DIRECT: without it, "E2E-DWRITE-NODIRECT"):
 *                 prints "E2E-DWRITE rc=R errno=E". Then a
 *                 write of a fresh page ('k') to DEV at 128 KiB:
 *                 "E2E-DWRITE2 rc=R errno=E". Then waits (bounded) for the
 *                 kernel's "Memory failure: <pfn>:" as "ao" does.
 *   memtest off   power the VM off: x86 through the ACPI PM1a control port
 *                 0x604, arm64 and ppc64 through the kernel (PSCI SYSTEM_OFF,
 *                 RTAS power-off).
 *   memtest exit N  x86: write N to the debug-exit port 0xf4.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <errno.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

/* L2's page size: 4 KiB on Debian's x86 and arm64 kernels, 64 KiB on ppc64el. */
#define PAGE ((unsigned long)sysconf(_SC_PAGESIZE))

/*
 * A child that keeps this process's pages mapped for good (holding nothing
 * else open), so the guest kernel never reuses a page it was not told of.
 */
static void hold_pages(void)
{
	if (fork() == 0) {
		close(0);
		close(1);
		close(2);
		for (;;)
			pause();
	}
}

static void say(const char *s)
{
	ssize_t r = write(1, s, strlen(s));

	(void)r;
}

static void hex(char *out, uint64_t v)
{
	static const char d[] = "0123456789abcdef";
	char tmp[17];
	int n = 0;

	do {
		tmp[n++] = d[v & 15];
		v >>= 4;
	} while (v);
	*out++ = '0';
	*out++ = 'x';
	while (n)
		*out++ = tmp[--n];
	*out = '\0';
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char line[96] = "E2E-SIGBUS code=", *e = line + strlen(line);

	(void)uc;
	*e++ = (char)('0' + (unsigned int)si->si_code % 10);	/* 4: BUS_MCEERR_AR */
	strcpy(e, " addr=");
	hex(e + strlen(e), (uintptr_t)si->si_addr);
	strcat(line, "\n");
	say(line);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The page's guest physical address from /proc/self/pagemap (needs root). */
static int page_gpa(void *p, uint64_t *gpa)
{
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (off_t)((uintptr_t)p / PAGE * 8);

	if (fd < 0)
		return -1;
	if (pread(fd, &ent, sizeof(ent), off) != (ssize_t)sizeof(ent)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!(ent & (1ULL << 63)) || !(ent & ((1ULL << 55) - 1)))
		return -1;	/* not present, or PFN hidden (not root) */
	*gpa = (ent & ((1ULL << 55) - 1)) * PAGE;
	return 0;
}

/*
 * A page filled with a pattern and locked (shared: a forked reader sees the
 * same guest page); its guest physical address goes to L1 as "TAG 0x...".
 */
static uint8_t *page_new(uint64_t *gpa, bool shared, const char *tag)
{
	uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			  (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	char line[64];

	if (p == MAP_FAILED) {
		perror("memtest: mmap");
		exit(2);
	}
	memset(p, 0x5a, PAGE);
	if (mlock(p, PAGE))
		perror("memtest: mlock");
	if (page_gpa(p, gpa)) {
		say("memtest: cannot read /proc/self/pagemap\n");
		exit(2);
	}
	strcpy(line, tag);
	strcat(line, " ");
	hex(line + strlen(line), *gpa);
	strcat(line, "\n");
	say(line);
	return p;
}

static uint8_t *fill_page(uint64_t *gpa)
{
	return page_new(gpa, false, "E2E-GPA");
}

static void wait_line(void)
{
	char c;

	while (read(0, &c, 1) == 1 && c != '\n')
		;
}

static int klog_has(const char *needle)
{
	static char buf[1 << 18];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/*
 * Look for the kernel's "Memory failure: <pfn>:" line (mm/memory-failure.c)
 * every step_ms, tries times: the number of looks before it was there, or
 * -1 (needle: the line's start, for the caller's message).
 */
static int memory_failure_seen(uint64_t gpa, int step_ms, int tries, char needle[64])
{
	snprintf(needle, 64, "Memory failure: %#llx:", (unsigned long long)(gpa / PAGE));
	for (int i = 0; i < tries; i++) {
		if (klog_has(needle))
			return i;
		usleep((useconds_t)step_ms * 1000);
	}
	return -1;
}

/* Wait (60 s at most) for that line; 0 if seen. */
static int wait_memory_failure(uint64_t gpa)
{
	char needle[64];
	int i = memory_failure_seen(gpa, 100, 600, needle);

	if (i >= 0) {
		printf("E2E-AO-SEEN after %d.%d s\n", i / 10, i % 10);
		return 0;
	}
	printf("E2E-AO-NOTSEEN: no '%s' in the kernel log after 60 s\n", needle);
	return 1;
}

/* memtest burst: n pages told at once, every one must be handled. */
static int burst(int n)
{
	uint64_t gpa[64];
	char needle[64];
	int seen = 0;

	if (n < 1 || n > 64)
		return 2;
	for (int k = 0; k < n; k++)
		fill_page(&gpa[k]);
	wait_line();
	for (int i = 0; i < 600; i++) {
		seen = 0;
		for (int k = 0; k < n; k++) {
			snprintf(needle, sizeof(needle), "Memory failure: %#llx:",
				 (unsigned long long)(gpa[k] / PAGE));
			seen += klog_has(needle);
		}
		if (seen == n) {
			printf("E2E-BURST-SEEN n=%d after %d.%d s\n", n, i / 10, i % 10);
			return 0;
		}
		usleep(100000);
	}
	printf("E2E-BURST-NOTSEEN %d of %d after 60 s\n", seen, n);
	return 1;
}

/*
 * The same, every 10 ms for 30 s, printing only "E2E-AO2-SEEN <pfn>" (L1
 * timestamps the line) or "E2E-AO2-NOTSEEN <pfn>".
 */
static int watch_memory_failure(uint64_t gpa)
{
	char needle[64];
	bool seen = memory_failure_seen(gpa, 10, 3000, needle) >= 0;

	printf("E2E-AO2-%s %#llx\n", seen ? "SEEN" : "NOTSEEN", (unsigned long long)(gpa / PAGE));
	return !seen;
}

/*
 * The device drill: the page the host poisons goes to the disk with
 * O_DIRECT, so the guest kernel hands its guest physical address to the
 * device and never reads it itself; only the device's copy meets the
 * poison. A second write from a good page shows the device serves on.
 */
static int dwrite(const char *dev)
{
	uint64_t gpa, gpa2;
	uint8_t *p, *q;
	ssize_t r;
	int fd, err;

	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 && errno == EINVAL) {
		say("E2E-DWRITE-NODIRECT\n");
		fd = open(dev, O_WRONLY);
	}
	if (fd < 0) {
		perror("memtest: open");
		return 2;
	}
	p = fill_page(&gpa);
	wait_line();
	r = pwrite(fd, p, PAGE, 64 << 10);
	err = r < 0 ? errno : 0;
	printf("E2E-DWRITE rc=%zd errno=%d (%s)\n", r, err, err ? strerror(err) : "none");
	fflush(stdout);
	q = page_new(&gpa2, false, "E2E-GPA-GOOD");
	memset(q, 'k', PAGE);
	r = pwrite(fd, q, PAGE, 128 << 10);
	err = r < 0 ? errno : 0;
	if (r >= 0 && fsync(fd)) {
		err = errno;
		r = -1;
	}
	printf("E2E-DWRITE2 rc=%zd errno=%d (%s)\n", r, err, err ? strerror(err) : "none");
	fflush(stdout);
	close(fd);
	if (wait_memory_failure(gpa) == 0)
		return 0;
	/*
	 * Not handled: a child holds the page for good, or the kernel would
	 * reuse it and take the machine check itself.
	 */
	hold_pages();
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	uint64_t gpa;
	uint8_t *p;

	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "ar")) {
		volatile uint8_t *v;
		unsigned int sum = 0;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGBUS, &sa, NULL);
		p = fill_page(&gpa);
		wait_line();
		v = p;
		for (unsigned long i = 0; i < PAGE; i++)
			sum += v[i];
		printf("E2E-TOUCHED sum=%u (no machine check reached this process)\n", sum);
		return 1;
	}
	if (!strcmp(argv[1], "loop") || !strcmp(argv[1], "loop2")) {
		/*
		 * Read the page in a tight loop until a memory error kills us:
		 * lkvm poisons it meanwhile, so the AR (this read) and the
		 * early-kill AO race. loop2: a second process on the other CPU
		 * reads the same (shared) page: both vCPUs take the error.
		 */
		bool two = argv[1][4] == '2';
		volatile uint8_t *v;
		unsigned int sum = 0;
		cpu_set_t cpus;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGBUS, &sa, NULL);
		p = page_new(&gpa, two, "E2E-GPA");
		if (!two) {
			/*
			 * A second page, never touched: L1 poisons it first, while
			 * this process still owns it, then the first. Nothing holds
			 * it beyond this process: the guest must isolate it before
			 * this process dies of the first page and frees it. A
			 * watcher (which maps neither page) says when the kernel
			 * handled it: "E2E-AO2-SEEN".
			 */
			uint64_t gpa2;
			uint8_t *p2 = page_new(&gpa2, false, "E2E-GPA2");

			if (fork() == 0) {
				munmap((void *)p, PAGE);
				munmap(p2, PAGE);
				return watch_memory_failure(gpa2);
			}
		}
		if (two) {
			pid_t child = fork();

			CPU_ZERO(&cpus);
			CPU_SET(child == 0 ? 1 : 0, &cpus);
			sched_setaffinity(0, sizeof(cpus), &cpus);
			if (child > 0) {
				say("E2E-LOOP2 started\n");
				/* The child's end is reported by its own SIGBUS line. */
			}
		}
		v = p;
		for (;;)
			for (unsigned long i = 0; i < PAGE; i += 64)
				sum += v[i];
		return (int)sum;
	}
	if (!strcmp(argv[1], "idle")) {
		/*
		 * The page stays mapped and untouched while lkvm reports it, and
		 * after: a child keeps it for good, so the guest (which an SError
		 * does not tell the address) never reuses it.
		 */
		p = fill_page(&gpa);
		(void)p;
		wait_line();
		hold_pages();
		return 0;
	}
	if (!strcmp(argv[1], "dwrite") && argc > 2) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGBUS, &sa, NULL);
		return dwrite(argv[2]);
	}
	if (!strcmp(argv[1], "burst") && argc > 2)
		return burst(atoi(argv[2]));
	if (!strcmp(argv[1], "ao")) {
		p = fill_page(&gpa);
		(void)p;
		wait_line();
		return wait_memory_failure(gpa);
	}
#if defined(__x86_64__) || defined(__i386__)
	if (!strcmp(argv[1], "off") || !strcmp(argv[1], "exit")) {
		if (iopl(3)) {
			perror("memtest: iopl");
			return 2;
		}
		if (!strcmp(argv[1], "off"))
			outw(0x2000, 0x604);		/* PM1a_CNT: SLP_EN */
		else
			outl((unsigned int)strtoul(argc > 2 ? argv[2] : "0", NULL, 0), 0xf4);
		pause();
		return 0;
	}
#else
	if (!strcmp(argv[1], "off")) {
		sync();
		reboot(RB_POWER_OFF);
		perror("memtest: reboot");
		return 2;
	}
#endif
usage:
	fprintf(stderr, "usage: memtest ar|ao|burst N|idle|loop|loop2|dwrite DEV|off|exit N\n");
	return 2;
}
