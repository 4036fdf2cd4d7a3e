// SPDX-License-Identifier: GPL-2.0
/* Memory-error policy decision and the signal handler's record queue. */
#include <limits.h>
#include <string.h>

#include "lkvm/ras.h"
#include "suites.h"

struct decide_case {
	enum ras_policy policy;
	enum ras_kind kind;
	bool in_guest, can_take;
	enum ras_action want;
};

#define I RAS_POLICY_INJECT
#define S RAS_POLICY_STOP

static const struct decide_case decide_cases[] = {
	/* Guest RAM, --ras-policy=inject: inject, or stop if the guest cannot take it. */
	{ I, RAS_AR, true,  true,  RAS_ACT_INJECT },
	{ I, RAS_AR, true,  false, RAS_ACT_STOP },
	{ I, RAS_AO, true,  true,  RAS_ACT_INJECT },
	{ I, RAS_AO, true,  false, RAS_ACT_STOP },
	/* Guest RAM, --ras-policy=stop: always stop. */
	{ S, RAS_AR, true,  true,  RAS_ACT_STOP },
	{ S, RAS_AR, true,  false, RAS_ACT_STOP },
	{ S, RAS_AO, true,  true,  RAS_ACT_STOP },
	{ S, RAS_AO, true,  false, RAS_ACT_STOP },
	/* lkvm's own memory: AR is fatal, AO is logged, whatever the policy. */
	{ I, RAS_AR, false, true,  RAS_ACT_FATAL },
	{ I, RAS_AR, false, false, RAS_ACT_FATAL },
	{ I, RAS_AO, false, true,  RAS_ACT_IGNORE },
	{ I, RAS_AO, false, false, RAS_ACT_IGNORE },
	{ S, RAS_AR, false, true,  RAS_ACT_FATAL },
	{ S, RAS_AR, false, false, RAS_ACT_FATAL },
	{ S, RAS_AO, false, true,  RAS_ACT_IGNORE },
	{ S, RAS_AO, false, false, RAS_ACT_IGNORE },
};

#undef I
#undef S

START_TEST(test_decide)
{
	const struct decide_case *c = &decide_cases[_i];
	enum ras_action got = ras_decide(c->policy, c->kind, c->in_guest, c->can_take);

	ck_assert_msg(got == c->want, "policy %s kind %s in_guest %d can_take %d: %s, want %s",
		      ras_policy_name(c->policy), ras_kind_name(c->kind), c->in_guest,
		      c->can_take, ras_action_name(got), ras_action_name(c->want));
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(ras_action_name(RAS_ACT_INJECT), "injected");
	ck_assert_str_eq(ras_action_name(RAS_ACT_STOP), "stopped");
	ck_assert_str_eq(ras_action_name(RAS_ACT_FATAL), "fatal");
	ck_assert_str_eq(ras_action_name(RAS_ACT_IGNORE), "ignored");
	ck_assert_str_eq(ras_action_name((enum ras_action)42), "?");
	ck_assert_str_eq(ras_kind_name(RAS_AR), "AR");
	ck_assert_str_eq(ras_kind_name(RAS_AO), "AO");
}
END_TEST

static struct ras_record rec(uint64_t n)
{
	struct ras_record r = {
		.hva = 0x7f0000000000ULL + n * 4096,
		.kind = (uint8_t)(n & 1 ? RAS_AO : RAS_AR),
		.lsb = (uint8_t)(12 + n % 19),
		.simulated = (uint8_t)(n % 3 == 0),
	};
	return r;
}

static void ck_rec_eq(const struct ras_record *got, uint64_t n)
{
	struct ras_record want = rec(n);

	ck_assert_msg(got->hva == want.hva, "record hva 0x%llx, want #%llu (0x%llx)",
		      (unsigned long long)got->hva, (unsigned long long)n,
		      (unsigned long long)want.hva);
	ck_assert_uint_eq(got->kind, want.kind);
	ck_assert_uint_eq(got->lsb, want.lsb);
	ck_assert_uint_eq(got->simulated, want.simulated);
}

START_TEST(test_ring_fifo)
{
	struct ras_queue r;
	struct ras_record out;

	memset(&r, 0, sizeof(r));
	ck_assert(!ras_queue_pop(&r, &out));
	for (uint64_t i = 0; i < 5; i++) {
		struct ras_record x = rec(i);

		ck_assert(ras_queue_push(&r, &x));
	}
	for (uint64_t i = 0; i < 5; i++) {
		ck_assert(ras_queue_pop(&r, &out));
		ck_rec_eq(&out, i);
	}
	ck_assert(!ras_queue_pop(&r, &out));
	ck_assert_uint_eq(r.lost, 0);
}
END_TEST

START_TEST(test_ring_full)
{
	struct ras_queue r;
	struct ras_record out, x;
	uint64_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < RAS_QUEUE_SIZE; i++) {
		x = rec(i);
		ck_assert(ras_queue_push(&r, &x));
	}
	x = rec(1000);
	ck_assert(!ras_queue_push(&r, &x));
	ck_assert_uint_eq(r.lost, 1);
	ck_assert(!ras_queue_push(&r, &x));
	ck_assert_uint_eq(r.lost, 2);
	/* The ring still holds the first RAS_QUEUE_SIZE, in order. */
	ck_assert(ras_queue_pop(&r, &out));
	ck_rec_eq(&out, 0);
	/* One slot free again. */
	x = rec(RAS_QUEUE_SIZE);
	ck_assert(ras_queue_push(&r, &x));
	ck_assert(!ras_queue_push(&r, &x));
	ck_assert_uint_eq(r.lost, 3);
	for (i = 1; i <= RAS_QUEUE_SIZE; i++) {
		ck_assert(ras_queue_pop(&r, &out));
		ck_rec_eq(&out, i);
	}
	ck_assert(!ras_queue_pop(&r, &out));
}
END_TEST

/* Many laps with varying fill levels; starting near UINT_MAX also wraps the indices. */
static void ring_laps(unsigned int start)
{
	struct ras_queue r;
	struct ras_record out, x;
	uint64_t pushed = 0, popped = 0;

	memset(&r, 0, sizeof(r));
	r.head = r.tail = start;
	while (pushed < 7 * RAS_QUEUE_SIZE + 5) {
		/* At most 2 records stay behind, so a burst may fill the ring. */
		unsigned int burst = (unsigned int)(pushed * 7 % (RAS_QUEUE_SIZE - 2)) + 1;

		for (unsigned int j = 0; j < burst; j++) {
			x = rec(pushed);
			ck_assert(ras_queue_push(&r, &x));
			pushed++;
		}
		while (popped < pushed - (pushed % 3)) {
			ck_assert(ras_queue_pop(&r, &out));
			ck_rec_eq(&out, popped);
			popped++;
		}
	}
	while (ras_queue_pop(&r, &out)) {
		ck_rec_eq(&out, popped);
		popped++;
	}
	ck_assert_uint_eq(popped, pushed);
	ck_assert_uint_eq(r.lost, 0);
	ck_assert_uint_eq(r.head - start, (unsigned int)pushed);
	ck_assert_uint_eq(r.tail, r.head);
}

START_TEST(test_ring_wrap)
{
	ring_laps(0);
}
END_TEST

START_TEST(test_ring_index_overflow)
{
	ring_laps(UINT_MAX - 100);
}
END_TEST

Suite *ras_policy_suite(void)
{
	Suite *s = suite_create("ras-policy");
	TCase *tc;

	tc = tcase_create("decide");
	tcase_add_loop_test(tc, test_decide, 0,
			    (int)(sizeof(decide_cases) / sizeof(decide_cases[0])));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring");
	tcase_add_test(tc, test_ring_fifo);
	tcase_add_test(tc, test_ring_full);
	tcase_add_test(tc, test_ring_wrap);
	tcase_add_test(tc, test_ring_index_overflow);
	suite_add_tcase(s, tc);
	return s;
}
