/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VPORT_PROTO_H
#define LKVM_HW_VPORT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/virtio-ports.h"
#include "hw/virtio-queue.h"

/*
 * The multiport control protocol of virtio-console (virtio 1.x 5.3.6.2),
 * device side, free of threads, fds and KVM (hw/vport-proto.c; the device
 * around it: hw/virtio-ports.c). Every message from the driver is checked
 * (size, event, port id, the state it may come in) and a bad one changes
 * nothing; what the device owes the driver waits in a bounded queue (a
 * port owes at most four messages between two of the driver's, so it
 * never overflows; if it did, the message would be dropped and counted).
 */
#define VIRTIO_CONSOLE_F_MULTIPORT	1

#define VPORT_DEVICE_READY	0	/* driver: value 1 = ready */
#define VPORT_DEVICE_ADD	1	/* device: port id exists */
#define VPORT_DEVICE_REMOVE	2
#define VPORT_PORT_READY	3	/* driver: port id set up (value 1) or failed */
#define VPORT_CONSOLE_PORT	4
#define VPORT_RESIZE		5
#define VPORT_PORT_OPEN		6	/* both ways: value 1 open, 0 closed */
#define VPORT_PORT_NAME		7	/* device: the name's bytes follow */

#define VPORT_CTL_HDR		8	/* le32 id, le16 event, le16 value */
#define VPORT_CTL_MAX		(VPORT_CTL_HDR + VPORT_NAME_MAX)
#define VPORT_CTL_QUEUE		(4 * VPORT_MAX + 4)

/* What a driver's control message did. */
enum vport_ctl {
	VPORT_CTL_OK = 0,	/* taken (replies may be owed: vports_peek) */
	VPORT_CTL_OPENED,	/* the guest opened *port */
	VPORT_CTL_CLOSED,	/* the guest closed *port */
	/* Refused, nothing changed: */
	VPORT_CTL_SHORT,	/* fewer than VPORT_CTL_HDR bytes */
	VPORT_CTL_EVENT,	/* not an event a driver sends */
	VPORT_CTL_ID,		/* no such port */
	VPORT_CTL_STATE,	/* out of order (a port before DEVICE_READY, ...) */
	VPORT_CTL_NR
};

struct vport_state {
	char name[VPORT_NAME_MAX + 1];
	bool added;		/* DEVICE_ADD owed or sent */
	bool ready;		/* PORT_READY 1 came */
	bool guest_open;	/* the guest holds it open */
	bool host_open;		/* PORT_OPEN 1 owed or sent, and no 0 since */
	bool host_eof;		/* in_fd ended: the port stays closed on our side */
};

struct vport_msg {
	uint32_t id;
	uint16_t event, value;
};

struct vports {
	unsigned int n;
	struct vport_state port[VPORT_MAX];
	bool device_ready;
	struct vport_msg q[VPORT_CTL_QUEUE];
	unsigned int q_head, q_len;
	uint64_t refused[VPORT_CTL_NR];	/* by enum vport_ctl; [0..2] unused */
	uint64_t overflow;
};

const char *vport_ctl_name(enum vport_ctl r);
static inline bool vport_ctl_bad(enum vport_ctl r)
{
	return r >= VPORT_CTL_SHORT;
}
/* A name the guest may see: 1..VPORT_NAME_MAX of [A-Za-z0-9._-]. */
bool vport_name_ok(const char *name);
/* Set up n ports; 0, or -1 with one line in err (a bad name, a repeat, a bad n). */
int vports_init(struct vports *p, const struct vport_spec *s, unsigned int n, char *err,
		size_t len);
/* The driver reset the device: its side forgotten, a host EOF kept. */
void vports_reset(struct vports *p);
/* A control message from the driver (msg: len bytes); *port: the port it names. */
enum vport_ctl vports_ctl(struct vports *p, const uint8_t *msg, size_t len, unsigned int *port);
/* in_fd of port i ended: PORT_OPEN 0 owed once (after the bytes already given). */
void vports_host_eof(struct vports *p, unsigned int i);
/* May host bytes go to port i now (the guest would keep them)? */
bool vports_can_send(const struct vports *p, unsigned int i);
/*
 * The next message owed to the driver: its length (0: none), written to
 * buf when it fits in cap. vports_drop() once it is on its way.
 */
size_t vports_peek(const struct vports *p, uint8_t *buf, size_t cap);
void vports_drop(struct vports *p);

/* Queue numbers (5.3.2): port 0 has 0 and 1, control 2 and 3, port i 2i+2 and 2i+3. */
static inline unsigned int vport_rxq(unsigned int i)
{
	return i ? 2 * i + 2 : 0;
}
#define VPORT_CTL_RXQ	2
#define VPORT_CTL_TXQ	3
/* The port behind queue qi, or -1 for the control queues. */
static inline int vport_of_queue(unsigned int qi)
{
	return qi < 2 ? 0 : qi < 4 ? -1 : (int)(qi / 2 - 1);
}

/*
 * Over guest memory (the guarded copy): take one control chain from the
 * driver into vports_ctl; put the next owed message into an rx chain.
 * vports_ctl_chain: a chain that cannot be read is VPORT_CTL_SHORT.
 * vports_fill_chain: bytes written (0: none owed, or the chain is too small
 * or unwritable: *bad set, the message dropped).
 */
enum vport_ctl vports_ctl_chain(struct vports *p, const struct vq *q, const struct vq_chain *c,
				unsigned int *port);
uint32_t vports_fill_chain(struct vports *p, const struct vq *q, const struct vq_chain *c,
			   bool *bad);

#endif
