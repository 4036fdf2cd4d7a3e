/* SPDX-License-Identifier: GPL-2.0 */
/* `lkvm run`'s options: struct run_opts, its parser and help, their checks. */
#ifndef LKVM_RUN_OPTS_H
#define LKVM_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lkvm/seccomp.h"

struct vport_spec;
/* The architecture's own options, struct arch_opts: ARCH/arch-opts.h (arch.h). */
#include "arch-opts.h"

enum ras_policy {
	RAS_POLICY_INJECT,
	RAS_POLICY_STOP,
};

#define RUN_DEFAULT_MEM_MIB	256
#define RUN_MIN_MEM_MIB		2
#define RUN_MAX_CPUS		64
#define RUN_NAME_MAX		64
#define RUN_MAX_DISKS		8
#define RUN_MAX_SHARES		8
#define RUN_TAG_MAX		255	/* virtio-9p mount tag, bytes */
#define RUN_MAX_TEST_VPORTS	8	/* --test-vport (test only), VPORT_MAX */

struct run_disk {
	char path[1024];		/* -d FILE[,ro][,direct]: FILE */
	bool ro;
	bool direct;			/* O_DIRECT: the host's page cache left out */
};

struct run_share {
	char dir[1024];			/* --9p DIR,TAG[,ro]: DIR */
	char tag[RUN_TAG_MAX + 1];	/* what the guest mounts */
	bool ro;
	bool xdev;			/* walks may cross into other mounts (the sandbox's /) */
	int fd;				/* DIR, opened by run_shares_open() */
};

/* -n/--network (run-opts-net.c): at most one network device, virtio-net0. */
enum run_net_mode {
	RUN_NET_NONE,
	RUN_NET_USER,			/* mode=user: passt, started by lkvm or at socket= */
	RUN_NET_TAP,			/* mode=tap[,tapif=NAME] */
};

#define RUN_MAX_HOSTFWD		8
#define RUN_NET_PATH_MAX	108	/* sun_path */
#define RUN_NET_IFNAME_MAX	16	/* IFNAMSIZ */

struct run_hostfwd {
	bool udp;
	uint16_t host, guest;		/* hostfwd=tcp::HOST-:GUEST */
};

struct net_backend;
struct run_net {
	enum run_net_mode mode;
	uint8_t mac[6];			/* guest_mac=, or derived from the VM name */
	bool mac_given;
	char socket[RUN_NET_PATH_MAX];	/* mode=user: a passt the user started ("": lkvm starts one) */
	char tapif[RUN_NET_IFNAME_MAX];	/* mode=tap: the interface ("": the kernel names it) */
	struct run_hostfwd fwd[RUN_MAX_HOSTFWD];
	unsigned int nr_fwd;
	struct net_backend *be;		/* run_net_open(): outlives each boot of the VM */
};

struct run_opts {
	const char *kernel;		/* NULL: the built-in guest */
	const char *initrd;
	const char *params;
	uint64_t mem_mib;
	unsigned int cpus;		/* as asked; 0: the host's CPUs (run_cpus_resolve) */
	char name[RUN_NAME_MAX + 1];
	bool name_given;
	bool debug;
	bool help;
	enum ras_policy ras_policy;
	const char *ras_log;
	bool ras_test_port;		/* test-only: guest may request poison */
	bool reboot;			/* guest reset reboots instead of exiting */
	const char *hugetlbfs;		/* guest RAM from this hugetlbfs mount */
	struct run_disk disks[RUN_MAX_DISKS];	/* virtio-blk, in order */
	unsigned int nr_disks;
	struct run_share shares[RUN_MAX_SHARES];	/* virtio-9p, in order */
	unsigned int nr_shares;
	bool rng;			/* --rng: virtio-rng */
	struct run_net net;		/* -n/--network */
	bool virtio_console;		/* --console virtio */
	/* Test only, not in the help: --test-vport NAME,IN,OUT (hw/vport-test.c). */
	const char *test_vports[RUN_MAX_TEST_VPORTS];
	unsigned int nr_test_vports;
	bool nodefaults;		/* pass the kernel command line unchanged */
	int loglevel;			/* enum lkvm_loglevel; -1: not given */
	enum sc_mode seccomp;		/* --seccomp: the threads' filters (default on) */
	const char *dump_dtb;		/* machines with a device tree: write it here too */
	struct arch_opts arch;		/* the machine's own options (arch_info()->options) */
	/* Named virtio-console ports (hw/virtio-ports.h): `lkvm sandbox` sets them. */
	const struct vport_spec *ports;
	unsigned int nr_ports;
};

/*
 * Parse `lkvm run` arguments (argv[0] is "run"). Returns 0, or -1 with a
 * one-line message for the user in err.
 */
int run_opts_parse(struct run_opts *o, int argc, char **argv, char *err, size_t errlen);
/*
 * The vCPU count to run, as kvmtool does it: 0 asks for the host's online
 * CPUs; more than RUN_MAX_CPUS or than KVM allows (kvm_max, <= 0: unknown)
 * is lowered to the limit. Says why in warn (empty when asked == result).
 */
unsigned int run_cpus_resolve(unsigned int asked, long online, int kvm_max, char *warn,
			      size_t n);
void run_opts_usage(FILE *f);
/*
 * Whether the core's table of every architecture's own options (the one
 * that refuses another machine's option with a reason) lists option name
 * (without "--") for arch (arch_info()->name, e.g. "arm64").
 */
bool run_opt_known(const char *arch, const char *name);
/* --9p DIR,TAG[,ro] (run-opts-9p.c): 0, or -1 with the line in err. */
int run_opts_9p(struct run_opts *o, const char *arg, char *err, size_t errlen);
/*
 * Open every share's directory (O_PATH | O_DIRECTORY), on the control
 * thread before any filter: 0, or -1 with one line in err (nothing left
 * open). Then raise RLIMIT_NOFILE so each share can hold its fids open.
 */
int run_shares_open(struct run_opts *o, char *err, size_t errlen);
void run_shares_close(struct run_opts *o);
/*
 * -n/--network SPEC (run-opts-net.c), kvmtool's and QEMU's spelling:
 * mode=none|user|tap, guest_mac=MAC, hostfwd=tcp::HOST-:GUEST (repeatable,
 * udp too), socket=PATH (user), tapif=NAME (tap). 0, or -1 with the line in err.
 */
int run_opts_net(struct run_opts *o, const char *arg, char *err, size_t errlen);
/*
 * The network backend (net-backend.c), on the control thread before any
 * filter: passt started (or its socket= connected) or the TAP opened. 0,
 * or an exit status with one line printed (passt missing: usage, 2).
 */
int run_net_open(struct run_opts *o);
void run_net_close(struct run_opts *o);
int ras_policy_parse(const char *s, enum ras_policy *p);
const char *ras_policy_name(enum ras_policy p);
/* A VM name is [A-Za-z0-9._-]{1,64} and does not start with '.'. */
bool vm_name_valid(const char *name);

#endif
