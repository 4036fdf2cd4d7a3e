// SPDX-License-Identifier: GPL-2.0
/* `lkvm run` option parsing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"
#include "suites.h"

#define MAX_ARGS	32
#define ARG_LEN		512

/*
 * argv is built from writable copies: getopt_long may permute it, and the
 * parsed options point into it, so it lives until the next parse.
 */
static char arg_store[MAX_ARGS][ARG_LEN];
static char *arg_v[MAX_ARGS + 1];

static struct run_opts o;
static char err[512];

/* Parse "run" followed by the NULL-terminated list args. */
static int parse_list(const char *const *args)
{
	int argc = 0;

	snprintf(arg_store[argc], ARG_LEN, "%s", "run");
	arg_v[argc] = arg_store[argc];
	argc++;
	for (; *args; args++) {
		ck_assert_int_lt(argc, MAX_ARGS);
		ck_assert_uint_lt(strlen(*args), ARG_LEN);
		snprintf(arg_store[argc], ARG_LEN, "%s", *args);
		arg_v[argc] = arg_store[argc];
		argc++;
	}
	arg_v[argc] = NULL;
	memset(err, 0, sizeof(err));
	return run_opts_parse(&o, argc, arg_v, err, sizeof(err));
}

#define PARSE(...)	parse_list((const char *const[]){ __VA_ARGS__, NULL })
#define PARSE0()	parse_list((const char *const[]){ NULL })

#define ck_assert_err_has(sub) \
	ck_assert_msg(strstr(err, (sub)) != NULL, "error '%s' lacks '%s'", err, (sub))

START_TEST(test_defaults)
{
	char name[32];

	snprintf(name, sizeof(name), "guest-%d", (int)getpid());
	ck_assert_int_eq(PARSE0(), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(o.mem_mib, 256);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_int_eq(o.ras_policy, RAS_POLICY_INJECT);
	ck_assert_str_eq(o.name, name);
	ck_assert(!o.name_given);
	ck_assert_ptr_null(o.kernel);
	ck_assert_ptr_null(o.initrd);
	ck_assert_ptr_null(o.params);
	ck_assert_ptr_null(o.ras_log);
	ck_assert(!o.debug);
	ck_assert(!o.help);
	ck_assert(!o.ras_test_port);
	ck_assert(!o.reboot);
	ck_assert(!o.nodefaults);
	ck_assert_int_eq(o.loglevel, -1);
	ck_assert_int_eq(o.seccomp, SC_ON);
}
END_TEST

/* A leading zero is decimal, not octal; 0x is hex; bare 0x and spaces are errors. */
START_TEST(test_number_bases)
{
	ck_assert_int_eq(PARSE("-m", "010", "-c", "010"), 0);
	ck_assert_uint_eq(o.mem_mib, 10);
	ck_assert_uint_eq(o.cpus, 10);
	ck_assert_int_eq(PARSE("-m", "0x100"), 0);
	ck_assert_uint_eq(o.mem_mib, 256);
	ck_assert_int_eq(PARSE("-m", "0x"), -1);
	ck_assert_err_has("invalid --mem '0x'");
	ck_assert_int_eq(PARSE("-m", "0x 12"), -1);
	ck_assert_int_eq(PARSE("-m", "12 "), -1);
}
END_TEST

START_TEST(test_short_options)
{
	ck_assert_int_eq(PARSE("-k", "bzImage", "-i", "initrd.img", "-p", "console=ttyS0 quiet",
			       "-m", "512", "-c", "4"), 0);
	ck_assert_str_eq(o.kernel, "bzImage");
	ck_assert_str_eq(o.initrd, "initrd.img");
	ck_assert_str_eq(o.params, "console=ttyS0 quiet");
	ck_assert_uint_eq(o.mem_mib, 512);
	ck_assert_uint_eq(o.cpus, 4);
	ck_assert(!o.debug);
	ck_assert(!o.help);

	/* Attached values. */
	ck_assert_int_eq(PARSE("-kvmlinuz", "-m1024", "-c2"), 0);
	ck_assert_str_eq(o.kernel, "vmlinuz");
	ck_assert_uint_eq(o.mem_mib, 1024);
	ck_assert_uint_eq(o.cpus, 2);
}
END_TEST

START_TEST(test_long_options)
{
	ck_assert_int_eq(PARSE("--kernel=k.elf", "--initrd", "mod.bin", "--params=a=1 b",
			       "--mem=1024", "--cpus", "64", "--name=vm-1.test_A",
			       "--console=serial", "--debug", "--ras-policy=stop",
			       "--ras-log", "/tmp/ras.json", "--ras-test-port"), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(o.kernel, "k.elf");
	ck_assert_str_eq(o.initrd, "mod.bin");
	ck_assert_str_eq(o.params, "a=1 b");
	ck_assert_uint_eq(o.mem_mib, 1024);
	ck_assert_uint_eq(o.cpus, 64);
	ck_assert_str_eq(o.name, "vm-1.test_A");
	ck_assert(o.name_given);
	ck_assert(o.debug);
	ck_assert_int_eq(o.ras_policy, RAS_POLICY_STOP);
	ck_assert_str_eq(o.ras_log, "/tmp/ras.json");
	ck_assert(o.ras_test_port);
	ck_assert(!o.help);

	ck_assert(!o.reboot);

	ck_assert_int_eq(PARSE("--ras-policy", "inject", "--reboot"), 0);
	ck_assert_int_eq(o.ras_policy, RAS_POLICY_INJECT);
	ck_assert(o.reboot);
}
END_TEST

START_TEST(test_help)
{
	ck_assert_int_eq(PARSE("-h"), 0);
	ck_assert(o.help);
	ck_assert_int_eq(PARSE("-m", "64", "--help"), 0);
	ck_assert(o.help);
	ck_assert_uint_eq(o.mem_mib, 64);
}
END_TEST

START_TEST(test_last_value_wins_and_reparse)
{
	ck_assert_int_eq(PARSE("-m", "512", "--mem", "2048", "--debug"), 0);
	ck_assert_uint_eq(o.mem_mib, 2048);
	ck_assert(o.debug);
	/* A second parse starts from scratch. */
	ck_assert_int_eq(PARSE("-c", "3"), 0);
	ck_assert_uint_eq(o.mem_mib, 256);
	ck_assert_uint_eq(o.cpus, 3);
	ck_assert(!o.debug);
	/*
	 * -h returns in the middle of a cluster; getopt's position in it must
	 * not carry over into the next parse.
	 */
	ck_assert_int_eq(PARSE("-hc8"), 0);
	ck_assert(o.help);
	ck_assert_int_eq(PARSE("--mem=64"), 0);
	ck_assert_uint_eq(o.mem_mib, 64);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert(!o.help);
}
END_TEST

START_TEST(test_mem_bounds)
{
	ck_assert_int_eq(PARSE("-m", "2"), 0);
	ck_assert_uint_eq(o.mem_mib, 2);
	ck_assert_int_eq(PARSE("-m", "1048576"), 0);
	ck_assert_uint_eq(o.mem_mib, 1048576);
	ck_assert_int_eq(PARSE("-m", "1048577"), -1);
	ck_assert_err_has("invalid --mem '1048577'");
	ck_assert_int_eq(PARSE("--mem=0x100"), 0);
	ck_assert_uint_eq(o.mem_mib, 256);
}
END_TEST

/* kvmtool's -m: a size with B/K/M/G/T/P (either case), MiB without one. */
static const struct {
	const char *arg;
	uint64_t mib;
} good_mem[] = {
	{ "512", 512 }, { "512M", 512 }, { "512m", 512 }, { "1G", 1024 }, { "1g", 1024 },
	{ "2048K", 2 }, { "3145728B", 3 }, { "3145728b", 3 }, { "1T", 1048576 },
	{ "0x100", 256 }, { "0x40M", 64 }, { "010", 10 }, { "2", 2 },
};

START_TEST(test_good_mem)
{
	ck_assert_int_eq(PARSE("-m", good_mem[_i].arg), 0);
	ck_assert_uint_eq(o.mem_mib, good_mem[_i].mib);
	ck_assert_int_eq(PARSE("--mem", good_mem[_i].arg), 0);
	ck_assert_uint_eq(o.mem_mib, good_mem[_i].mib);
}
END_TEST

static const char *const bad_mem[] = {
	"abc", "0", "0G", "1", "1M", "-5", "99999999999999999999", "", " 12", "+12", "12 ",
	"12Q", "1.5G", "1000K", "1025B", "2T", "1P", "16777216T", "M", "G1", "12MB", "0x",
};

START_TEST(test_bad_mem)
{
	char want[128];

	snprintf(want, sizeof(want), "invalid --mem '%s'", bad_mem[_i]);
	ck_assert_int_eq(PARSE("--mem", bad_mem[_i]), -1);
	ck_assert_err_has(want);
	ck_assert_err_has("MiB");
	ck_assert_int_eq(PARSE("-m", bad_mem[_i]), -1);
	ck_assert_err_has(want);
}
END_TEST

/* parse_size() itself: the units, and where numbers end. */
START_TEST(test_parse_size)
{
	uint64_t v = 7;

	ck_assert_int_eq(parse_size("1", &v), 0);
	ck_assert_uint_eq(v, MiB);
	ck_assert_int_eq(parse_size("1b", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(parse_size("1K", &v), 0);
	ck_assert_uint_eq(v, KiB);
	ck_assert_int_eq(parse_size("1k", &v), 0);
	ck_assert_uint_eq(v, KiB);
	ck_assert_int_eq(parse_size("3G", &v), 0);
	ck_assert_uint_eq(v, 3 * GiB);
	ck_assert_int_eq(parse_size("1T", &v), 0);
	ck_assert_uint_eq(v, 1024 * GiB);
	ck_assert_int_eq(parse_size("1p", &v), 0);
	ck_assert_uint_eq(v, 1024 * 1024 * GiB);
	/* Hex: a final b is a digit (0x1b = 27 MiB), other suffixes work. */
	ck_assert_int_eq(parse_size("0x1b", &v), 0);
	ck_assert_uint_eq(v, 27 * MiB);
	ck_assert_int_eq(parse_size("0x10k", &v), 0);
	ck_assert_uint_eq(v, 16 * KiB);
	/* Overflow of the shift, of the number; junk. */
	ck_assert_int_eq(parse_size("16384P", &v), -ERANGE);
	ck_assert_int_eq(parse_size("17592186044416", &v), -ERANGE);
	ck_assert_int_eq(parse_size("18446744073709551616B", &v), -ERANGE);
	ck_assert_int_eq(parse_size("", &v), -EINVAL);
	ck_assert_int_eq(parse_size(NULL, &v), -EINVAL);
	ck_assert_int_eq(parse_size("K", &v), -EINVAL);
	ck_assert_int_eq(parse_size("1KB", &v), -EINVAL);
	ck_assert_int_eq(parse_size("1 K", &v), -EINVAL);
	ck_assert_int_eq(parse_size("-1K", &v), -EINVAL);
	ck_assert_uint_eq(v, 16 * KiB);	/* untouched by failures */
}
END_TEST

START_TEST(test_cpus)
{
	ck_assert_int_eq(PARSE("-c", "1"), 0);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_int_eq(PARSE("-c", "64"), 0);
	ck_assert_uint_eq(o.cpus, 64);
	/* kvmtool: 0 and too many are lowered later, with a warning. */
	ck_assert_int_eq(PARSE("--cpus", "0"), 0);
	ck_assert_uint_eq(o.cpus, 0);
	ck_assert_int_eq(PARSE("-c", "65"), 0);
	ck_assert_uint_eq(o.cpus, 65);
	ck_assert_int_eq(PARSE("-c", "4294967295"), 0);
	ck_assert_uint_eq(o.cpus, 4294967295u);

	ck_assert_int_eq(PARSE("-c", "4294967296"), -1);
	ck_assert_err_has("invalid --cpus '4294967296'");
	ck_assert_int_eq(PARSE("-c", "two"), -1);
	ck_assert_err_has("invalid --cpus 'two'");
	ck_assert_int_eq(PARSE("-c", "-1"), -1);
	ck_assert_err_has("invalid --cpus '-1'");
}
END_TEST

/* run_cpus_resolve: asked, host CPUs, KVM's limit -> vCPUs, and the warning. */
static const struct {
	unsigned int asked;
	long online;
	int kvm_max;
	unsigned int want;
	const char *warn;	/* substring, "" for none */
} cpus_cases[] = {
	{ 1, 8, 1024, 1, "" },
	{ 4, 2, 1024, 4, "" },			/* more than the host has: kvmtool allows it */
	{ 64, 8, 1024, 64, "" },
	{ 65, 8, 1024, 64, "Limiting the number of CPUs to 64: --cpus 65 is more than lkvm's limit" },
	{ 100, 8, 0, 64, "lkvm's limit" },	/* KVM's limit unknown */
	{ 16, 8, 8, 8, "Limiting the number of CPUs to 8: --cpus 16 is more than what this host's KVM allows" },
	{ 8, 8, 8, 8, "" },
	{ 0, 6, 1024, 6, "--cpus 0: one vCPU per online host CPU (6)" },
	{ 0, 96, 1024, 64, "Limiting the number of CPUs to 64" },
	{ 0, 96, 32, 32, "Limiting the number of CPUs to 32" },
	{ 0, -1, 1024, 1, "--cpus 0: one vCPU per online host CPU (1)" },
};

START_TEST(test_cpus_resolve)
{
	char warn[160];
	unsigned int got = run_cpus_resolve(cpus_cases[_i].asked, cpus_cases[_i].online,
					    cpus_cases[_i].kvm_max, warn, sizeof(warn));

	ck_assert_uint_eq(got, cpus_cases[_i].want);
	if (!cpus_cases[_i].warn[0])
		ck_assert_str_eq(warn, "");
	else
		ck_assert_msg(strstr(warn, cpus_cases[_i].warn), "warning '%s' lacks '%s'", warn,
			      cpus_cases[_i].warn);
}
END_TEST

START_TEST(test_unknown_option)
{
	ck_assert_int_eq(PARSE("--bogus"), -1);
	ck_assert_err_has("unknown option '--bogus'");
	ck_assert_int_eq(PARSE("-x"), -1);
	ck_assert_err_has("unknown option '-x'");
	/* optopt from the previous parse must not leak into this message. */
	ck_assert_int_eq(PARSE("-m", "64", "--frobnicate=1"), -1);
	ck_assert_err_has("unknown option '--frobnicate=1'");
}
END_TEST

/*
 * A value given to an option that takes none. glibc reports it as '?' with
 * optopt set to the option's val (OPT_DEBUG = 258, or 'h'); the message
 * should still name the option the user typed.
 */
START_TEST(test_value_for_flag_option)
{
	ck_assert_int_eq(PARSE("--debug=yes"), -1);
	ck_assert_err_has("--debug");
	ck_assert_int_eq(PARSE("--help=me"), -1);
	ck_assert_err_has("--help");
}
END_TEST

START_TEST(test_missing_value)
{
	ck_assert_int_eq(PARSE("--mem"), -1);
	ck_assert_err_has("option '--mem' needs a value");
	ck_assert_int_eq(PARSE("-k"), -1);
	ck_assert_err_has("option '-k' needs a value");
	ck_assert_int_eq(PARSE("-m", "64", "--ras-policy"), -1);
	ck_assert_err_has("option '--ras-policy' needs a value");
}
END_TEST

START_TEST(test_bad_ras_policy)
{
	ck_assert_int_eq(PARSE("--ras-policy=panic"), -1);
	ck_assert_err_has("invalid --ras-policy 'panic'");
	ck_assert_err_has("'inject'");
	ck_assert_err_has("'stop'");
	ck_assert_int_eq(PARSE("--ras-policy", "STOP"), -1);
	ck_assert_err_has("invalid --ras-policy 'STOP'");
}
END_TEST

static const char *const bad_names[] = {
	"../x", "", ".hidden", "a/b", "a b", "caf\xc3\xa9",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 65 */
};

START_TEST(test_bad_name)
{
	char want[160];

	snprintf(want, sizeof(want), "invalid --name '%s'", bad_names[_i]);
	ck_assert_int_eq(PARSE("--name", bad_names[_i]), -1);
	ck_assert_err_has(want);
	ck_assert_err_has("1-64 letters");
}
END_TEST

START_TEST(test_name_64)
{
	char name[65];

	memset(name, 'z', 64);
	name[64] = '\0';
	ck_assert_int_eq(PARSE("--name", name), 0);
	ck_assert_str_eq(o.name, name);
	ck_assert(o.name_given);
}
END_TEST

START_TEST(test_console_and_log)
{
	ck_assert_int_eq(PARSE("--console", "vga"), -1);
	ck_assert_err_has("invalid --console 'vga'");
	ck_assert_err_has("'serial'");
	ck_assert_int_eq(PARSE("--ras-log="), -1);
	ck_assert_err_has("--ras-log");
}
END_TEST

START_TEST(test_initrd_needs_kernel)
{
	ck_assert_int_eq(PARSE("-i", "initrd.img"), -1);
	ck_assert_err_has("--initrd needs --kernel");
	ck_assert_int_eq(PARSE("-i", "initrd.img", "-k", "bzImage"), 0);
}
END_TEST

/* kvmtool: `lkvm run [options] [kernel]`, the bare argument anywhere. */
START_TEST(test_bare_kernel)
{
	ck_assert_int_eq(PARSE("bzImage"), 0);
	ck_assert_str_eq(o.kernel, "bzImage");
	ck_assert_int_eq(PARSE("-m", "512", "vmlinux", "-c", "2"), 0);
	ck_assert_str_eq(o.kernel, "vmlinux");
	ck_assert_uint_eq(o.mem_mib, 512);
	ck_assert_uint_eq(o.cpus, 2);
	ck_assert_int_eq(PARSE("x.elf", "-i", "initrd"), 0);
	ck_assert_str_eq(o.kernel, "x.elf");
	ck_assert_str_eq(o.initrd, "initrd");

	ck_assert_int_eq(PARSE("-k", "a", "b"), -1);
	ck_assert_err_has("unexpected argument 'b': the kernel is 'a'");
	ck_assert_int_eq(PARSE("a", "b"), -1);
	ck_assert_err_has("unexpected argument 'b'");
	/* After --, still the kernel. */
	ck_assert_int_eq(PARSE("-m", "64", "--", "-odd-name"), 0);
	ck_assert_str_eq(o.kernel, "-odd-name");
}
END_TEST

/* The exact command line kvm-unit-tests' scripts give a kvmtool binary. */
START_TEST(test_kvm_unit_tests_line)
{
	ck_assert_int_eq(PARSE("--kernel", "arm/selftest.flat", "--cpus", "2", "--params",
			       "smp=2 setup", "--nodefaults", "--network", "mode=none",
			       "--loglevel=warning", "--mem", "256", "--initrd", "/tmp/tmp.env"), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(o.kernel, "arm/selftest.flat");
	ck_assert_uint_eq(o.cpus, 2);
	ck_assert_str_eq(o.params, "smp=2 setup");
	ck_assert(o.nodefaults);
	ck_assert_int_eq(o.loglevel, LKVM_LOG_WARNING);
	ck_assert_uint_eq(o.mem_mib, 256);
	ck_assert_str_eq(o.initrd, "/tmp/tmp.env");
	/* Its probe: a kernel that does not exist parses like any other. */
	ck_assert_int_eq(PARSE("--kernel", "_NO_FILE_4Uhere_", "--cpus", "1", "--nodefaults",
			       "--network", "mode=none", "--loglevel=warning"), 0);
	ck_assert_str_eq(o.kernel, "_NO_FILE_4Uhere_");
}
END_TEST

START_TEST(test_loglevel_network)
{
	ck_assert_int_eq(PARSE("--loglevel", "error"), 0);
	ck_assert_int_eq(o.loglevel, LKVM_LOG_ERROR);
	ck_assert_int_eq(PARSE("--loglevel=info"), 0);
	ck_assert_int_eq(o.loglevel, LKVM_LOG_INFO);
	ck_assert_int_eq(PARSE("--loglevel=debug"), 0);
	ck_assert_int_eq(o.loglevel, LKVM_LOG_DEBUG);
	ck_assert_int_eq(PARSE("--loglevel=loud"), -1);
	ck_assert_err_has("invalid --loglevel 'loud': use error, warning, info or debug");

	ck_assert_int_eq(PARSE("-n", "mode=none"), 0);
	ck_assert_int_eq(PARSE("--network=none"), 0);
	ck_assert_int_eq(o.net.mode, RUN_NET_NONE);
	ck_assert_int_eq(PARSE("--network", "mode=user"), 0);
	ck_assert_int_eq(o.net.mode, RUN_NET_USER);
	ck_assert(!o.net.mac_given);
	ck_assert_int_eq(PARSE("-n", "mode=tap,tapif=tap0"), 0);
	ck_assert_int_eq(o.net.mode, RUN_NET_TAP);
	ck_assert_str_eq(o.net.tapif, "tap0");
	ck_assert_int_eq(PARSE("-n", "mode=bogus"), -1);
	ck_assert_err_has("invalid --network 'mode=bogus': mode is none, user (passt) or tap");

	/* kvmtool's finer debug switches are lkvm's --debug. */
	ck_assert_int_eq(PARSE("--debug-ioport"), 0);
	ck_assert(o.debug);
	ck_assert_int_eq(PARSE("--debug-mmio"), 0);
	ck_assert(o.debug);
}
END_TEST

/* kvmtool options for features lkvm lacks: a reason, never "unknown". */
static const struct {
	const char *args[3];
	const char *want;
} kvmtool_only[] = {
	{ { "--balloon" }, "kvmtool's option '--balloon' is not available: lkvm has no virtio balloon" },
	{ { "--vnc" }, "no framebuffer" },
	{ { "--sdl" }, "no framebuffer" },
	{ { "--firmware", "fw.bin" }, "without firmware" },
	{ { "-f", "fw.bin" }, "kvmtool's option '--firmware'" },
	{ { "-F", "flash.img" }, "kvmtool's option '--flash'" },
	{ { "--vfio-pci", "00:01.0" }, "no device assignment" },
	{ { "--tty", "1" }, "one console" },
	{ { "--sandbox", "x.sh" }, "sandbox" },
	{ { "--debug-single-step" }, "single-stepping" },
};

START_TEST(test_kvmtool_only_option)
{
	const char *const *a = kvmtool_only[_i].args;

	ck_assert_int_eq(parse_list((const char *const[]){ "-m", "64", a[0], a[1], a[2], NULL }), -1);
	ck_assert_err_has(kvmtool_only[_i].want);
}
END_TEST

START_TEST(test_nodefaults)
{
	ck_assert_int_eq(PARSE("--nodefaults", "-p", "console=ttyS0"), 0);
	ck_assert(o.nodefaults);
	ck_assert_int_eq(PARSE("--nodefaults=1"), -1);
	ck_assert_err_has("option '--nodefaults' takes no value");
}
END_TEST

START_TEST(test_policy_parse_name)
{
	enum ras_policy p = RAS_POLICY_STOP;

	ck_assert_int_eq(ras_policy_parse("inject", &p), 0);
	ck_assert_int_eq(p, RAS_POLICY_INJECT);
	ck_assert_int_eq(ras_policy_parse("stop", &p), 0);
	ck_assert_int_eq(p, RAS_POLICY_STOP);
	ck_assert_int_eq(ras_policy_parse("Inject", &p), -1);
	ck_assert_int_eq(ras_policy_parse("", &p), -1);
	ck_assert_int_eq(ras_policy_parse("stopp", &p), -1);
	ck_assert_int_eq(ras_policy_parse("inj", &p), -1);
	ck_assert_int_eq(p, RAS_POLICY_STOP);	/* untouched on failure */
	ck_assert_str_eq(ras_policy_name(RAS_POLICY_INJECT), "inject");
	ck_assert_str_eq(ras_policy_name(RAS_POLICY_STOP), "stop");
}
END_TEST

START_TEST(test_vm_name_valid)
{
	char n[80];

	ck_assert(vm_name_valid("a"));
	ck_assert(vm_name_valid("A-b_c.9"));
	ck_assert(vm_name_valid("guest-1234"));
	ck_assert(vm_name_valid("x.."));
	memset(n, 'q', 64);
	n[64] = '\0';
	ck_assert(vm_name_valid(n));
	n[64] = 'q';
	n[65] = '\0';
	ck_assert(!vm_name_valid(n));

	ck_assert(!vm_name_valid(""));
	ck_assert(!vm_name_valid("."));
	ck_assert(!vm_name_valid(".hidden"));
	ck_assert(!vm_name_valid("../x"));
	ck_assert(!vm_name_valid("a/b"));
	ck_assert(!vm_name_valid("a b"));
	ck_assert(!vm_name_valid("a\n"));
	ck_assert(!vm_name_valid("caf\xc3\xa9"));
	ck_assert(!vm_name_valid("x:y"));
}
END_TEST

/* --seccomp on|off|log; the filters are on unless asked. */
START_TEST(test_seccomp)
{
	ck_assert_int_eq(PARSE("--seccomp=off"), 0);
	ck_assert_int_eq(o.seccomp, SC_OFF);
	ck_assert_int_eq(PARSE("--seccomp", "log"), 0);
	ck_assert_int_eq(o.seccomp, SC_LOG);
	ck_assert_int_eq(PARSE("--seccomp=off", "--seccomp=on"), 0);
	ck_assert_int_eq(o.seccomp, SC_ON);
	ck_assert_int_eq(PARSE("--seccomp=no"), -1);
	ck_assert_str_eq(err, "invalid --seccomp 'no': use on, off or log");
	ck_assert_int_eq(PARSE("--seccomp"), -1);
	ck_assert_err_has("needs a value");
}
END_TEST

char *run_help_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	run_opts_usage(f);
	fclose(f);
	ck_assert_ptr_nonnull(buf);
	return buf;
}

/*
 * The machine's own options, whatever the machine: each is in the core's
 * table of every arch's names (so other machines refuse it by name), has
 * its help lines in --help, and is spliced into getopt (a value for a
 * no_argument one is refused as for the core's).
 */
START_TEST(test_arch_options)
{
	const struct arch_info *ai = arch_info();
	char *help = run_help_text();

	for (const struct arch_option *ao = ai->options; ao && ao->name; ao++) {
		char arg[80], want[120];

		ck_assert_msg(run_opt_known(ai->name, ao->name),
			      "--%s is missing from run-opts-arch.c's arch_known[] for %s", ao->name,
			      ai->name);
		ck_assert_msg(strstr(help, ao->help), "--help lacks --%s's lines", ao->name);
		ck_assert_ptr_nonnull(ao->parse);
		snprintf(arg, sizeof(arg), "--%s", ao->name);
		if (ao->has_arg == no_argument) {
			ck_assert_int_eq(PARSE(arg), 0);
			snprintf(arg, sizeof(arg), "--%s=1", ao->name);
			snprintf(want, sizeof(want), "option '--%s' takes no value", ao->name);
			ck_assert_int_eq(PARSE(arg), -1);
		} else {
			snprintf(want, sizeof(want), "option '--%s' needs a value", ao->name);
			ck_assert_int_eq(PARSE(arg), -1);
		}
		ck_assert_err_has(want);
	}
	ck_assert(!run_opt_known(ai->name, "mem"));
	ck_assert(run_opt_known("arm64", "irqchip"));
	ck_assert(!run_opt_known("x86", "irqchip"));
	free(help);
}
END_TEST

/* --dump-dtb: one core option, for the machines that boot with a device tree. */
START_TEST(test_dump_dtb)
{
	char want[160];

	if (arch_info()->device_tree) {
		ck_assert_int_eq(PARSE("--dump-dtb", "/tmp/x.dtb"), 0);
		ck_assert_str_eq(o.dump_dtb, "/tmp/x.dtb");
		ck_assert_int_eq(PARSE("--dump-dtb="), -1);
		ck_assert_str_eq(err, "invalid --dump-dtb '': give a file name");
	} else {
		snprintf(want, sizeof(want),
			 "--dump-dtb: lkvm for %s boots its guests without a device tree (see 'lkvm run --help')",
			 arch_info()->name);
		ck_assert_int_eq(PARSE("--dump-dtb", "/tmp/x.dtb"), -1);
		ck_assert_str_eq(err, want);
	}
	ck_assert_int_eq(PARSE("--dump-dtb"), -1);
	ck_assert_err_has("option '--dump-dtb' needs a value");
	ck_assert_int_eq(PARSE0(), 0);
	ck_assert_ptr_null(o.dump_dtb);
}
END_TEST

/* An option no machine has is still unknown, with or without a value. */
START_TEST(test_unknown_not_arch)
{
	ck_assert_int_eq(PARSE("--irqchipx=1"), -1);
	ck_assert_str_eq(err, "unknown option '--irqchipx=1'; see 'lkvm run --help'");
	ck_assert_int_eq(PARSE("--gic"), -1);
	ck_assert_str_eq(err, "unknown option '--gic'; see 'lkvm run --help'");
}
END_TEST

Suite *run_opts_suite(void)
{
	Suite *s = suite_create("run-opts");
	TCase *tc;

	tc = tcase_create("accept");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_short_options);
	tcase_add_test(tc, test_long_options);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_last_value_wins_and_reparse);
	tcase_add_test(tc, test_mem_bounds);
	tcase_add_loop_test(tc, test_good_mem, 0, (int)(sizeof(good_mem) / sizeof(good_mem[0])));
	tcase_add_test(tc, test_cpus);
	tcase_add_loop_test(tc, test_cpus_resolve, 0,
			    (int)(sizeof(cpus_cases) / sizeof(cpus_cases[0])));
	tcase_add_test(tc, test_bare_kernel);
	tcase_add_test(tc, test_kvm_unit_tests_line);
	tcase_add_test(tc, test_loglevel_network);
	tcase_add_test(tc, test_nodefaults);
	tcase_add_test(tc, test_name_64);
	tcase_add_test(tc, test_seccomp);
	tcase_add_test(tc, test_arch_options);
	tcase_add_test(tc, test_dump_dtb);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_bad_mem, 0, (int)(sizeof(bad_mem) / sizeof(bad_mem[0])));
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_unknown_not_arch);
	tcase_add_test(tc, test_value_for_flag_option);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_bad_ras_policy);
	tcase_add_loop_test(tc, test_bad_name, 0, (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_console_and_log);
	tcase_add_test(tc, test_initrd_needs_kernel);
	tcase_add_loop_test(tc, test_kvmtool_only_option, 0,
			    (int)(sizeof(kvmtool_only) / sizeof(kvmtool_only[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, test_policy_parse_name);
	tcase_add_test(tc, test_vm_name_valid);
	tcase_add_test(tc, test_number_bases);
	tcase_add_test(tc, test_parse_size);
	suite_add_tcase(s, tc);
	return s;
}
