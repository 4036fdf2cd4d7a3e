// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm sandbox` command line and exit status: the sandbox's own options
 * are taken out before run_opts_parse() sees the rest; CMD follows "--".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"

/* Run options the sandbox sets itself: the user cannot. */
static const struct {
	const char *opt;
	const char *why;
} sandbox_refused[] = {
	{ "-i", "the sandbox makes its own initramfs" },
	{ "--initrd", "the sandbox makes its own initramfs" },
	{ "--console", "the sandbox's CMD talks through virtio-console ports; the kernel log goes to --verbose" },
	{ "--reboot", "a reset in the sandbox is a panic (status 122)" },
};

static int timeout_parse(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > SANDBOX_TIMEOUT_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value, or NULL when it is not --name. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*missing = false;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int refused(const char *a, char *err, size_t errlen)
{
	for (size_t k = 0; k < ARRAY_SIZE(sandbox_refused); k++) {
		size_t n = strlen(sandbox_refused[k].opt);

		if (!strncmp(a, sandbox_refused[k].opt, n) &&
		    (!a[n] || a[n] == '=' || (n == 2 && a[0] == '-' && a[1] != '-'))) {
			snprintf(err, errlen, "sandbox: option '%s' cannot be used here: %s",
				 sandbox_refused[k].opt, sandbox_refused[k].why);
			return -1;
		}
	}
	return 0;
}

int sandbox_opts_split(struct sandbox_opts *so, int argc, char **argv, char **run_argv,
		       int *run_argc, char *err, size_t errlen)
{
	int i, n = 0;
	bool dashdash = false;

	memset(so, 0, sizeof(*so));
	run_argv[n++] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing;

		if (!strcmp(a, "--")) {
			dashdash = true;
			i++;
			break;
		}
		if (!strcmp(a, "--verbose")) {
			so->verbose = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			so->help = true;
			continue;
		}
		v = opt_value(argc, argv, &i, "--timeout", &missing);
		if (v || missing) {
			if (missing || timeout_parse(v, &so->timeout_s)) {
				snprintf(err, errlen, "sandbox: invalid --timeout '%s': give whole seconds from 0 (none) to %u",
					 missing ? "" : v, SANDBOX_TIMEOUT_MAX);
				return -1;
			}
			continue;
		}
		v = opt_value(argc, argv, &i, "--modules", &missing);
		if (v || missing) {
			if (missing || !*v) {
				snprintf(err, errlen, "sandbox: --modules needs a directory (the kernel's /lib/modules/<version>)");
				return -1;
			}
			so->modules = v;
			continue;
		}
		if (refused(a, err, errlen))
			return -1;
		run_argv[n++] = argv[i];
	}
	run_argv[n] = NULL;
	*run_argc = n;
	if (so->help)
		return 0;
	if (!dashdash || i >= argc || !argv[i][0]) {
		snprintf(err, errlen, "sandbox: no command: give it after '--', e.g. lkvm sandbox -- uname -a");
		return -1;
	}
	so->cmd = &argv[i];
	so->cmd_argc = argc - i;
	return 0;
}

int sandbox_status(const struct sandbox_end *e, const char **why)
{
	*why = NULL;
	if (e->timed_out) {
		*why = "sandbox: --timeout expired: the guest was stopped";
		return SANDBOX_EXIT_TIMEOUT;
	}
	if (e->reported)
		return e->cmd_status & 0xff;
	if (e->init_failed)
		return SANDBOX_EXIT_LKVM;	/* the init said why */
	switch (e->vm_status) {
	case LKVM_EXIT_RAS_STOP:
		*why = "sandbox: a memory error in guest RAM stopped the VM (--ras-policy=stop)";
		return LKVM_EXIT_RAS_STOP;
	case LKVM_RESET:
	case LKVM_EXIT_GUEST_CRASH:
		*why = "sandbox: the guest kernel panicked or the sandbox init died (no status from CMD); see --verbose for the kernel log";
		return SANDBOX_EXIT_PANIC;
	case LKVM_EXIT_OK:
		*why = "sandbox: the guest stopped without CMD's status (powered off, or lkvm was stopped)";
		return SANDBOX_EXIT_PANIC;
	default:
		return SANDBOX_EXIT_LKVM;	/* lkvm said why */
	}
}

int sandbox_report_parse(const char *buf, size_t len, int *status, char *msg, size_t msglen)
{
	const char *nl = memchr(buf, '\n', len);
	size_t line;

	if (!nl)
		return 0;
	line = (size_t)(nl - buf);
	if (line > 5 && line <= 8 && !memcmp(buf, "exit ", 5)) {
		int v = 0;

		for (size_t k = 5; k < line; k++) {
			if (buf[k] < '0' || buf[k] > '9')
				return 0;
			v = v * 10 + (buf[k] - '0');
		}
		if (v > 255)
			return 0;
		*status = v;
		return 1;
	}
	if (line > 6 && !memcmp(buf, "error ", 6) && msglen) {
		size_t k, m = 0;

		for (k = 6; k < line && m + 1 < msglen; k++)
			msg[m++] = (buf[k] >= 0x20 && buf[k] < 0x7f) ? buf[k] : '?';
		msg[m] = '\0';
		return 2;
	}
	return 0;
}
