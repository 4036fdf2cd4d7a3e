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
 * IRQF when register B enables one of them). With an interrupt line, a
 * thread ("lkvm-rtc", I/O seccomp kind) sleeps until the next enabled event
 * and raises the line while IRQF is set; reading register C lowers it.
 * The alarm also wakes a guest from ACPI S3 (rtc_wake_at(), x86/sleep.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "hw/rtc.h"
#include "hw/rtc-clock.h"
#include "lkvm/arch.h"
#include "lkvm/devices.h"
#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
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
	uint8_t pending;	/* flags the thread saw before the guest read C */
	struct vm *vm;
	int irq;		/* DEV_NO_IRQ: none, and no thread */
	bool line;		/* the interrupt line is up (IRQF) */
	pthread_cond_t cond;	/* the thread: register A or B changed, or stop */
	pthread_t thread;
	bool thread_on, stop;
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

/* Fold what happened up to now into pending. */
static void rtc_collect(struct rtc *r, int64_t now)
{
	struct rtc_alarm a = rtc_alarm(r);

	if (rtc_running(r))
		r->pending |= rtc_flags_between(r->flags_since, now, &a, r->ram[RTC_REG_A]);
	r->flags_since = now;
}

/* The line follows IRQF: up while an enabled flag is pending. */
static void rtc_set_line(struct rtc *r)
{
	bool up = r->pending & r->ram[RTC_REG_B] & (RTC_PF | RTC_AF | RTC_UF);

	if (r->irq == DEV_NO_IRQ || up == r->line)
		return;
	r->line = up;
	if (arch_irq_line(r->vm, (unsigned int)r->irq, up))
		pr_debug("rtc: KVM_IRQ_LINE %d failed", r->irq);
}

/* Register C: what happened since it was last read; reading clears it. */
static uint8_t rtc_reg_c(struct rtc *r)
{
	uint8_t f;

	rtc_collect(r, rtc_now());
	f = r->pending;
	r->pending = 0;
	rtc_set_line(r);
	if (f & r->ram[RTC_REG_B] & (RTC_PF | RTC_AF | RTC_UF))
		f |= RTC_IRQF;
	if (r->thread_on)
		pthread_cond_signal(&r->cond);	/* the line is down: time the next event */
	return f;
}

/* When the next enabled event is due (host ns), or -1: none to wait for. */
static int64_t rtc_next_event(const struct rtc *r, int64_t now)
{
	uint8_t en = r->ram[RTC_REG_B] & (RTC_PF | RTC_AF | RTC_UF);
	int64_t next = INT64_MAX, p = rtc_period_ns(r->ram[RTC_REG_A]);

	if (!rtc_running(r) || !en || r->line)
		return -1;		/* the line is up until the guest reads C */
	if (en & RTC_UF)
		next = (now / RTC_NS + 1) * RTC_NS;
	if (en & RTC_AF) {
		struct rtc_alarm a = rtc_alarm(r);
		int64_t s = rtc_alarm_next(&a, now / RTC_NS + 1, now / RTC_NS + 86400);

		if (s >= 0 && s * RTC_NS < next)
			next = s * RTC_NS;
	}
	if ((en & RTC_PF) && p && (now / p + 1) * p < next)
		next = (now / p + 1) * p;
	return next == INT64_MAX ? -1 : next;
}

static void *rtc_thread(void *arg)
{
	struct rtc *r = arg;

	pthread_setname_np(pthread_self(), "lkvm-rtc");
	sc_enter(SC_IO);
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		int64_t next = rtc_next_event(r, rtc_now());

		if (next < 0) {
			pthread_cond_wait(&r->cond, &r->lock);
		} else {
			struct timespec ts = { .tv_sec = (time_t)(next / RTC_NS),
					       .tv_nsec = (long)(next % RTC_NS) };

			pthread_cond_timedwait(&r->cond, &r->lock, &ts);
		}
		rtc_collect(r, rtc_now());
		rtc_set_line(r);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static int rtc_start(struct vm *vm, struct device *d)
{
	struct rtc *r = d->opaque;

	if (r->irq == DEV_NO_IRQ)
		return 0;
	r->stop = false;
	if (pthread_create(&r->thread, NULL, rtc_thread, r)) {
		pr_err("rtc: cannot start its interrupt thread");
		return LKVM_EXIT_ERROR;
	}
	r->thread_on = true;
	return 0;
}

static void rtc_destroy(struct vm *vm, struct device *d)
{
	struct rtc *r = d->opaque;

	if (!r->thread_on)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->thread_on = false;
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
		if (r->index == RTC_REG_A || r->index == RTC_REG_B) {
			/* New rate or enables: an enabled flag already pending raises IRQF. */
			rtc_collect(r, rtc_now());
			rtc_set_line(r);
			if (r->thread_on)
				pthread_cond_signal(&r->cond);
		}
	} else {
		io_data_put(data, len, rtc_read(r, r->index));
	}
	pthread_mutex_unlock(&r->lock);
}

int rtc_create(struct vm *vm, enum dev_bus bus, uint64_t base, int irq)
{
	/* One per process (lkvm runs one VM); a reboot starts it afresh. */
	static struct rtc rtc = { .lock = PTHREAD_MUTEX_INITIALIZER,
				  .cond = PTHREAD_COND_INITIALIZER };

	pthread_mutex_lock(&rtc.lock);
	rtc.index = 0;
	memset(rtc.ram, 0, sizeof(rtc.ram));
	rtc.ram[RTC_REG_A] = REG_A_DEFAULT;
	rtc.ram[RTC_REG_B] = REG_B_24H;
	rtc.flags_since = rtc_now();
	rtc.pending = 0;
	rtc.line = false;
	rtc.vm = vm;
	rtc.irq = irq;
	rtc_dev = &rtc;
	pthread_mutex_unlock(&rtc.lock);
	rtc.dev = (struct device){
		.name = "rtc", .bus = bus, .base = base, .len = 2, .irq = DEV_NO_IRQ,
		.io = rtc_io, .opaque = &rtc, .start = rtc_start, .destroy = rtc_destroy,
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
