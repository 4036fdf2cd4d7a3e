// SPDX-License-Identifier: GPL-2.0
/*
 * A device tree built by the arch (arm64, ppc64): its common /chosen, the
 * build into a scratch buffer, the copy where the guest finds it, and
 * --dump-dtb's file, whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

int dtb_prop_u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t be[DTB_MAX_CELLS];

	if (n < 0 || n > DTB_MAX_CELLS)
		return -FDT_ERR_BADVALUE;
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

int dtb_prop_u64s(void *fdt, const char *name, const uint64_t *v, int n)
{
	fdt64_t be[DTB_MAX_CELLS / 2];

	if (n < 0 || n > DTB_MAX_CELLS / 2)
		return -FDT_ERR_BADVALUE;
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

int dtb_memory(void *fdt, const char *name, uint64_t base, uint64_t size)
{
	uint64_t reg[2] = { base, size };

	DTB_TRY(fdt_begin_node(fdt, name));
	DTB_TRY(fdt_property_string(fdt, "device_type", "memory"));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 2));
	return fdt_end_node(fdt);
}

int dtb_chosen_begin(void *fdt, const struct dtb_chosen *c)
{
	DTB_TRY(fdt_begin_node(fdt, "chosen"));
	if (c->bootargs)
		DTB_TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
	if (c->stdout_path)
		DTB_TRY(fdt_property_string(fdt, "stdout-path", c->stdout_path));
	if (c->initrd_size) {
		DTB_TRY(fdt_property_u64(fdt, "linux,initrd-start", c->initrd_start));
		DTB_TRY(fdt_property_u64(fdt, "linux,initrd-end", c->initrd_start + c->initrd_size));
	}
	return 0;
}

int dtb_build_publish(struct vm *vm, uint64_t gpa, size_t max,
		      int (*build)(const void *ctx, void *buf, size_t size), const void *ctx)
{
	void *fdt = malloc(max);
	int err, ret;

	if (!fdt) {
		pr_err("out of memory for the device tree");
		return LKVM_EXIT_ERROR;
	}
	err = build(ctx, fdt, max);
	if (err) {
		pr_err("cannot write the device tree: %s", fdt_strerror(err));
		ret = LKVM_EXIT_ERROR;
	} else {
		ret = dtb_publish(vm, gpa, fdt, fdt_totalsize(fdt));
	}
	free(fdt);
	return ret;
}
