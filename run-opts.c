// SPDX-License-Identifier: GPL-2.0
/* `lkvm run` command line: getopt_long, strict values, one-line errors. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/arch.h"
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
	OPT_ARCH_BASE = 512,	/* + enum arch_run_opt */
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
	{ "irqchip",		required_argument, NULL, OPT_ARCH_BASE + ARCH_OPT_IRQCHIP },
	{ "pmu",		no_argument,	   NULL, OPT_ARCH_BASE + ARCH_OPT_PMU },
	{ "dump-dtb",		required_argument, NULL, OPT_ARCH_BASE + ARCH_OPT_DUMP_DTB },
	{ "ras-serror-esr",	required_argument, NULL, OPT_ARCH_BASE + ARCH_OPT_SERROR_ESR },
	{ "ras-arm-notify",	required_argument, NULL, OPT_ARCH_BASE + ARCH_OPT_RAS_NOTIFY },
	{ "ras-arm-force",	no_argument,	   NULL, OPT_ARCH_BASE + ARCH_OPT_RAS_FORCE },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void run_opts_usage(FILE *f)
{
	const struct arch_info *ai = arch_info();

	fprintf(f,
"usage: lkvm run [options]\n"
"\n"
"Run a guest. With no --kernel, runs lkvm's built-in guest, which reports\n"
"the vCPUs and memory it sees on the serial console and powers off.\n"
"\n"
"  -k, --kernel FILE      kernel: %s\n"
"  -i, --initrd FILE      %s\n"
"  -p, --params STRING    kernel command line\n"
"  -m, --mem MIB          guest RAM in MiB (default %d)\n"
"  -c, --cpus N           number of vCPUs, 1..%d (default 1)\n"
"      --name NAME        VM name for list/stop/pause/resume/debug\n"
"                         (default guest-<pid>)\n"
"      --console serial   guest console device (serial: %s)\n"
"      --console virtio   the console is virtio-console (the guest's hvc0)\n"
"  -d, --disk FILE[,ro]   a virtio-blk disk backed by FILE (repeatable, up to %d;\n"
"                         ,ro: read-only)\n"
"      --rng              a virtio-rng entropy device (host getrandom)\n"
"      --ras-policy P     what to do with host memory errors in guest RAM:\n"
"                         inject (default): hand them to the guest\n"
"                         stop: stop the VM, report, exit with status 4\n"
"      --ras-log FILE     append one JSON line per memory error to FILE\n"
"      --ras-test-port    test only: let the guest request memory errors\n"
"      --hugetlbfs DIR    back guest RAM with huge pages from a hugetlbfs mount\n"
"      --reboot           when the guest resets, boot it again (fresh RAM:\n"
"                         poisoned pages are gone) instead of exiting 0\n"
"      --debug            trace VM exits to stderr\n"
"  -h, --help             this help\n"
"%s"
"\n"
"Exit status: 0 guest powered off or reset; 1 runtime error; 2 usage error;\n"
"4 VM stopped by a guest memory error; 6 lkvm itself hit by a memory error;\n"
"8 guest crashed (%s)", ai->kernels, ai->initrd, RUN_DEFAULT_MEM_MIB, RUN_MAX_CPUS, ai->console,
		RUN_MAX_DISKS,
		arch_run_usage(), ai->crash);
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

/* -d FILE[,ro] */
static int run_opts_disk(struct run_opts *o, const char *arg, char *err, size_t errlen)
{
	size_t n = strlen(arg);
	struct run_disk *d = &o->disks[o->nr_disks];

	if (o->nr_disks >= RUN_MAX_DISKS)
		fail("too many --disk options: at most %d", RUN_MAX_DISKS);
	d->ro = n > 3 && !strcmp(arg + n - 3, ",ro");
	if (d->ro)
		n -= 3;
	if (!n || memchr(arg, ',', n) || n >= sizeof(d->path))
		fail("invalid --disk '%s': give FILE or FILE,ro (a path without commas, under %zu bytes)",
		     arg, sizeof(d->path));
	memcpy(d->path, arg, n);
	d->path[n] = '\0';
	o->nr_disks++;
	return 0;
}

/* getopt_long said '?': an unknown option, or a value for a flag (--debug=1). */
static int run_opts_bad_option(const char *arg, int opt, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (!strncmp(arg, "--", 2) && eq) {
		for (const struct option *lo = run_longopts; lo->name; lo++)
			if (lo->has_arg == no_argument && strlen(lo->name) == (size_t)(eq - arg - 2) &&
			    !strncmp(lo->name, arg + 2, (size_t)(eq - arg - 2)))
				fail("option '--%s' takes no value; see 'lkvm run --help'", lo->name);
	}
	if (opt > 0 && opt < 128 && arg[0] == '-' && arg[1] != '-')
		fail("unknown option '-%c'; see 'lkvm run --help'", opt);
	fail("unknown option '%s'; see 'lkvm run --help'", arg);
}

int run_opts_parse(struct run_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_mib = RUN_DEFAULT_MEM_MIB;
	o->cpus = 1;
	o->ras_policy = RAS_POLICY_INJECT;
	snprintf(o->name, sizeof(o->name), "guest-%d", (int)getpid());

	optind = 0;	/* full reset: parse may run more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:p:m:c:d:h", run_longopts, NULL)) != -1) {
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
		case 'm':
			if (parse_u64(optarg, &v) || v < RUN_MIN_MEM_MIB || v > 1024 * 1024)
				fail("invalid --mem '%s': give guest RAM in MiB, %d to 1048576",
				     optarg, RUN_MIN_MEM_MIB);
			o->mem_mib = v;
			break;
		case 'c':
			if (parse_u64(optarg, &v) || v < 1 || v > RUN_MAX_CPUS)
				fail("invalid --cpus '%s': give a number of vCPUs from 1 to %d",
				     optarg, RUN_MAX_CPUS);
			o->cpus = (unsigned int)v;
			break;
		case OPT_NAME:
			if (!vm_name_valid(optarg))
				fail("invalid --name '%s': use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
				     optarg, RUN_NAME_MAX);
			snprintf(o->name, sizeof(o->name), "%s", optarg);
			o->name_given = true;
			break;
		case OPT_CONSOLE:
			if (strcmp(optarg, "serial") && strcmp(optarg, "virtio"))
				fail("invalid --console '%s': valid consoles are 'serial' and 'virtio'",
				     optarg);
			o->virtio_console = !strcmp(optarg, "virtio");
			break;
		case 'd':
			if (run_opts_disk(o, optarg, err, errlen))
				return -1;
			break;
		case OPT_RNG:
			o->rng = true;
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_RAS_POLICY:
			if (ras_policy_parse(optarg, &o->ras_policy))
				fail("invalid --ras-policy '%s': valid policies are 'inject' and 'stop'",
				     optarg);
			break;
		case OPT_RAS_LOG:
			if (!*optarg)
				fail("invalid --ras-log '': give a file name");
			o->ras_log = optarg;
			break;
		case OPT_RAS_TEST_PORT:
			o->ras_test_port = true;
			break;
		case OPT_REBOOT:
			o->reboot = true;
			break;
		case OPT_HUGETLBFS:
			if (!*optarg)
				fail("invalid --hugetlbfs '': give the directory of a hugetlbfs mount");
			o->hugetlbfs = optarg;
			break;
		case OPT_ARCH_BASE + ARCH_OPT_IRQCHIP:
		case OPT_ARCH_BASE + ARCH_OPT_PMU:
		case OPT_ARCH_BASE + ARCH_OPT_DUMP_DTB:
		case OPT_ARCH_BASE + ARCH_OPT_SERROR_ESR:
		case OPT_ARCH_BASE + ARCH_OPT_RAS_NOTIFY:
		case OPT_ARCH_BASE + ARCH_OPT_RAS_FORCE:
			if (arch_run_opt(o, (enum arch_run_opt)(c - OPT_ARCH_BASE), optarg, err, errlen))
				return -1;
			break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			fail("option '%s' needs a value; see 'lkvm run --help'", argv[optind - 1]);
		default:
			return run_opts_bad_option(argv[optind - 1], optopt, err, errlen);
		}
	}
	if (optind < argc)
		fail("unexpected argument '%s'; see 'lkvm run --help'", argv[optind]);
	if (o->initrd && !o->kernel)
		fail("--initrd needs --kernel: the built-in guest takes no initrd");
	return 0;
}
