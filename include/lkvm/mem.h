/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MEM_H
#define LKVM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest memory map: which host virtual addresses back which guest
 * physical addresses. It is written once while the VM is built and then
 * only read, so lookups take no lock and allocate nothing: the memory-error
 * path calls them from any thread.
 */
#define MEM_MAX_REGIONS 8

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct mem_map {
	struct mem_region r[MEM_MAX_REGIONS];
	int nr;
	uint8_t *base;		/* the whole host mapping (regions live inside) */
	uint64_t base_size;
	uint64_t ram_size;	/* sum of region sizes */
	bool no_remap;		/* hugetlbfs RAM: nothing may be mapped over it (mem-load.h) */
};

/* One piece of a host extent that falls in guest RAM. */
struct mem_hit {
	int region;
	uint64_t gpa;		/* guest physical address of the piece */
	uint64_t len;		/* bytes of the piece */
	uint64_t hva;		/* host address of the piece */
};

/* Regions must not overlap in either space; returns 0 or -EINVAL/-ENOSPC. */
int mem_map_add(struct mem_map *m, uint64_t gpa, uint64_t size, uint8_t *hva);

/* Exact address lookups; false when outside guest RAM. */
bool mem_hva_to_gpa(const struct mem_map *m, uint64_t hva, uint64_t *gpa);
/* Host pointer for [gpa, gpa+len) if wholly inside one region, else NULL. */
void *mem_gpa_to_hva(const struct mem_map *m, uint64_t gpa, uint64_t len);

/*
 * The extent of a memory error is [hva rounded down to 2^lsb, +2^lsb).
 * Fill hits[] with the pieces of that extent that are guest RAM, in address
 * order; returns how many (0: the extent is not guest memory at all). The
 * faulting address itself, when in guest RAM, is always reported first.
 */
int mem_extent_lookup(const struct mem_map *m, uint64_t hva, unsigned int lsb,
		      struct mem_hit *hits, int max_hits);

/*
 * The guarded copy: how lkvm code reads or writes guest RAM outside
 * KVM_RUN (loaders, device emulation). [gpa, gpa+len) must lie in one
 * region (else -EFAULT). A memory error on a guest page during the copy
 * gives -EHWPOISON and is routed as a memory error naming who; lkvm lives.
 */
int mem_read(const struct mem_map *m, uint64_t gpa, void *dst, size_t len, const char *who);
int mem_write(const struct mem_map *m, uint64_t gpa, const void *src, size_t len,
	      const char *who);

/*
 * The same for several pieces under one guard (a virtio chain: one
 * sigsetjmp, whose saved signal mask is a system call, not one per
 * descriptor). Every piece is bounds-checked before any is copied
 * (-EFAULT: none copied); pieces are copied in order, so a memory error
 * leaves those before it copied. 0, -EFAULT or -EHWPOISON.
 */
struct mem_piece {
	uint64_t gpa;
	uint8_t *buf;		/* lkvm's side */
	size_t len;
	void *hva;		/* filled in */
};
int mem_copy_many(const struct mem_map *m, struct mem_piece *p, unsigned int n, bool to_guest,
		  const char *who);

/*
 * Drills only (ras-drill.c, --ras-test-port): the next guarded copy, on
 * any thread, that touches the host page [hva, hva + 2^lsb) first calls
 * raise(hva, lsb) inside its guard, which raises the SIGBUS the kernel
 * would send for a poisoned page. One-shot; hva 0 disarms.
 */
typedef int (*mem_drill_fn)(uint64_t hva, unsigned int lsb);
void mem_drill_arm(uint64_t hva, unsigned int lsb, mem_drill_fn raise);
/* Is a drill armed? Paths that bypass the guarded copy take it while one is. */
bool mem_drill_armed(void);

#endif
