// SPDX-License-Identifier: GPL-2.0
/* `lkvm run --9p DIR,TAG[,ro]`: the shares' syntax, their directories, the fd limit. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hw/9p.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* Descriptors lkvm needs beside the shares' open files (RAM, vCPUs, sockets, ...). */
#define NOFILE_SPARE	256

/*
 * kvmtool's spelling, DIR,TAG, plus lkvm's ",ro". The tag is what the
 * guest names in `mount -t 9p TAG`: 1..255 bytes (virtio 1.x 5.3.4, tag_len
 * is 16 bits but Linux's 9p reads it as a string), no comma (it ends the
 * field), unique among the shares (the guest could not tell them apart).
 */
int run_opts_9p(struct run_opts *o, const char *arg, char *err, size_t errlen)
{
	struct run_share *sh = &o->shares[o->nr_shares];
	const char *comma = strchr(arg, ','), *tag;
	size_t dlen, tlen;

	if (o->nr_shares >= RUN_MAX_SHARES)
		fail("too many --9p options: at most %d", RUN_MAX_SHARES);
	if (!comma)
		fail("invalid --9p '%s': give DIR,TAG or DIR,TAG,ro", arg);
	dlen = (size_t)(comma - arg);
	tag = comma + 1;
	tlen = strlen(tag);
	sh->ro = tlen > 3 && !strcmp(tag + tlen - 3, ",ro");
	if (sh->ro)
		tlen -= 3;
	if (!dlen || dlen >= sizeof(sh->dir))
		fail("invalid --9p '%s': DIR must be a path of 1 to %zu bytes", arg,
		     sizeof(sh->dir) - 1);
	if (!tlen || tlen > RUN_TAG_MAX || memchr(tag, ',', tlen))
		fail("invalid --9p '%s': TAG must be 1 to %d bytes without a comma (then ',ro' or nothing)",
		     arg, RUN_TAG_MAX);
	memcpy(sh->dir, arg, dlen);
	sh->dir[dlen] = '\0';
	memcpy(sh->tag, tag, tlen);
	sh->tag[tlen] = '\0';
	for (unsigned int i = 0; i < o->nr_shares; i++)
		if (!strcmp(o->shares[i].tag, sh->tag))
			fail("invalid --9p '%s': tag '%s' is already used by another share", arg,
			     sh->tag);
	sh->fd = -1;
	o->nr_shares++;
	return 0;
}

void run_shares_close(struct run_opts *o)
{
	for (unsigned int i = 0; i < o->nr_shares; i++) {
		if (o->shares[i].fd >= 0)
			close(o->shares[i].fd);
		o->shares[i].fd = -1;
	}
}

/* Every open fid of a share holds a host descriptor: let each share hold its most. */
static void run_shares_nofile(unsigned int nr)
{
	rlim_t need = (rlim_t)nr * P9_FIDS_DEFAULT + NOFILE_SPARE;
	struct rlimit rl;

	if (!nr || getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : MIN(need, rl.rlim_max);
	if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < need)
		pr_warn("--9p: open files limited to %llu (RLIMIT_NOFILE); a guest opening more files gets EMFILE",
			(unsigned long long)rl.rlim_cur);
}

int run_shares_open(struct run_opts *o, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < o->nr_shares; i++) {
		struct run_share *sh = &o->shares[i];

		sh->fd = open(sh->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sh->fd < 0) {
			int e = errno;

			run_shares_close(o);
			snprintf(err, errlen, "--9p %s,%s: cannot share '%s': %s", sh->dir, sh->tag,
				 sh->dir, e == ENOTDIR ? "not a directory" : strerror(e));
			return -1;
		}
	}
	run_shares_nofile(o->nr_shares);
	return 0;
}
