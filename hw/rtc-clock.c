// SPDX-License-Identifier: GPL-2.0
/* The MC146818's update cycle, alarm and periodic rate against the host's clock (rtc-clock.h). */
#include "hw/rtc-clock.h"

#define DAY	86400

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

bool rtc_uip(int64_t now)
{
	int64_t into = now - floor_div(now, RTC_NS) * RTC_NS;

	return into >= RTC_NS - RTC_UIP_NS;
}

static int rtc_field(uint8_t v, uint8_t reg_b)
{
	if ((v & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE)
		return -1;
	return reg_b & 0x04 ? v : (v >> 4) * 10 + (v & 0x0f);
}

struct rtc_alarm rtc_alarm_decode(uint8_t sec, uint8_t min, uint8_t hour, uint8_t reg_b)
{
	struct rtc_alarm a = { rtc_field(sec, reg_b), rtc_field(min, reg_b), -1 };

	if ((hour & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE) {
		if (reg_b & 0x02) {		/* 24-hour */
			a.hour = rtc_field(hour, reg_b);
		} else {			/* 12-hour: bit 7 is PM, 12 is 0 */
			a.hour = rtc_field(hour & 0x7f, reg_b) % 12 + (hour & 0x80 ? 12 : 0);
		}
	}
	return a;
}

static bool rtc_alarm_at(const struct rtc_alarm *a, int64_t s)
{
	int64_t tod = s - floor_div(s, DAY) * DAY;

	return (a->sec < 0 || a->sec == tod % 60) && (a->min < 0 || a->min == tod / 60 % 60) &&
	       (a->hour < 0 || a->hour == tod / 3600);
}

int64_t rtc_alarm_next(const struct rtc_alarm *a, int64_t after, int64_t until)
{
	/* A day holds every time of day: no need to look further. */
	if (until - after > DAY)
		until = after + DAY;
	for (int64_t s = after; s <= until; s++)
		if (rtc_alarm_at(a, s))
			return s;
	return -1;
}

int64_t rtc_period_ns(uint8_t reg_a)
{
	unsigned int rs = reg_a & 0x0f;

	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7;		/* rates 1 and 2 repeat 8 and 9 (256, 128 Hz) */
	/* 2^(rs-1) cycles of 32768 Hz */
	return (RTC_NS << (rs - 1)) / 32768;
}

uint8_t rtc_flags_between(int64_t from, int64_t to, const struct rtc_alarm *a, uint8_t reg_a)
{
	int64_t s0 = floor_div(from, RTC_NS), s1 = floor_div(to, RTC_NS);
	int64_t period = rtc_period_ns(reg_a);
	uint8_t f = 0;

	if (to <= from)
		return 0;
	if (s1 > s0) {
		f |= RTC_UF;
		if (rtc_alarm_next(a, s0 + 1, s1) >= 0)
			f |= RTC_AF;
	}
	if (period && floor_div(to, period) > floor_div(from, period))
		f |= RTC_PF;
	return f;
}
