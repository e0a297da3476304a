/* SPDX-License-Identifier: MIT */
/*
 * Reports of a program that crashes, exits or hangs (faults.h).
 *
 * What a report says comes from three places, each readable from a signal
 * handler without a lock: the target (the replay command and the token's
 * head, formatted by uksim_faults_begin before any run), the explorer's
 * schedule of this host thread (sim_schedule_running, or the one `uksim
 * run` set), and the run in progress on this host thread
 * (sim_runtime_where: program, thread, CPU, virtual time, steps). Nothing
 * is added to a fiber switch or to a kernel step.
 *
 * The watchdog is a per-thread POSIX timer that sends SIGALRM to the host
 * thread it watches, a few times per --hang-timeout; the handler compares
 * the run's steps with the last tick's, so a hung thread reports itself.
 * A process-wide file-scope state is unavoidable for signal handlers: it is
 * set before the runs and only read by them.
 */
#include "faults.h"
#include "uksim.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sim/explore.h>
#include <sim/runtime.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define ALT_STACK_SIZE (64 * 1024)

/* What the handlers print of the target being run, formatted before. */
struct fault_target {
	char *replay_head;  /* "PROG replay NAME ARGS --token " */
	char *token_head;   /* "uk2-HASH-BUILD-E[.OBJ...]-" */
	uint64_t hang_ns;   /* 0: no watchdog */
};

/* Per host thread. */
struct fault_thread {
	bool armed;
	void *alt_stack;
	bool has_timer;
	timer_t timer;
	/* The watchdog's view: the run and its steps at the last change. */
	const void *run;
	uint64_t steps, since_ns;
	const struct sim_schedule *schedule; /* uksim run's */
};

static _Atomic(struct fault_target *) current;
static __thread struct fault_thread self __attribute__((tls_model("initial-exec")));
static pthread_key_t thread_key;
static bool debugger; /* attached when uksim started: no watchdog */
static atomic_int reporting;

/* ---- async-signal-safe output ---- */

struct out {
	char buf[1024];
	size_t n;
};

static void out_flush(struct out *o)
{
	size_t done = 0;
	while (done < o->n) {
		ssize_t w = write(STDERR_FILENO, o->buf + done, o->n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	o->n = 0;
}

static void out_c(struct out *o, char c)
{
	if (o->n == sizeof(o->buf))
		out_flush(o);
	o->buf[o->n++] = c;
}

static void out_s(struct out *o, const char *s)
{
	while (s && *s)
		out_c(o, *s++);
}

static void out_base(struct out *o, uint64_t v, unsigned base)
{
	char d[24];
	int n = 0;
	do {
		unsigned x = (unsigned)(v % base);
		d[n++] = (char)(x < 10 ? '0' + x : 'a' + x - 10);
		v /= base;
	} while (v);
	while (n--)
		out_c(o, d[n]);
}

static void out_u(struct out *o, uint64_t v)
{
	out_base(o, v, 10);
}

/* The schedule part of a replay token, as sim_token_encode_env writes it
 * (sim/src/explore/token.c): r<seed>, p<seed>.<depth>.<horizon>, or
 * s<delta>.<option>_... in base 36. */
static void out_schedule(struct out *o, const struct sim_schedule *s)
{
	switch (s->strategy) {
	case SIM_STRAT_RANDOM:
		out_c(o, 'r');
		out_base(o, s->seed, 36);
		break;
	case SIM_STRAT_PCT:
		out_c(o, 'p');
		out_base(o, s->seed, 36);
		out_c(o, '.');
		out_base(o, s->depth, 36);
		out_c(o, '.');
		out_base(o, s->horizon, 36);
		break;
	default: {
		out_c(o, 's');
		uint64_t prev = 0;
		for (size_t i = 0; i < s->ndev; i++) {
			if (i)
				out_c(o, '_');
			out_base(o, s->dev[i].index - prev, 36);
			out_c(o, '.');
			out_base(o, s->dev[i].choice, 36);
			prev = s->dev[i].index;
		}
		break;
	}
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* End the process now: no atexit handlers, no stdio (our _exit is the
 * interposed one, below). */
static _Noreturn void die(int code)
{
	syscall(SYS_exit_group, code);
	for (;;)
		pause();
}

enum fault_class { FAULT_CRASH, FAULT_EXIT, FAULT_HANG };

static const char *const class_word[] = {"CRASH", "EXIT", "HANG"};

/* Say what ran where, the replay command, and end uksim with exit 3. The
 * first thread to report wins; another one waits to be ended with it. */
static _Noreturn void report(enum fault_class cls, const struct sim_run_where *w,
			     void (*what)(struct out *o, const void *arg), const void *arg)
{
	if (atomic_exchange(&reporting, 1))
		for (;;)
			pause();
	struct out o = {.n = 0};
	out_s(&o, "\nuksim: ");
	out_s(&o, class_word[cls]);
	if (w->program) {
		out_s(&o, " in program '");
		out_s(&o, w->program);
		out_s(&o, "', thread ");
		out_s(&o, w->process);
		out_c(&o, '.');
		out_s(&o, w->thread);
		out_s(&o, ", on CPU ");
		out_u(&o, w->cpu);
	} else if (w->on_cpu) {
		out_s(&o, " in the kernel's thread '");
		out_s(&o, w->fiber ? w->fiber : "?");
		out_s(&o, "' (no scenario thread), on CPU ");
		out_u(&o, w->cpu);
	} else {
		out_s(&o, " in the simulator's own loop (no simulated thread running)");
	}
	out_s(&o, " at ");
	out_u(&o, w->time_ns);
	out_s(&o, " ns of virtual time: ");
	what(&o, arg);
	out_s(&o, "\n");
	struct fault_target *ft = atomic_load(&current);
	const struct sim_schedule *s = sim_schedule_running();
	if (!s)
		s = self.schedule;
	if (ft && s) {
		out_s(&o, "  replay: ");
		out_s(&o, ft->replay_head);
		out_s(&o, ft->token_head);
		out_schedule(&o, s);
		out_s(&o, "\n");
	} else {
		out_s(&o, "  (no replay token: this command makes none; run it again as it was)\n");
	}
	if (cls == FAULT_HANG)
		out_s(&o, "  a hang is not replayed bit for bit: the replay runs the same schedule "
			  "to the same place,\n  where the program loops again; only the host time "
			  "it took differs\n");
	else
		out_s(&o, "  uksim ends here (exit 3): a program runs in uksim's own process, so "
			  "after this\n  nothing in it can be trusted (docs/running.md)\n");
	out_flush(&o);
	die(UKSIM_EXIT_INTERNAL);
}

/* ---- crashes ---- */

struct crash {
	const siginfo_t *si;
	const struct sim_run_where *w;
};

/* A SIGSEGV just below the fiber's stack (its guard page; a big frame may
 * reach past it, so up to 64 KiB below) or in its lowest page: a stack
 * overflow. */
static bool overflowed(const struct crash *c)
{
	uintptr_t a = (uintptr_t)c->si->si_addr, lo = (uintptr_t)c->w->stack_lo;
	return c->si->si_signo == SIGSEGV && c->w->stack_size && a < lo + 4096 && a + 65536 >= lo;
}

static void what_crash(struct out *o, const void *arg)
{
	const struct crash *c = arg;
	const siginfo_t *si = c->si;
	if (overflowed(c)) {
		out_s(o, "SIGSEGV (stack overflow: the thread's ");
		out_u(o, c->w->stack_size / 1024);
		out_s(o, " KiB fiber stack is used up at 0x");
		out_base(o, (uint64_t)(uintptr_t)si->si_addr, 16);
		out_c(o, ')');
		return;
	}
	switch (si->si_signo) {
	case SIGSEGV: out_s(o, "SIGSEGV (bad memory access at 0x"); break;
	case SIGBUS: out_s(o, "SIGBUS (bus error at 0x"); break;
	case SIGFPE: out_s(o, "SIGFPE (arithmetic fault at 0x"); break;
	case SIGILL: out_s(o, "SIGILL (illegal instruction at 0x"); break;
	default: out_s(o, "SIGABRT (abort())"); return;
	}
	out_base(o, (uint64_t)(uintptr_t)si->si_addr, 16);
	out_c(o, ')');
}

/* The handlers before ours (the default, or a sanitizer's). */
static struct sigaction before[NSIG];

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	struct sim_run_where w;
	if (!sim_runtime_where(&w)) {
		/* Not in a run: uksim's own bug. Die of it as if unhandled (a
		 * core dump, the sanitizers' or the shell's report): with the
		 * handler before ours back, a fault the CPU raised happens again
		 * when this returns; a sent one is sent again. */
		sigaction(sig, &before[sig], NULL);
		if (si->si_code <= 0 || sig == SIGABRT)
			raise(sig);
		return;
	}
	struct crash c = {si, &w};
	report(FAULT_CRASH, &w, what_crash, &c);
}

/* ---- hangs ---- */

static void what_hang(struct out *o, const void *arg)
{
	const uint64_t *ns = arg;
	const struct fault_target *ft = atomic_load(&current);
	out_s(o, "no kernel step for ");
	out_u(o, *ns / 1000000000u);
	out_c(o, '.');
	out_u(o, *ns / 100000000u % 10);
	out_s(o, " s of host time (--hang-timeout ");
	out_u(o, ft ? ft->hang_ns / 1000000000u : 0);
	out_c(o, '.');
	out_u(o, ft ? ft->hang_ns / 100000000u % 10 : 0);
	out_s(o, "): a loop in host code");
}

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	int saved = errno;
	const struct fault_target *ft = atomic_load(&current);
	struct sim_run_where w;
	if (ft && ft->hang_ns && sim_runtime_where(&w)) {
		uint64_t now = mono_ns();
		if (w.run != self.run || w.steps != self.steps) {
			self.run = w.run;
			self.steps = w.steps;
			self.since_ns = now;
		} else if (now - self.since_ns >= ft->hang_ns) {
			uint64_t stuck = now - self.since_ns;
			report(FAULT_HANG, &w, what_hang, &stuck);
		}
	} else {
		self.run = NULL;
	}
	errno = saved;
}

/* ---- exit ---- */

static void what_exit(struct out *o, const void *arg)
{
	const int *status = arg;
	if (!status) {
		out_s(o, "it called exit() or quick_exit() (a program ends by returning)");
		return;
	}
	out_s(o, "it called _exit(");
	if (*status < 0) {
		out_c(o, '-');
		out_u(o, (uint64_t)-(int64_t)*status);
	} else {
		out_u(o, (uint64_t)*status);
	}
	out_s(o, ") (a program ends by returning)");
}

/* atexit and at_quick_exit: exit() called inside a run ends uksim with 3. */
static void on_exit_call(void)
{
	struct sim_run_where w;
	if (sim_runtime_where(&w))
		report(FAULT_EXIT, &w, what_exit, NULL);
}

static _Noreturn void exit_checked(int status)
{
	struct sim_run_where w;
	if (sim_runtime_where(&w))
		report(FAULT_EXIT, &w, what_exit, &status);
	die(status);
}

/* exit and quick_exit are uksim's own too. The atexit handler alone loses
 * a race: with -j 2, when a second worker's program calls exit() while the
 * first one's report is being written, libc finds the handlers taken and
 * ends the process with the program's status (0). Here each caller inside
 * a run reports, and only the first report ends the process; outside a
 * run they are libc's. */
static _Noreturn void libc_exit(const char *name, int status)
{
	void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, name);
	if (real)
		real(status);
	die(status);
}

void exit(int status)
{
	struct sim_run_where w;
	if (sim_runtime_where(&w))
		report(FAULT_EXIT, &w, what_exit, NULL);
	libc_exit("exit", status);
}

void quick_exit(int status)
{
	struct sim_run_where w;
	if (sim_runtime_where(&w))
		report(FAULT_EXIT, &w, what_exit, NULL);
	libc_exit("quick_exit", status);
}

/* _exit and _Exit skip the atexit handlers: uksim exports its own (it links
 * with --export-dynamic), which loaded objects bind to before libc's. They
 * end the process as libc's do, with exit_group. */
void _exit(int status)
{
	exit_checked(status);
}

void _Exit(int status)
{
	exit_checked(status);
}

/* ---- setting up ---- */

static void thread_gone(void *arg)
{
	struct fault_thread *t = arg;
	if (t->has_timer)
		timer_delete(t->timer);
	t->has_timer = false;
	stack_t off = {.ss_flags = SS_DISABLE};
	sigaltstack(&off, NULL);
	free(t->alt_stack);
	t->alt_stack = NULL;
	t->armed = false;
}

/* Whether a debugger (ptrace) is attached: TracerPid of /proc/self/status. */
static bool traced(void)
{
	char *text = NULL;
	bool yes = false;
	if (g_file_get_contents("/proc/self/status", &text, NULL, NULL)) {
		const char *t = strstr(text, "TracerPid:");
		yes = t && g_ascii_strtoull(t + strlen("TracerPid:"), NULL, 10) != 0;
		g_free(text);
	}
	return yes;
}

void uksim_faults_init(void)
{
	struct sigaction sa = {.sa_sigaction = on_crash, .sa_flags = SA_SIGINFO | SA_ONSTACK};
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGALRM);
	const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, &before[crash[i]]);
	struct sigaction tick = {.sa_sigaction = on_tick,
				 .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART};
	sigemptyset(&tick.sa_mask);
	sigaction(SIGALRM, &tick, NULL);
	atexit(on_exit_call);
	at_quick_exit(on_exit_call);
	pthread_key_create(&thread_key, thread_gone);
	debugger = traced();
}

void uksim_faults_arm_thread(void)
{
	if (self.armed)
		return;
	self.armed = true;
	if (!self.alt_stack) {
		self.alt_stack = malloc(ALT_STACK_SIZE);
		if (self.alt_stack) {
			stack_t ss = {.ss_sp = self.alt_stack, .ss_size = ALT_STACK_SIZE};
			sigaltstack(&ss, NULL);
		}
		pthread_setspecific(thread_key, &self);
	}
	const struct fault_target *ft = atomic_load(&current);
	if (self.has_timer || !ft || !ft->hang_ns)
		return;
	struct sigevent sev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM};
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &self.timer) != 0)
		return;
	self.has_timer = true;
	/* Four ticks per timeout, between 50 ms and 1 s apart. */
	uint64_t tick = ft->hang_ns / 4;
	tick = tick < 50000000u ? 50000000u : tick > 1000000000u ? 1000000000u : tick;
	struct itimerspec its = {
		.it_interval = {(time_t)(tick / 1000000000u), (long)(tick % 1000000000u)},
		.it_value = {(time_t)(tick / 1000000000u), (long)(tick % 1000000000u)},
	};
	timer_settime(self.timer, 0, &its, NULL);
}

bool uksim_faults_begin(const struct sim_target *t, const char *name, const char *args,
			double hang_s)
{
	struct fault_target *ft = calloc(1, sizeof(*ft));
	if (!ft)
		return false;
	double h = isnan(hang_s) ? (debugger ? 0 : UKSIM_HANG_TIMEOUT_DEFAULT) : hang_s;
	ft->hang_ns = (uint64_t)(h * 1e9);
	/* Quoted only when the shell needs it, as the other replay lines. */
	gboolean plain = name[0] != 0;
	for (const char *c = name; *c; c++)
		plain &= g_ascii_isalnum(*c) || strchr("=-_.,:/+", *c) != NULL;
	char *q = plain ? g_strdup(name) : g_shell_quote(name);
	ft->replay_head = g_strdup_printf("%s replay %s%s --token ", uksim_program(), q,
					  args ? args : "");
	g_free(q);
	/* The token's head: this target, build, checks and objects, with an
	 * empty schedule ("s") taken off. */
	struct sim_token_env env = sim_token_env_of(t);
	struct sim_schedule none = {.strategy = SIM_STRAT_SCRIPT};
	ft->token_head = sim_token_encode_env(t->hash, &env, &none);
	if (ft->token_head && *ft->token_head)
		ft->token_head[strlen(ft->token_head) - 1] = 0;
	uksim_faults_end();
	atomic_store(&current, ft);
	return ft->replay_head && ft->token_head;
}

bool uksim_hang_bad(double s)
{
	return !isnan(s) && (s < 0 || s > 365.0 * 24 * 3600);
}

void uksim_faults_end(void)
{
	/* No ticks outside runs: this thread's timer goes (the workers' went
	 * with them); its next run arms it again, for the next target. */
	if (self.has_timer)
		timer_delete(self.timer);
	self.has_timer = false;
	self.armed = false;
	/* The target's runs are over and its workers joined: a tick on this
	 * thread sees the target or NULL, never a freed one. */
	struct fault_target *old = atomic_exchange(&current, NULL);
	if (old) {
		g_free(old->replay_head);
		free(old->token_head);
		free(old);
	}
}

void uksim_faults_set_schedule(const struct sim_schedule *s)
{
	self.schedule = s;
}

/* ---- wrapping a target ---- */

struct fault_wrap {
	int (*run)(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out);
	void *ctx;
};

static int wrapped_run(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out)
{
	const struct fault_wrap *w = ctx;
	if (!self.armed)
		uksim_faults_arm_thread();
	return w->run(w->ctx, ecfg, out);
}

bool uksim_faults_wrap(struct sim_target *t)
{
	struct fault_wrap *w = malloc(sizeof(*w));
	if (!w)
		return false;
	w->run = t->run;
	w->ctx = t->ctx;
	t->run = wrapped_run;
	t->ctx = w;
	return true;
}

void uksim_faults_unwrap(struct sim_target *t)
{
	if (t->run != wrapped_run)
		return;
	struct fault_wrap *w = t->ctx;
	t->run = w->run;
	t->ctx = w->ctx;
	free(w);
}
