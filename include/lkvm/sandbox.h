/* SPDX-License-Identifier: GPL-2.0 */
/* `lkvm sandbox -- CMD`: its options, exit statuses, initramfs, kernel and modules. */
#ifndef LKVM_SANDBOX_H
#define LKVM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Exit statuses of `lkvm sandbox` besides CMD's own 0-255 (README, EXIT
 * STATUS). 124 and 125 are GNU timeout's; SANDBOX_EXIT_PANIC is reserved
 * for a guest kernel panic or the death of the sandbox init (never 0,
 * not 125, none of the shell's 126/127/128+N).
 */
#define SANDBOX_EXIT_PANIC	122
#define SANDBOX_EXIT_TIMEOUT	124
#define SANDBOX_EXIT_LKVM	125

#define SANDBOX_TIMEOUT_MAX	(7U * 24 * 3600)	/* --timeout SECS: a week at most */

/* The virtio-console port names the init looks for (docs/sandbox.md). */
#define SANDBOX_PORT_STDIN	"lkvm.stdin"
#define SANDBOX_PORT_STDOUT	"lkvm.stdout"
#define SANDBOX_PORT_STDERR	"lkvm.stderr"
#define SANDBOX_PORT_STATUS	"lkvm.status"
/* The 9p tag of the host's '/' (read-only). */
#define SANDBOX_ROOT_TAG	"lkvm.root"

struct sandbox_opts {
	unsigned int timeout_s;		/* 0: none */
	const char *modules;		/* --modules DIR; NULL: /lib/modules/<version> */
	bool verbose;			/* kernel log to stderr */
	bool help;
	bool no_stdin;			/* CMD's stdin is /dev/null (lkvm's stdin is a terminal) */
	char **cmd;			/* CMD ARGS..., NULL-terminated (points into argv) */
	int cmd_argc;
};

/*
 * Split `lkvm sandbox` arguments (argv[0] is "sandbox"): the sandbox's own
 * options (--timeout, --modules, --verbose) go to so, CMD after "--" to
 * so->cmd, and what is left, "sandbox" first, to run_argv (room for argc
 * + 1 pointers; *run_argc set) for run_opts_parse(). Run options the
 * sandbox sets itself (-i, --console, --reboot) are refused. 0, or -1 with
 * one line in err.
 */
int sandbox_opts_split(struct sandbox_opts *so, int argc, char **argv, char **run_argv,
		       int *run_argc, char *err, size_t errlen);

/* How the VM ended, as `lkvm sandbox` saw it. */
struct sandbox_end {
	int vm_status;		/* the run's status (LKVM_EXIT_*, or LKVM_RESET) */
	bool timed_out;		/* --timeout expired and lkvm stopped the guest */
	bool reported;		/* the init reported CMD's status ... */
	int cmd_status;		/* ... this one, 0-255 */
	bool init_failed;	/* the init reported a setup failure instead */
};

/* The exit status of `lkvm sandbox` for e, and a reason for stderr (NULL: none). */
int sandbox_status(const struct sandbox_end *e, const char **why);

/*
 * The init's report on the status port (untrusted): "exit N\n" (N 0-255)
 * or "error TEXT\n". Returns 1 with *status for exit, 2 with msg (printable
 * bytes only) for error, 0 when buf holds no complete valid report.
 */
int sandbox_report_parse(const char *buf, size_t len, int *status, char *msg, size_t msglen);

/* newc cpio archives in memory (sandbox-cpio.c). */
struct cpio {
	uint8_t *buf;
	size_t len, cap;
	uint32_t ino;
	bool failed;		/* out of memory or a bad entry: cpio_finish says so */
};
/* Add an entry: a directory (S_IFDIR), a file with data, or a node with rdev. */
void cpio_add(struct cpio *c, const char *name, mode_t mode, const void *data, size_t size,
	      unsigned int rdev_major, unsigned int rdev_minor);
/* Append the trailer: 0, or -1 if any add failed. */
int cpio_finish(struct cpio *c);
void cpio_free(struct cpio *c);

/*
 * The kernel's release ("6.1.0-28-amd64") from its image: the x86 bzImage
 * header's kernel_version string, else the "Linux version " banner of an
 * uncompressed image (arm64 Image, ELF vmlinux). 0, or -1 when not found.
 */
int kver_from_image(const uint8_t *img, size_t len, char *out, size_t outlen);
/*
 * The host's own kernel for release (uname -r), as kvmtool looks for it:
 * the first readable of /boot/vmlinuz-R, /boot/bzImage-R, /boot/Image-R,
 * /boot/vmlinux-R, /lib/modules/R/vmlinuz. 0 with the path, or -1.
 */
int sandbox_kernel_default(const char *release, char *out, size_t outlen);

/*
 * The sandbox's cache of unpacked kernels (sandbox-kcache.c): for a kernel
 * lkvm can unpack (arch_kernel_unpack(): an x86 bzImage with an xz vmlinux),
 * $XDG_CACHE_HOME/lkvm (else $HOME/.cache/lkvm)/vmlinux-<release>-<the
 * file's device, inode, size and mtime>. sandbox_kernel_unpacked(): 0 with
 * the entry's path in out (boot that), 2 when the entry is not there yet
 * (sandbox_kernel_unpack() makes it), 1 when there can be none (no cache
 * directory, a release that is no file name). sandbox_kernel_unpack():
 * unpack and store it (an older entry of the release removed): 0, or -1
 * (not such an image, or it could not be written). Neither prints.
 */
int sandbox_kernel_unpacked(const char *kernel, const char *release, char *out, size_t outlen);
int sandbox_kernel_unpack(const char *kernel, const char *release);
/*
 * sandbox_kernel_unpack() in a child process (niced, its stdio on
 * /dev/null, killed with lkvm), while this run boots kernel as it is:
 * the next run finds the entry. Returns a descriptor that
 * sandbox_kernel_unpack_wait() reads to its end (the child's exit) and
 * closes, or -1 (no child: nothing to wait for).
 */
int sandbox_kernel_unpack_start(const char *kernel, const char *release);
void sandbox_kernel_unpack_wait(int fd);

/* Module load plans from modules.dep and modules.builtin (sandbox-kmod.c). */
#define KMOD_PLAN_MAX	32
struct kmod_plan {
	char path[KMOD_PLAN_MAX][256];	/* relative to the modules dir, load order */
	unsigned int n;
};
/*
 * The modules to load for wanted[] (names with '_' or '-'), dependencies
 * first, each once; built-in ones (modules.builtin) skipped. dep and
 * builtin are the files' text (builtin may be NULL). 0, or -1 with one
 * line in err naming the module that is missing.
 */
int kmod_plan(const char *dep, size_t dep_len, const char *builtin, size_t builtin_len,
	      const char *const *wanted, size_t nwanted, struct kmod_plan *p, char *err,
	      size_t errlen);
/* Those lkvm sandbox needs from a stock distribution kernel. */
extern const char *const sandbox_modules[];
extern const size_t sandbox_nr_modules;

/*
 * Build the initramfs (sandbox-initrd.c): the init, CMD, its environment,
 * directory and credentials, and the modules of plan from moddir. 0, or
 * -1 with one line in err.
 */
int sandbox_initrd(struct cpio *c, const struct sandbox_opts *so, char **envp, const char *cwd,
		   const char *moddir, const struct kmod_plan *plan, char *err, size_t errlen);

/* A regular file of at most max bytes, read whole (malloc'd), or NULL with errno. */
void *sandbox_file_read(const char *path, size_t max, size_t *size);

/* The sandbox init for this architecture, built into lkvm (guest/sandbox-init.c). */
extern const uint8_t lkvm_sandbox_init[], lkvm_sandbox_init_end[];

#endif
