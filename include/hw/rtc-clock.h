/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MC146818's clock arithmetic, pure (hw/rtc-clock.c): when an update
 * cycle is in progress, and which interrupt flags (update-ended, alarm,
 * periodic) an interval of host time sets. Times are nanoseconds of the
 * host's CLOCK_REALTIME; the RTC shows that clock in UTC.
 */
#ifndef LKVM_HW_RTC_CLOCK_H
#define LKVM_HW_RTC_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_NS			1000000000LL
/*
 * UIP rises 244 us before the seconds change and the update takes 1984 us
 * on the real part: the window in which a guest must not read the time.
 * Here the time changes at the end of the window (the host's second).
 */
#define RTC_UIP_NS		(244000LL + 1984000LL)

/* Register C's flags (and register B's enables at the same bits). */
#define RTC_IRQF		0x80
#define RTC_PF			0x40
#define RTC_AF			0x20
#define RTC_UF			0x10
#define RTC_ALARM_DONT_CARE	0xc0

/* The alarm as the guest wrote it, each field decoded, or -1: don't care. */
struct rtc_alarm {
	int sec, min, hour;
};

/* Is an update cycle in progress at time now? */
bool rtc_uip(int64_t now);
/* Decode alarm registers (1, 3, 5) in the format register B gives (BCD, 12-hour). */
struct rtc_alarm rtc_alarm_decode(uint8_t sec, uint8_t min, uint8_t hour, uint8_t reg_b);
/* The first whole second s, after <= s <= until (Unix seconds), the alarm matches; -1 if none. */
int64_t rtc_alarm_next(const struct rtc_alarm *a, int64_t after, int64_t until);
/*
 * The periodic interrupt's period for register A's rate bits (0: none),
 * with the 32.768 kHz divider.
 */
int64_t rtc_period_ns(uint8_t reg_a);
/*
 * The flags (UF, AF, PF; no IRQF) that events in (from, to] set: a second
 * boundary, an alarm second beginning, a periodic tick.
 */
uint8_t rtc_flags_between(int64_t from, int64_t to, const struct rtc_alarm *a, uint8_t reg_a);

#endif
