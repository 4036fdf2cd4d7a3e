// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm list|stop|pause|resume|stat|debug`: talk to running VMs, with
 * kvmtool's options (-n NAME, -a/--all, debug -d/-m/-s) and lkvm's own.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/builtin.h"
#include "lkvm/ctl.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

enum {
	OPT_POISON = 256,
	OPT_AO,
	OPT_VCPU,
	OPT_POISON_LKVM,
	OPT_GUEST_READ,
};

#define OPT_NAME_ALL \
	{ "name",	required_argument, NULL, 'n' }, \
	{ "all",	no_argument,	   NULL, 'a' }, \
	{ "help",	no_argument,	   NULL, 'h' }

static const struct option name_opts[] = { OPT_NAME_ALL, { NULL, 0, NULL, 0 } };

static const struct option stat_opts[] = {
	OPT_NAME_ALL,
	{ "memory",	no_argument,	   NULL, 'm' },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "run",	no_argument,	   NULL, 'i' },
	{ "rootfs",	no_argument,	   NULL, 'r' },
	{ "long",	no_argument,	   NULL, 'l' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const struct option debug_opts[] = {
	OPT_NAME_ALL,
	{ "dump",	no_argument,	   NULL, 'd' },
	{ "nmi",	required_argument, NULL, 'm' },
	{ "sysrq",	required_argument, NULL, 's' },
	{ "poison",	required_argument, NULL, OPT_POISON },
	{ "ao",		no_argument,	   NULL, OPT_AO },
	{ "vcpu",	required_argument, NULL, OPT_VCPU },
	{ "poison-lkvm", no_argument,	   NULL, OPT_POISON_LKVM },
	{ "guest-read",	no_argument,	   NULL, OPT_GUEST_READ },
	{ NULL, 0, NULL, 0 }
};

struct ctl_args {
	const char *name;
	const char *poison;
	const char *vcpu;
	const char *nmi;
	const char *sysrq;
	bool all, ao, guest_read, lkvm, dump, memory, rootfs, lng;
};

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int ctl_parse(int argc, char **argv, const char *shorts, const struct option *opts,
		     struct ctl_args *a, const char *usage)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!vm_name_valid(optarg)) {
				pr_err("invalid --name '%s': no VM can have that name", optarg);
				return LKVM_EXIT_USAGE;
			}
			a->name = optarg;
			break;
		case 'a':
			a->all = true;
			break;
		case 'd':
			a->dump = true;
			break;
		case 'm':	/* debug: --nmi VCPU; stat: --memory */
			if (opts == debug_opts)
				a->nmi = optarg;
			else
				a->memory = true;
			break;
		case 's':
			a->sysrq = optarg;
			break;
		case 'i':
			break;	/* list --run: running VMs, all lkvm has */
		case 'r':
			a->rootfs = true;
			break;
		case 'l':
			a->lng = true;
			break;
		case OPT_POISON:
			a->poison = optarg;
			break;
		case OPT_AO:
			a->ao = true;
			break;
		case OPT_VCPU:
			a->vcpu = optarg;
			break;
		case OPT_POISON_LKVM:
			a->lkvm = true;
			break;
		case OPT_GUEST_READ:
			a->guest_read = true;
			break;
		case 'h':
			printf("usage: %s", usage);
			return -1;
		case ':':
			pr_err("option '%s' needs a value; see 'lkvm %s --help'", argv[optind - 1],
			       argv[0]);
			return LKVM_EXIT_USAGE;
		default:
			pr_err("unknown option '%s'; see 'lkvm %s --help'", argv[optind - 1], argv[0]);
			return LKVM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'; see 'lkvm %s --help'", argv[optind], argv[0]);
		return LKVM_EXIT_USAGE;
	}
	return 0;
}

/* Calls fn for each lkvm VM socket in the control directory; ORs the results. */
static int ctl_for_each(int (*fn)(const char *name, void *arg), void *arg)
{
	char name[RUN_NAME_MAX + 1];
	const size_t sl = strlen(CTL_SUFFIX);
	struct ctl_dir cd;
	struct dirent *de;
	DIR *d;
	int ret = 0, err = ctl_dir_open(&cd, false);

	if (err == -ENOENT)
		return 0;	/* no directory: no VMs */
	if (err) {
		ctl_dir_error(&cd, err);
		return LKVM_EXIT_ERROR;
	}
	d = fdopendir(cd.fd);	/* the directory checked, not whatever its path names now */
	if (!d) {
		close(cd.fd);
		return 0;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n <= sl || n - sl > RUN_NAME_MAX || strcmp(de->d_name + n - sl, CTL_SUFFIX))
			continue;
		memcpy(name, de->d_name, n - sl);
		name[n - sl] = '\0';
		if (vm_name_valid(name))
			ret |= fn(name, arg);
	}
	closedir(d);
	return ret;
}

/* kvmtool's table: "%5d %-20s %s"; --long adds lkvm's columns. */
static int list_one(const char *name, void *arg)
{
	const bool *lng = arg;
	char buf[512], vm[RUN_NAME_MAX + 1], state[16];
	unsigned int vcpus, poisoned;
	unsigned long long mem;
	int pid;

	/* A stale socket (VM gone) is not an error for list. */
	if (ctl_query(name, "list", buf, sizeof(buf)) ||
	    sscanf(buf, "%64s %d %15s %u %llu %u", vm, &pid, state, &vcpus, &mem, &poisoned) != 6)
		return 0;
	if (*lng)
		printf("%5d %-20s %-8s %5u %7llu %u\n", pid, vm, state, vcpus, mem, poisoned);
	else
		printf("%5d %-20s %s\n", pid, vm, state);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const char usage[] = "lkvm list [--run] [--long]\n";
	struct ctl_dir cd;
	struct ctl_args a;
	int ret = ctl_parse(argc, argv, ":irlh", list_opts, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.rootfs) {
		pr_err("kvmtool's option '--rootfs' is not available: lkvm has no rootfs instances ('lkvm setup')");
		return LKVM_EXIT_USAGE;
	}
	ret = ctl_dir_open(&cd, false);
	if (!ret)
		close(cd.fd);
	else if (ret != -ENOENT) {
		ctl_dir_error(&cd, ret);
		return LKVM_EXIT_ERROR;
	}
	if (a.lng)
		printf("%6s %-20s %-8s %5s %7s %s\n", "PID", "NAME", "STATE", "VCPUS", "MEM_MIB",
		       "POISONED_PAGES");
	else
		printf("%6s %-20s %s\n", "PID", "NAME", "STATE");
	printf("------------------------------------\n");
	fflush(stdout);
	return ctl_for_each(list_one, &a.lng) ? LKVM_EXIT_ERROR : LKVM_EXIT_OK;
}

/* For --all: VMs that answer; a dead VM's stale socket is skipped. */
static int request_one(const char *name, void *arg)
{
	if (!ctl_running(name))
		return 0;
	fflush(stdout);
	return ctl_request(name, arg);
}

/* With a header per VM. */
static int request_one_named(const char *name, void *arg)
{
	if (!ctl_running(name))
		return 0;
	printf("%s:\n", name);
	fflush(stdout);
	return ctl_request(name, arg);
}

/* One request to --name NAME, or to every VM with --all. */
static int to_vms(const struct ctl_args *a, const char *req, const char *cmd, bool headers)
{
	if (a->all && a->name) {
		pr_err("give --name NAME or --all, not both; see 'lkvm %s --help'", cmd);
		return LKVM_EXIT_USAGE;
	}
	if (a->all)
		return ctl_for_each(headers ? request_one_named : request_one, (void *)req) ?
		       LKVM_EXIT_ERROR : LKVM_EXIT_OK;
	if (!a->name) {
		pr_err("which VM? give --name NAME or --all (see 'lkvm list' and 'lkvm %s --help')",
		       cmd);
		return LKVM_EXIT_USAGE;
	}
	return ctl_request(a->name, req);
}

static int simple_cmd(int argc, char **argv, const char *req, const char *usage)
{
	struct ctl_args a;
	int ret = ctl_parse(argc, argv, ":n:ah", name_opts, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	return to_vms(&a, req, argv[0], false);
}

int cmd_stop(int argc, char **argv)
{
	return simple_cmd(argc, argv, "stop", "lkvm stop [--all] [-n NAME]\n");
}

int cmd_pause(int argc, char **argv)
{
	return simple_cmd(argc, argv, "pause", "lkvm pause [--all] [-n NAME]\n");
}

int cmd_resume(int argc, char **argv)
{
	return simple_cmd(argc, argv, "resume", "lkvm resume [--all] [-n NAME]\n");
}

int cmd_stat(int argc, char **argv)
{
	static const char usage[] = "lkvm stat [--all] [-n NAME]\n";
	struct ctl_args a;
	int ret = ctl_parse(argc, argv, ":n:amh", stat_opts, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.memory) {
		pr_err("kvmtool's option '--memory' is not available: lkvm has no virtio balloon to ask");
		return LKVM_EXIT_USAGE;
	}
	return to_vms(&a, "stat", "stat", true);
}

/* --dump, --nmi, --sysrq: kvmtool's debug actions, in that order. */
static int debug_actions(const struct ctl_args *a)
{
	char req[32];
	uint64_t vcpu;
	int ret = LKVM_EXIT_OK;

	if (a->nmi && (parse_u64(a->nmi, &vcpu) || vcpu >= RUN_MAX_CPUS)) {
		pr_err("invalid --nmi '%s': give a vCPU number", a->nmi);
		return LKVM_EXIT_USAGE;
	}
	if (a->sysrq && (strlen(a->sysrq) != 1 || a->sysrq[0] < 0x21 || a->sysrq[0] > 0x7e)) {
		pr_err("invalid --sysrq '%s': give one sysrq key, e.g. 't' (tasks) or 'h' (help)",
		       a->sysrq);
		return LKVM_EXIT_USAGE;
	}
	if (a->dump)
		ret |= to_vms(a, "dump", "debug", true);
	if (a->nmi) {
		snprintf(req, sizeof(req), "nmi %llu", (unsigned long long)vcpu);
		ret |= to_vms(a, req, "debug", false);
	}
	if (a->sysrq) {
		snprintf(req, sizeof(req), "sysrq 0x%x", (unsigned int)a->sysrq[0]);
		ret |= to_vms(a, req, "debug", false);
	}
	return ret;
}

int cmd_debug(int argc, char **argv)
{
	static const char usage[] =
		"lkvm debug [--all] [-n NAME] [-d|--dump] [-m|--nmi VCPU] [-s|--sysrq KEY]\n"
		"lkvm debug -n NAME --poison GPA [--ao] [--vcpu N]\n"
		"lkvm debug -n NAME --poison GPA --guest-read\n"
		"lkvm debug -n NAME --poison-lkvm\n";
	struct ctl_args a;
	char req[160];
	uint64_t gpa, vcpu = 0;
	int ret = ctl_parse(argc, argv, ":n:adm:s:h", debug_opts, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.dump || a.nmi || a.sysrq) {
		if (a.poison || a.lkvm) {
			pr_err("memory-error drills go alone: drop --dump, --nmi and --sysrq");
			return LKVM_EXIT_USAGE;
		}
		return debug_actions(&a);
	}
	if (a.all && (a.poison || a.lkvm)) {
		pr_err("memory-error drills are for one VM: give --name NAME, not --all");
		return LKVM_EXIT_USAGE;
	}
	if (a.name && a.lkvm && !a.poison)
		return ctl_request(a.name, "poison-self");
	if (!a.name || !a.poison) {
		pr_err("give -n NAME and --dump, --nmi VCPU, --sysrq KEY or --poison GPA; see 'lkvm debug --help'");
		return LKVM_EXIT_USAGE;
	}
	if (parse_u64(a.poison, &gpa)) {
		pr_err("invalid --poison '%s': give a guest physical address, e.g. 0x1234000", a.poison);
		return LKVM_EXIT_USAGE;
	}
	if (a.vcpu && (parse_u64(a.vcpu, &vcpu) || vcpu >= RUN_MAX_CPUS)) {
		pr_err("invalid --vcpu '%s': give a vCPU number", a.vcpu);
		return LKVM_EXIT_USAGE;
	}
	if (a.guest_read) {
		if (a.ao || a.vcpu) {
			pr_err("--guest-read is lkvm's own read of the page, on no vCPU: drop --ao and --vcpu");
			return LKVM_EXIT_USAGE;
		}
		snprintf(req, sizeof(req), "guest-read 0x%llx", (unsigned long long)gpa);
		return ctl_request(a.name, req);
	}
	snprintf(req, sizeof(req), "poison 0x%llx %s %llu", (unsigned long long)gpa,
		 a.ao ? "ao" : "ar", (unsigned long long)vcpu);
	return ctl_request(a.name, req);
}
