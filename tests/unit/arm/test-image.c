// SPDX-License-Identifier: GPL-2.0
/* arm64 Image header parsing: good headers, raw binaries, malformed ones. */
#include <check.h>
#include <string.h>

#include "arm-suites.h"
#include "image.h"

static uint8_t buf[4096];
static char err[256];
static struct arm_image img;

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header as Linux writes it: text_offset, image_size, flags, magic. */
static void mk_header(uint64_t text, uint64_t size, uint64_t flags)
{
	memset(buf, 0, sizeof(buf));
	buf[0] = 'M';
	buf[1] = 'Z';
	put64(buf + 8, text);
	put64(buf + 16, size);
	put64(buf + 24, flags);
	memcpy(buf + 56, "ARM\x64", 4);
}

START_TEST(test_image_linux)
{
	mk_header(0, 0x2000000, 0xa);	/* 6.1: text_offset 0, 4K pages, anywhere */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), 0);
	ck_assert(img.has_header);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, 0x2000000);
}
END_TEST

START_TEST(test_image_old_zero_size)
{
	mk_header(0x1234000, 0, 0);	/* image_size 0: text_offset is 0x80000, whatever it says */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, sizeof(buf));
}
END_TEST

START_TEST(test_image_raw)
{
	memset(buf, 0x11, sizeof(buf));	/* kvm-unit-tests .flat without a header */
	ck_assert_int_eq(arm_image_parse(buf, 100, &img, err, sizeof(err)), 0);
	ck_assert(!img.has_header);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, 100);
	/* Shorter than a header: raw too. */
	ck_assert_int_eq(arm_image_parse(buf, 8, &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img.image_size, 8);
}
END_TEST

START_TEST(test_image_small_size_grows)
{
	mk_header(0x80000, 16, 0);	/* says 16 bytes, file is 4 KiB: room for the file */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img.image_size, sizeof(buf));
}
END_TEST

START_TEST(test_image_rejects)
{
	static const uint8_t gz[] = { 0x1f, 0x8b, 0x08, 0x00 };

	ck_assert_int_eq(arm_image_parse(gz, sizeof(gz), &img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "gzip"));
	ck_assert_int_eq(arm_image_parse((const uint8_t *)"\177ELF\2\1\1", 7, &img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ELF"));
	ck_assert_int_eq(arm_image_parse(buf, 0, &img, err, sizeof(err)), -1);
	mk_header(0, 0x100000, 1);	/* big-endian */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "big-endian"));
	mk_header(0x200000, 0x100000, 0);	/* text_offset not below 2 MiB */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), -1);
	mk_header(0x80001, 0x100000, 0);	/* unaligned */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "text_offset"));
	mk_header(0, 1ULL << 40, 0);	/* absurd size */
	ck_assert_int_eq(arm_image_parse(buf, sizeof(buf), &img, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "image_size"));
}
END_TEST

Suite *arm_image_suite(void)
{
	Suite *s = suite_create("arm-image");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_image_linux);
	tcase_add_test(tc, test_image_old_zero_size);
	tcase_add_test(tc, test_image_raw);
	tcase_add_test(tc, test_image_small_size_grows);
	tcase_add_test(tc, test_image_rejects);
	suite_add_tcase(s, tc);
	return s;
}
