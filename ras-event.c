// SPDX-License-Identifier: GPL-2.0
/* Memory-error events: a human line on stderr, a JSON line in --ras-log. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/ras-event.h"
#include "lkvm/ras-log.h"
#include "lkvm/util.h"

int ras_event_open(const char *path)
{
	return ras_log_open(path);	/* ras-log.c: no FIFO, device or symlink; 0600 */
}

/* JSON string escaping for the free-text fields. */
static size_t json_str(char *buf, size_t n, const char *s)
{
	size_t o = 0;

	if (n < 3)
		return 0;
	buf[o++] = '"';
	for (; *s && o + 8 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, n - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return o;
}

/* Microseconds from a to b, 0 when either is unknown or out of order. */
static double ras_span_us(uint64_t a, uint64_t b)
{
	return a && b > a ? (double)(b - a) / 1000.0 : 0.0;
}

size_t ras_event_json(char *buf, size_t n, const char *vm_name, const struct ras_error *e,
		      enum ras_action a, const char *reason, const char *detail)
{
	char ts[40], name[160], why[600], what[600], vcpu[16], gpa[24], hva[24], reader[160];
	struct timespec now;
	struct tm tm;
	int len;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	/* Not strftime: glibc's reads /etc/localtime on each call, even for UTC. */
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	json_str(name, sizeof(name), vm_name);
	json_str(why, sizeof(why), reason ? reason : "");
	json_str(what, sizeof(what), detail ? detail : "");
	if (e->vcpu >= 0)
		snprintf(vcpu, sizeof(vcpu), "%d", e->vcpu);
	else
		snprintf(vcpu, sizeof(vcpu), "null");
	if (e->reader)
		json_str(reader, sizeof(reader), e->reader);
	else
		snprintf(reader, sizeof(reader), "null");
	/* null: not guest RAM, or an error whose address nobody gave (ppc64 NMI). */
	if (ras_error_has_gpa(e))
		snprintf(gpa, sizeof(gpa), "\"0x%llx\"", (unsigned long long)e->gpa);
	else
		snprintf(gpa, sizeof(gpa), "null");
	if (e->hva || ras_error_has_gpa(e) || !e->in_guest)
		snprintf(hva, sizeof(hva), "\"0x%llx\"", (unsigned long long)e->hva);
	else
		snprintf(hva, sizeof(hva), "null");
	len = snprintf(buf, n,
		       "{\"time\":\"%s.%03ldZ\",\"vm\":%s,\"vcpu\":%s,\"kind\":\"%s\","
		       "\"hva\":%s,\"gpa\":%s,\"extent\":%llu,\"action\":\"%s\","
		       "\"reason\":%s,\"detail\":%s,\"simulated\":%s,\"repeat\":%s,"
		       "\"latency_us\":%.1f,\"pickup_us\":%.1f,\"held_us\":%.1f,\"check_us\":%.1f,"
		       "\"inject_us\":%.1f,"
		       "\"reader\":%s,\"source\":\"%s\",\"arch\":\"%s\"}",
		       ts, now.tv_nsec / 1000000, name, vcpu, ras_kind_name(e->kind),
		       hva, gpa, (unsigned long long)e->extent,
		       ras_action_name(a), why, what, e->simulated ? "true" : "false",
		       e->repeat ? "true" : "false",
		       e->t_action_ns > e->t_signal_ns && e->t_signal_ns ?
		       (double)(e->t_action_ns - e->t_signal_ns) / 1000.0 : 0.0,
		       e->t_pick_ns > e->t_signal_ns && e->t_signal_ns ?
		       (double)(e->t_pick_ns - e->t_signal_ns) / 1000.0 : 0.0,
		       (double)e->held_ns / 1000.0,
		       ras_span_us(e->t_pick_ns + e->held_ns, e->t_ready_ns),
		       ras_span_us(e->t_ready_ns, e->t_inject_ns),
		       reader, e->source ? e->source : "sigbus", arch_info()->name);
	if (len < 0)
		return 0;
	return MIN((size_t)len, n - 1);
}

void ras_event_emit(int log_fd, const char *vm_name, const struct ras_error *e,
		    enum ras_action a, const char *reason, const char *detail)
{
	char where[96], who[160], held[64] = "", host[64], buf[2048];
	size_t len;

	if (e->vcpu >= 0)
		snprintf(who, sizeof(who), " on vCPU %d", e->vcpu);
	else if (e->reader)
		snprintf(who, sizeof(who), " in lkvm's %s", e->reader);
	else
		who[0] = '\0';

	if (ras_error_has_gpa(e))
		snprintf(where, sizeof(where), "guest physical 0x%llx",
			 (unsigned long long)e->gpa);
	else if (e->in_guest)
		snprintf(where, sizeof(where), "guest physical unknown (%s gives no address)",
			 e->source ? e->source : "the report");
	else
		snprintf(where, sizeof(where), "lkvm's own memory (not guest RAM)");
	if (e->held_ns >= 1000000)
		snprintf(held, sizeof(held), " (after %llu ms waiting for the guest)",
			 (unsigned long long)(e->held_ns / 1000000));
	if (e->in_guest && !ras_error_has_gpa(e))
		snprintf(host, sizeof(host), "host address unknown");
	else
		snprintf(host, sizeof(host), "host 0x%llx, %llu KiB", (unsigned long long)e->hva,
			 (unsigned long long)(e->extent / 1024));
	pr_warn("memory error %s%s%s%s: %s (%s): %s%s%s%s%s%s",
		ras_kind_name(e->kind), e->simulated ? " (simulated)" : "",
		e->repeat ? " (page already poisoned)" : "", who, where, host,
		ras_action_name(a), held, detail && *detail ? ": " : "", detail ? detail : "",
		reason && *reason ? "; " : "", reason ? reason : "");
	if (log_fd < 0)
		return;
	len = ras_event_json(buf, sizeof(buf) - 1, vm_name, e, a, reason, detail);
	buf[len++] = '\n';
	if (ras_log_write(log_fd, buf, len) < 0)
		pr_err("cannot write the memory-error log: the event above is not in it");
	else if (a == RAS_ACT_STOP || a == RAS_ACT_FATAL)
		ras_log_sync(log_fd);	/* lkvm is about to exit: on disk first */
}
