/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_DEVS_H
#define LKVM_HW_VIRTIO_DEVS_H

#include <stdbool.h>

/*
 * The virtio devices `lkvm run` creates from its options (-d, --9p, --rng,
 * --console virtio), each on its own virtio-mmio transport.
 */
struct vm;
struct run_share;
struct run_disk;
struct run_net;

/*
 * A -d disk image: opened (and again with O_DIRECT for ,direct), locked
 * (shared when ro, exclusive when rw). 0 or exit status.
 */
int virtio_blk_create(struct vm *vm, const struct run_disk *rd, unsigned int index);
int virtio_rng_create(struct vm *vm);
/* The guest console: the terminal's output and input (its hvc0). */
int virtio_console_create(struct vm *vm);

/* A --9p share (its directory open in sh->fd): virtio-9p<index>. 0 or exit status. */
int virtio_9p_create(struct vm *vm, const struct run_share *sh, unsigned int index);

/* -n: virtio-net0 on the backend run_net_open() opened, its MAC from n or vm_name. */
int virtio_net_create(struct vm *vm, const struct run_net *n, const char *vm_name);

/* Test only: --test-vport NAME,IN,OUT ports on files (hw/vport-test.c). 0 or exit status. */
int virtio_ports_test_create(struct vm *vm);

/* Every device the options ask for; 0, or an exit status with the message printed. */
int virtio_devices_create(struct vm *vm);

#endif
