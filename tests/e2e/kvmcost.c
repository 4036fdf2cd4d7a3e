// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of the KVM calls lkvm makes on the way from a memory error to
 * the guest, measured where the error is real (L1 of the nested bed): so
 * lkvm's own share of an event's latency_us can be told from the host's.
 * Prints one line per call: median and 90th percentile in microseconds.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define N 2000

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v)
{
	qsort(v, N, sizeof(*v), cmp);
	printf("E2E-COST %s median %.2f us p90 %.2f us (%d calls)\n", name, v[N / 2], v[N * 9 / 10], N);
}

int main(void)
{
	static double t[N];
	struct kvm_sregs sregs;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[1];
	} msrs;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, vcpu;

	if (kvm < 0 || (vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0 ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0) {
		perror("kvmcost: /dev/kvm");
		return 1;
	}
	for (int i = 0; i < N; i++) {
		double a = now_us();

		getppid();
		t[i] = now_us() - a;
	}
	report("getppid", t);
	for (int i = 0; i < N; i++) {
		double a = now_us();

		ioctl(vcpu, KVM_GET_SREGS, &sregs);
		t[i] = now_us() - a;
	}
	report("KVM_GET_SREGS", t);
	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = 1;
	msrs.e[0].index = 0x17a;	/* MCG_STATUS */
	for (int i = 0; i < N; i++) {
		double a = now_us();

		ioctl(vcpu, KVM_GET_MSRS, &msrs);
		t[i] = now_us() - a;
	}
	report("KVM_GET_MSRS", t);
	return 0;
}
