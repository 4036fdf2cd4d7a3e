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

/* The suite's --ras-log as one string (a static buffer), and its number of lines. */
const char *ras_fixture_log(const struct vm *vm);
unsigned int ras_fixture_log_lines(const struct vm *vm);
/* Close and remove the log, free the RAS state. */
void ras_fixture_exit(struct vm *vm, const char *log_path);

#endif
