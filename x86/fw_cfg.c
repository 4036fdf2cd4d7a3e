// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's fw_cfg interface, the legacy I/O port flavour: write a 16-bit key
 * to port 0x510, read its bytes one by one from 0x511. Enough for guests
 * to learn the CPU count and RAM size.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/util.h"
#include "x86.h"

#define FW_CFG_PORT		0x510
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_FILE_DIR		0x19

struct fw_cfg {
	pthread_mutex_t lock;
	uint16_t key;
	uint32_t off;
	uint8_t ram_size[8], nb_cpus[2], id[4], file_dir[4];
};

static const uint8_t *fw_cfg_item(struct fw_cfg *c, uint16_t key, uint32_t *len)
{
	switch (key) {
	case FW_CFG_SIGNATURE:
		*len = 4;
		return (const uint8_t *)"QEMU";
	case FW_CFG_ID:
		*len = 4;
		return c->id;
	case FW_CFG_RAM_SIZE:
		*len = 8;
		return c->ram_size;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		*len = 2;
		return c->nb_cpus;
	case FW_CFG_FILE_DIR:
		*len = 4;
		return c->file_dir;	/* big-endian count: no files */
	default:
		*len = 0;
		return NULL;
	}
}

static void fw_cfg_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		      bool is_write, void *opaque)
{
	struct fw_cfg *c = opaque;

	(void)v;
	pthread_mutex_lock(&c->lock);
	if (off == 0) {
		if (is_write) {
			c->key = (uint16_t)io_data_get(data, len);
			c->off = 0;
		} else {
			io_data_put(data, len, c->key);
		}
	} else if (!is_write) {
		for (unsigned int i = 0; i < len; i++) {
			uint32_t n;
			const uint8_t *item = fw_cfg_item(c, c->key, &n);

			data[i] = (item && c->off < n) ? item[c->off] : 0;
			c->off++;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

int fw_cfg_create(struct vm *vm)
{
	struct fw_cfg *c = calloc(1, sizeof(*c));
	uint64_t ram = vm->mem.ram_size;

	if (!c)
		return -1;
	pthread_mutex_init(&c->lock, NULL);
	for (int i = 0; i < 8; i++)
		c->ram_size[i] = (uint8_t)(ram >> (8 * i));
	c->nb_cpus[0] = (uint8_t)vm->nr_vcpus;
	c->nb_cpus[1] = (uint8_t)(vm->nr_vcpus >> 8);
	c->id[0] = 1;	/* traditional interface, no DMA */
	x86_vm(vm)->fw_cfg = c;
	return io_bus_register(&vm->pio, FW_CFG_PORT, 2, fw_cfg_io, c, "fw_cfg");
}
