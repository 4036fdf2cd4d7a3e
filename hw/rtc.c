// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 real-time clock and CMOS RAM: index register at base, data at
 * base + 1 (x86: ports 0x70 and 0x71).
 *
 * The time is the host's (UTC), read when the guest reads it; the guest
 * cannot set it (writes to the time registers are ignored). The update
 * cycle follows the host's clock (rtc-clock.h): UIP is set in the last
 * 2.2 ms of each host second, and register C's update-ended, alarm and
 * periodic flags say what happened since the guest last read it (with
 * IRQF when register B enables one of them). Those flags are not raised
 * as interrupts on IRQ 8 (a guest polls register C); the alarm wakes a
 * guest from ACPI S3 (rtc_wake_at(), x86/sleep.c).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "hw/rtc.h"
#include "hw/rtc-clock.h"
#include "lkvm/devices.h"
#include "lkvm/util.h"
#define RTC_NMI_MASK	0x80	/* bit 7 of the index: NMI disable, not an address */

enum {
	RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04, RTC_WDAY = 0x06,
	RTC_MDAY = 0x07, RTC_MONTH = 0x08, RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_REG_C = 0x0c, RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
};

#define RTC_NREGS	0x80

#define REG_A_DEFAULT	0x26	/* 32.768 kHz divider, 1024 Hz rate; UIP clear */
#define REG_A_UIP	0x80
#define REG_A_DV_MASK	0x70
#define REG_A_DV_RUN	0x20	/* the divider's one running setting */
#define REG_B_24H	0x02
#define REG_B_DM	0x04	/* binary, not BCD */
#define REG_B_SET	0x80
#define REG_D_VRT	0x80	/* valid RAM and time */

struct rtc {
	struct device dev;
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[RTC_NREGS];
	int64_t flags_since;	/* host time register C's flags count from */
};

static struct rtc *rtc_dev;	/* one per process: rtc_create's */

static int64_t rtc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * RTC_NS + ts.tv_nsec;
}

/* The clock updates unless the guest holds it (SET) or stopped its divider. */
static bool rtc_running(const struct rtc *r)
{
	return !(r->ram[RTC_REG_B] & REG_B_SET) &&
	       (r->ram[RTC_REG_A] & REG_A_DV_MASK) == REG_A_DV_RUN;
}

static struct rtc_alarm rtc_alarm(const struct rtc *r)
{
	return rtc_alarm_decode(r->ram[0x01], r->ram[0x03], r->ram[0x05], r->ram[RTC_REG_B]);
}

/* Register C: what happened since it was last read; reading clears it. */
static uint8_t rtc_reg_c(struct rtc *r)
{
	int64_t now = rtc_now();
	struct rtc_alarm a = rtc_alarm(r);
	uint8_t f = 0;

	if (rtc_running(r))
		f = rtc_flags_between(r->flags_since, now, &a, r->ram[RTC_REG_A]);
	r->flags_since = now;
	if (f & r->ram[RTC_REG_B] & (RTC_PF | RTC_AF | RTC_UF))
		f |= RTC_IRQF;
	return f;
}

static uint8_t rtc_encode(const struct rtc *r, int v)
{
	if (r->ram[RTC_REG_B] & REG_B_DM)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static uint8_t rtc_hours(const struct rtc *r, int h)
{
	uint8_t pm = 0;

	if (!(r->ram[RTC_REG_B] & REG_B_24H)) {
		pm = h >= 12 ? 0x80 : 0;
		h %= 12;
		if (h == 0)
			h = 12;
	}
	return rtc_encode(r, h) | pm;
}

static uint8_t rtc_read(struct rtc *r, unsigned int reg)
{
	struct tm tm = { 0 };
	time_t now;

	if (reg >= RTC_NREGS)
		return 0xff;
	if (reg <= RTC_YEAR || reg == RTC_CENTURY) {
		now = time(NULL);
		if (!gmtime_r(&now, &tm))
			memset(&tm, 0, sizeof(tm));
	}
	switch (reg) {
	case RTC_SECONDS:
		return rtc_encode(r, tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case RTC_MINUTES:
		return rtc_encode(r, tm.tm_min);
	case RTC_HOURS:
		return rtc_hours(r, tm.tm_hour);
	case RTC_WDAY:
		return rtc_encode(r, tm.tm_wday + 1);
	case RTC_MDAY:
		return rtc_encode(r, tm.tm_mday);
	case RTC_MONTH:
		return rtc_encode(r, tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_encode(r, tm.tm_year % 100);
	case RTC_CENTURY:
		return rtc_encode(r, (tm.tm_year + 1900) / 100);
	case RTC_REG_A:
		return r->ram[reg] | (rtc_running(r) && rtc_uip(rtc_now()) ? REG_A_UIP : 0);
	case RTC_REG_C:
		return rtc_reg_c(r);
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return r->ram[reg];
	}
}

static void rtc_write(struct rtc *r, unsigned int reg, uint8_t v)
{
	if (reg >= RTC_NREGS)
		return;
	switch (reg) {
	case RTC_REG_A:
		r->ram[reg] = v & 0x7f;		/* UIP is read-only */
		break;
	case RTC_REG_B:
		if (v & REG_B_SET)
			v &= (uint8_t)~RTC_UF;	/* SET clears UIE */
		r->ram[reg] = v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;				/* read-only */
	case 0x01: case 0x03: case 0x05:	/* the alarm */
		r->ram[reg] = v;
		break;
	default:
		if (reg > RTC_YEAR && reg != RTC_CENTURY && reg < ARRAY_SIZE(r->ram))
			r->ram[reg] = v;	/* CMOS RAM; the time is the host's */
		break;
	}
}

static void rtc_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		   bool is_write, void *opaque)
{
	struct rtc *r = opaque;

	(void)v;
	pthread_mutex_lock(&r->lock);
	if (off == 0) {
		if (is_write)
			r->index = data[0] & ~RTC_NMI_MASK;
		else
			io_data_put(data, len, 0xff);	/* the index is write-only */
	} else if (is_write) {
		rtc_write(r, r->index, data[0]);
	} else {
		io_data_put(data, len, rtc_read(r, r->index));
	}
	pthread_mutex_unlock(&r->lock);
}

int rtc_create(struct vm *vm, enum dev_bus bus, uint64_t base)
{
	/* One per process (lkvm runs one VM); a reboot starts it afresh. */
	static struct rtc rtc = { .lock = PTHREAD_MUTEX_INITIALIZER };

	pthread_mutex_lock(&rtc.lock);
	rtc.index = 0;
	memset(rtc.ram, 0, sizeof(rtc.ram));
	rtc.ram[RTC_REG_A] = REG_A_DEFAULT;
	rtc.ram[RTC_REG_B] = REG_B_24H;
	rtc.flags_since = rtc_now();
	rtc_dev = &rtc;
	pthread_mutex_unlock(&rtc.lock);
	rtc.dev = (struct device){
		.name = "rtc", .bus = bus, .base = base, .len = 2, .irq = DEV_NO_IRQ,
		.io = rtc_io, .opaque = &rtc,
	};
	return device_register(vm, &rtc.dev) ? -1 : 0;
}

int64_t rtc_wake_at(void)
{
	struct rtc *r = rtc_dev;
	struct rtc_alarm a;
	int64_t s = -1;

	if (!r)
		return -1;
	pthread_mutex_lock(&r->lock);
	if (rtc_running(r) && (r->ram[RTC_REG_B] & RTC_AF)) {
		int64_t now = rtc_now();

		a = rtc_alarm(r);
		s = rtc_alarm_next(&a, now / RTC_NS + 1, now / RTC_NS + 86400);
	}
	pthread_mutex_unlock(&r->lock);
	return s < 0 ? -1 : s * RTC_NS;
}
