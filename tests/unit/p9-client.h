/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_P9_CLIENT_H
#define LKVM_TESTS_UNIT_P9_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "hw/9p.h"
#include "hw/9p-wire.h"

/*
 * The 9P tests' client: a server on a fresh temporary directory, T-messages
 * built from a format, answers read back with the server's own readers.
 * Layout: TMP/share is the share; TMP/outside/secret sits beside it, for
 * escapes to aim at. Only p9_handle() and memory calls after p9c_new(), so
 * it runs under the 9p seccomp filter too.
 */
#define P9C_BUF		(P9_MSIZE_MAX + 4096)
#define P9C_MSIZE	65536		/* what p9c_new() negotiates */
#define P9C_ROOT	0		/* the fid p9c_new() attaches */

struct p9c {
	struct p9_server s;
	char tmp[64], share[80], outside[80];
	uint8_t *req, *resp;
	size_t resp_cap;	/* what p9c_call() offers the server (default P9C_BUF) */
	size_t rlen;
	uint8_t rtype;
	struct p9_in r;		/* the last answer, after its header */
};

/* A server (flags: P9_RO, P9_XDEV) with Tversion and Tattach done; NULL on failure. */
struct p9c *p9c_new(unsigned int flags, unsigned int max_fids);
/* The server on an existing directory, nothing negotiated. */
struct p9c *p9c_new_bare(unsigned int flags, unsigned int max_fids);
void p9c_free(struct p9c *c);

/*
 * Send one T-message. fmt: '1' '2' '4' '8' integers (as unsigned int or
 * uint64_t for '8'), 's' a C string, 'S' a length (int) and bytes as a
 * string, 'b' a length (int) and raw bytes. Returns 0 on the R-message of
 * type + 1, the errno of an Rlerror, -1 for anything else.
 */
int p9c_call(struct p9c *c, uint8_t type, const char *fmt, ...);
/* Exactly these bytes as a request: the answer's length (rtype, r set). */
size_t p9c_raw(struct p9c *c, const void *msg, size_t len);
/* Build a message into buf without sending it: its length. */
size_t p9c_build(uint8_t *buf, size_t cap, uint8_t type, const char *fmt, ...);

/* Twalk from fid to newfid along "a/b/c" ("" clones): 0 or errno (-1 for a partial walk). */
int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path);
/*
 * As the Linux client walks: one name per Twalk, fid to newfid then newfid
 * onwards. 0, or the errno of the first name that fails (-1 for anything odd).
 */
int p9c_walk_steps(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path);
/* Walk from the root to path as fid, then Tlopen with 9P flags: 0 or errno. */
int p9c_open(struct p9c *c, uint32_t fid, const char *path, uint32_t flags);
/* The errno of an Rlerror just read (0 if the answer was not one). */
uint32_t p9c_ecode(const struct p9c *c);
/* TMP/share/rel, in a static buffer (one at a time). */
const char *p9c_host(const struct p9c *c, const char *rel);
/* Host side: write a file below the share with this text. 0 or -1. */
int p9c_put_file(const struct p9c *c, const char *rel, const char *text);

#endif
