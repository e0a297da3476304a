/* SPDX-License-Identifier: MIT */
/* No-preemption sections: never preempted inside the budget, faulted on overrun. */
#include "harness.h"

#include <ukern/ipc.h>

static struct {
	struct uk_kernel *k;
	bool in_section;
	int ran_during_section;
	int others_ran;
	long end_rc;
	int after_overrun;
	uint64_t fault_info;
	int handler_calls;
	uint64_t tid;
} g;

static void other(struct uk_user *u, uint64_t arg)
{
	if (g.in_section)
		g.ran_during_section++;
	g.others_ran++;
	mock_spin(20000);
}

static long start(struct uk_user *u, uk_user_entry_fn fn, unsigned prio)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "o", fn), 0, prio, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	return h;
}

static void inside_budget(struct uk_user *u, uint64_t arg)
{
	struct uk_thread_info info;
	g.tid = (uint64_t)uk_sys_thread_id(u);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 500000) == 0);
	g.in_section = true;
	start(u, other, 5);  /* same priority */
	start(u, other, 20); /* higher: would preempt at once */
	mock_spin(400000);   /* 400 us: eight 50 us slice ends go by */
	uk_kernel_thread_info(g.k, g.tid, &info);
	UCHECK(info.preempted_count == 0);
	g.in_section = false;
	g.end_rc = uk_sys_nopreempt_end(u); /* the deferred preemption happens here */
	UCHECK(g.others_ran >= 1);
}

static void test_inside_budget_never_preempted(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8);
	struct uk_kernel_stats st;

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, inside_budget, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.ran_during_section, 0);
	assert_int_equal(g.others_ran, 2);
	assert_int_equal(g.end_rc, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.nopreempt_overruns, 0);
	/* the higher-priority wake-up, then the first slice end (the timer
	 * then waits for the budget's deadline) */
	assert_int_equal(st.nopreempt_deferred_preemptions, 2);
	shutdown();
}

static void overrunner(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 100000) == 0);
	mock_spin(300000);
	g.after_overrun = 1;
	g.end_rc = uk_sys_nopreempt_end(u);
}

static void test_overrun_kills(void **state)
{
	struct uk_kernel_stats st;

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, overrunner, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_overrun, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.nopreempt_overruns, 1);
	assert_int_equal(st.user_faults_killed, 1);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	/* Traced: the begin and the overrun (no end: the thread died). */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_NOPREEMPT), 2);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 1), 100000);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 2), 2);
	shutdown();
}

static void overrun_handler(struct uk_user *u, uint64_t info)
{
	g.fault_info = info;
	g.handler_calls++;
}

static void overrunner_with_handler(struct uk_user *u, uint64_t arg)
{
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", overrun_handler);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	overrunner(u, arg);
}

static void test_overrun_goes_to_fault_handler(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, overrunner_with_handler, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_overrun, 1);
	assert_int_equal(g.end_rc, UK_EOVERRUN);
	assert_int_equal(g.handler_calls, 1);
	assert_int_equal(UK_FAULT_CODE(g.fault_info), UK_FAULT_OVERRUN);
	assert_int_equal(UK_FAULT_ADDR(g.fault_info), 0); /* an overrun has no address */
	shutdown();
}

/* An overrun ends the section: a preemption deferred inside it happens at
 * once, even when a fault handler lets the thread go on (the higher-priority
 * thread must not wait for the overrunner's own end of section). */
static void overrunner_deferring(struct uk_user *u, uint64_t arg)
{
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", overrun_handler);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 100000) == 0);
	g.in_section = true;
	start(u, other, 20); /* higher: deferred until the section ends */
	mock_spin(300000);   /* the budget runs out after 100 us */
	g.in_section = false;
	g.after_overrun = 1;
	g.end_rc = uk_sys_nopreempt_end(u);
}

static void test_overrun_runs_the_deferred_preemption(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8);

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, overrunner_deferring, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.handler_calls, 1);
	assert_int_equal(g.after_overrun, 1);
	assert_int_equal(g.end_rc, UK_EOVERRUN);
	assert_int_equal(g.others_ran, 1);
	assert_int_equal(g.ran_during_section, 1); /* before the overrunner's spin ended */
	shutdown();
}

/* A section's end runs a preemption deferred inside it at once: a
 * higher-priority wake-up's, though the slice has not run out. */
static void ends_with_a_deferred_wakeup(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 100000) == 0);
	start(u, other, 20); /* deferred */
	UCHECK(g.others_ran == 0);
	g.end_rc = uk_sys_nopreempt_end(u);
	g.after_overrun = g.others_ran; /* the other ran before the end returned */
}

/* ...and a slice end that comes exactly as the section ends. */
static void ends_at_the_slice_end(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 500000) == 0);
	start(u, other, 5); /* same priority: waits for the slice end */
	/* Computed until the syscall's entry cost (100 ns in the mock) brings
	 * the clock exactly to the slice's end as the section ends. */
	mock_set_now(0, g.k->cpus[0].slice_deadline - 100);
	g.end_rc = uk_sys_nopreempt_end(u);
	g.after_overrun = g.others_ran;
}

/* A section ended well before its budget: the CPU timer goes back to the
 * slice end, with no tick at the budget's deadline. */
static void ends_early(struct uk_user *u, uint64_t arg)
{
	uint64_t ticks;
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 10000) == 0);
	g.end_rc = uk_sys_nopreempt_end(u);
	ticks = g.k->stats.timer_ticks;
	mock_spin(20000); /* past the budget's deadline, before the 1 ms slice ends */
	g.after_overrun = (int)(g.k->stats.timer_ticks - ticks) + 1;
}

static void test_end_of_section(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8);
	struct uk_kernel_config long_slice = config_with(1000000, true, 8);

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, ends_with_a_deferred_wakeup, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.after_overrun, 1);
	shutdown();

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, ends_at_the_slice_end, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.after_overrun, 1);
	shutdown();

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &long_slice);
	spawn_prog(g.k, ends_early, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.after_overrun, 1); /* no tick */
	shutdown();
}

/* At its deadline a section no longer holds the CPU: a yield made exactly
 * then yields (the overrun itself is taken as the call returns). */
static void yields_at_the_deadline(struct uk_user *u, uint64_t arg)
{
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", overrun_handler);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 10000) == 0);
	start(u, other, 5); /* same priority: waits */
	mock_set_now(0, u->t->np_deadline - 100); /* the yield runs at the deadline */
	uk_sys_yield(u);
	g.after_overrun = g.others_ran;
}

/* A tick taken exactly at the budget's deadline is the overrun (here the
 * slice-end tick, whose entry cost brings the clock to the deadline). */
static void ticks_at_the_deadline(struct uk_user *u, uint64_t arg)
{
	uint64_t sd = g.k->cpus[0].slice_deadline, before = mock_now(0);
	/* the begin runs at before + 100 (its entry cost); the tick's entry
	 * costs 50 */
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, sd + 50 - (before + 100)) == 0);
	UCHECK(u->t->np_deadline == sd + 50);
	mock_set_now(0, sd);
	uk_user_work(u, 1); /* the slice-end tick */
	g.after_overrun = 1; /* never: the overrun kills it */
}

/* A section begun exactly at the slice end: the slice end is already
 * due, so the timer waits for the section's deadline (no tick now); the
 * section's end then runs the preemption. */
static void begins_at_the_slice_end(struct uk_user *u, uint64_t arg)
{
	uint64_t ticks;
	start(u, other, 5); /* same priority: waits for the slice end */
	mock_set_now(0, g.k->cpus[0].slice_deadline - 100); /* the begin runs at the end */
	ticks = g.k->stats.timer_ticks;
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 100000) == 0);
	g.ran_during_section = (int)(g.k->stats.timer_ticks - ticks);
	g.end_rc = uk_sys_nopreempt_end(u);
	g.after_overrun = g.others_ran;
}

/* A tick (a kernel timer's) that lands exactly on the slice end inside a
 * section defers the slice end then and there. */
static struct ktimer np_tm;
static void np_tm_cb(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
}

static long np_arm_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
		       const uint64_t args[6])
{
	ktimer_init(&np_tm, np_tm_cb);
	ktimer_set(k, &np_tm, args[0]);
	return 0;
}

static void ticks_at_the_slice_end(struct uk_user *u, uint64_t arg)
{
	uint64_t sd = g.k->cpus[0].slice_deadline;
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 500000) == 0);
	uk_syscall6(u, UK_SYS_EXT_FIRST, sd - 50, 0, 0, 0, 0, 0); /* its tick's entry ends at sd */
	mock_set_now(0, sd - 50);
	uk_user_work(u, 1);
	g.ran_during_section = (int)g.k->stats.nopreempt_deferred_preemptions;
	g.end_rc = uk_sys_nopreempt_end(u);
}

static void test_at_the_deadline(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8);
	struct uk_kernel_stats st;

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, yields_at_the_deadline, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_overrun, 1);
	assert_int_equal(g.handler_calls, 1);
	shutdown();

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, ticks_at_the_deadline, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_overrun, 0);
	assert_int_equal(st.nopreempt_overruns, 1);
	assert_int_equal(st.nopreempt_deferred_preemptions, 0);
	shutdown();

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, begins_at_the_slice_end, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.ran_during_section, 0); /* no tick at the begin */
	assert_int_equal(g.end_rc, 0);
	assert_int_equal(g.after_overrun, 1);

	shutdown();
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	uk_kernel_set_syscall_extension(g.k, np_arm_ext, NULL);
	spawn_prog(g.k, ticks_at_the_slice_end, 0, 5, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.ran_during_section, 1); /* that tick deferred the slice end */
	assert_int_equal(g.end_rc, 0);
	shutdown();
}

/* A call from inside a section hands the CPU straight to the waiting
 * server, which runs out the caller's slice: the CPU timer is armed for
 * that slice's end, no longer for the caller's section deadline (no tick
 * comes then while the server runs). */
static uint32_t ho_ep;
static void np_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = { 0 };
	uint64_t ticks, handoffs = g.k->stats.ipc_handoffs;

	UCHECK(uk_recv(u, ho_ep, &m, reply) == 0);
	UCHECK(g.k->stats.ipc_handoffs == handoffs + 1);
	ticks = g.k->stats.timer_ticks;
	mock_spin(50000); /* past the caller's 20 us budget, within the 1 ms slice */
	g.ran_during_section = (int)(g.k->stats.timer_ticks - ticks);
	g.others_ran++;
	uk_reply(u, reply, &m);
}

static void np_caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = { .words = 1, .mr = { 7 } };
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", overrun_handler);

	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	ho_ep = (uint32_t)uk_ep_create(u, 0);
	start(u, np_server, 10); /* runs now and waits in its receive */
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 20000) == 0);
	UCHECK(uk_call(u, ho_ep, &m) == 0);
	g.after_overrun = 1;
}

/* A call made exactly as the caller's slice ends is no hand-off: the
 * spent slice is not donated (the server is woken the usual way). */
static void plain_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = { 0 };
	UCHECK(uk_recv(u, ho_ep, &m, reply) == 0);
	g.others_ran++;
	uk_reply(u, reply, &m);
}

static void calls_at_the_slice_end(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = { .words = 1 };
	uint64_t handoffs;
	ho_ep = (uint32_t)uk_ep_create(u, 0);
	start(u, plain_server, 10); /* waits in its receive */
	handoffs = g.k->stats.ipc_handoffs;
	mock_set_now(0, g.k->cpus[0].slice_deadline - 100); /* the call runs at the end */
	UCHECK(uk_call(u, ho_ep, &m) == 0);
	g.ran_during_section = (int)(g.k->stats.ipc_handoffs - handoffs);
	g.after_overrun = 1;
}

static void test_call_from_a_section(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, np_caller, 0, 9, UK_SPAWN_NOPREEMPT);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.others_ran, 1);
	assert_int_equal(g.after_overrun, 1);
	assert_int_equal(g.ran_during_section, 0); /* no tick while the server ran */
	shutdown();

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, calls_at_the_slice_end, 0, 9, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.others_ran, 1);
	assert_int_equal(g.after_overrun, 1);
	assert_int_equal(g.ran_during_section, 0); /* no hand-off */
	shutdown();
}

static void validation(struct uk_user *u, uint64_t arg)
{
	long weak;
	UCHECK(uk_sys_nopreempt_end(u) == UK_EINVAL);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 0) == UK_EINVAL);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 1000001) == UK_EINVAL);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_PROCESS_SELF, 1000) == UK_EBADH);
	weak = uk_sys_handle_dup(u, UK_HANDLE_NOPREEMPT, UK_RIGHT_READ);
	UCHECK(weak > 0);
	UCHECK(uk_sys_nopreempt_begin(u, (uint32_t)weak, 1000) == UK_EPERM);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 1000) == 0);
	/* traced: (thread, budget, 0) at the begin, 1 at the end */
	UCHECK(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 0) == u->t->o.id);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 1) == 1000);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 2) == 0);
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 1000) == UK_EBUSY);
	UCHECK(uk_sys_nopreempt_end(u) == 0);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 1) == 1000);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_NOPREEMPT, 2) == 1);
	UCHECK(mock_trace_count(UK_TRACE_CORE_NOPREEMPT) == 2);
	/* the longest budget allowed (cfg.nopreempt_max_ns, 1 ms by default) */
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 1000000) == 0);
	UCHECK(uk_sys_nopreempt_end(u) == 0);
	g.after_overrun = 1;
}

static void no_capability(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 1000) == UK_EBADH);
	g.after_overrun++;
}

static void test_validation(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, validation, 0, 5, UK_SPAWN_NOPREEMPT);
	spawn_prog(g.k, no_capability, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_overrun, 2);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside_budget_never_preempted),
		cmocka_unit_test(test_overrun_kills),
		cmocka_unit_test(test_overrun_goes_to_fault_handler),
		cmocka_unit_test(test_overrun_runs_the_deferred_preemption),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_end_of_section),
		cmocka_unit_test(test_at_the_deadline),
		cmocka_unit_test(test_call_from_a_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
