// SPDX-License-Identifier: GPL-2.0
/* Memory-error policy decision: pure code. */
#include "lkvm/ras.h"

enum ras_action ras_decide(enum ras_policy policy, enum ras_kind kind, bool in_guest,
			   bool guest_can_take)
{
	if (!in_guest)
		/* lkvm's own memory: consumed data cannot be undone; AO is a warning. */
		return kind == RAS_AR ? RAS_ACT_FATAL : RAS_ACT_IGNORE;
	if (policy == RAS_POLICY_STOP)
		return RAS_ACT_STOP;
	/* The user asked for injection: never let KVM reset the guest instead. */
	return guest_can_take ? RAS_ACT_INJECT : RAS_ACT_STOP;
}

const char *ras_action_name(enum ras_action a)
{
	switch (a) {
	case RAS_ACT_INJECT:
		return "injected";
	case RAS_ACT_STOP:
		return "stopped";
	case RAS_ACT_FATAL:
		return "fatal";
	case RAS_ACT_IGNORE:
		return "ignored";
	case RAS_ACT_DROP:
		return "dropped";
	case RAS_ACT_HOLD:
		return "held";
	}
	return "?";
}

const char *ras_kind_name(enum ras_kind k)
{
	return k == RAS_AR ? "AR" : "AO";
}
