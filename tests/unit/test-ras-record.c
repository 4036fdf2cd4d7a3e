// SPDX-License-Identifier: GPL-2.0
/*
 * Memory errors, the record step (ras.c) with a fake arch: nothing the
 * kernel delivered is lost when the VM stops (every queued record gets its
 * event), lost records are counted per queue, records of a previous boot
 * (--reboot) are logged and dropped, not looked up in the new memory map.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "ras-fixture.h"
#include "suites.h"

#define REGION	(2 * MiB)

static uint8_t *ram, *ram_map;
static struct vm vm;
static struct vcpu vcpus[2];
static struct run_opts opts;
static char log_path[64];
static int log_rd = -1;		/* the log, read back after ras_exit closed lkvm's fd */
static int injected;

static int fake_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	(void)e;
	injected++;
	snprintf(what, n, "fake delivery to vCPU %u", v->id);
	return 0;
}

static const struct ras_ops fake_ops = { .name = "fake", .inject = fake_inject };

static void setup(void)
{
	injected = 0;
	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(&opts, 0, sizeof(opts));
	snprintf(opts.name, sizeof(opts.name), "rec");
	opts.ras_policy = RAS_POLICY_INJECT;
	ram_map = mmap(NULL, 2 * REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram_map, MAP_FAILED);
	ram = (uint8_t *)ALIGN_UP((uintptr_t)ram_map, REGION);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, REGION, ram), 0);
	ras_fixture_init(&vm, vcpus, &opts, &fake_ops, log_path, sizeof(log_path), "record");
	log_rd = open(log_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(log_rd, 0);
	ras_set_vm(&vm);
}

static void teardown(void)
{
	ras_set_vm(NULL);
	if (vm.ras) {
		close(vm.ras->log_fd);
		free(vm.ras);
	}
	close(log_rd);
	unlink(log_path);
	munmap(ram_map, 2 * REGION);
}

static const char *log_text(void)
{
	static char buf[16384];
	ssize_t n = pread(log_rd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static struct ras_record rec_at(uint64_t off, enum ras_kind kind)
{
	return (struct ras_record){ .hva = (uintptr_t)(ram + off), .kind = (uint8_t)kind,
				    .lsb = 12, .t_ns = mono_ns(), .gen = ras_generation() };
}

/*
 * Issue 13 item 3: four errors the kernel delivered while the VM stopped,
 * still in the queues of two vCPUs, a mailbox and the early-kill thread:
 * when the VM is torn down, each gets its event line.
 */
START_TEST(test_stop_logs_every_queued_record)
{
	struct ras_record r;

	vm_request_stop(&vm, LKVM_EXIT_RAS_STOP, NULL);
	r = rec_at(0x1000, RAS_AR);
	ras_queue_push(&vcpus[0].ring, &r);
	r = rec_at(0x2000, RAS_AR);
	ras_queue_push(&vcpus[1].ring, &r);
	r = rec_at(0x3000, RAS_AO);
	ras_queue_push(&vcpus[1].mailbox, &r);
	r = rec_at(0x4000, RAS_AO);
	ras_queue_push(&vm.ras->ao_ring, &r);
	ras_exit(&vm);
	ck_assert_ptr_null(vm.ras);
	ck_assert_int_eq(injected, 0);
	ck_assert_uint_eq(count(log_text(), "\n"), 4);
	ck_assert_uint_eq(count(log_text(), "\"action\":\"dropped\",\"reason\":\"VM stopping\""), 4);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"vcpu\":0,\"kind\":\"AR\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"vcpu\":1,\"kind\":\"AR\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"gpa\":\"0x4000\""));
}
END_TEST

/* A vCPU thread that leaves its loop handles what its queues still hold. */
START_TEST(test_vcpu_flush_on_exit)
{
	struct ras_record r = rec_at(0x5000, RAS_AR);

	vm_request_stop(&vm, LKVM_EXIT_RAS_STOP, NULL);
	ras_queue_push(&vcpus[0].ring, &r);
	r.raise = 1;	/* a drill's request, never an error: nothing to log */
	ras_queue_push(&vcpus[0].mailbox, &r);
	ras_vcpu_flush(&vcpus[0]);
	ck_assert_uint_eq(count(log_text(), "\"action\":\"dropped\""), 1);
	ck_assert_uint_eq(vcpus[0].ring.head, vcpus[0].ring.tail);
	ck_assert_uint_eq(vcpus[0].mailbox.head, vcpus[0].mailbox.tail);
}
END_TEST

/* What fn printed on stderr (lkvm's messages), as one string. */
static const char *stderr_of(void (*fn)(void))
{
	static char buf[4096];
	char path[64];
	int fd, saved;
	ssize_t n;

	snprintf(path, sizeof(path), "/tmp/lkvm-record-err-%d", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

static uint64_t reported[2];

static void report_both(void)
{
	reported[0] = ras_report_lost(&vcpus[0].ring, "vCPU 0");
	reported[1] = ras_report_lost(&vcpus[1].mailbox, "vCPU 1 mailbox");
}

/*
 * Issue 13 item 7: each queue counts its own losses, the report names the
 * queue and its count, and a second report says nothing (the count was
 * taken, not compared with a copy that could run ahead and wrap).
 */
START_TEST(test_lost_counted_per_queue)
{
	struct ras_record r = rec_at(0x1000, RAS_AR);
	const char *err;

	for (int i = 0; i < RAS_QUEUE_SIZE + 6; i++)
		ras_queue_push(&vcpus[0].ring, &r);
	for (int i = 0; i < RAS_QUEUE_SIZE + 1; i++)
		ras_queue_push(&vcpus[1].mailbox, &r);
	err = stderr_of(report_both);
	ck_assert_uint_eq(reported[0], 6);
	ck_assert_uint_eq(reported[1], 1);
	ck_assert_ptr_nonnull(strstr(err, "6 memory-error records were lost: the vCPU 0 queue was full"));
	ck_assert_ptr_nonnull(strstr(err, "1 memory-error record was lost: the vCPU 1 mailbox queue was full"));
	err = stderr_of(report_both);
	ck_assert_uint_eq(reported[0] + reported[1], 0);
	ck_assert_str_eq(err, "");
	/* Pushes after a report are counted from zero again. */
	ras_queue_push(&vcpus[0].ring, &r);
	err = stderr_of(report_both);
	ck_assert_uint_eq(reported[0], 1);
}
END_TEST

static void *no_queue_thread(void *arg)
{
	int *ret = arg;

	/* No ras_thread_attach: this thread has no queue. */
	*ret = ras_send_sigbus((pid_t)gettid(), RAS_AO, (uintptr_t)(ram + 0x6000), 12);
	return NULL;
}

static uint64_t unqueued;

static void report_unqueued(void)
{
	unqueued = ras_report_unqueued();
}

/* A signal on a thread without a queue is counted and reported, not dropped silently. */
START_TEST(test_unqueued_signal_counted)
{
	pthread_t t;
	int ret = -1;
	const char *err;

	if (skip_emulated("test_unqueued_signal_counted",
			  "qemu-user does not deliver a kernel-style SIGBUS queued to a thread (run natively)"))
		return;
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, no_queue_thread, &ret), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(ret, 0);
	err = stderr_of(report_unqueued);
	ck_assert_uint_eq(unqueued, 1);
	ck_assert_ptr_nonnull(strstr(err, "1 memory-error signal arrived on a thread with no memory-error queue"));
}
END_TEST

/*
 * Issue 13 item 6: a record of the VM before a --reboot rebuild (an older
 * generation) is logged as dropped, not looked up in the new memory map
 * and injected there.
 */
START_TEST(test_stale_generation_dropped)
{
	struct ras_record r = rec_at(0x7000, RAS_AO);

	r.gen = ras_generation() - 2;	/* set, then cleared: the VM before */
	ras_queue_push(&vcpus[0].mailbox, &r);
	r.kind = RAS_AR;
	ras_queue_push(&vcpus[0].ring, &r);
	ras_vcpu_drain(&vcpus[0]);
	ck_assert_int_eq(injected, 0);
	ck_assert_uint_eq(count(log_text(), "\"action\":\"dropped\",\"reason\":\"recorded for a previous build of the VM"), 2);
	ck_assert_uint_eq(count(log_text(), "\"gpa\":null"), 2);
	/* The current generation goes through. */
	r = rec_at(0x8000, RAS_AR);
	ras_queue_push(&vcpus[0].ring, &r);
	ras_vcpu_drain(&vcpus[0]);
	ck_assert_int_eq(injected, 1);
}
END_TEST

Suite *ras_record_suite(void)
{
	Suite *s = suite_create("ras-record");
	TCase *tc = tcase_create("record");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stop_logs_every_queued_record);
	tcase_add_test(tc, test_vcpu_flush_on_exit);
	tcase_add_test(tc, test_lost_counted_per_queue);
	tcase_add_test(tc, test_stale_generation_dropped);
	tcase_add_test(tc, test_unqueued_signal_counted);
	suite_add_tcase(s, tc);
	return s;
}
