/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DTB_H
#define LKVM_DTB_H

#include <stddef.h>
#include <stdint.h>

/*
 * The device-tree half of the core, for the arches that boot with one
 * (arm64, ppc64; x86 does not link it, see x86/build.mk): what every tree
 * has in common, and putting the tree where the guest finds it.
 */
struct vm;

/* Stop at the first libfdt error: the writers' helpers return it (negative). */
#define DTB_TRY(x) do { int _e = (x); if (_e < 0) return _e; } while (0)

/* A property of n big-endian cells (n <= DTB_MAX_CELLS), or of n 64-bit values. */
#define DTB_MAX_CELLS	16
int dtb_prop_u32s(void *fdt, const char *name, const uint32_t *v, int n);
int dtb_prop_u64s(void *fdt, const char *name, const uint64_t *v, int n);
/* A memory node: device_type "memory", reg <base size> in 2+2 cells. */
int dtb_memory(void *fdt, const char *name, uint64_t base, uint64_t size);

/* What /chosen tells every Linux kernel. */
struct dtb_chosen {
	const char *bootargs;			/* NULL: none */
	uint64_t initrd_start, initrd_size;	/* size 0: none */
	const char *stdout_path;		/* NULL: none */
};
/*
 * Open /chosen (sequential writer) and write bootargs, stdout-path and
 * linux,initrd-start/-end, in that order; the arch adds its own
 * properties and ends the node. 0 or a negative libfdt error.
 */
int dtb_chosen_begin(void *fdt, const struct dtb_chosen *c);

/*
 * Build the arch's tree with build(ctx, buf, size) (0 or a negative libfdt
 * error) into a scratch buffer of max bytes, then dtb_publish() it at gpa:
 * built apart and copied, since guest RAM is only touched by guarded
 * copies. 0, or an exit status with the message printed.
 */
int dtb_build_publish(struct vm *vm, uint64_t gpa, size_t max,
		      int (*build)(const void *ctx, void *buf, size_t size), const void *ctx);

/*
 * Copy the arch's device tree blob (n bytes) into guest RAM at gpa
 * (guarded copy) and, with --dump-dtb FILE, write it to FILE whole or not
 * at all. Returns 0, or an exit status with the message printed.
 */
int dtb_publish(struct vm *vm, uint64_t gpa, const void *dtb, size_t n);

#endif
