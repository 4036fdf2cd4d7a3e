// SPDX-License-Identifier: GPL-2.0
/*
 * Preloaded into lkvm by tests/integration/seccomp.sh: before each KVM_RUN
 * (made by vCPU threads only) it calls openat(), which a vCPU thread's
 * seccomp filter does not allow. Under the filter lkvm must name the call
 * and the thread and exit 10; with --seccomp=off the guest runs as usual.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == KVM_RUN)
		syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}
