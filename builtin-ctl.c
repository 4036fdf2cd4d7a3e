// SPDX-License-Identifier: GPL-2.0
/* `lkvm list|stop|pause|resume|debug`: talk to running VMs. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/builtin.h"
#include "lkvm/ctl.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

static const struct option ctl_longopts[] = {
	{ "name",	required_argument, NULL, 'n' },
	{ "all",	no_argument,	   NULL, 'a' },
	{ "poison",	required_argument, NULL, 'P' },
	{ "ao",		no_argument,	   NULL, 'O' },
	{ "vcpu",	required_argument, NULL, 'V' },
	{ "poison-lkvm", no_argument,	   NULL, 'L' },
	{ "guest-read",	no_argument,	   NULL, 'G' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct ctl_args {
	const char *name;
	const char *poison;
	const char *vcpu;
	bool all;
	bool ao;
	bool guest_read;
	bool lkvm;
	bool help;
};

static int ctl_parse(int argc, char **argv, struct ctl_args *a, const char *usage)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:ah", ctl_longopts, NULL)) != -1) {
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
		case 'P':
			a->poison = optarg;
			break;
		case 'O':
			a->ao = true;
			break;
		case 'V':
			a->vcpu = optarg;
			break;
		case 'L':
			a->lkvm = true;
			break;
		case 'G':
			a->guest_read = true;
			break;
		case 'h':
			a->help = true;
			printf("%s", usage);
			return -1;
		case ':':
			pr_err("option '%s' needs a value; usage: %s", argv[optind - 1], usage);
			return LKVM_EXIT_USAGE;
		default:
			pr_err("unknown option '%s'; usage: %s", argv[optind - 1], usage);
			return LKVM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'; usage: %s", argv[optind], usage);
		return LKVM_EXIT_USAGE;
	}
	return 0;
}

/* Calls fn for each VM socket in the control directory. */
static int ctl_for_each(int (*fn)(const char *name, void *arg), void *arg)
{
	char dir[256], name[RUN_NAME_MAX + 1];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (ctl_dir(dir, sizeof(dir), 0))
		return 0;	/* no directory: no VMs */
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n <= 5 || n - 5 > RUN_NAME_MAX || strcmp(de->d_name + n - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, n - 5);
		name[n - 5] = '\0';
		if (vm_name_valid(name))
			ret |= fn(name, arg);
	}
	closedir(d);
	return ret;
}

static int list_one(const char *name, void *arg)
{
	(void)arg;
	fflush(stdout);
	/* A stale socket (VM gone) is not an error for list. */
	if (ctl_request(name, "list"))
		return 0;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct ctl_args a;
	int ret = ctl_parse(argc, argv, &a, "lkvm list\n");

	if (ret)
		return ret < 0 ? 0 : ret;
	printf("NAME PID STATE VCPUS MEM_MIB POISONED_PAGES\n");
	fflush(stdout);
	ctl_for_each(list_one, NULL);
	return LKVM_EXIT_OK;
}

static int stop_one(const char *name, void *arg)
{
	(void)arg;
	return ctl_request(name, "stop");
}

static int simple_cmd(int argc, char **argv, const char *req, const char *usage, bool allow_all)
{
	struct ctl_args a;
	int ret = ctl_parse(argc, argv, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (allow_all && a.all)
		return ctl_for_each(stop_one, NULL) ? LKVM_EXIT_ERROR : LKVM_EXIT_OK;
	if (!a.name) {
		pr_err("which VM? give --name NAME (see 'lkvm list'); usage: %s", usage);
		return LKVM_EXIT_USAGE;
	}
	return ctl_request(a.name, req);
}

int cmd_stop(int argc, char **argv)
{
	return simple_cmd(argc, argv, "stop", "lkvm stop --name NAME | --all\n", true);
}

int cmd_pause(int argc, char **argv)
{
	return simple_cmd(argc, argv, "pause", "lkvm pause --name NAME\n", false);
}

int cmd_resume(int argc, char **argv)
{
	return simple_cmd(argc, argv, "resume", "lkvm resume --name NAME\n", false);
}

int cmd_stat(int argc, char **argv)
{
	return simple_cmd(argc, argv, "stat", "lkvm stat --name NAME\n", false);
}

int cmd_debug(int argc, char **argv)
{
	static const char usage[] =
		"lkvm debug --name NAME --poison GPA [--ao] [--vcpu N]\n"
		"lkvm debug --name NAME --poison GPA --guest-read\n"
		"lkvm debug --name NAME --poison-lkvm\n";
	struct ctl_args a;
	char req[160];
	uint64_t gpa, vcpu = 0;
	int ret = ctl_parse(argc, argv, &a, usage);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.name && a.lkvm && !a.poison)
		return ctl_request(a.name, "poison-self");
	if (!a.name || !a.poison) {
		pr_err("give --name NAME and --poison GPA; usage: %s", usage);
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
