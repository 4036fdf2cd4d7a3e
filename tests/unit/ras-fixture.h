/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_RAS_FIXTURE_H
#define LKVM_TESTS_UNIT_RAS_FIXTURE_H

#include <stddef.h>

#include "lkvm/vm.h"
#include "suites.h"

#define RAS_FIXTURE_VCPUS	2

/* ras-fixture.c: wire @vm (RAM already mapped) for the RAS suites; log at @log_path. */
void ras_fixture_init(struct vm *vm, struct vcpu *vcpus, struct run_opts *opts,
		      const struct ras_ops *ops, char *log_path, size_t n, const char *tag);

#endif
