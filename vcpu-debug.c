// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm debug --dump / --nmi`: the control thread asks, the vCPU's own thread
 * does it (KVM serialises vCPU ioctls on the vCPU; a vCPU in KVM_RUN would
 * block the asker until its next exit).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#define VCPU_DEBUG_WAIT_S	2
#define VCPU_DEBUG_BUF		4096
#define CODE_BEFORE		16
#define CODE_AFTER		16

void vcpu_put_code(struct strbuf *o, struct vcpu *v, uint64_t at,
		   int (*read)(struct vcpu *v, uint64_t addr, uint8_t *b))
{
	unsigned int got = 0;

	for (uint64_t a = at - MIN(at, CODE_BEFORE); a < at + CODE_AFTER; a++) {
		uint8_t b;

		if (read(v, a, &b)) {
			if (a >= at)
				break;
			continue;
		}
		got++;
		strbuf_printf(o, a == at ? " <%02x>" : " %02x", b);
	}
	strbuf_printf(o, got ? "\n" : " unreadable\n");
}

int vcpu_code_phys(struct vcpu *v, uint64_t addr, uint8_t *b)
{
	return mem_read(&v->vm->mem, addr, b, 1, "debug dump");
}

/* Post req to v and kick it; 0, or -EBUSY / -ESRCH. */
static int vcpu_debug_post(struct vcpu *v, unsigned int req, char *buf, size_t n)
{
	struct vm *vm = v->vm;

	pthread_mutex_lock(&vm->lock);
	if (!v->started || vm->stopping || v->dbg.req) {
		pthread_mutex_unlock(&vm->lock);
		return v->dbg.req ? -EBUSY : -ESRCH;
	}
	v->dbg.req = req;
	v->dbg.buf = buf;
	v->dbg.len = n;
	v->dbg.ret = 0;
	pthread_cond_broadcast(&vm->cond);	/* a paused vCPU waits on it */
	pthread_mutex_unlock(&vm->lock);
	vcpu_kick(v);
	return 0;
}

/* Wait for v's answer until the deadline, then withdraw what is left. */
static int vcpu_debug_collect(struct vcpu *v, const struct timespec *until)
{
	struct vm *vm = v->vm;
	int ret;

	pthread_mutex_lock(&vm->lock);
	while (v->dbg.req && !vm->stopping)
		if (pthread_cond_timedwait(&vm->cond, &vm->lock, until) == ETIMEDOUT)
			break;
	/* Not done: withdraw, so a late vCPU does not write into buf. */
	ret = v->dbg.req ? (vm->stopping ? -ESRCH : -ETIMEDOUT) : v->dbg.ret;
	v->dbg.req = 0;
	v->dbg.buf = NULL;
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static struct timespec vcpu_debug_deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += VCPU_DEBUG_WAIT_S;
	return ts;
}

int vcpu_debug_request(struct vcpu *v, unsigned int req, char *buf, size_t n)
{
	struct timespec until = vcpu_debug_deadline();
	int ret = vcpu_debug_post(v, req, buf, n);

	return ret ? ret : vcpu_debug_collect(v, &until);
}

int vcpu_debug_request_all(struct vm *vm, unsigned int req, char *bufs, size_t n, int *rets)
{
	struct timespec until = vcpu_debug_deadline();

	/* All at once, one deadline: N blocked vCPUs cost 2 s, not 2 s each. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		bufs[i * n] = '\0';
		rets[i] = vcpu_debug_post(&vm->vcpus[i], req, bufs + i * n, n);
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (!rets[i])
			rets[i] = vcpu_debug_collect(&vm->vcpus[i], &until);
	return 0;
}

void vcpu_debug_serve(struct vcpu *v)
{
	struct vm *vm = v->vm;
	char out[VCPU_DEBUG_BUF];
	unsigned int req;
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	req = v->dbg.req;
	pthread_mutex_unlock(&vm->lock);
	if (!req)
		return;
	out[0] = '\0';
	if (req & VCPU_REQ_DUMP)
		arch_vcpu_show(v, out, sizeof(out));
	if (req & VCPU_REQ_NMI)
		ret = arch_vcpu_nmi(v, out, sizeof(out));

	pthread_mutex_lock(&vm->lock);
	if (v->dbg.req == req && v->dbg.buf) {	/* still wanted */
		snprintf(v->dbg.buf, v->dbg.len, "%s", out);
		v->dbg.ret = ret;
		v->dbg.req = 0;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}
