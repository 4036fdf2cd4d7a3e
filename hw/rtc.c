// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 real-time clock and CMOS RAM: index register at base, data at
 * base + 1 (x86: ports 0x70 and 0x71).
 *
 * The time is the host's (UTC), read when the guest reads it; the guest
 * cannot set it (writes to the time registers are ignored). No update is
 * ever in progress and no interrupt is raised: enough for an OS to read the
 * date at boot without spinning on unclaimed ports, which read as all-ones
 * and make Linux poll for seconds before it gives up.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "hw/rtc.h"
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
#define REG_B_24H	0x02
#define REG_B_DM	0x04	/* binary, not BCD */
#define REG_B_SET	0x80
#define REG_D_VRT	0x80	/* valid RAM and time */

struct rtc {
	struct device dev;
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[RTC_NREGS];
};

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
	case 0x01: case 0x03: case 0x05:	/* alarms: "don't care" */
		return 0xc0;
	case RTC_REG_C:
		return 0;			/* no interrupt flags, ever */
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
		r->ram[reg] = v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;				/* read-only */
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
	pthread_mutex_unlock(&rtc.lock);
	rtc.dev = (struct device){
		.name = "rtc", .bus = bus, .base = base, .len = 2, .irq = DEV_NO_IRQ,
		.io = rtc_io, .opaque = &rtc,
	};
	return device_register(vm, &rtc.dev) ? -1 : 0;
}
