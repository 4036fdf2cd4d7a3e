// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's initramfs, made at start in memory: lkvm's init, what it
 * runs (CMD, environment, directory, credentials) and the modules it loads
 * (docs/sandbox.md, "The initramfs").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"

#define SANDBOX_CRED_MAX_GROUPS	256

/* The strings of v, each with its NUL, one after the other. */
static char *join0(char *const *v, size_t *len)
{
	size_t n = 0;
	char *buf, *p;

	for (char *const *s = v; *s; s++)
		n += strlen(*s) + 1;
	buf = malloc(n ? n : 1);
	if (!buf)
		return NULL;
	p = buf;
	for (char *const *s = v; *s; s++) {
		size_t k = strlen(*s) + 1;

		memcpy(p, *s, k);
		p += k;
	}
	*len = n;
	return buf;
}

/* "uid gid g1 g2 ...": who CMD runs as. */
static int cred_text(char *out, size_t n)
{
	gid_t groups[SANDBOX_CRED_MAX_GROUPS];
	int ng = getgroups(SANDBOX_CRED_MAX_GROUPS, groups);
	size_t len;

	if (ng < 0)
		ng = 0;
	len = (size_t)snprintf(out, n, "%u %u", (unsigned int)getuid(), (unsigned int)getgid());
	for (int i = 0; i < ng && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, " %u", (unsigned int)groups[i]);
	return len < n ? 0 : -1;
}

void *sandbox_file_read(const char *path, size_t max, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*size = got;
	return buf;
}

static int initrd_modules(struct cpio *c, const char *moddir, const struct kmod_plan *plan,
			  char *err, size_t errlen)
{
	char list[KMOD_PLAN_MAX * 80] = "";
	size_t llen = 0;

	for (unsigned int i = 0; i < plan->n; i++) {
		const char *base = strrchr(plan->path[i], '/');
		char path[1400], name[300];
		size_t size;
		void *data;

		base = base ? base + 1 : plan->path[i];
		snprintf(path, sizeof(path), "%s/%s", moddir, plan->path[i]);
		data = sandbox_file_read(path, 64 * MiB, &size);
		if (!data) {
			snprintf(err, errlen, "sandbox: cannot read kernel module %s: %s", path,
				 strerror(errno));
			return -1;
		}
		snprintf(name, sizeof(name), "lkvm/mod/%s", base);
		cpio_add(c, name, S_IFREG | 0644, data, size, 0, 0);
		free(data);
		llen += (size_t)snprintf(list + llen, sizeof(list) - llen, "%s\n", base);
		if (llen >= sizeof(list)) {
			snprintf(err, errlen, "sandbox: too many modules");
			return -1;
		}
	}
	cpio_add(c, "lkvm/modules", S_IFREG | 0644, list, llen, 0, 0);
	return 0;
}

int sandbox_initrd(struct cpio *c, const struct sandbox_opts *so, char **envp, const char *cwd,
		   const char *moddir, const struct kmod_plan *plan, char *err, size_t errlen)
{
	static const char *const dirs[] = {
		"dev", "proc", "sys", "lower", "rw", "newroot", "lkvm", "lkvm/mod",
	};
	char cred[SANDBOX_CRED_MAX_GROUPS * 12 + 32];
	size_t alen = 0, elen = 0;
	char *args, *env;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_add(c, dirs[i], S_IFDIR | 0755, NULL, 0, 0, 0);
	/* The kernel opens it for init's stdin/stdout/stderr before devtmpfs exists. */
	cpio_add(c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1);
	cpio_add(c, "init", S_IFREG | 0755, lkvm_sandbox_init,
		 (size_t)((uintptr_t)lkvm_sandbox_init_end - (uintptr_t)lkvm_sandbox_init), 0, 0);
	args = join0(so->cmd, &alen);
	env = join0(envp, &elen);
	if (!args || !env || cred_text(cred, sizeof(cred))) {
		free(args);
		free(env);
		snprintf(err, errlen, "sandbox: out of memory building the initramfs");
		return -1;
	}
	cpio_add(c, "lkvm/argv", S_IFREG | 0644, args, alen, 0, 0);
	cpio_add(c, "lkvm/env", S_IFREG | 0644, env, elen, 0, 0);
	cpio_add(c, "lkvm/cwd", S_IFREG | 0644, cwd, strlen(cwd), 0, 0);
	cpio_add(c, "lkvm/cred", S_IFREG | 0644, cred, strlen(cred), 0, 0);
	free(args);
	free(env);
	if (so->no_stdin)
		cpio_add(c, "lkvm/no-stdin", S_IFREG | 0644, NULL, 0, 0, 0);
	if (initrd_modules(c, moddir, plan, err, errlen))
		return -1;
	if (cpio_finish(c)) {
		snprintf(err, errlen, "sandbox: out of memory building the initramfs");
		return -1;
	}
	return 0;
}
