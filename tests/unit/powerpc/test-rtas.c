// SPDX-License-Identifier: GPL-2.0
/* RTAS calls: argument validation and the services, on a real memory map. */
#include <check.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/mem.h"
#include "ppc-suites.h"
#include "ppc.h"
#include "rtas.h"

#define RAM	(1ULL << 20)
#define ARGS	0x1000ULL

static uint8_t *ram;
static struct mem_map map;
static int64_t tod;
static struct {
	int display, power_off, reboot, os_term, reg, interlock;
	uint8_t c;
	uint64_t sreset, mce;
	char msg[300];
	int reg_fail;
} seen;

static void f_display(void *o, uint8_t c) { (void)o; seen.display++; seen.c = c; }
static void f_power_off(void *o) { (void)o; seen.power_off++; }
static void f_reboot(void *o) { (void)o; seen.reboot++; }
static void f_os_term(void *o, const char *m)
{
	(void)o;
	seen.os_term++;
	strncpy(seen.msg, m, sizeof(seen.msg) - 1);
}
static int f_reg(void *o, uint64_t s, uint64_t m)
{
	(void)o;
	seen.reg++;
	seen.sreset = s;
	seen.mce = m;
	return seen.reg_fail ? -1 : 0;
}
static void f_interlock(void *o) { (void)o; seen.interlock++; }
static time_t f_now(void *o) { (void)o; return 1700000000; }	/* 2023-11-14 22:13:20 UTC */

static const struct rtas_env env = {
	.mem = &map, .nr_cpus = 2,
	.display = f_display, .power_off = f_power_off, .reboot = f_reboot,
	.os_term = f_os_term, .nmi_register = f_reg, .nmi_interlock = f_interlock,
	.now = f_now, .tod_offset = &tod,
};

static void setup(void)
{
	ram = calloc(1, RAM);
	ck_assert_ptr_nonnull(ram);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, 0, RAM, ram), 0);
	memset(&seen, 0, sizeof(seen));
	tod = 0;
}

static void teardown(void)
{
	free(ram);
}

static uint32_t token(const char *name)
{
	for (size_t i = 0; i < rtas_nr_services; i++)
		if (!strcmp(rtas_services[i].name, name))
			return rtas_services[i].token;
	ck_abort_msg("no RTAS service %s", name);
	return 0;
}

/* Write an argument block at gpa; rets are filled with 0xdeadbeef. */
static void block(uint64_t gpa, uint32_t tok, uint32_t nargs, uint32_t nret, const uint32_t *a)
{
	uint32_t *w = (uint32_t *)(ram + gpa);

	w[0] = htobe32(tok);
	w[1] = htobe32(nargs);
	w[2] = htobe32(nret);
	for (uint32_t i = 0; i < nargs; i++)
		w[3 + i] = htobe32(a[i]);
	for (uint32_t i = 0; i < nret; i++)
		w[3 + nargs + i] = htobe32(0xdeadbeef);
}

static uint32_t ret(uint64_t gpa, uint32_t nargs, uint32_t i)
{
	return be32toh(((uint32_t *)(ram + gpa))[3 + nargs + i]);
}

START_TEST(test_rtas_time_of_day)
{
	uint32_t set[7] = { 2030, 1, 2, 3, 4, 5, 0 };

	block(ARGS, token("get-time-of-day"), 0, 8, NULL);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
	ck_assert_uint_eq(ret(ARGS, 0, 0), 0);
	ck_assert_uint_eq(ret(ARGS, 0, 1), 2023);
	ck_assert_uint_eq(ret(ARGS, 0, 2), 11);
	ck_assert_uint_eq(ret(ARGS, 0, 3), 14);
	ck_assert_uint_eq(ret(ARGS, 0, 4), 22);
	ck_assert_uint_eq(ret(ARGS, 0, 5), 13);
	ck_assert_uint_eq(ret(ARGS, 0, 6), 20);
	ck_assert_uint_eq(ret(ARGS, 0, 7), 0);

	block(ARGS, token("set-time-of-day"), 7, 1, set);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
	ck_assert_uint_eq(ret(ARGS, 7, 0), 0);
	block(ARGS, token("get-time-of-day"), 0, 8, NULL);
	rtas_call(&env, ARGS);
	ck_assert_uint_eq(ret(ARGS, 0, 1), 2030);
	ck_assert_uint_eq(ret(ARGS, 0, 2), 1);
	ck_assert_uint_eq(ret(ARGS, 0, 3), 2);
	ck_assert_uint_eq(ret(ARGS, 0, 6), 5);

	set[1] = 13;	/* month 13 */
	block(ARGS, token("set-time-of-day"), 7, 1, set);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 7, 0), RTAS_OUT_PARAM_ERROR);
}
END_TEST

START_TEST(test_rtas_bad_token)
{
	uint32_t a[1] = { 0 };

	block(ARGS, 0x1234, 1, 1, a);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
	ck_assert_int_eq((int32_t)ret(ARGS, 1, 0), RTAS_OUT_PARAM_ERROR);
	/* A token KVM's XICS owns that reached lkvm anyway */
	block(ARGS, token("ibm,int-on"), 1, 1, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 1, 0), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(seen.power_off + seen.reboot + seen.display, 0);
}
END_TEST

START_TEST(test_rtas_arg_counts)
{
	uint32_t a[2] = { 0, 0 };

	/* power-off takes 2 arguments and 1 result: 1 or 3 arguments are refused */
	block(ARGS, token("power-off"), 1, 1, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 1, 0), RTAS_OUT_PARAM_ERROR);
	block(ARGS, token("power-off"), 2, 2, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 2, 0), RTAS_OUT_PARAM_ERROR);
	ck_assert_uint_eq(ret(ARGS, 2, 1), 0);	/* untouched results are zeroed */
	ck_assert_int_eq(seen.power_off, 0);
	/* get-time-of-day with one result: only the status, -3 */
	block(ARGS, token("get-time-of-day"), 0, 1, NULL);
	((uint32_t *)(ram + ARGS))[4] = htobe32(0xdeadbeef);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 0, 0), RTAS_OUT_PARAM_ERROR);
	ck_assert_uint_eq(be32toh(((uint32_t *)(ram + ARGS))[4]), 0xdeadbeef);	/* no more */
	/* the right counts */
	block(ARGS, token("power-off"), 2, 1, a);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
	ck_assert_uint_eq(ret(ARGS, 2, 0), 0);
	ck_assert_int_eq(seen.power_off, 1);
	block(ARGS, token("system-reboot"), 0, 1, NULL);
	rtas_call(&env, ARGS);
	ck_assert_int_eq(seen.reboot, 1);
}
END_TEST

START_TEST(test_rtas_too_many_words)
{
	uint32_t a[16] = { 0 };

	block(ARGS, token("power-off"), 17, 0, a);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_PARAMETER);
	block(ARGS, token("power-off"), 2, 15, a);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_PARAMETER);
	ck_assert_uint_eq(ret(ARGS, 2, 0), 0xdeadbeef);	/* nothing written */
	((uint32_t *)(ram + ARGS))[1] = 0xffffffffU;	/* nargs -1 */
	ck_assert_int_eq(rtas_call(&env, ARGS), H_PARAMETER);
	ck_assert_int_eq(seen.power_off, 0);
}
END_TEST

START_TEST(test_rtas_outside_ram)
{
	uint32_t a[2] = { 0, 0 };

	ck_assert_int_eq(rtas_call(&env, RAM), H_PARAMETER);
	ck_assert_int_eq(rtas_call(&env, RAM - 8), H_PARAMETER);	/* header straddles the end */
	ck_assert_int_eq(rtas_call(&env, 0xfffffffffffffff8ULL), H_PARAMETER);
	ck_assert_int_eq(rtas_call(&env, UINT64_MAX), H_PARAMETER);
	/* header inside, arguments and results beyond the end */
	block(RAM - 12, token("power-off"), 0, 0, NULL);
	((uint32_t *)(ram + RAM - 12))[1] = htobe32(2);
	((uint32_t *)(ram + RAM - 12))[2] = htobe32(1);
	ck_assert_int_eq(rtas_call(&env, RAM - 12), H_PARAMETER);
	ck_assert_int_eq(seen.power_off, 0);
	/* no results: nothing to say, nothing done */
	block(ARGS, token("power-off"), 2, 0, a);
	ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
	ck_assert_int_eq(seen.power_off, 0);
}
END_TEST

START_TEST(test_rtas_nmi_register)
{
	uint32_t bad[][2] = {
		{ 0x7000, (uint32_t)RAM },		/* machine check handler outside RAM */
		{ (uint32_t)RAM + 0x100, 0x7400 },	/* system reset handler outside RAM */
		{ 0x7000, 0x7402 },			/* unaligned */
	};
	uint32_t good[2] = { 0x7000, 0x7400 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		block(ARGS, token("ibm,nmi-register"), 2, 1, bad[i]);
		ck_assert_int_eq(rtas_call(&env, ARGS), H_SUCCESS);
		ck_assert_int_eq((int32_t)ret(ARGS, 2, 0), RTAS_OUT_PARAM_ERROR);
	}
	ck_assert_int_eq(seen.reg, 0);
	block(ARGS, token("ibm,nmi-register"), 2, 1, good);
	rtas_call(&env, ARGS);
	ck_assert_uint_eq(ret(ARGS, 2, 0), 0);
	ck_assert_int_eq(seen.reg, 1);
	ck_assert_uint_eq(seen.sreset, 0x7000);
	ck_assert_uint_eq(seen.mce, 0x7400);
	seen.reg_fail = 1;
	block(ARGS, token("ibm,nmi-register"), 2, 1, good);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 2, 0), RTAS_OUT_HW_ERROR);
	block(ARGS, token("ibm,nmi-interlock"), 0, 1, NULL);
	rtas_call(&env, ARGS);
	ck_assert_uint_eq(ret(ARGS, 0, 0), 0);
	ck_assert_int_eq(seen.interlock, 1);
}
END_TEST

START_TEST(test_rtas_nmi_register_32m)
{
	/* Handlers must be below 32 MiB even with more RAM. */
	uint8_t *big = calloc(1, 64ULL << 20);
	struct mem_map m2;
	struct rtas_env e2 = env;
	uint32_t a[2] = { 0x7000, (32U << 20) + 0x100 };
	uint32_t *w = (uint32_t *)(big + ARGS);

	ck_assert_ptr_nonnull(big);
	memset(&m2, 0, sizeof(m2));
	ck_assert_int_eq(mem_map_add(&m2, 0, 64ULL << 20, big), 0);
	e2.mem = &m2;
	w[0] = htobe32(token("ibm,nmi-register"));
	w[1] = htobe32(2);
	w[2] = htobe32(1);
	w[3] = htobe32(a[0]);
	w[4] = htobe32(a[1]);
	ck_assert_int_eq(rtas_call(&e2, ARGS), H_SUCCESS);
	ck_assert_int_eq((int32_t)be32toh(w[5]), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(seen.reg, 0);
	free(big);
}
END_TEST

START_TEST(test_rtas_display_os_term_cpus)
{
	uint32_t a[1] = { 'L' };

	block(ARGS, token("display-character"), 1, 1, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq(seen.display, 1);
	ck_assert_uint_eq(seen.c, 'L');

	strcpy((char *)ram + 0x2000, "Kernel panic - not syncing: test\n");
	a[0] = 0x2000;
	block(ARGS, token("ibm,os-term"), 1, 1, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq(seen.os_term, 1);
	ck_assert_str_eq(seen.msg, "Kernel panic - not syncing: test?");
	/* a message at the very end of RAM: only what RAM holds is read */
	memset(ram + RAM - 4, 'x', 4);
	a[0] = (uint32_t)RAM - 4;
	block(ARGS, token("ibm,os-term"), 1, 1, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq(seen.os_term, 2);
	ck_assert_uint_le(strlen(seen.msg), 4);

	a[0] = 1;
	block(ARGS, token("query-cpu-stopped-state"), 1, 2, a);
	rtas_call(&env, ARGS);
	ck_assert_uint_eq(ret(ARGS, 1, 0), 0);
	ck_assert_uint_eq(ret(ARGS, 1, 1), RTAS_CPU_RUNNING);
	a[0] = 2;
	block(ARGS, token("query-cpu-stopped-state"), 1, 2, a);
	rtas_call(&env, ARGS);
	ck_assert_int_eq((int32_t)ret(ARGS, 1, 0), RTAS_OUT_PARAM_ERROR);
}
END_TEST

Suite *ppc_rtas_suite(void)
{
	Suite *s = suite_create("ppc-rtas");
	TCase *tc = tcase_create("rtas");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rtas_time_of_day);
	tcase_add_test(tc, test_rtas_bad_token);
	tcase_add_test(tc, test_rtas_arg_counts);
	tcase_add_test(tc, test_rtas_too_many_words);
	tcase_add_test(tc, test_rtas_outside_ram);
	tcase_add_test(tc, test_rtas_nmi_register);
	tcase_add_test(tc, test_rtas_nmi_register_32m);
	tcase_add_test(tc, test_rtas_display_os_term_cpus);
	suite_add_tcase(s, tc);
	return s;
}
