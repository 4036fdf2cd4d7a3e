// SPDX-License-Identifier: GPL-2.0
/* `lkvm run`: build the VM, run it, serve its control socket and console. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/builtin.h"
#include "lkvm/ctl.h"
#include "lkvm/guest-log.h"
#include "lkvm/seccomp.h"
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static struct ras_queue main_ring;

/*
 * SIGTERM, SIGINT, SIGHUP: stop the VM as 'lkvm stop' would, restore the
 * terminal, remove the socket, then die of the same signal (so the parent
 * sees it). The handler only records it and wakes the main loop.
 */
static volatile sig_atomic_t run_signal;
static volatile int run_wake_fd = -1;

static void run_on_signal(int sig)
{
	uint64_t one = 1;
	int saved = errno;

	run_signal = sig;
	if (run_wake_fd >= 0 && write(run_wake_fd, &one, sizeof(one)) < 0)
		(void)0;
	errno = saved;
}

static void run_signals_init(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static bool run_signalled(struct vm *vm)
{
	if (!run_signal)
		return false;
	ctl_stop_requested = 1;
	vm_request_stop(vm, LKVM_EXIT_OK, "VM '%s' stopped by %s", vm->opts->name,
			strsignal(run_signal));
	return true;
}

/*
 * A guest that resets again within RUN_QUICK_RESET_NS of its boot: the
 * next boot waits, 10 ms doubling up to 500 ms, and after
 * RUN_QUICK_RESET_MAX such resets in a row lkvm gives up (status 8).
 */
#define RUN_QUICK_RESET_NS	1000000000ULL
#define RUN_QUICK_RESET_MAX	10
/* How soon console input is tried again while the console device's FIFO is full. */
#define RUN_INPUT_RETRY_MS	10

/* Returns false (and sets *ret) when lkvm should give up. */
static bool run_reboot_pace(uint64_t t_boot, unsigned int *quick, int boots, int *ret)
{
	struct timespec ts;
	uint64_t ms;

	*quick = mono_ns() - t_boot < RUN_QUICK_RESET_NS ? *quick + 1 : 0;
	if (*quick >= RUN_QUICK_RESET_MAX) {
		pr_err("the guest reset %u times in a row within 1 s of booting: giving up (exit status %d)",
		       *quick, LKVM_EXIT_GUEST_CRASH);
		*ret = LKVM_EXIT_GUEST_CRASH;
		return false;
	}
	if (!*quick) {
		pr_info("guest reset: booting again (boot %d)", boots + 1);
		return true;
	}
	ms = MIN(10ULL << (*quick - 1), 500ULL);
	pr_info("guest reset: booting again (boot %d) in %llu ms: it reset within 1 s of booting (giving up after %d such resets in a row)",
		boots + 1, (unsigned long long)ms, RUN_QUICK_RESET_MAX);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(ms * 1000000ULL);
	nanosleep(&ts, NULL);	/* a SIGTERM ends it early */
	return true;
}

/* The poll timeout that also ends at deadline (mono_ns; 0: none). */
static int run_poll_timeout(int timeout, uint64_t deadline)
{
	uint64_t now = mono_ns(), ms;

	if (!deadline)
		return timeout;
	ms = deadline > now ? (deadline - now + 999999) / 1000000 : 0;
	if (ms > INT32_MAX)
		ms = INT32_MAX;
	return timeout < 0 || (uint64_t)timeout > ms ? (int)ms : timeout;
}

/* The main thread: control requests, console input, stop wake-ups, the deadline. */
static void run_main_loop(struct vm *vm, struct ctl_server *ctl, int in_fd, struct run_session *rs)
{
	struct pollfd pfd[2 + 1 + CTL_MAX_CLIENTS];

	for (;;) {
		int n, nctl, timeout;

		/* A console device with a full FIFO: leave the input in the pipe, look again soon. */
		bool full = in_fd >= 0 && term_input_waits();

		pfd[0] = (struct pollfd){ .fd = vm->wake_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = full ? -1 : in_fd, .events = POLLIN };
		nctl = ctl_pollfds(ctl, &pfd[2], &timeout);
		if (full && (timeout < 0 || timeout > RUN_INPUT_RETRY_MS))
			timeout = RUN_INPUT_RETRY_MS;
		n = poll(pfd, (nfds_t)(2 + nctl), run_poll_timeout(timeout, rs->deadline_ns));
		run_signalled(vm);
		if (rs->deadline_ns && mono_ns() >= rs->deadline_ns && !vm_stopping(vm)) {
			rs->timed_out = true;
			vm_request_stop(vm, LKVM_EXIT_OK, "VM '%s' stopped: its time ran out",
					vm->opts->name);
		}
		if (vm_stopping(vm))
			return;
		if (n < 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			uint64_t cnt;

			/* A memory error recorded on some thread: forward ours. */
			if (read(vm->wake_fd, &cnt, sizeof(cnt)) < 0)
				cnt = 0;
			ras_thread_drain(vm);
		}
		ctl_serve(ctl, vm, &pfd[2], nctl);
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			bool quit;

			if (term_pump(in_fd, &quit) < 0)
				in_fd = -1;	/* EOF: no more input, the guest runs on */
			if (quit) {
				ctl_stop_requested = 1;
				vm_request_stop(vm, LKVM_EXIT_OK, "VM stopped from the console (Ctrl-A x)");
			}
		} else if (pfd[1].revents & POLLNVAL) {
			in_fd = -1;
		}
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_session rs = { .console_input = true };
	char err[256];
	struct run_opts o;

	if (run_opts_parse(&o, argc, argv, err, sizeof(err))) {
		pr_err("%s", err);
		return LKVM_EXIT_USAGE;
	}
	if (o.help) {
		run_opts_usage(stdout);
		return LKVM_EXIT_OK;
	}
	/* The shares' directories, while the control thread may still open anything. */
	if (run_shares_open(&o, err, sizeof(err))) {
		pr_err("%s", err);
		return LKVM_EXIT_USAGE;
	}
	return run_session(&o, &rs);
}

int run_session(struct run_opts *o, struct run_session *rs)
{
	static struct ctl_server ctl;
	char err[256];
	struct vm vm;
	int ret, in_fd, boots;
	unsigned int quick = 0;	/* resets in a row, each within 1 s of its boot */

	if (o->loglevel >= 0)
		lkvm_loglevel = (enum lkvm_loglevel)o->loglevel;
	if (o->debug)
		lkvm_loglevel = LKVM_LOG_DEBUG;
	lkvm_debug = lkvm_loglevel == LKVM_LOG_DEBUG;
	signal(SIGPIPE, SIG_IGN);
	if (sc_prepare(o->seccomp, err, sizeof(err))) {
		pr_err("%s", err);
		run_shares_close(o);
		return LKVM_EXIT_ERROR;
	}

	run_signals_init();
	ret = ctl_listen(&ctl, o->name);
	if (ret) {
		run_shares_close(o);
		return ret;
	}

	/* Before anything can fault: the one SIGBUS handler, our queue. */
	if (ras_signals_init() || ras_thread_attach(&main_ring)) {
		pr_err("cannot set up memory-error handling: %s", strerror(errno));
		ctl_close(&ctl);
		run_shares_close(o);
		return LKVM_EXIT_ERROR;
	}
	in_fd = rs->console_input ? term_init() : -1;
	/*
	 * From here on the main thread runs under its filter, before the guest
	 * and every other thread: the console writer now, the VM's threads in
	 * each build, all inherit it beneath their own (seccomp.h).
	 */
	sc_enter(SC_CONTROL);
	term_out_start();
	for (boots = 1;; boots++) {
		uint64_t t_boot = mono_ns();

		ret = vm_create(&vm, o);
		if (ret == 0) {
			run_wake_fd = vm.wake_fd;
			run_signalled(&vm);	/* one that came while the VM was built */
			ret = vm_start(&vm);
			if (ret == 0)
				run_main_loop(&vm, &ctl, in_fd, rs);
			ret = vm_wait(&vm);
			if (o->debug) {
				char stats[4096];
				size_t len = vm_stats_format(&vm, stats, sizeof(stats));

				pr_debug("exit statistics:\n%.*s", (int)len, stats);
			}
		}
		/* A reset rebuilds the whole VM: new RAM, so no poisoned page survives. */
		run_wake_fd = -1;
		vm_destroy(&vm);
		if (ret != LKVM_RESET || rs->keep_reset)
			break;
		if (ctl_stop_requested || run_signal) {	/* a stop raced with the reset: stop wins */
			pr_info("VM '%s' stopped by 'lkvm stop'", o->name);
			ret = LKVM_EXIT_OK;
			break;
		}
		if (!o->reboot) {
			pr_info("guest requested a reset; VM ended (use --reboot to boot it again)");
			ret = LKVM_EXIT_OK;
			break;
		}
		if (!run_reboot_pace(t_boot, &quick, boots, &ret))
			break;
		if (run_signal) {
			ret = LKVM_EXIT_OK;
			break;
		}
	}
	/* The guest's last words reach stdout, unless stdout stopped taking them. */
	term_out_flush(2000);
	guest_log_summary();	/* lines the guest caused that the rate limit held back */
	term_restore();
	ctl_close(&ctl);
	run_shares_close(o);
	if (run_signal) {
		/* Cleaned up: now die of it, as the parent expects. */
		signal(run_signal, SIG_DFL);
		raise(run_signal);
	}
	return ret;
}
