// SPDX-License-Identifier: GPL-2.0
/*
 * A device tree built by the arch (arm64, ppc64), put where the guest
 * finds it, and written out for --dump-dtb: whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/dtb.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

/* Written beside the target, then renamed: nobody sees half a file. */
static int dtb_write_file(const char *path, const void *dtb, size_t n)
{
	char tmp[4096];
	int fd, len = snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	bool ok;

	if (len < 0 || (size_t)len >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	ok = write(fd, dtb, n) == (ssize_t)n;
	ok = !close(fd) && ok;
	if (!ok || rename(tmp, path) < 0) {
		int err = errno ? -errno : -EIO;

		unlink(tmp);
		return err;
	}
	return 0;
}

int dtb_publish(struct vm *vm, uint64_t gpa, const void *dtb, size_t n)
{
	int err = mem_write(&vm->mem, gpa, dtb, n, "device tree");

	if (err) {
		pr_err("cannot copy the device tree into guest RAM: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	if (!vm->opts->dump_dtb)
		return 0;
	err = dtb_write_file(vm->opts->dump_dtb, dtb, n);
	if (err) {
		pr_err("cannot write --dump-dtb %s: %s", vm->opts->dump_dtb, strerror(-err));
		return LKVM_EXIT_USAGE;
	}
	return 0;
}
