// SPDX-License-Identifier: GPL-2.0
/*
 * The VM the RAS unit suites route errors through: two vCPUs with no KVM
 * behind them, a fake ras_ops, page size 4 KiB, and an event log in /tmp.
 * Guest RAM is the caller's (each suite lays out its own regions).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "ras-fixture.h"

void ras_fixture_init(struct vm *vm, struct vcpu *vcpus, struct run_opts *opts,
		      const struct ras_ops *ops, char *log_path, size_t n, const char *tag)
{
	vm->opts = opts;
	vm->nr_vcpus = RAS_FIXTURE_VCPUS;
	vm->vcpus = vcpus;
	vm->page_shift = 12;
	vm->wake_fd = -1;
	vm->ras_ops = ops;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	for (int i = 0; i < RAS_FIXTURE_VCPUS; i++) {
		vcpus[i].vm = vm;
		vcpus[i].id = (unsigned int)i;
		vcpus[i].fd = -1;
	}
	vm->ras = calloc(1, sizeof(*vm->ras));
	ck_assert_ptr_nonnull(vm->ras);
	pthread_mutex_init(&vm->ras->lock, NULL);
	vm->ras->poison.page_shift = 12;
	snprintf(log_path, n, "/tmp/lkvm-%s-%d.json", tag, (int)getpid());
	vm->ras->log_fd = open(log_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(vm->ras->log_fd, 0);
}

const char *ras_fixture_log(const struct vm *vm)
{
	static char buf[16384];
	ssize_t n = pread(vm->ras->log_fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

unsigned int ras_fixture_log_lines(const struct vm *vm)
{
	unsigned int n = 0;

	for (const char *p = ras_fixture_log(vm); *p; p++)
		n += *p == '\n';
	return n;
}

void ras_fixture_exit(struct vm *vm, const char *log_path)
{
	close(vm->ras->log_fd);
	unlink(log_path);
	free(vm->ras);
	vm->ras = NULL;
}
