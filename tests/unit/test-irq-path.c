// SPDX-License-Identifier: GPL-2.0
/* irq_path_choose(): which way a device interrupt takes, one row per host. */
#include <check.h>

#include "lkvm/irqfd.h"
#include "suites.h"

static const struct {
	bool irqfd, resample, allowed;
	enum arch_irq_trigger trig;
	enum irq_path want;
} rows[] = {
	/* level lines (x86, arm64): irqfd only with a resampler */
	{ true, true, true, ARCH_IRQ_LEVEL, IRQ_PATH_IRQFD_RESAMPLE },
	{ true, false, true, ARCH_IRQ_LEVEL, IRQ_PATH_LINE },
	{ false, true, true, ARCH_IRQ_LEVEL, IRQ_PATH_LINE },
	{ false, false, true, ARCH_IRQ_LEVEL, IRQ_PATH_LINE },
	/* edge sources (ppc64 XICS): a plain irqfd, no resampler needed */
	{ true, true, true, ARCH_IRQ_EDGE, IRQ_PATH_IRQFD },
	{ true, false, true, ARCH_IRQ_EDGE, IRQ_PATH_IRQFD },
	{ false, false, true, ARCH_IRQ_EDGE, IRQ_PATH_LINE },
	/* LKVM_IRQFD=0: always KVM_IRQ_LINE */
	{ true, true, false, ARCH_IRQ_LEVEL, IRQ_PATH_LINE },
	{ true, true, false, ARCH_IRQ_EDGE, IRQ_PATH_LINE },
};

START_TEST(test_irq_path_rows)
{
	ck_assert_uint_eq(irq_path_choose(rows[_i].irqfd, rows[_i].resample, rows[_i].trig,
					  rows[_i].allowed), rows[_i].want);
}
END_TEST

START_TEST(test_irq_path_names)
{
	ck_assert_str_eq(irq_path_name(IRQ_PATH_LINE), "KVM_IRQ_LINE");
	ck_assert_str_eq(irq_path_name(IRQ_PATH_IRQFD), "irqfd");
	ck_assert_str_eq(irq_path_name(IRQ_PATH_IRQFD_RESAMPLE), "irqfd with resample");
}
END_TEST

Suite *irq_path_suite(void)
{
	Suite *s = suite_create("irq-path");
	TCase *tc = tcase_create("choose");

	tcase_add_loop_test(tc, test_irq_path_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_irq_path_names);
	suite_add_tcase(s, tc);
	return s;
}
