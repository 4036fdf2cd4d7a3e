/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DTB_H
#define LKVM_DTB_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/*
 * Copy the arch's device tree blob (n bytes) into guest RAM at gpa
 * (guarded copy) and, with --dump-dtb FILE, write it to FILE whole or not
 * at all. Returns 0, or an exit status with the message printed.
 */
int dtb_publish(struct vm *vm, uint64_t gpa, const void *dtb, size_t n);

#endif
