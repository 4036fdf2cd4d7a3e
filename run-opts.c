// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm run` command line: kvmtool's spelling where lkvm has the feature,
 * lkvm's own options beside it; getopt_long, strict values, one-line errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/run-opts-arch.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

enum {
	OPT_NAME = 256,
	OPT_CONSOLE,
	OPT_DEBUG,
	OPT_RAS_POLICY,
	OPT_RAS_LOG,
	OPT_RAS_TEST_PORT,
	OPT_REBOOT,
	OPT_HUGETLBFS,
	OPT_RNG,
	OPT_LOGLEVEL,
	OPT_NODEFAULTS,
	OPT_SECCOMP,
	OPT_DUMP_DTB,
	OPT_9P,
	OPT_TEST_VPORT,
	OPT_ARCH_BASE = 512,	/* + the row in arch_info()->options */
};

static const struct option run_longopts[] = {
	{ "kernel",		required_argument, NULL, 'k' },
	{ "initrd",		required_argument, NULL, 'i' },
	{ "params",		required_argument, NULL, 'p' },
	{ "mem",		required_argument, NULL, 'm' },
	{ "cpus",		required_argument, NULL, 'c' },
	{ "name",		required_argument, NULL, OPT_NAME },
	{ "console",		required_argument, NULL, OPT_CONSOLE },
	{ "debug",		no_argument,	   NULL, OPT_DEBUG },
	{ "ras-policy",		required_argument, NULL, OPT_RAS_POLICY },
	{ "ras-log",		required_argument, NULL, OPT_RAS_LOG },
	{ "ras-test-port",	no_argument,	   NULL, OPT_RAS_TEST_PORT },
	{ "reboot",		no_argument,	   NULL, OPT_REBOOT },
	{ "hugetlbfs",		required_argument, NULL, OPT_HUGETLBFS },
	{ "disk",		required_argument, NULL, 'd' },
	{ "rng",		no_argument,	   NULL, OPT_RNG },
	{ "9p",			required_argument, NULL, OPT_9P },
	/* Test only (e2e), kept out of the help: a named virtio-console port on files. */
	{ "test-vport",		required_argument, NULL, OPT_TEST_VPORT },
	{ "loglevel",		required_argument, NULL, OPT_LOGLEVEL },
	{ "nodefaults",		no_argument,	   NULL, OPT_NODEFAULTS },
	{ "seccomp",		required_argument, NULL, OPT_SECCOMP },
	{ "network",		required_argument, NULL, 'n' },
	/* kvmtool's finer debug switches: lkvm's --debug traces all of it. */
	{ "debug-ioport",	no_argument,	   NULL, OPT_DEBUG },
	{ "debug-mmio",		no_argument,	   NULL, OPT_DEBUG },
	/* Machines with a device tree (arch_info()->device_tree); others refuse it. */
	{ "dump-dtb",		required_argument, NULL, OPT_DUMP_DTB },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * kvmtool's `run` options for features lkvm does not have: named, so the
 * user learns why instead of reading "unknown option".
 */
static const struct {
	const char *name;
	char short_name;
	const char *why;
} kvmtool_only[] = {
	{ "balloon", 0, "lkvm has no virtio balloon" },
	{ "vnc", 0, "lkvm has no framebuffer; the console is the serial port" },
	{ "gtk", 0, "lkvm has no framebuffer; the console is the serial port" },
	{ "sdl", 0, "lkvm has no framebuffer; the console is the serial port" },
	{ "vidmode", 0, "lkvm has no framebuffer; the console is the serial port" },
	{ "vsock", 0, "lkvm has no virtio-vsock device" },
	{ "tty", 0, "lkvm has one console: the terminal it runs in" },
	{ "dev", 0, "lkvm always opens /dev/kvm" },
	{ "sandbox", 0, "run a command with 'lkvm sandbox -- CMD' instead of a script" },
	{ "virtio-transport", 0, "lkvm's virtio devices are always on virtio-mmio" },
	{ "firmware", 'f', "lkvm boots kernels directly, without firmware" },
	{ "flash", 'F', "lkvm has no flash device" },
	{ "no-dhcp", 0, "lkvm's user mode is passt, which always answers DHCP" },
	{ "vfio-pci", 0, "lkvm has no PCI and no device assignment" },
	{ "iommufd", 0, "lkvm has no PCI and no device assignment" },
	{ "debug-single-step", 0, "lkvm has no single-stepping" },
	{ "debug-iodelay", 0, "lkvm emulates port I/O without delays" },
};

void run_opts_usage(FILE *f)
{
	const struct arch_info *ai = arch_info();

	fprintf(f,
"usage: lkvm run [options] [KERNEL]\n"
"\n"
"Run a guest. With no kernel, runs lkvm's built-in guest, which reports\n"
"the vCPUs and memory it sees on the serial console and powers off.\n"
"Options as in kvmtool:\n"
"  -k, --kernel FILE      kernel (or give it as the last argument):\n"
"                         %s\n"
"  -i, --initrd FILE      %s\n"
"  -p, --params STRING    kernel command line\n"
"  -m, --mem SIZE         guest RAM: a number with B, K, M, G, T or P;\n"
"                         MiB without one (default %d)\n"
"  -c, --cpus N           number of vCPUs (default 1; 0: one per host CPU;\n"
"                         more than %d or than KVM allows is lowered)\n"
"      --name NAME        VM name for list/stop/pause/resume/stat/debug\n"
"                         (default guest-<pid>)\n"
"      --console serial   guest console device (serial: %s)\n"
"      --console virtio   the console is virtio-console (the guest's hvc0)\n"
"  -d, --disk FILE[,ro][,direct]\n"
"                         a virtio-blk disk backed by FILE (repeatable, up to\n"
"                         %d; ,ro: read-only; ,direct: O_DIRECT, past the\n"
"                         host's page cache)\n"
"      --rng              a virtio-rng entropy device (host getrandom)\n"
"      --9p DIR,TAG[,ro]  share the host directory DIR with the guest over\n"
"                         virtio-9p (repeatable, up to %d); the guest mounts it\n"
"                         with mount -t 9p -o trans=virtio,version=9p2000.L TAG\n"
"                         /mnt; ,ro: every change refused (EROFS)\n"
"      --hugetlbfs DIR    back guest RAM with huge pages from a hugetlbfs mount\n"
"      --loglevel LEVEL   error, warning, info (default) or debug\n"
"      --nodefaults       pass the kernel command line unchanged (no pci=off)\n"
"  -n, --network SPEC     a virtio-net device (virtio-net0); SPEC is\n"
"                         mode=user[,hostfwd=tcp::HOST-:GUEST...][,socket=PATH]:\n"
"                         user-mode networking through passt (DHCP, DNS,\n"
"                         outbound TCP/UDP; hostfwd: inbound), lkvm starts it\n"
"                         or uses the one listening at PATH;\n"
"                         mode=tap[,tapif=NAME]: a TAP interface;\n"
"                         mode=none (default): no network device;\n"
"                         ,guest_mac=MAC (default: derived from --name)\n"
"      --debug            trace VM exits to stderr (also --debug-ioport,\n"
"                         --debug-mmio)\n"
"lkvm's own:\n"
"      --ras-policy P     what to do with host memory errors in guest RAM:\n"
"                         inject (default): hand them to the guest\n"
"                         stop: stop the VM, report, exit with status 4\n"
"      --ras-log FILE     append one JSON line per memory error to FILE\n"
"      --ras-test-port    test only: let the guest request memory errors\n"
"      --reboot           when the guest resets, boot it again (fresh RAM:\n"
"                         poisoned pages are gone) instead of exiting 0\n"
"      --seccomp MODE     confine each lkvm thread to the system calls it needs:\n"
"                         on (default): any other call stops lkvm (status 10)\n"
"                         off: no filters; log: allow, the kernel logs them\n"
"                         (both for debugging; see docs/threat-model.md)\n"
"  -h, --help             this help\n", ai->kernels, ai->initrd, RUN_DEFAULT_MEM_MIB,
		RUN_MAX_CPUS, ai->console, RUN_MAX_DISKS, RUN_MAX_SHARES);
	run_opts_usage_arch(f);
	fprintf(f,
"\n"
"Exit status: 0 guest powered off or reset; 1 runtime error; 2 usage error;\n"
"4 VM stopped by a guest memory error; 6 lkvm itself hit by a memory error;\n"
"8 guest crashed (%s); 10 a forbidden system call (--seccomp)", ai->crash);
	if (ai->guest_exit)
		fprintf(f, ";\n(code << 1) | 1 when the guest writes code to %s", ai->guest_exit);
	fprintf(f, ".\n");
}

int ras_policy_parse(const char *s, enum ras_policy *p)
{
	if (!strcmp(s, "inject"))
		*p = RAS_POLICY_INJECT;
	else if (!strcmp(s, "stop"))
		*p = RAS_POLICY_STOP;
	else
		return -1;
	return 0;
}

const char *ras_policy_name(enum ras_policy p)
{
	return p == RAS_POLICY_STOP ? "stop" : "inject";
}

bool vm_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n > RUN_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* getopt_long said '?': an unknown option, or a value for a flag (--debug=1). */
static int run_opts_bad_option(const struct option *table, const char *arg, int opt, char *err,
			       size_t errlen)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg) - 2;
	bool is_long = !strncmp(arg, "--", 2);

	if (is_long && eq) {
		for (const struct option *lo = table; lo->name; lo++)
			if (lo->has_arg == no_argument && strlen(lo->name) == len &&
			    !strncmp(lo->name, arg + 2, len))
				fail("option '--%s' takes no value; see 'lkvm run --help'", lo->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(kvmtool_only); i++) {
		if (is_long ? strlen(kvmtool_only[i].name) == len &&
			      !strncmp(kvmtool_only[i].name, arg + 2, len) :
			      opt > 0 && kvmtool_only[i].short_name == opt)
			fail("kvmtool's option '--%s' is not available: %s", kvmtool_only[i].name,
			     kvmtool_only[i].why);
	}
	if (is_long && run_opts_other_arch(arg + 2, len, err, errlen))
		return -1;
	if (opt > 0 && opt < 128 && arg[0] == '-' && arg[1] != '-')
		fail("unknown option '-%c'; see 'lkvm run --help'", opt);
	fail("unknown option '%s'; see 'lkvm run --help'", arg);
}

static int loglevel_parse(const char *s)
{
	static const char *const names[] = {
		[LKVM_LOG_ERROR] = "error", [LKVM_LOG_WARNING] = "warning",
		[LKVM_LOG_INFO] = "info", [LKVM_LOG_DEBUG] = "debug",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* -d FILE[,ro][,direct]: the options after FILE, each at most once, in either order. */
static int run_opts_disk(struct run_opts *o, const char *arg, char *err, size_t errlen)
{
	size_t n = strlen(arg);
	struct run_disk *d = &o->disks[o->nr_disks];

	if (o->nr_disks >= RUN_MAX_DISKS)
		fail("too many --disk options: at most %d", RUN_MAX_DISKS);
	d->ro = d->direct = false;
	for (;;) {
		if (!d->ro && n > 3 && !strncmp(arg + n - 3, ",ro", 3)) {
			d->ro = true;
			n -= 3;
		} else if (!d->direct && n > 7 && !strncmp(arg + n - 7, ",direct", 7)) {
			d->direct = true;
			n -= 7;
		} else {
			break;
		}
	}
	if (!n || memchr(arg, ',', n) || n >= sizeof(d->path))
		fail("invalid --disk '%s': give FILE, FILE,ro, FILE,direct or FILE,ro,direct (a path without commas, under %zu bytes)",
		     arg, sizeof(d->path));
	memcpy(d->path, arg, n);
	d->path[n] = '\0';
	o->nr_disks++;
	return 0;
}

/* The values of options whose argument needs a check. */
static int run_opts_value(struct run_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	switch (c) {
	case 'm':
		if (parse_size(arg, &v) || v % MiB || v / MiB < RUN_MIN_MEM_MIB ||
		    v / MiB > 1024 * 1024)
			fail("invalid --mem '%s': give guest RAM from %d MiB to 1 TiB, a whole number of MiB (suffix B, K, M, G, T or P; MiB without one)",
			     arg, RUN_MIN_MEM_MIB);
		o->mem_mib = v / MiB;
		break;
	case 'c':
		if (parse_u64(arg, &v) || v > UINT32_MAX)
			fail("invalid --cpus '%s': give a number of vCPUs (0: one per host CPU)", arg);
		o->cpus = (unsigned int)v;
		break;
	case 'n':
		return run_opts_net(o, arg, err, errlen);
	case OPT_NAME:
		if (!vm_name_valid(arg))
			fail("invalid --name '%s': use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
			     arg, RUN_NAME_MAX);
		snprintf(o->name, sizeof(o->name), "%s", arg);
		o->name_given = true;
		break;
	case OPT_CONSOLE:
		if (strcmp(arg, "serial") && strcmp(arg, "virtio"))
			fail("invalid --console '%s': valid consoles are 'serial' and 'virtio'", arg);
		o->virtio_console = !strcmp(arg, "virtio");
		break;
	case 'd':
		return run_opts_disk(o, arg, err, errlen);
	case OPT_9P:
		return run_opts_9p(o, arg, err, errlen);
	case OPT_TEST_VPORT:
		if (o->nr_test_vports >= RUN_MAX_TEST_VPORTS)
			fail("too many --test-vport options: at most %d", RUN_MAX_TEST_VPORTS);
		o->test_vports[o->nr_test_vports++] = arg;
		break;
	case OPT_LOGLEVEL:
		o->loglevel = loglevel_parse(arg);
		if (o->loglevel < 0)
			fail("invalid --loglevel '%s': use error, warning, info or debug", arg);
		break;
	case OPT_RAS_POLICY:
		if (ras_policy_parse(arg, &o->ras_policy))
			fail("invalid --ras-policy '%s': valid policies are 'inject' and 'stop'", arg);
		break;
	case OPT_RAS_LOG:
		if (!*arg)
			fail("invalid --ras-log '': give a file name");
		o->ras_log = arg;
		break;
	case OPT_SECCOMP:
		if (sc_mode_parse(arg, &o->seccomp))
			fail("invalid --seccomp '%s': use on, off or log", arg);
		break;
	case OPT_HUGETLBFS:
		if (!*arg)
			fail("invalid --hugetlbfs '': give the directory of a hugetlbfs mount");
		o->hugetlbfs = arg;
		break;
	case OPT_DUMP_DTB:
		if (!arch_info()->device_tree)
			fail("--dump-dtb: lkvm for %s boots its guests without a device tree (see 'lkvm run --help')",
			     arch_info()->name);
		if (!*arg)
			fail("invalid --dump-dtb '': give a file name");
		o->dump_dtb = arg;
		break;
	}
	return 0;
}

static int run_opts_getopt(struct run_opts *o, const struct option *table, int argc, char **argv,
			   char *err, size_t errlen)
{
	const struct arch_option *ao = arch_info()->options;
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_mib = RUN_DEFAULT_MEM_MIB;
	o->cpus = 1;
	o->ras_policy = RAS_POLICY_INJECT;
	o->loglevel = -1;
	o->seccomp = SC_ON;
	snprintf(o->name, sizeof(o->name), "guest-%d", (int)getpid());

	optind = 0;	/* full reset: parse may run more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:p:m:c:n:d:h", table, NULL)) != -1) {
		if (c >= OPT_ARCH_BASE) {
			if (ao[c - OPT_ARCH_BASE].parse(&o->arch, optarg, err, errlen))
				return -1;
			continue;
		}
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'p':
			o->params = optarg;
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_NODEFAULTS:
			o->nodefaults = true;
			break;
		case OPT_RAS_TEST_PORT:
			o->ras_test_port = true;
			break;
		case OPT_REBOOT:
			o->reboot = true;
			break;
		case OPT_RNG:
			o->rng = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			fail("option '%s' needs a value; see 'lkvm run --help'", argv[optind - 1]);
		case '?':
			return run_opts_bad_option(table, argv[optind - 1], optopt, err, errlen);
		default:
			if (run_opts_value(o, c, optarg, err, errlen))
				return -1;
			break;
		}
	}
	/* kvmtool: the first argument that is not an option is the kernel. */
	if (optind < argc && !o->kernel)
		o->kernel = argv[optind++];
	if (optind < argc)
		fail("unexpected argument '%s': the kernel is '%s'; see 'lkvm run --help'",
		     argv[optind], o->kernel);
	if (o->initrd && !o->kernel)
		fail("--initrd needs --kernel: the built-in guest takes no initrd");
	return 0;
}

int run_opts_parse(struct run_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	struct option *table = run_opts_table(run_longopts, ARRAY_SIZE(run_longopts) - 1,
					       OPT_ARCH_BASE);
	int ret;

	if (!table)
		fail("out of memory");
	ret = run_opts_getopt(o, table, argc, argv, err, errlen);
	free(table);
	return ret;
}

unsigned int run_cpus_resolve(unsigned int asked, long online, int kvm_max, char *warn,
			      size_t n)
{
	unsigned int cpus = asked, limit = RUN_MAX_CPUS;
	const char *why = "lkvm's limit";

	warn[0] = '\0';
	if (asked == 0) {
		cpus = online > 0 ? (unsigned int)MIN(online, (long)UINT32_MAX) : 1;
		snprintf(warn, n, "--cpus 0: one vCPU per online host CPU (%u)", cpus);
	}
	if (kvm_max > 0 && (unsigned int)kvm_max < limit) {
		limit = (unsigned int)kvm_max;
		why = "what this host's KVM allows";
	}
	if (cpus > limit) {
		snprintf(warn, n, "Limiting the number of CPUs to %u: --cpus %u is more than %s",
			 limit, asked, why);
		cpus = limit;
	}
	return cpus;
}
