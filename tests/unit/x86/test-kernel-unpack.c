// SPDX-License-Identifier: GPL-2.0
/*
 * A bzImage's xz vmlinux unpacked by lkvm (arch_kernel_unpack) and the
 * sandbox's cache of it (sandbox_kernel_unpacked), on synthetic images.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "lkvm/arch.h"
#include "lkvm/sandbox.h"
#include "pvh.h"
#include "x86-suites.h"

#define ELF_LEN		0x2000
#define SETUP_LEN	1024	/* setup_sects 1, plus the boot sector */
#define PAYLOAD_OFF	0x40
#define BZ_MAX		(SETUP_LEN + PAYLOAD_OFF + ELF_LEN + 4096)

static uint8_t elf[ELF_LEN], bz[BZ_MAX];
static size_t bz_len, xz_len;

/* The least pvh_probe() takes: ELF64 x86-64 with a Xen PHYS32_ENTRY note. */
static void make_elf(void)
{
	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\177ELF\2\1\1", 7);
	wr16(elf + 16, 2);
	wr16(elf + 18, 62);
	wr64(elf + 32, 64);
	wr16(elf + 54, 56);
	wr16(elf + 56, 1);
	wr32(elf + 64, 4);		/* PT_NOTE at 0x200 */
	wr64(elf + 64 + 8, 0x200);
	wr64(elf + 64 + 32, 24);
	wr32(elf + 0x200, 4);
	wr32(elf + 0x204, 8);
	wr32(elf + 0x208, XEN_ELFNOTE_PHYS32_ENTRY);
	memcpy(elf + 0x20c, "Xen", 4);
	wr64(elf + 0x210, 0x1000040);
	for (size_t i = 0x400; i < ELF_LEN; i++)
		elf[i] = (uint8_t)(i * 7);
}

/* A bzImage whose payload is data, xz-compressed the way Linux's build does it. */
static void make_bz(const uint8_t *data, size_t len)
{
	uint8_t *p = bz + SETUP_LEN + PAYLOAD_OFF;
	size_t out = 0;

	memset(bz, 0, sizeof(bz));
	bz[0x1f1] = 1;
	wr16(bz + 0x1fe, 0xaa55);
	memcpy(bz + 0x202, "HdrS", 4);
	wr16(bz + 0x206, 0x20f);
	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, data, len, p, &out,
						 BZ_MAX - SETUP_LEN - PAYLOAD_OFF - 4), LZMA_OK);
	xz_len = out;
	wr32(p + out, (uint32_t)len);	/* the uncompressed size the build appends */
	wr32(bz + 0x248, PAYLOAD_OFF);
	wr32(bz + 0x24c, (uint32_t)out + 4);
	bz_len = SETUP_LEN + PAYLOAD_OFF + out + 4;
}

START_TEST(test_unpack_xz)
{
	uint8_t *out = NULL;
	size_t n = 0;

	make_elf();
	make_bz(elf, sizeof(elf));
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), 0);
	ck_assert_uint_eq(n, sizeof(elf));
	ck_assert_mem_eq(out, elf, sizeof(elf));
	free(out);
}
END_TEST

START_TEST(test_unpack_not_mine)
{
	uint8_t *out = NULL;
	size_t n = 0;

	make_elf();
	ck_assert_int_eq(arch_kernel_unpack(elf, sizeof(elf), &out, &n), 1);	/* no bzImage */
	make_bz(elf, sizeof(elf));
	bz[SETUP_LEN + PAYLOAD_OFF] = 0x1f;					/* gzip, zstd... */
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), 1);
	make_bz(elf, sizeof(elf));
	wr16(bz + 0x206, 0x207);						/* no payload fields */
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), 1);
	make_bz(elf, sizeof(elf));
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len - 1, &out, &n), 1);	/* payload cut */
	wr32(bz + 0x248, 0xfffffff0);
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), 1);	/* offset past the end */
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_unpack_bad)
{
	uint8_t *out = NULL, junk[ELF_LEN];
	uint8_t *p = bz + SETUP_LEN + PAYLOAD_OFF;
	size_t n = 0;

	make_elf();
	make_bz(elf, sizeof(elf));
	p[xz_len / 2] ^= 0x55;						/* corrupt stream */
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), -1);
	make_bz(elf, sizeof(elf));
	wr32(p + xz_len, sizeof(elf) + 1);				/* size trailer lies */
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), -1);
	wr32(p + xz_len, 0);
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), -1);
	memset(junk, 0x5a, sizeof(junk));
	make_bz(junk, sizeof(junk));					/* no PVH vmlinux inside */
	ck_assert_int_eq(arch_kernel_unpack(bz, bz_len, &out, &n), -1);
	ck_assert_ptr_null(out);
}
END_TEST

static void file_put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static size_t file_get(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

START_TEST(test_kcache)
{
	char dir[] = "/tmp/lkvm-kc-XXXXXX", kpath[64], cache[128], out[PATH_MAX + 256],
	     first[PATH_MAX + 256], plain[64];
	static uint8_t got[ELF_LEN + 16];
	struct timespec ts[2] = { { 1000, 0 }, { 1000, 0 } };
	struct stat st;
	int fd;

	make_elf();
	make_bz(elf, sizeof(elf));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/bzImage", dir);
	snprintf(plain, sizeof(plain), "%s/vmlinux", dir);
	snprintf(cache, sizeof(cache), "%s/c", dir);
	file_put(kpath, bz, bz_len);
	file_put(plain, elf, sizeof(elf));
	unsetenv("HOME");
	setenv("XDG_CACHE_HOME", "relative", 1);
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", out, sizeof(out)), 1);
	setenv("XDG_CACHE_HOME", cache, 1);
	/* A release that is no file name: no cache. Not packed: nothing to unpack, nothing made. */
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "../x", out, sizeof(out)), 1);
	ck_assert_int_eq(sandbox_kernel_unpacked(plain, "6.1.0-t", out, sizeof(out)), 2);
	ck_assert_int_eq(sandbox_kernel_unpack(plain, "6.1.0-t"), -1);
	ck_assert_int_ne(stat(cache, &st), 0);
	/* First run: a miss; the child unpacks into $XDG_CACHE_HOME/lkvm (made 0700). */
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", first, sizeof(first)), 2);
	fd = sandbox_kernel_unpack_start(kpath, "6.1.0-t");
	ck_assert_int_ge(fd, 0);
	sandbox_kernel_unpack_wait(fd);
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", out, sizeof(out)), 0);
	ck_assert_str_eq(out, first);
	ck_assert_int_eq(strncmp(first, cache, strlen(cache)), 0);
	ck_assert_ptr_nonnull(strstr(first, "/lkvm/vmlinux-6.1.0-t-"));
	ck_assert_uint_eq(file_get(first, got, sizeof(got)), sizeof(elf));
	ck_assert_mem_eq(got, elf, sizeof(elf));
	snprintf(out, sizeof(out), "%s/lkvm", cache);
	ck_assert_int_eq(stat(out, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	/* An entry others may write is not booted (a miss: made again). */
	ck_assert_int_eq(chmod(first, 0622), 0);
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", out, sizeof(out)), 2);
	ck_assert_int_eq(chmod(first, 0600), 0);
	/* A new build of the release (another mtime): a miss, and its entry replaces the old. */
	ck_assert_int_eq(utimensat(AT_FDCWD, kpath, ts, 0), 0);
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", out, sizeof(out)), 2);
	ck_assert_str_ne(out, first);
	ck_assert_int_eq(sandbox_kernel_unpack(kpath, "6.1.0-t"), 0);
	ck_assert_int_eq(sandbox_kernel_unpacked(kpath, "6.1.0-t", out, sizeof(out)), 0);
	ck_assert_int_ne(stat(first, &st), 0);
	ck_assert_uint_eq(file_get(out, got, sizeof(got)), sizeof(elf));
	unlink(out);
	snprintf(out, sizeof(out), "%s/lkvm", cache);
	rmdir(out);
	rmdir(cache);
	unlink(kpath);
	unlink(plain);
	rmdir(dir);
	unsetenv("XDG_CACHE_HOME");
}
END_TEST

Suite *kernel_unpack_suite(void)
{
	Suite *s = suite_create("kernel_unpack");
	TCase *tc = tcase_create("unpack");

	tcase_add_test(tc, test_unpack_xz);
	tcase_add_test(tc, test_unpack_not_mine);
	tcase_add_test(tc, test_unpack_bad);
	tcase_add_test(tc, test_kcache);
	suite_add_tcase(s, tc);
	return s;
}
