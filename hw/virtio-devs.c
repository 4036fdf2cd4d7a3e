// SPDX-License-Identifier: GPL-2.0
/* The virtio devices `lkvm run`'s options ask for (virtio-devs.h). */
#include "hw/virtio-devs.h"
#include "hw/virtio-ports.h"
#include "lkvm/vm.h"

int virtio_devices_create(struct vm *vm)
{
	const struct run_opts *o = vm->opts;
	int err;

	for (unsigned int i = 0; i < o->nr_disks; i++) {
		err = virtio_blk_create(vm, &o->disks[i], i);
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < o->nr_shares; i++) {
		err = virtio_9p_create(vm, &o->shares[i], i);
		if (err)
			return err;
	}
	if (o->net.be && (err = virtio_net_create(vm, &o->net, o->name)))
		return err;
	if (o->rng && (err = virtio_rng_create(vm)))
		return err;
	if (o->virtio_console && (err = virtio_console_create(vm)))
		return err;
	if (o->nr_test_vports && (err = virtio_ports_test_create(vm)))
		return err;
	if (o->nr_ports && (err = virtio_ports_add(vm, o->ports, o->nr_ports, NULL, NULL)))
		return err;
	return 0;
}
