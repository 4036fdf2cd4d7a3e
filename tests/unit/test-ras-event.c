// SPDX-License-Identifier: GPL-2.0
/* Memory-error events: the JSON line for --ras-log and the stderr line. */
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/ras-event.h"
#include "lkvm/util.h"
#include "suites.h"

/*
 * A strict parser for the flat JSON objects lkvm writes: string, number,
 * true/false/null values. json_get() validates the whole text and returns
 * the value of one key: strings unescaped, other values as written.
 */
struct jp {
	const char *p;
};

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

/* Parse a string at j->p into out (unescaped, NUL-terminated). */
static bool jp_string(struct jp *j, char *out, size_t n)
{
	size_t o = 0;

	if (*j->p != '"')
		return false;
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p++;

		if (c == '"')
			break;
		if (c < 0x20)		/* includes the NUL at the end: unterminated */
			return false;
		if (c == '\\') {
			c = (unsigned char)*j->p++;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned int u = 0;

				for (int i = 0; i < 4; i++) {
					int h = hex_digit(j->p[i]);

					if (h < 0)
						return false;
					u = u << 4 | (unsigned int)h;
				}
				j->p += 4;
				if (u == 0 || u > 0x7f)	/* lkvm only escapes ASCII */
					return false;
				c = (unsigned char)u;
				break;
			}
			default:
				return false;
			}
		}
		if (o + 1 < n)
			out[o++] = (char)c;
	}
	if (n)
		out[o] = '\0';
	return true;
}

static bool jp_scalar(struct jp *j, char *out, size_t n)
{
	const char *s = j->p;
	size_t len;

	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4)) {
		j->p += 4;
	} else if (!strncmp(s, "false", 5)) {
		j->p += 5;
	} else {
		if (*j->p == '-')
			j->p++;
		if (*j->p == '0')
			j->p++;
		else if (*j->p >= '1' && *j->p <= '9')
			while (*j->p >= '0' && *j->p <= '9')
				j->p++;
		else
			return false;
		if (*j->p == '.') {
			j->p++;
			if (!(*j->p >= '0' && *j->p <= '9'))
				return false;
			while (*j->p >= '0' && *j->p <= '9')
				j->p++;
		}
	}
	len = (size_t)(j->p - s);
	if (n) {
		if (len >= n)
			len = n - 1;
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return true;
}

/* Valid flat object? If key is found, its value goes to out; *found says so. */
static bool json_get(const char *text, const char *key, char *out, size_t n, bool *found,
		     bool *is_str)
{
	struct jp j = { text };
	char k[64], v[2048];
	int keys = 0;

	*found = false;
	jp_ws(&j);
	if (*j.p++ != '{')
		return false;
	jp_ws(&j);
	if (*j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		bool str;

		jp_ws(&j);
		if (!jp_string(&j, k, sizeof(k)))
			return false;
		jp_ws(&j);
		if (*j.p++ != ':')
			return false;
		jp_ws(&j);
		str = *j.p == '"';
		if (str ? !jp_string(&j, v, sizeof(v)) : !jp_scalar(&j, v, sizeof(v)))
			return false;
		keys++;
		if (key && !strcmp(k, key)) {
			if (*found)
				return false;	/* duplicate key */
			*found = true;
			*is_str = str;
			snprintf(out, n, "%s", v);
		}
		jp_ws(&j);
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != '}')
			return false;
		break;
	}
end:
	jp_ws(&j);
	return *j.p == '\0' && keys > 0;
}

/* The value of key as a string field, failing the test if anything is off. */
static void ck_json_str(const char *text, const char *key, const char *want)
{
	char v[2048];
	bool found, str;

	ck_assert_msg(json_get(text, key, v, sizeof(v), &found, &str), "invalid JSON: %s", text);
	ck_assert_msg(found, "no \"%s\" in %s", key, text);
	ck_assert_msg(str, "\"%s\" is not a string in %s", key, text);
	ck_assert_str_eq(v, want);
}

static const struct ras_error err_ar = {
	.kind = RAS_AR,
	.hva = 0x7f0001234000ULL,
	.gpa = 0x1234000,
	.extent = 4096,
	.lsb = 12,
	.in_guest = true,
	.simulated = true,
	.repeat = false,
	.vcpu = 1,
};

#define ck_assert_has(buf, sub) \
	ck_assert_msg(strstr((buf), (sub)) != NULL, "'%s' lacks '%s'", (buf), (sub))

START_TEST(test_json_fields)
{
	char buf[2048];
	size_t n;
	bool found, str;
	char v[64];

	n = ras_event_json(buf, sizeof(buf), "vm1", &err_ar, RAS_ACT_INJECT, "",
			   "MCE bank 9");
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_has(buf, "\"vcpu\":1,");
	ck_assert_has(buf, "\"kind\":\"AR\"");
	ck_assert_has(buf, "\"gpa\":\"0x1234000\"");
	ck_assert_has(buf, "\"hva\":\"0x7f0001234000\"");
	ck_assert_has(buf, "\"extent\":4096,");
	ck_assert_has(buf, "\"action\":\"injected\"");
	ck_assert_has(buf, "\"simulated\":true");
	ck_assert_has(buf, "\"repeat\":false");
	ck_assert_uint_eq(buf[0], '{');
	ck_assert_uint_eq(buf[n - 1], '}');
	ck_json_str(buf, "vm", "vm1");
	ck_json_str(buf, "kind", "AR");
	ck_json_str(buf, "gpa", "0x1234000");
	ck_json_str(buf, "reason", "");
	ck_json_str(buf, "detail", "MCE bank 9");
	ck_json_str(buf, "action", "injected");
	ck_assert(json_get(buf, "vcpu", v, sizeof(v), &found, &str));
	ck_assert(found && !str);
	ck_assert_str_eq(v, "1");
	ck_assert(json_get(buf, "extent", v, sizeof(v), &found, &str));
	ck_assert(found && !str);
	ck_assert_str_eq(v, "4096");
}
END_TEST

START_TEST(test_json_not_in_guest)
{
	struct ras_error e = err_ar;
	char buf[2048];

	e.kind = RAS_AO;
	e.in_guest = false;
	e.vcpu = -1;
	e.simulated = false;
	e.repeat = true;
	e.extent = 2 * 1024 * 1024;
	ras_event_json(buf, sizeof(buf), "vm1", &e, RAS_ACT_IGNORE,
		       "not guest memory; nothing consumed it", NULL);
	ck_assert_has(buf, "\"gpa\":null");
	ck_assert_has(buf, "\"vcpu\":null");
	ck_assert_has(buf, "\"kind\":\"AO\"");
	ck_assert_has(buf, "\"extent\":2097152");
	ck_assert_has(buf, "\"action\":\"ignored\"");
	ck_assert_has(buf, "\"simulated\":false");
	ck_assert_has(buf, "\"repeat\":true");
	ck_json_str(buf, "reason", "not guest memory; nothing consumed it");
	ck_json_str(buf, "detail", "");

	/* vCPU 0 is a vCPU, not "none". */
	e.vcpu = 0;
	ras_event_json(buf, sizeof(buf), "vm1", &e, RAS_ACT_FATAL, NULL, NULL);
	ck_assert_has(buf, "\"vcpu\":0,");
	ck_assert_has(buf, "\"action\":\"fatal\"");
	ck_json_str(buf, "reason", "");
}
END_TEST

START_TEST(test_json_escaping)
{
	static const char reason[] = "he said \"no\" \\ back\nline\ttab\x01\x1f end";
	static const char name[] = "a\"b\\c";
	char buf[2048];

	ras_event_json(buf, sizeof(buf), name, &err_ar, RAS_ACT_STOP, reason, "d\re");
	ck_assert_has(buf, "\"vm\":\"a\\\"b\\\\c\"");
	ck_assert_has(buf, "\\\"no\\\"");
	ck_assert_has(buf, " \\\\ ");
	ck_assert_has(buf, "\\u000a");
	ck_assert_has(buf, "\\u0009");
	ck_assert_has(buf, "\\u0001");
	ck_assert_has(buf, "\\u001f");
	ck_assert_has(buf, "\\u000d");
	ck_assert_ptr_null(strchr(buf, '\n'));
	ck_assert_ptr_null(strchr(buf, '\t'));
	/* The whole line parses and the strings come back unchanged. */
	ck_json_str(buf, "vm", name);
	ck_json_str(buf, "reason", reason);
	ck_json_str(buf, "detail", "d\re");
	ck_json_str(buf, "action", "stopped");
}
END_TEST

START_TEST(test_json_utf8_passthrough)
{
	char buf[2048];

	ras_event_json(buf, sizeof(buf), "vm", &err_ar, RAS_ACT_STOP, "caf\xc3\xa9", NULL);
	ck_json_str(buf, "reason", "caf\xc3\xa9");
}
END_TEST

START_TEST(test_json_long_strings)
{
	char reason[1500], detail[1500], buf[2048], v[2048];
	bool found, str;
	size_t n;

	/* Quotes everywhere so truncation can fall inside an escape. */
	for (size_t i = 0; i < sizeof(reason) - 1; i++) {
		reason[i] = i % 5 == 4 ? '"' : (char)('a' + i % 26);
		detail[i] = i % 3 == 2 ? '\n' : 'z';
	}
	reason[sizeof(reason) - 1] = '\0';
	detail[sizeof(detail) - 1] = '\0';
	n = ras_event_json(buf, sizeof(buf), "vm", &err_ar, RAS_ACT_STOP, reason, detail);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_uint_eq(buf[n - 1], '}');
	ck_assert_msg(json_get(buf, "reason", v, sizeof(v), &found, &str), "invalid JSON: %s",
		      buf);
	ck_assert(found && str);
	/* Cut short, but what is there is the start of the reason. */
	ck_assert_uint_gt(strlen(v), 100);
	ck_assert_uint_lt(strlen(v), strlen(reason));
	ck_assert(!strncmp(v, reason, strlen(v)));
	ck_assert(json_get(buf, "detail", v, sizeof(v), &found, &str));
	ck_assert(!strncmp(v, detail, strlen(v)));
	ck_assert_has(buf, "\"repeat\":false,\"latency_us\":0.0,\"pickup_us\":0.0,\"held_us\":0.0,\"check_us\":0.0,\"inject_us\":0.0,\"reader\":null,\"source\":\"sigbus\",\"arch\":\"");
}
END_TEST

START_TEST(test_json_small_buffer)
{
	char buf[64];
	size_t n;

	memset(buf, 'X', sizeof(buf));
	n = ras_event_json(buf, 32, "vm1", &err_ar, RAS_ACT_INJECT, "", "");
	ck_assert_uint_eq(n, 31);
	ck_assert_uint_eq(strlen(buf), 31);
	ck_assert_uint_eq(buf[32], 'X');
	ck_assert(!strncmp(buf, "{\"time\":\"", 9));
}
END_TEST

/* Restores TZ after test_json_time when tests do not fork. */
static char *saved_tz;
static bool tz_changed;

static void tz_restore(void)
{
	if (!tz_changed)
		return;
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved_tz);
	saved_tz = NULL;
	tz_changed = false;
}

START_TEST(test_json_time)
{
	char buf[2048], t[64];
	bool found, str;
	regex_t re;
	struct tm tm;
	struct timespec before, after, nap;
	time_t got;
	const char *tz = getenv("TZ");

	/* A local time zone 5:30 east of UTC: the stamp must still be UTC. */
	saved_tz = tz ? strdup(tz) : NULL;
	tz_changed = true;
	ck_assert_int_eq(setenv("TZ", "LKT-5:30", 1), 0);
	tzset();

	/*
	 * Run 20 ms into a second, so the milliseconds are below 100 and
	 * need their leading zero.
	 */
	clock_gettime(CLOCK_REALTIME, &before);
	nap.tv_sec = 0;
	nap.tv_nsec = 1000000000L - before.tv_nsec + 20000000L;
	if (nap.tv_nsec >= 1000000000L) {
		nap.tv_sec = 1;
		nap.tv_nsec -= 1000000000L;
	}
	nanosleep(&nap, NULL);

	clock_gettime(CLOCK_REALTIME, &before);
	ras_event_json(buf, sizeof(buf), "vm1", &err_ar, RAS_ACT_INJECT, "", "");
	clock_gettime(CLOCK_REALTIME, &after);
	ck_assert(!strncmp(buf, "{\"time\":\"", 9));
	ck_assert(json_get(buf, "time", t, sizeof(t), &found, &str));
	ck_assert(found && str);
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
				 "[0-6][0-9]\\.[0-9]{3}Z$", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, t, 0, NULL, 0) == 0, "bad time '%s'", t);
	regfree(&re);
	/* The milliseconds are those of the clock. */
	if (before.tv_sec == after.tv_sec)
		ck_assert_int_ge(atoi(t + 20), before.tv_nsec / 1000000);
	/* UTC, and now. */
	memset(&tm, 0, sizeof(tm));
	ck_assert_ptr_nonnull(strptime(t, "%Y-%m-%dT%H:%M:%S", &tm));
	got = timegm(&tm);
	ck_assert_int_ge(got, before.tv_sec);
	ck_assert_int_le(got, after.tv_sec);
}
END_TEST

static int tmp_fd(void)
{
	char path[] = "/tmp/lkvm-unit-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	return fd;
}

static size_t read_all(int fd, char *buf, size_t n)
{
	ssize_t r;

	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	r = read(fd, buf, n - 1);
	ck_assert_int_ge(r, 0);
	buf[r] = '\0';
	return (size_t)r;
}

/* stderr goes to a file while a test captures it; the fixture puts it back. */
static int saved_stderr = -1;

static void capture_stderr(int fd)
{
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
}

static void restore_stderr(void)
{
	if (saved_stderr < 0)
		return;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
}

START_TEST(test_emit)
{
	char log[4096], msg[1024];
	int log_fd = tmp_fd(), err_fd = tmp_fd();
	size_t n;

	capture_stderr(err_fd);
	ras_event_emit(log_fd, "vm1", &err_ar, RAS_ACT_INJECT, "", "MCE bank 9");
	ras_event_emit(log_fd, "vm1", &err_ar, RAS_ACT_STOP, "--ras-policy=stop", NULL);
	ras_event_emit(-1, "vm1", &err_ar, RAS_ACT_STOP, "not logged", NULL);
	restore_stderr();

	read_all(err_fd, msg, sizeof(msg));
	ck_assert_str_eq(msg,
		"lkvm: memory error AR (simulated) on vCPU 1: guest physical 0x1234000 "
		"(host 0x7f0001234000, 4 KiB): injected: MCE bank 9\n"
		"lkvm: memory error AR (simulated) on vCPU 1: guest physical 0x1234000 "
		"(host 0x7f0001234000, 4 KiB): stopped; --ras-policy=stop\n"
		"lkvm: memory error AR (simulated) on vCPU 1: guest physical 0x1234000 "
		"(host 0x7f0001234000, 4 KiB): stopped; not logged\n");

	/* Two lines in the log, each one JSON object. */
	n = read_all(log_fd, log, sizeof(log));
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(log[n - 1], '\n');
	{
		char *nl = strchr(log, '\n'), line[2048];

		ck_assert_ptr_nonnull(nl);
		memcpy(line, log, (size_t)(nl - log));
		line[nl - log] = '\0';
		ck_json_str(line, "action", "injected");
		ck_json_str(line, "detail", "MCE bank 9");
		snprintf(line, sizeof(line), "%s", nl + 1);
		ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
		line[strlen(line) - 1] = '\0';
		ck_json_str(line, "action", "stopped");
		ck_json_str(line, "reason", "--ras-policy=stop");
	}
	close(log_fd);
	close(err_fd);
}
END_TEST

START_TEST(test_emit_not_in_guest)
{
	char msg[1024];
	struct ras_error e = err_ar;
	int err_fd = tmp_fd();

	e.kind = RAS_AO;
	e.in_guest = false;
	e.simulated = false;
	e.repeat = true;
	e.vcpu = -1;
	e.extent = 2 * 1024 * 1024;
	capture_stderr(err_fd);
	ras_event_emit(-1, "vm1", &e, RAS_ACT_IGNORE, "nothing consumed it", "");
	restore_stderr();
	read_all(err_fd, msg, sizeof(msg));
	ck_assert_str_eq(msg,
		"lkvm: memory error AO (page already poisoned): lkvm's own memory (not guest RAM) "
		"(host 0x7f0001234000, 2048 KiB): ignored; nothing consumed it\n");
	close(err_fd);
}
END_TEST

START_TEST(test_event_open)
{
	char path[] = "/tmp/lkvm-unit-XXXXXX";
	char buf[64];
	int fd = mkstemp(path), a, b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x\n", 2), 2);
	close(fd);
	/* Appends, never truncates. */
	a = ras_event_open(path);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(write(a, "y\n", 2), 2);
	b = ras_event_open(path);
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(write(b, "z\n", 2), 2);
	close(a);
	close(b);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	read_all(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "x\ny\nz\n");
	close(fd);
	unlink(path);
	ck_assert_int_eq(ras_event_open("/nonexistent-dir/x.json"), -1);
}
END_TEST

/* latency_us: signal-to-action time, microseconds with one decimal. */
START_TEST(test_json_latency)
{
	char buf[1024], want[64];
	struct ras_error e = { .kind = RAS_AR, .in_guest = true, .gpa = 0x1000, .extent = 4096,
			       .vcpu = 0, .t_signal_ns = 1000000, .t_action_ns = 1236300 };

	ras_event_json(buf, sizeof(buf), "vm", &e, RAS_ACT_INJECT, "", "");
	ck_assert_msg(strstr(buf, "\"latency_us\":236.3,\"pickup_us\":0.0,\"held_us\":0.0,") != NULL,
		      "%s", buf);
	/* Taken up 100 us after the signal, then held 5 ms for a busy guest. */
	e.t_pick_ns = 1100000;
	e.held_ns = 5000000;
	e.t_action_ns = 6236300;
	e.t_ready_ns = 6150000;		/* the check took 50 us after the hold */
	e.t_inject_ns = 6230000;	/* the inject 80 us */
	ras_event_json(buf, sizeof(buf), "vm", &e, RAS_ACT_INJECT, "", "");
	ck_assert_msg(strstr(buf, "\"latency_us\":5236.3,\"pickup_us\":100.0,\"held_us\":5000.0,"
			      "\"check_us\":50.0,\"inject_us\":80.0,") != NULL, "%s", buf);
	e.t_ready_ns = 0;
	e.t_inject_ns = 0;
	e.t_pick_ns = 0;
	e.held_ns = 0;
	e.t_action_ns = 1236300;
	e.t_action_ns = 0;	/* no action time: 0, never negative */
	ras_event_json(buf, sizeof(buf), "vm", &e, RAS_ACT_INJECT, "", "");
	ck_assert_msg(strstr(buf, "\"latency_us\":0.0,") != NULL, "%s", buf);
	/* Who hit it and how it was reported: a guarded reader, an exit. */
	e.reader = "virtio-blk \"q0\"";
	e.source = "KVM_EXIT_NMI";
	ras_event_json(buf, sizeof(buf), "vm", &e, RAS_ACT_INJECT, "", "");
	ck_assert_msg(strstr(buf, "\"reader\":\"virtio-blk \\\"q0\\\"\",\"source\":\"KVM_EXIT_NMI\",\"arch\":\"") != NULL,
		      "%s", buf);
	/* The machine that delivered it, last: "x86" or "arm64". */
	snprintf(want, sizeof(want), ",\"arch\":\"%s\"}", arch_info()->name);
	ck_assert_str_eq(buf + strlen(buf) - strlen(want), want);
}
END_TEST

Suite *ras_event_suite(void)
{
	Suite *s = suite_create("ras-event");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_fields);
	tcase_add_test(tc, test_json_not_in_guest);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_json_utf8_passthrough);
	tcase_add_test(tc, test_json_long_strings);
	tcase_add_test(tc, test_json_small_buffer);
	tcase_add_test(tc, test_json_time);
	tcase_add_checked_fixture(tc, NULL, tz_restore);
	suite_add_tcase(s, tc);

	tc = tcase_create("emit");
	tcase_add_checked_fixture(tc, NULL, restore_stderr);
	tcase_add_test(tc, test_emit);
	tcase_add_test(tc, test_emit_not_in_guest);
	tcase_add_test(tc, test_event_open);
	tcase_add_test(tc, test_json_latency);
	suite_add_tcase(s, tc);
	return s;
}
