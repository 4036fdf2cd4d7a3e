// SPDX-License-Identifier: GPL-2.0
/*
 * The vty's input side: bytes from the terminal wait here until the
 * guest's H_GET_TERM_CHAR takes them (Linux's hvc console polls).
 */
#include <pthread.h>

#include "lkvm/term.h"
#include "ppc.h"

static void ppc_console_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct ppc_vm *p = opaque;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < n; i++) {
		unsigned int next = (p->in_head + 1) % sizeof(p->in);

		if (next == p->in_tail)
			break;	/* full: the guest is not reading; drop the rest */
		p->in[p->in_head] = buf[i];
		p->in_head = next;
	}
	pthread_mutex_unlock(&p->lock);
}

void ppc_console_init(struct ppc_vm *p)
{
	p->in_head = p->in_tail = 0;
	term_set_input(ppc_console_input, p);
}

size_t ppc_console_take(struct ppc_vm *p, uint8_t *buf, size_t n)
{
	size_t k = 0;

	pthread_mutex_lock(&p->lock);
	while (k < n && p->in_tail != p->in_head) {
		buf[k++] = p->in[p->in_tail];
		p->in_tail = (p->in_tail + 1) % sizeof(p->in);
	}
	pthread_mutex_unlock(&p->lock);
	return k;
}
