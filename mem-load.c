// SPDX-License-Identifier: GPL-2.0
/* Zero-copy loading: file pages mapped privately over guest RAM (mem-load.h). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/mem-load.h"
#include "lkvm/util.h"

/*
 * Map [hva, hva + len) privately from fd at off; false when the kernel
 * refused, with anonymous memory put back (MAP_FIXED may have unmapped the
 * range before failing: guest RAM must not be left with a hole).
 */
static bool mem_load_map(uint8_t *hva, size_t len, int fd, uint64_t off)
{
	if (mmap(hva, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, (off_t)off) !=
	    MAP_FAILED)
		return true;
	if (mmap(hva, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
		 MAP_NORESERVE, -1, 0) == MAP_FAILED)
		pr_err("guest RAM at %p: %zu bytes lost after a failed file mapping", (void *)hva, len);
	return false;
}

static uint64_t mapped_total;

uint64_t mem_load_mapped(void)
{
	return __atomic_load_n(&mapped_total, __ATOMIC_RELAXED);
}

int mem_load(const struct mem_map *m, uint64_t gpa, const void *src, size_t len,
	     const char *who, size_t *mapped)
{
	const uint8_t *s = src;
	uint8_t *hva = mem_gpa_to_hva(m, gpa, len);
	size_t pg = (size_t)getpagesize(), head, body = 0;
	uint64_t off;
	int fd, err;

	if (mapped)
		*mapped = 0;
	if (!hva)
		return -EFAULT;
	fd = m->no_remap ? -1 : file_map_fd(src, len, &off);
	if (fd >= 0 && ((uintptr_t)hva - off) % pg == 0) {
		head = (pg - (uintptr_t)hva % pg) % pg;
		if (head < len)
			body = ALIGN_DOWN(len - head, pg);
		if (body && !mem_load_map(hva + head, body, fd, off + head))
			body = 0;
	}
	if (!body)
		return mem_write(m, gpa, src, len, who);
	if (mapped)
		*mapped = body;
	__atomic_fetch_add(&mapped_total, body, __ATOMIC_RELAXED);
	err = mem_write(m, gpa, s, head, who);
	if (!err)
		err = mem_write(m, gpa + head + body, s + head + body, len - head - body, who);
	return err;
}
