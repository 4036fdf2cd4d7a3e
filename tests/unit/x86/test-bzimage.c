// SPDX-License-Identifier: GPL-2.0
/* Linux bzImage loader on synthetic images and a real 64 MiB buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "lkvm/util.h"
#include "x86-suites.h"

#include "loader-fixture.h"

struct bz_opts {
	unsigned int setup_sects;	/* byte at 0x1f1 */
	size_t pm_size;			/* protected-mode kernel bytes */
	uint16_t version;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t pref_address;
	uint32_t init_size;
	uint8_t jump;			/* header ends at 0x202 + jump */
};

static const struct bz_opts bz_default = {
	.setup_sects = 6,
	.pm_size = 0x3000,
	.version = 0x020f,
	.xloadflags = 0x1,
	.cmdline_size = 2047,
	.initrd_addr_max = 0x7fffffff,
	.pref_address = 0x1000000,
	.init_size = 0x800000,
	.jump = 0x6a,			/* header up to 0x26c, as Linux 2.15 */
};

#define MARK_OFF	0x280		/* past the header: must not be copied */

static size_t setup_bytes(const struct bz_opts *o)
{
	return ((size_t)(o->setup_sects ? o->setup_sects : 4) + 1) * 512;
}

/* A bzImage of setup_bytes() + pm_size bytes; *len gets the size. */
static uint8_t *bz_build(const struct bz_opts *o, size_t *len)
{
	size_t n = setup_bytes(o) + o->pm_size, i;
	uint8_t *k = test_alloc(n);

	for (i = 0; i < n; i++)
		k[i] = (uint8_t)(i * 13 + 5 + (i >> 8));
	/* Clear the header area so only the fields below are set. */
	memset(k + 0x1f1, 0, 0x264 - 0x1f1);
	k[0x1f1] = (uint8_t)o->setup_sects;
	wr16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;
	k[0x201] = o->jump;
	memcpy(k + 0x202, "HdrS", 4);
	wr16(k + 0x206, o->version);
	k[0x210] = 0x00;			/* type_of_loader */
	k[0x211] = 0x01;			/* loadflags: LOADED_HIGH */
	wr32(k + 0x22c, o->initrd_addr_max);
	wr32(k + 0x230, 0x200000);		/* kernel_alignment */
	wr16(k + 0x236, o->xloadflags);
	wr32(k + 0x238, o->cmdline_size);
	wr64(k + 0x258, o->pref_address);
	wr32(k + 0x260, o->init_size);
	k[MARK_OFF] = 0x5a;
	*len = n;
	return k;
}

static int bz_load(const uint8_t *k, size_t n, const uint8_t *initrd, size_t initrd_size,
		   const char *params)
{
	struct x86_files f = {
		.kernel = k,
		.kernel_size = n,
		.kernel_name = "bzImage",
		.initrd = initrd,
		.initrd_size = initrd_size,
		.initrd_name = "initrd.img",
		.params = params,
	};

	return bzimage_load(&map, &f, &boot, err, sizeof(err));
}

#define ck_assert_err_has(sub) \
	ck_assert_msg(strstr(err, (sub)) != NULL, "error '%s' lacks '%s'", err, (sub))

static uint8_t *gp(uint64_t gpa)
{
	return ram + gpa;
}

START_TEST(test_probe)
{
	struct bz_opts o = bz_default;
	uint8_t *k;
	size_t n;

	k = bz_build(&o, &n);
	ck_assert_int_eq(!!bzimage_probe(k, n), 1);
	ck_assert_int_eq(!!bzimage_probe(k, 0x264), 1);
	ck_assert_int_eq(bzimage_probe(k, 0x263), 0);
	wr16(k + 0x1fe, 0xaa56);
	ck_assert_int_eq(bzimage_probe(k, n), 0);
	wr16(k + 0x1fe, 0xaa55);
	k[0x205] = 'T';
	ck_assert_int_eq(bzimage_probe(k, n), 0);

	/* A multiboot ELF is not a bzImage. */
	k = test_alloc(0x1000);
	memset(k, 0, 0x1000);
	memcpy(k, "\177ELF", 4);
	ck_assert_int_eq(bzimage_probe(k, 0x1000), 0);
	ck_assert_int_eq(bz_load(k, 0x1000, NULL, 0, NULL), -1);
	ck_assert_err_has("not a Linux bzImage");
}
END_TEST

START_TEST(test_load_kernel_and_boot_params)
{
	struct bz_opts o = bz_default;
	size_t n, setup = setup_bytes(&o);
	uint8_t *k = bz_build(&o, &n), *bp = gp(X86_BOOT_PARAMS_ADDR);

	ck_assert_int_eq(bz_load(k, n, NULL, 0, "console=ttyS0 root=/dev/vda"), 0);
	ck_assert_str_eq(err, "");

	/* Protected-mode kernel at 1 MiB, nothing past it. */
	ck_assert_mem_eq(gp(0x100000), k + setup, o.pm_size);
	ck_assert_uint_eq(*gp(0x100000 + o.pm_size), FILL);
	ck_assert_uint_eq(*gp(0x100000 - 1), FILL);

	/* boot_params: zeroed, then the image's setup header up to its end. */
	ck_assert_uint_eq(bp[0], 0);
	ck_assert_uint_eq(bp[0x1f0], 0);
	ck_assert_uint_eq(bp[0x1f1], 6);
	ck_assert_uint_eq(rd16(bp + 0x1fe), 0xaa55);
	ck_assert_mem_eq(bp + 0x202, "HdrS", 4);
	ck_assert_uint_eq(rd16(bp + 0x206), 0x020f);
	ck_assert_uint_eq(rd32(bp + 0x230), 0x200000);
	ck_assert_uint_eq(rd16(bp + 0x236), 0x1);
	ck_assert_uint_eq(rd32(bp + 0x238), 2047);
	ck_assert_uint_eq(rd64(bp + 0x258), 0x1000000);
	ck_assert_uint_eq(rd32(bp + 0x260), 0x800000);
	ck_assert_uint_eq(bp[MARK_OFF], 0);
	ck_assert_uint_eq(bp[0xfff], 0);

	/* What the loader fills in. */
	ck_assert_uint_eq(bp[0x210], 0xff);
	ck_assert_uint_eq(bp[0x211], 0x81);	/* LOADED_HIGH | CAN_USE_HEAP */
	ck_assert_uint_eq(rd16(bp + 0x224), 0xfe00);
	ck_assert_uint_eq(rd32(bp + 0x228), 0x20000);
	ck_assert_uint_eq(rd32(bp + 0x0c8), 0);
	ck_assert_str_eq((char *)gp(0x20000), "console=ttyS0 root=/dev/vda");
	ck_assert_uint_eq(rd32(bp + 0x218), 0);
	ck_assert_uint_eq(rd32(bp + 0x21c), 0);

	/* Entry state. */
	ck_assert_int_eq(boot.mode, X86_BOOT_LONG64);
	ck_assert_uint_eq(boot.rip, 0x100200);
	ck_assert_uint_eq(boot.rsi, 0x7000);
	ck_assert_uint_eq(boot.cr3, 0x9000);
	ck_assert_uint_eq(boot.gdt_base, 0x500);
	ck_assert_uint_eq(boot.gdt_limit, 31);
	ck_assert_str_eq(boot.format, "bzImage");
}
END_TEST

START_TEST(test_no_params_empty_cmdline)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k = bz_build(&o, &n);

	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
	ck_assert_uint_eq(rd32(gp(X86_BOOT_PARAMS_ADDR) + 0x228), 0x20000);
	ck_assert_uint_eq(*gp(0x20000), 0);
}
END_TEST

START_TEST(test_setup_sects_zero_means_four)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;

	o.setup_sects = 0;
	k = bz_build(&o, &n);
	ck_assert_uint_eq(n, 5 * 512 + o.pm_size);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
	ck_assert_mem_eq(gp(0x100000), k + 5 * 512, o.pm_size);
	ck_assert_uint_eq(*gp(0x100000 + o.pm_size), FILL);
}
END_TEST

START_TEST(test_e820)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k = bz_build(&o, &n), *bp = gp(X86_BOOT_PARAMS_ADDR);
	static const uint64_t want[3][3] = {
		{ 0, 0xa0000, E820_RAM },
		{ 0xa0000, 0x60000, E820_RESERVED },
		{ 0x100000, RAM_SIZE - 0x100000, E820_RAM },
	};

	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
	ck_assert_uint_eq(bp[0x1e8], 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;

		ck_assert_uint_eq(rd64(e), want[i][0]);
		ck_assert_uint_eq(rd64(e + 8), want[i][1]);
		ck_assert_uint_eq(rd32(e + 16), want[i][2]);
	}
	/* Nothing after the third entry. */
	for (int i = 60; i < 80; i++)
		ck_assert_uint_eq(bp[0x2d0 + i], 0);
}
END_TEST

START_TEST(test_page_tables)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k = bz_build(&o, &n), *pml4 = gp(0x9000), *gdt = gp(0x500);

	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
	ck_assert_uint_eq(rd64(pml4), 0xa003);
	ck_assert_uint_eq(rd64(pml4 + 8), 0);
	ck_assert_uint_eq(rd64(pml4 + 511 * 8), 0);
	ck_assert_uint_eq(rd64(gp(0xa000)), 0xb003);
	ck_assert_uint_eq(rd64(gp(0xa008)), 0xc003);
	ck_assert_uint_eq(rd64(gp(0xa010)), 0xd003);
	ck_assert_uint_eq(rd64(gp(0xa018)), 0xe003);
	ck_assert_uint_eq(rd64(gp(0xa020)), 0);
	ck_assert_uint_eq(rd64(gp(0xb000)), 0x83);
	ck_assert_uint_eq(rd64(gp(0xb008)), 0x200083);
	ck_assert_uint_eq(rd64(gp(0xb000 + 511 * 8)), 0x3fe00083);
	ck_assert_uint_eq(rd64(gp(0xc000)), 0x40000083);
	ck_assert_uint_eq(rd64(gp(0xe000 + 511 * 8)), 0xffe00083);
	ck_assert_uint_eq(*gp(0xf000), FILL);
	/* Flat GDT: 0x10 64-bit code, 0x18 data. */
	ck_assert_uint_eq(rd64(gdt), 0);
	ck_assert_uint_eq(rd64(gdt + 8), 0);
	ck_assert_uint_eq(rd64(gdt + 16), 0x00af9b000000ffffULL);
	ck_assert_uint_eq(rd64(gdt + 24), 0x00cf93000000ffffULL);
}
END_TEST

static uint8_t *make_initrd(size_t n)
{
	uint8_t *p = test_alloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	return p;
}

START_TEST(test_initrd_top_of_ram)
{
	struct bz_opts o = bz_default;
	size_t n, isz = 10000;
	uint8_t *k = bz_build(&o, &n), *rd = make_initrd(isz), *bp = gp(X86_BOOT_PARAMS_ADDR);
	uint32_t addr;

	ck_assert_int_eq(bz_load(k, n, rd, isz, NULL), 0);
	addr = rd32(bp + 0x218);
	/* Highest page-aligned address with the initrd ending below 64 MiB. */
	ck_assert_uint_eq(addr, 0x3ffd000);
	ck_assert_uint_eq(addr % 4096, 0);
	ck_assert_uint_eq(rd32(bp + 0x21c), isz);
	ck_assert_mem_eq(gp(addr), rd, isz);
	ck_assert_uint_eq(*gp(addr - 1), FILL);
	ck_assert_uint_eq(*gp(addr + isz), FILL);
	ck_assert_uint_eq(rd32(bp + 0x0c0), 0);
	ck_assert_uint_eq(rd32(bp + 0x0c4), 0);
}
END_TEST

START_TEST(test_initrd_addr_max)
{
	struct bz_opts o = bz_default;
	size_t n, isz = 10000;
	uint8_t *k, *rd = make_initrd(isz), *bp = gp(X86_BOOT_PARAMS_ADDR);
	uint32_t addr;

	o.initrd_addr_max = 0x2ffffff;	/* last byte it may use: 48 MiB - 1 */
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, rd, isz, NULL), 0);
	addr = rd32(bp + 0x218);
	ck_assert_uint_eq(addr, 0x2ffd000);
	ck_assert_uint_le(addr + isz - 1, 0x2ffffff);
	ck_assert_mem_eq(gp(addr), rd, isz);

	/* A page-sized initrd ends exactly at the limit. */
	ck_assert_int_eq(bz_load(k, n, rd, 4096, NULL), 0);
	ck_assert_uint_eq(rd32(bp + 0x218), 0x2fff000);
	ck_assert_uint_eq(rd32(bp + 0x21c), 4096);
}
END_TEST

START_TEST(test_err_truncated)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k = bz_build(&o, &n);
	char want[96];

	/* setup_sects 40: setup alone claims 41 * 512 bytes. */
	k[0x1f1] = 40;
	snprintf(want, sizeof(want), "setup claims 20992 bytes, file has %zu", n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("truncated bzImage");
	ck_assert_err_has(want);
	/* Nothing after the setup code: no kernel either. */
	k[0x1f1] = 6;
	ck_assert_int_eq(bz_load(k, setup_bytes(&o), NULL, 0, NULL), -1);
	ck_assert_err_has("truncated bzImage");
	ck_assert_uint_eq(*gp(0x100000), FILL);
}
END_TEST

START_TEST(test_err_old_protocol)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;

	o.version = 0x0200;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("boot protocol 2.00");
	ck_assert_err_has("2.12");
	wr16(k + 0x206, 0x020b);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("boot protocol 2.11");
	/* 2.12 is the first one accepted. */
	wr16(k + 0x206, 0x020c);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
}
END_TEST

START_TEST(test_err_no_kernel_64)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;

	o.xloadflags = 0x2;	/* XLF_CAN_BE_LOADED_ABOVE_4G but no 64-bit entry */
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("boot protocol 2.15 without a 64-bit entry");
	ck_assert_uint_eq(*gp(0x100000), FILL);
}
END_TEST

START_TEST(test_err_init_size)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;

	/* Unpacks at pref_address 16 MiB: 16 + 128 MiB > 64 MiB of RAM. */
	o.init_size = 0x8000000;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("needs 144 MiB of RAM to unpack, the VM has 64 MiB below 3 GiB");
	ck_assert_err_has("raise --mem");
	ck_assert_uint_eq(*gp(0x100000), FILL);

	/* 60 MiB fits when unpacked at 1 MiB, not at 16 MiB. */
	o.init_size = 60 * MiB;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), -1);
	ck_assert_err_has("needs 76 MiB");
	wr64(k + 0x258, 0);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
	/* pref_address in the 32-bit hole is not used. */
	wr64(k + 0x258, 0xc0000000);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, NULL), 0);
}
END_TEST

START_TEST(test_err_initrd_overlap)
{
	struct bz_opts o = bz_default;
	size_t n, isz = 2 * MiB;
	uint8_t *k, *rd = make_initrd(isz);

	/* Kernel area [16 MiB, 63 MiB); a 2 MiB initrd would start at 62 MiB. */
	o.init_size = 47 * MiB;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, rd, isz, NULL), -1);
	ck_assert_err_has("kernel and initrd initrd.img overlap");
	ck_assert_err_has("raise --mem");
	/* 1 MiB still fits (ends at 64 MiB, starts at 63 MiB). */
	ck_assert_int_eq(bz_load(k, n, rd, 1 * MiB, NULL), 0);
	ck_assert_uint_eq(rd32(gp(X86_BOOT_PARAMS_ADDR) + 0x218), 63 * MiB);
}
END_TEST

START_TEST(test_err_initrd_too_big)
{
	struct bz_opts o = bz_default;
	size_t n, isz = 2 * MiB;
	uint8_t *k, *rd = make_initrd(isz);

	o.initrd_addr_max = 0xfffff;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, rd, isz, NULL), -1);
	ck_assert_err_has("initrd initrd.img (2 MiB) does not fit below 1 MiB");
}
END_TEST

static char *make_params(size_t len)
{
	char *p = test_alloc(len + 1);

	memset(p, 'x', len);
	p[len] = '\0';
	return p;
}

START_TEST(test_err_cmdline_too_long)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;
	char *p = make_params(17);

	o.cmdline_size = 16;
	k = bz_build(&o, &n);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, p), -1);
	ck_assert_err_has("kernel command line is 17 bytes");
	ck_assert_uint_eq(*gp(0x20000), FILL);

	/* No limit in the header: lkvm's own 64 KiB buffer still applies. */
	wr32(k + 0x238, 0);
	p = make_params(0x10000);
	ck_assert_int_eq(bz_load(k, n, NULL, 0, p), -1);
	ck_assert_err_has("kernel command line is 65536 bytes; lkvm passes at most 65535");
	p[0xffff] = '\0';
	ck_assert_int_eq(bz_load(k, n, NULL, 0, p), 0);
	ck_assert_uint_eq(strlen((char *)gp(0x20000)), 0xffff);
}
END_TEST

/*
 * Boot protocol: cmdline_size is "the maximum size of the command line
 * without the terminating zero", so cmdline_size characters are allowed
 * (Linux sets it to COMMAND_LINE_SIZE - 1 = 2047 for a 2048-byte buffer).
 */
START_TEST(test_cmdline_exactly_cmdline_size)
{
	struct bz_opts o = bz_default;
	size_t n;
	uint8_t *k;
	char *p = make_params(16);

	o.cmdline_size = 16;
	k = bz_build(&o, &n);
	ck_assert_msg(bz_load(k, n, NULL, 0, p) == 0,
		      "16-character command line rejected with cmdline_size 16: %s", err);
	ck_assert_str_eq((char *)gp(0x20000), p);
}
END_TEST

Suite *bzimage_suite(void)
{
	Suite *s = suite_create("bzimage");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_probe);
	tcase_add_test(tc, test_load_kernel_and_boot_params);
	tcase_add_test(tc, test_no_params_empty_cmdline);
	tcase_add_test(tc, test_setup_sects_zero_means_four);
	tcase_add_test(tc, test_e820);
	tcase_add_test(tc, test_page_tables);
	tcase_add_test(tc, test_initrd_top_of_ram);
	tcase_add_test(tc, test_initrd_addr_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_err_truncated);
	tcase_add_test(tc, test_err_old_protocol);
	tcase_add_test(tc, test_err_no_kernel_64);
	tcase_add_test(tc, test_err_init_size);
	tcase_add_test(tc, test_err_initrd_overlap);
	tcase_add_test(tc, test_err_initrd_too_big);
	tcase_add_test(tc, test_err_cmdline_too_long);
	tcase_add_test(tc, test_cmdline_exactly_cmdline_size);
	suite_add_tcase(s, tc);
	return s;
}
