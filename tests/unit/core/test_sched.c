/* SPDX-License-Identifier: MIT */
/* Scheduler: the fixed policy's bitmap pick and round robin, placement,
 * preemption decisions and IPIs, and runs on the mock machine. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct uk_sched_node node(unsigned prio, uint64_t tid)
{
	struct uk_sched_node n = { .prio = prio, .tid = tid, .affinity = ~0ull,
				   .queued_cpu = UK_CPU_NONE, .last_cpu = UK_CPU_NONE };
	return n;
}

static void test_fixed_pick_order_and_round_robin(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct uk_sched_ops ops;
	struct uk_sched_node n[8];
	unsigned prios[8] = { 5, 200, 5, 0, 255, 63, 64, 5 };
	void *rq = NULL;
	unsigned top;

	uk_sched_fixed_ops(&ops);
	assert_int_equal(ops.cpu_init(k, 0, &rq), 0);
	assert_false(ops.top_prio(rq, &top));
	assert_null(ops.pick_next(rq));
	for (unsigned i = 0; i < 8; i++) {
		n[i] = node(prios[i], i);
		ops.enqueue(rq, &n[i], UK_ENQ_BACK);
	}
	ops.check(k, rq);
	assert_true(ops.top_prio(rq, &top));
	assert_int_equal(top, 255);
	assert_ptr_equal(ops.pick_next(rq), &n[4]);
	assert_ptr_equal(ops.pick_next(rq), &n[1]);
	assert_ptr_equal(ops.pick_next(rq), &n[6]); /* 64: second bitmap word */
	assert_ptr_equal(ops.pick_next(rq), &n[5]); /* 63 */
	/* equal priorities: FIFO; FRONT goes ahead of its equals */
	assert_ptr_equal(ops.pick_next(rq), &n[0]);
	ops.enqueue(rq, &n[0], UK_ENQ_FRONT);
	assert_ptr_equal(ops.pick_next(rq), &n[0]);
	ops.enqueue(rq, &n[0], UK_ENQ_BACK);
	assert_ptr_equal(ops.pick_next(rq), &n[2]);
	assert_ptr_equal(ops.pick_next(rq), &n[7]);
	assert_ptr_equal(ops.pick_next(rq), &n[0]);
	/* dequeue from the middle keeps the bitmap exact */
	ops.dequeue(rq, &n[3]);
	ops.check(k, rq);
	assert_false(ops.top_prio(rq, &top));
	shutdown();
}

static struct uk_thread fakes_pool[16];
static unsigned nfakes;

static struct uk_thread *fake_thread(unsigned prio, uint64_t id)
{
	struct uk_thread *t = &fakes_pool[nfakes++ % 16];
	memset(t, 0, sizeof(*t));
	t->sn = node(prio, id);
	t->base_prio = prio;
	t->o.id = id;
	t->state = TS_RUNNING;
	return t;
}

/* Mark CPUs started, running threads of the given priorities (-1: idle). */
static struct uk_thread *cpus_running(struct uk_kernel *k, const int *prio)
{
	static struct uk_thread *fakes[4];
	k->cpus_running = true;
	for (unsigned c = 0; c < k->ncpus; c++) {
		k->cpus[c].started = true;
		if (prio[c] < 0) {
			k->cpus[c].current = &k->cpus[c].idle;
		} else {
			fakes[c] = fake_thread((unsigned)prio[c], 100 + c);
			k->cpus[c].current = fakes[c];
			fakes[c]->cpu = c;
		}
	}
	return fakes[0];
}

static void test_placement(void **state)
{
	struct uk_kernel *k = boot(4, 4 << 20, NULL);
	int prios[4] = { 50, 3, -1, 20 };
	struct uk_sched_node n = node(10, 1);

	cpus_running(k, prios);
	/* an idle CPU first */
	assert_int_equal(k->sched->select_cpu(k, &n, 0), 2);
	/* then one it would preempt (CPU 1 runs 3 < 10), its last CPU winning ties */
	n.affinity = 0xb;
	assert_int_equal(k->sched->select_cpu(k, &n, 0), 1);
	/* affinity is obeyed even when that means waiting */
	n.affinity = 0x1;
	assert_int_equal(k->sched->select_cpu(k, &n, 2), 0);
	/* among CPUs where it must wait, the last CPU, else the shortest queue */
	n.affinity = 0x9;
	n.last_cpu = 3;
	assert_int_equal(k->sched->select_cpu(k, &n, 0), 3);
	shutdown();
}

static void test_wakeup_preempts_locally_or_by_ipi(void **state)
{
	struct uk_kernel *k = boot(4, 4 << 20, NULL);
	int prios[4] = { 5, 5, 40, 40 };
	struct uk_thread *t;

	cpus_running(k, prios);
	mock_set_cpu(0);
	mock_clear_logs();
	/* a higher-priority thread woken on this CPU: resched flag, no IPI */
	t = fake_thread(10, 1);
	t->state = TS_BLOCKED;
	t->sn.affinity = 0x1;
	sched_make_ready(k, t);
	assert_int_equal(t->state, TS_READY);
	assert_int_equal(t->sn.queued_cpu, 0);
	assert_true(k->cpus[0].need_resched);
	assert_int_equal(mock_ipi_count(), 0);
	/* on a remote CPU: exactly one resched IPI to it, and the sender is
	 * charged for it */
	uint64_t runq_traces = mock_trace_count(UK_TRACE_CORE_RUNQ);
	uint64_t t0 = mock_now(0);
	struct uk_thread *remote = fake_thread(10, 2);
	remote->sn.affinity = 0x2;
	sched_make_ready(k, remote);
	uint64_t with_ipi = mock_now(0) - t0;
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(mock_ipi(0)->to, 1);
	assert_int_equal(mock_ipi(0)->vector, UK_VEC_RESCHED);
	/* a remote CPU running something more urgent: queued, no IPI */
	t0 = mock_now(0);
	t = fake_thread(10, 3);
	t->sn.affinity = 0x4;
	sched_make_ready(k, t);
	uint64_t queued_only = mock_now(0) - t0;
	assert_int_equal(mock_ipi_count(), 1);
	assert_false(k->cpus[2].need_resched);
	/* the same work but the IPI: the difference is one IPI's cost */
	assert_int_equal(with_ipi - queued_only, MOCK_COST_IPI_NS);
	/* each enqueue is traced with the queue's new length */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_RUNQ) - runq_traces, 2);
	sched_check(k);

	/* Priority changes of a queued thread. Lowered, though still above
	 * what CPU 1 runs (5): its CPU was told already, no second IPI. */
	sched_set_prio(k, remote, 8);
	assert_int_equal(remote->sn.prio, 8);
	assert_int_equal(mock_ipi_count(), 1);
	/* Raised, but not above what CPU 2 runs (40): no IPI. */
	sched_set_prio(k, t, 30);
	assert_int_equal(mock_ipi_count(), 1);
	/* Raised above it: CPU 2 is told. */
	sched_set_prio(k, t, 50);
	assert_int_equal(mock_ipi_count(), 2);
	assert_int_equal(mock_ipi(1)->to, 2);
	assert_int_equal(mock_ipi(1)->vector, UK_VEC_RESCHED);
	sched_check(k);

	/* A running thread's priority lowered: its CPU is told only when a
	 * queued thread now outranks it (strictly: an equal waits). */
	struct uk_thread *queued = fake_thread(20, 4);
	queued->state = TS_BLOCKED;
	queued->sn.affinity = 0x8;
	sched_make_ready(k, queued); /* below CPU 3's 40: no IPI */
	assert_int_equal(mock_ipi_count(), 2);
	sched_set_prio(k, k->cpus[3].current, 20);
	assert_int_equal(mock_ipi_count(), 2);
	sched_set_prio(k, k->cpus[3].current, 19);
	assert_int_equal(mock_ipi_count(), 3);
	assert_int_equal(mock_ipi(2)->to, 3);
	shutdown();
}

/* An affinity that leaves out the CPU a thread runs on moves it off: its
 * own CPU by the resched flag, a remote one by an IPI. */
static void test_affinity_moves_a_running_thread(void **state)
{
	struct uk_kernel *k = boot(4, 4 << 20, NULL);
	int prios[4] = { 5, 5, 40, 40 };

	cpus_running(k, prios);
	mock_set_cpu(0);
	mock_clear_logs();
	struct uk_thread *remote = k->cpus[1].current;
	assert_int_equal(thread_set_affinity(k, remote, 0x1), 0);
	assert_int_equal(remote->sn.affinity, 0x1);
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(mock_ipi(0)->to, 1);
	assert_int_equal(mock_ipi(0)->vector, UK_VEC_RESCHED);
	assert_false(k->cpus[1].need_resched); /* CPU 1 learns it from the IPI */
	/* still allowed where it runs: nothing to do */
	assert_int_equal(thread_set_affinity(k, k->cpus[2].current, 0x4), 0);
	assert_int_equal(mock_ipi_count(), 1);
	/* this CPU's own thread: no IPI, the CPU reschedules at once */
	assert_int_equal(thread_set_affinity(k, k->cpus[0].current, 0x2), 0);
	assert_int_equal(mock_ipi_count(), 1);
	assert_true(k->cpus[0].need_resched);
	assert_true(k->cpus[0].slice_expired);
	/* no CPU at all: refused, nothing changed */
	assert_int_equal(thread_set_affinity(k, remote, 0), UK_EINVAL);
	assert_int_equal(remote->sn.affinity, 0x1);
	shutdown();
}

/* A thread that takes its own CPU out of its affinity moves: it is placed
 * afresh (on the CPU it allows) and goes on running there. */
static int moved_to = -1;
static void self_mover(struct uk_user *u, uint64_t arg)
{
	UCHECK(mock_cpu() == 0);
	UCHECK(uk_sys_thread_set_affinity(u, UK_HANDLE_THREAD_INITIAL, 0x2) == 0);
	moved_to = (int)mock_cpu();
}

static void test_thread_moves_itself(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	int prog;
	struct uk_spawn sp = { .prio = 5, .max_prio = 255, .affinity = 0x1 };
	uint64_t tid;

	moved_to = -1;
	mock_run(k, 1); /* CPU 1 starts and halts */
	prog = uk_kernel_register_program(k, "mover", self_mover);
	sp.program = (unsigned)prog;
	assert_int_equal(uk_kernel_spawn(k, &sp, &tid), 0);
	mock_run(k, 0); /* runs on CPU 0 until it moves */
	assert_int_equal(moved_to, -1);
	mock_run(k, 1);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(moved_to, 1);
	assert_int_equal(uk_kernel_live_count(k), 0);
	shutdown();
}

/* Killing a thread that runs on another CPU: marked, and that CPU told by
 * one resched IPI, which the killer pays for. */
static void test_kill_of_a_thread_running_elsewhere(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	int prios[2] = { 5, 5 };

	cpus_running(k, prios);
	mock_set_cpu(0);
	mock_clear_logs();
	struct uk_thread *remote = k->cpus[1].current;
	uint64_t ipis = k->stats.resched_ipis, t0 = mock_now(0);
	assert_int_equal(thread_kill(k, remote), 0);
	assert_true(remote->killed);
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(mock_ipi(0)->to, 1);
	assert_int_equal(mock_ipi(0)->vector, UK_VEC_RESCHED);
	assert_int_equal(k->stats.resched_ipis, ipis + 1);
	assert_int_equal(mock_now(0) - t0, MOCK_COST_IPI_NS);
	/* a second kill changes nothing */
	assert_int_equal(thread_kill(k, remote), 0);
	assert_int_equal(mock_ipi_count(), 1);
	shutdown();
}

/* ---- runs ---- */

static struct {
	struct uk_kernel *k;
	char log[4096];
	unsigned n;
} g;

static void logc(char c)
{
	if (g.n < sizeof(g.log) - 1)
		g.log[g.n++] = c;
}

static void yielder(struct uk_user *u, uint64_t c)
{
	for (int i = 0; i < 5; i++) {
		logc((char)c);
		uk_sys_yield(u);
	}
}

static void test_yield_alternates(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, yielder, 'a', 7, 0);
	spawn_prog(g.k, yielder, 'b', 7, 0);
	mock_run(g.k, 0);
	assert_string_equal(g.log, "ababababab");
	shutdown();
}

/* A thread that yields with nothing else to run keeps its CPU: never
 * counted as preempted. Two that yield to each other are, each time. */
static uint64_t preempted[2];

static void counting_yielder(struct uk_user *u, uint64_t slot)
{
	struct uk_thread_info info;
	for (int i = 0; i < 3; i++)
		uk_sys_yield(u);
	UCHECK(uk_kernel_thread_info(g.k, (uint64_t)uk_sys_thread_id(u), &info) == 0);
	preempted[slot] = info.preempted_count;
}

static void test_yield_alone_is_no_preemption(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	preempted[0] = preempted[1] = 99;
	spawn_prog(g.k, counting_yielder, 0, 7, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(preempted[0], 0);
	shutdown();
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, counting_yielder, 0, 7, 0);
	spawn_prog(g.k, counting_yielder, 1, 7, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(preempted[0], 3);
	assert_int_equal(preempted[1], 3);
	shutdown();
}

static void spinner(struct uk_user *u, uint64_t c)
{
	for (int i = 0; i < 30; i++) {
		logc((char)c);
		mock_spin(10000); /* 10 us of user work */
	}
}

static void test_timer_round_robin(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8); /* 50 us slices */
	struct uk_kernel_stats st;
	unsigned runs = 0;

	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, spinner, 'a', 7, 0);
	spawn_prog(g.k, spinner, 'b', 7, 0);
	spawn_prog(g.k, spinner, 'c', 7, 0);
	mock_run(g.k, 0);
	assert_int_equal(g.n, 90);
	/* Each slice is ~5 steps; the three take turns in order a, b, c. */
	for (unsigned i = 1; i < g.n; i++)
		if (g.log[i] != g.log[i - 1])
			runs++;
	assert_true(runs >= 15);
	assert_memory_equal(g.log, "aaaaa", 5);
	assert_true(strchr(g.log, 'c') < strrchr(g.log, 'a'));
	uk_kernel_get_stats(g.k, &st);
	assert_true(st.preemptions >= 15);
	assert_true(st.timer_ticks >= 15);
	shutdown();
}

static void high(struct uk_user *u, uint64_t arg)
{
	logc('H');
}

static void low(struct uk_user *u, uint64_t arg)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "high", high), 0,
				      (unsigned)arg, 0);
	logc('1');
	uk_sys_thread_start(u, (uint32_t)h);
	logc('2');
}

static void test_higher_priority_wakeup_preempts(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, low, 9, 3, 0); /* child at 9 > 3: runs at once */
	mock_run(g.k, 0);
	assert_string_equal(g.log, "1H2");
	shutdown();
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, low, 3, 3, 0); /* equal priority: no preemption */
	mock_run(g.k, 0);
	assert_string_equal(g.log, "12H");
	shutdown();
}

static void test_cpus_pick_their_own_queues(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(2, 8 << 20, NULL);
	spawn_prog(g.k, high, 0, 5, 0); /* placed on CPU 0 */
	spawn_prog(g.k, high, 0, 5, 0); /* CPU 0 has a queue now: CPU 1 */
	assert_int_equal(((struct fixed_rq_peek { unsigned cpu, count; } *)g.k->cpus[1].sched_state)->count, 1);
	mock_run(g.k, 1);
	assert_string_equal(g.log, "H");
	mock_run(g.k, 0);
	assert_string_equal(g.log, "HH");
	shutdown();
}

/* The kernel lock's one-word ticket: the served half wraps past
 * 0xffffffff without disturbing the next-ticket half. */
static void test_kernel_lock_ticket_wraps(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);

	k->lock_word = 0xffffffffffffffffull; /* free: next == served == 2^32 - 1 */
	kernel_lock(k);
	assert_int_equal(k->lock_word, 0x00000000ffffffffull);
	assert_int_equal(k->lock_cpu, 1);
	kernel_unlock(k);
	assert_int_equal(k->lock_word, 0);
	assert_int_equal(k->lock_cpu, 0);
	kernel_lock(k);
	kernel_unlock(k);
	assert_int_equal(k->lock_word, 0x0000000100000001ull);
	shutdown();
}

/* A kernel timer is due at its deadline, not one tick later: run at
 * exactly the deadline, it fires; before it, it does not. */
static unsigned timer_fired;
static void count_timer(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
	timer_fired++;
}

static void test_kernel_timer_due_at_its_deadline(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct ktimer tm;

	timer_fired = 0;
	ktimer_init(&tm, count_timer);
	kernel_lock(k);
	ktimer_set(k, &tm, 5000);
	assert_int_equal(ktimer_next(k), 5000);
	ktimer_run(k, 4999);
	assert_int_equal(timer_fired, 0);
	ktimer_run(k, 5000);
	assert_int_equal(timer_fired, 1);
	assert_int_equal(ktimer_next(k), UINT64_MAX);
	kernel_unlock(k);
	shutdown();
}

/* The kernel timer list: earliest first and FIFO among equal deadlines;
 * re-arming moves a timer (it is never queued twice); a deadline from
 * UK_TIMER_NEVER_FROM up cancels; a fired timer leaves the list, so the
 * next one is due. */
static char fired_order[8];
static unsigned nfired;
static struct ktimer *timer_base;
static void record_timer(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
	fired_order[nfired++] = (char)('a' + (tm - timer_base));
}

static void test_kernel_timer_list(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct ktimer tm[4];

	nfired = 0;
	memset(fired_order, 0, sizeof(fired_order));
	timer_base = tm; /* record_timer names each timer by its index */
	for (int i = 0; i < 4; i++)
		ktimer_init(&tm[i], record_timer);
	kernel_lock(k);
	ktimer_set(k, &tm[0], 100);
	ktimer_set(k, &tm[1], 100);
	ktimer_set(k, &tm[2], 50);
	ktimer_set(k, &tm[3], 70);
	ktimer_set(k, &tm[3], 300); /* moved, not queued twice */
	assert_int_equal(ktimer_next(k), 50);
	ktimer_set(k, &tm[2], UK_TIMER_NEVER_FROM); /* cancelled */
	assert_false(tm[2].queued);
	assert_int_equal(ktimer_next(k), 100);
	ktimer_set(k, &tm[2], UINT64_MAX);
	assert_false(tm[2].queued);
	ktimer_run(k, 150);
	assert_string_equal(fired_order, "ab");
	assert_int_equal(ktimer_next(k), 300); /* the fired ones left the list */
	ktimer_set(k, &tm[2], UK_TIMER_NEVER_FROM - 1); /* far, but a deadline */
	assert_true(tm[2].queued);
	ktimer_run(k, UINT64_MAX);
	assert_string_equal(fired_order, "abdc");
	assert_int_equal(ktimer_next(k), UINT64_MAX);
	assert_int_equal(k->stats.kernel_timers_fired, 4);
	kernel_unlock(k);
	shutdown();
}

/* On a running CPU, a kernel timer set earlier than every other deadline
 * reprograms that CPU's timer at once (the running thread may not leave
 * the kernel, or be switched, before it is due). */
static void test_earlier_kernel_timer_reprograms_the_cpu(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct ktimer a, b;

	ktimer_init(&a, count_timer);
	ktimer_init(&b, count_timer);
	mock_run(k, 0); /* CPU 0 starts and halts: nothing armed */
	assert_int_equal(mock_timer(0), 0);
	kernel_lock(k);
	ktimer_set(k, &a, mock_now(0) + 5000);
	assert_int_equal(mock_timer(0), mock_now(0) + 5000);
	ktimer_set(k, &b, mock_now(0) + 3000);
	assert_int_equal(mock_timer(0), mock_now(0) + 3000);
	/* nothing left to wait for (the idle thread has no slice): disarmed */
	ktimer_cancel(k, &a);
	ktimer_cancel(k, &b);
	cpu_timer_program(k, &k->cpus[0]);
	assert_int_equal(mock_timer(0), 0);
	kernel_unlock(k);
	shutdown();
}

/* Sleeping: a relative sleep returns 0 at (not long after) its deadline;
 * a deadline already reached, in the past or exactly now, returns 0 at
 * once without blocking. */
static long sleep_rc[11];
static long sleep_now_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
			  const uint64_t args[6])
{
	return ktimer_sleep_until(k, uk_arch_now(k->a)); /* exactly now */
}

static void sleeper_prog(struct uk_user *u, uint64_t arg)
{
	uint64_t t0 = mock_now(0), blocked;

	sleep_rc[0] = uk_sys_sleep(u, 5000);
	sleep_rc[1] = (long)(mock_now(0) - t0);
	blocked = u->t->blocked_count;
	sleep_rc[2] = uk_sys_sleep_until(u, 1);
	sleep_rc[3] = uk_syscall6(u, UK_SYS_EXT_FIRST, 0, 0, 0, 0, 0, 0);
	sleep_rc[4] = (long)(u->t->blocked_count - blocked);
	t0 = mock_now(0);
	sleep_rc[6] = uk_sys_sleep(u, 5001); /* an odd length is no flag */
	sleep_rc[7] = (long)(mock_now(0) - t0);
	t0 = mock_now(0);
	sleep_rc[8] = uk_sys_sleep_until(u, t0 + 5000);
	sleep_rc[9] = (long)(mock_now(0) - t0);
	sleep_rc[5] = 1;
}

/* A relative sleep too long for the clock sleeps for ever (its deadline
 * saturates; it does not wrap into the past). */
static void forever_sleeper(struct uk_user *u, uint64_t arg)
{
	uk_sys_sleep(u, UINT64_MAX - 10);
	sleep_rc[10] = 1;
}

static void test_sleep(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);

	memset(sleep_rc, 0xff, sizeof(sleep_rc));
	uk_kernel_set_syscall_extension(k, sleep_now_ext, NULL);
	spawn_prog(k, sleeper_prog, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(sleep_rc[5], 1); /* it ran to the end */
	assert_int_equal(sleep_rc[0], 0);
	assert_true(sleep_rc[1] >= 5000 && sleep_rc[1] < 6000);
	assert_int_equal(sleep_rc[2], 0);
	assert_int_equal(sleep_rc[3], 0);
	assert_int_equal(sleep_rc[4], 0);
	assert_int_equal(sleep_rc[6], 0);
	assert_true(sleep_rc[7] >= 5001 && sleep_rc[7] < 6000);
	assert_int_equal(sleep_rc[8], 0);
	assert_true(sleep_rc[9] >= 5000 && sleep_rc[9] < 6000);
	assert_int_equal(k->stats.sleeps, 4);
	assert_int_equal(uk_kernel_live_count(k), 0);
	shutdown();

	k = boot(1, 1 << 20, NULL);
	spawn_prog(k, forever_sleeper, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(sleep_rc[10], -1); /* still asleep */
	assert_int_equal(uk_kernel_describe_blocked(k, NULL, NULL), 1);
	shutdown();
}

/* Before a CPU has started, nothing is sent to it: a thread placed there
 * waits for the CPU to look at its queue when it starts. */
static void nothing(struct uk_user *u, uint64_t arg)
{
}

static void test_no_ipi_to_a_cpu_not_started(void **state)
{
	struct uk_kernel *k = boot(2, 1 << 20, NULL);
	int prog = uk_kernel_register_program(k, "n", nothing);
	struct uk_spawn sp = { .program = (unsigned)prog, .prio = 5, .max_prio = 255, .affinity = 0x2 };
	uint64_t tid;

	mock_clear_logs();
	assert_int_equal(uk_kernel_spawn(k, &sp, &tid), 0);
	assert_int_equal(mock_ipi_count(), 0);
	assert_int_equal(mock_pending_ipis(1), 0);
	mock_run(k, 1);
	assert_int_equal(uk_kernel_live_count(k), 0);
	shutdown();
}

/* The run-queue trace records (cpu, threads queued there, 0) at every
 * enqueue, dequeue and pick; a pick that finds nothing records nothing. */
static unsigned runq_ran;
static void one_of_two(struct uk_user *u, uint64_t arg)
{
	/* just picked: the first sees the other still queued, the second none */
	UCHECK(mock_trace_arg(UK_TRACE_CORE_RUNQ, 1) == 1 - runq_ran);
	UCHECK(u->k->cpus[0].nready == 1 - runq_ran);
	runq_ran++;
}

static void test_runq_trace(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uint64_t n0 = mock_trace_count(UK_TRACE_CORE_RUNQ);
	uint64_t a, b;
	struct uk_thread *tb = NULL;
	struct list *l;

	runq_ran = 0;
	a = spawn_prog(k, one_of_two, 0, 5, 0);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_RUNQ), n0 + 1);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 1), 1);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 2), 0);
	b = spawn_prog(k, one_of_two, 0, 5, 0);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 1), 2);
	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		if (t->o.id == b)
			tb = t;
	}
	assert_non_null(tb);
	kernel_lock(k);
	sched_set_prio(k, tb, 7); /* a dequeue and an enqueue */
	kernel_unlock(k);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_RUNQ), n0 + 4);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 1), 2);
	/* the dequeue just before: (cpu 0, 1 left, 0) */
	assert_non_null(mock_trace_back(1));
	assert_int_equal(mock_trace_back(1)->kind, UK_TRACE_CORE_RUNQ);
	assert_int_equal(mock_trace_back(1)->a[0], 0);
	assert_int_equal(mock_trace_back(1)->a[1], 1);
	assert_int_equal(mock_trace_back(1)->a[2], 0);
	mock_run(k, 0); /* two picks */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_RUNQ), n0 + 6);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 1), 0);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_RUNQ, 2), 0);
	assert_int_equal(k->cpus[0].nready, 0);
	assert_int_equal(uk_kernel_live_count(k), 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(runq_ran, 2);
	(void)a;
	shutdown();
}

/* A policy plug-in: the core calls its check on every CPU's state (in a
 * checking build, at every switch), does without one, and stops the
 * machine when the policy places a thread outside its affinity. */
static unsigned checked_cpus;
static void check_counts(struct uk_kernel *k, void *state)
{
	for (unsigned c = 0; c < k->ncpus; c++)
		if (k->cpus[c].sched_state == state)
			checked_cpus |= 1u << c;
}

static uint64_t (*fixed_slice_ns)(struct uk_kernel *k, const struct uk_sched_node *n);
static unsigned idle_slice_asks;
static uint64_t slice_not_for_idle(struct uk_kernel *k, const struct uk_sched_node *n)
{
	if (container_of(n, struct uk_thread, sn)->is_idle)
		idle_slice_asks++; /* the idle thread is no policy thread */
	return fixed_slice_ns(k, n);
}

static unsigned place_outside(struct uk_kernel *k, const struct uk_sched_node *n, unsigned waker)
{
	return n->affinity == 0x1 ? 1 : 0;
}

static unsigned place_past_the_cpus(struct uk_kernel *k, const struct uk_sched_node *n, unsigned waker)
{
	return uk_sched_cpu_count(k);
}

static int run_policy(int kind)
{
	struct uk_kernel_config cfg;
	struct uk_sched_ops ops;
	struct uk_kernel *k;

	uk_kernel_config_default(&cfg);
	uk_sched_fixed_ops(&ops);
	fixed_slice_ns = ops.slice_ns;
	ops.slice_ns = slice_not_for_idle;
	if (kind == 0)
		ops.check = check_counts;
	else if (kind == 1)
		ops.check = NULL;
	else if (kind == 2)
		ops.select_cpu = place_outside;
	else
		ops.select_cpu = place_past_the_cpus;
	cfg.sched = &ops;
	mock_create(kind == 3 ? UK_MAX_CPUS : 2, 4 << 20);
	k = mock_boot(&cfg);
	if (kind == 3) {
		spawn_prog(k, nothing, 0, 5, 0); /* stops the machine */
		return -1;
	}
	if (kind == 2) {
		/* affinity CPU 0 only; the policy says CPU 1 */
		struct uk_spawn sp = { .program = (unsigned)uk_kernel_register_program(k, "n", nothing),
				       .prio = 5, .max_prio = 255, .affinity = 0x1 };
		uint64_t tid;
		uk_kernel_spawn(k, &sp, &tid);
	} else {
		spawn_prog(k, nothing, 0, 5, 0);
	}
	mock_run(k, 0);
	mock_run(k, 1);
	return (int)uk_kernel_live_count(k);
}

static void test_policy_plugin(void **state)
{
	pid_t pid;
	int status = 0;

	checked_cpus = 0;
	idle_slice_asks = 0;
	assert_int_equal(run_policy(0), 0);
	assert_int_equal(checked_cpus, 3);
	assert_int_equal(idle_slice_asks, 0);
	shutdown();
	assert_int_equal(run_policy(1), 0);
	shutdown();
	/* outside the affinity; past the last CPU (of as many as there may be) */
	for (int kind = 2; kind <= 3; kind++) {
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			run_policy(kind);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	}
}

/* A switch costs UK_COST_CTX_SWITCH (200 ns in the mock) and is traced
 * as (cpu, from, to); a yield with nobody else ready is no switch, but it
 * starts a fresh slice. */
static uint64_t yield_t0, yield_dt, first_tid, yield_sd;
static void timed_yielder(struct uk_user *u, uint64_t arg)
{
	first_tid = u->t->o.id;
	yield_t0 = mock_now(0);
	uk_sys_yield(u); /* 100 ns of syscall entry, then the switch */
}

static void after_yield(struct uk_user *u, uint64_t arg)
{
	yield_dt = mock_now(0) - yield_t0;
	UCHECK(mock_trace_arg(UK_TRACE_CORE_SWITCH, 1) == first_tid);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_SWITCH, 2) == u->t->o.id);
}

static void lone_yielder(struct uk_user *u, uint64_t arg)
{
	uint64_t switches = u->k->stats.switches, t0;
	mock_spin(10000);
	t0 = mock_now(0);
	uk_sys_yield(u);
	/* the slice restarted at the yield (its entry cost 100 ns) */
	yield_sd = u->k->cpus[0].slice_deadline - (t0 + 100);
	UCHECK(u->k->stats.switches == switches);
}

static void test_switch_cost_and_trace(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uint64_t wakes = mock_trace_count(UK_TRACE_CORE_WAKE), switches;

	spawn_prog(k, timed_yielder, 0, 5, 0);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_WAKE), wakes + 1);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_WAKE, 1), 0); /* placed on CPU 0 */
	spawn_prog(k, after_yield, 0, 5, 0);
	switches = mock_trace_count(UK_TRACE_CORE_SWITCH);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(yield_dt, 100 + 200);
	/* idle -> yielder -> after_yield -> yielder -> idle */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_SWITCH), switches + 4);
	assert_int_equal(k->stats.switches, 4);
	shutdown();

	k = boot(1, 1 << 20, NULL);
	yield_sd = 0;
	spawn_prog(k, lone_yielder, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(yield_sd, k->cfg.timeslice_ns);
	shutdown();
}

/* The timer tick: a kernel timer's tick before the slice end re-arms the
 * CPU timer for that end; a tick that comes exactly at the slice end ends
 * the slice; inside a no-preemption section the tick that defers the
 * slice end re-arms for a kernel timer due before the section's deadline. */
static struct ktimer tick_tm;
static uint64_t tick_fired;
static void tick_cb(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
	tick_fired++;
}

static long arm_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
		    const uint64_t args[6])
{
	ktimer_init(&tick_tm, tick_cb);
	ktimer_set(k, &tick_tm, args[0]);
	return 0;
}

static int other_ran, tick_case;
static void tick_other(struct uk_user *u, uint64_t arg)
{
	other_ran++;
}

static void ticker(struct uk_user *u, uint64_t arg)
{
	struct uk_kernel *k = u->k;
	uint64_t sd = k->cpus[0].slice_deadline;

	if (tick_case == 0) {
		/* a kernel timer 10 us into a 50 us slice, then 100 us of work */
		uk_syscall6(u, UK_SYS_EXT_FIRST, mock_now(0) + 10000, 0, 0, 0, 0, 0);
		mock_spin(100000);
		UCHECK(tick_fired == 1);
		UCHECK(other_ran == 1); /* the slice ended on time */
	} else if (tick_case == 1) {
		/* a kernel timer whose tick (50 ns of entry) lands on the slice end */
		uk_syscall6(u, UK_SYS_EXT_FIRST, sd - 50, 0, 0, 0, 0, 0);
		mock_set_now(0, sd - 50);
		uk_user_work(u, 1);
		UCHECK(tick_fired == 1);
		UCHECK(other_ran == 1);
	} else {
		/* inside a section: the slice end is deferred, the kernel timer
		 * (due before the section's deadline) still fires on time */
		uk_syscall6(u, UK_SYS_EXT_FIRST, sd + 100000, 0, 0, 0, 0, 0);
		UCHECK(uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 500000) == 0);
		mock_set_now(0, sd + 10000);
		uk_user_work(u, 1); /* the slice-end tick, late */
		UCHECK(tick_fired == 0);
		mock_spin(100000);
		UCHECK(tick_fired == 1);
		UCHECK(other_ran == 0);
		UCHECK(uk_sys_nopreempt_end(u) == 0);
		UCHECK(other_ran == 1);
	}
}

static void test_tick(void **state)
{
	struct uk_kernel_config cfg = config_with(50000, true, 8);

	for (tick_case = 0; tick_case < 3; tick_case++) {
		struct uk_kernel *k = boot(1, 4 << 20, &cfg);
		tick_fired = 0;
		other_ran = 0;
		uk_kernel_set_syscall_extension(k, arm_ext, NULL);
		spawn_prog(k, ticker, 0, 5, tick_case == 2 ? UK_SPAWN_NOPREEMPT : 0);
		spawn_prog(k, tick_other, 0, 5, 0);
		mock_run(k, 0);
		assert_int_equal(harness_failures, 0);
		assert_int_equal(other_ran, 1);
		assert_int_equal(mock_trace_count(UK_TRACE_CORE_PREEMPT), k->stats.preemptions);
		assert_true(k->stats.preemptions >= 1);
		shutdown();
	}
}

/* A wake-up that no longer outranks the running thread by the time of the
 * preemption point (its priority dropped to ours) preempts nobody. */
static struct uk_waitq dev_q;
static struct uk_thread *dev_waiter;
static int waiter_ran;
static void dev_hook(void *ctx, struct uk_kernel *k, unsigned vector)
{
	dev_waiter = waitq_first(&dev_q);
	uk_waitq_wake(k, &dev_q, 1, 0); /* outranks us: need_resched */
	sched_set_prio(k, dev_waiter, 5); /* ...not any more */
}

static long dev_wait_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
			 const uint64_t args[6])
{
	return uk_waitq_block(k, u, &dev_q, 0);
}

static void dev_waiter_prog(struct uk_user *u, uint64_t arg)
{
	uk_syscall6(u, UK_SYS_EXT_FIRST, 0, 0, 0, 0, 0, 0);
	waiter_ran++;
}

static void interrupted(struct uk_user *u, uint64_t arg)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(u->k, "w", dev_waiter_prog), 0, 9, 0);
	uint64_t preemptions;
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0); /* runs and waits */
	preemptions = u->k->stats.preemptions;
	mock_raise_device(0, 100);
	uk_user_work(u, 1); /* taken here */
	UCHECK(waiter_ran == 0);
	UCHECK(u->k->stats.preemptions == preemptions);
}

static void test_wakeup_no_longer_outranking(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);

	dev_q = (struct uk_waitq){ 0 };
	waiter_ran = 0;
	uk_kernel_set_syscall_extension(k, dev_wait_ext, NULL);
	uk_kernel_set_device_irq_handler(k, dev_hook, NULL);
	spawn_prog(k, interrupted, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(waiter_ran, 1);
	shutdown();
}

/* An idle CPU woken by a kernel timer that readies no thread programs
 * the next kernel timer before it halts again. */
static int slept_through;
static void sleeps_past_a_timer(struct uk_user *u, uint64_t arg)
{
	uk_syscall6(u, UK_SYS_EXT_FIRST, mock_now(0) + 10000, 0, 0, 0, 0, 0); /* no thread to wake */
	UCHECK(uk_sys_sleep(u, 50000) == 0);
	slept_through = 1;
}

static void test_idle_programs_the_next_timer(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);

	slept_through = 0;
	tick_fired = 0;
	uk_kernel_set_syscall_extension(k, arm_ext, NULL);
	spawn_prog(k, sleeps_past_a_timer, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(tick_fired, 1);
	assert_int_equal(slept_through, 1);
	shutdown();
}

/* An idle CPU woken by an interrupt runs the kernel with interrupts off
 * again: the thread it switches to goes on inside the kernel (here a
 * copy to user memory) without taking a timer that comes due meanwhile. */
static struct uk_waitq halt_q;
static int halt_done;
static long copy_after_wake_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
				const uint64_t args[6])
{
	uint32_t v = 77;
	long rc = uk_waitq_block(k, u, &halt_q, 0);
	return rc < 0 ? rc : user_copy_out(k, args[0], &v, sizeof(v));
}

static void wake_and_arm(void *ctx, struct uk_kernel *k, unsigned vector)
{
	uk_waitq_wake(k, &halt_q, 1, 0);
	ktimer_init(&tick_tm, tick_cb);
	ktimer_set(k, &tick_tm, uk_arch_now(k->a) + 100); /* due before the switch is done */
}

static void blocks_then_copies(struct uk_user *u, uint64_t arg)
{
	uint32_t v = 0;
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x400000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_syscall6(u, UK_SYS_EXT_FIRST, 0x400000, 0, 0, 0, 0, 0) == 0);
	UCHECK(uk_user_read(u, 0x400000, &v, 4) == 0 && v == 77);
	halt_done = 1;
}

static void test_idle_wakes_with_interrupts_off(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);

	halt_q = (struct uk_waitq){ 0 };
	halt_done = 0;
	tick_fired = 0;
	uk_kernel_set_syscall_extension(k, copy_after_wake_ext, NULL);
	uk_kernel_set_device_irq_handler(k, wake_and_arm, NULL);
	spawn_prog(k, blocks_then_copies, 0, 5, 0);
	mock_run(k, 0); /* it blocks; the CPU halts */
	assert_int_equal(halt_done, 0);
	mock_raise_device(0, 100);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(halt_done, 1);
	assert_int_equal(tick_fired, 1);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_pick_order_and_round_robin),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_wakeup_preempts_locally_or_by_ipi),
		cmocka_unit_test(test_affinity_moves_a_running_thread),
		cmocka_unit_test(test_thread_moves_itself),
		cmocka_unit_test(test_kill_of_a_thread_running_elsewhere),
		cmocka_unit_test(test_yield_alternates),
		cmocka_unit_test(test_yield_alone_is_no_preemption),
		cmocka_unit_test(test_timer_round_robin),
		cmocka_unit_test(test_higher_priority_wakeup_preempts),
		cmocka_unit_test(test_cpus_pick_their_own_queues),
		cmocka_unit_test(test_kernel_lock_ticket_wraps),
		cmocka_unit_test(test_kernel_timer_due_at_its_deadline),
		cmocka_unit_test(test_kernel_timer_list),
		cmocka_unit_test(test_earlier_kernel_timer_reprograms_the_cpu),
		cmocka_unit_test(test_sleep),
		cmocka_unit_test(test_no_ipi_to_a_cpu_not_started),
		cmocka_unit_test(test_runq_trace),
		cmocka_unit_test(test_policy_plugin),
		cmocka_unit_test(test_switch_cost_and_trace),
		cmocka_unit_test(test_tick),
		cmocka_unit_test(test_wakeup_no_longer_outranking),
		cmocka_unit_test(test_idle_programs_the_next_timer),
		cmocka_unit_test(test_idle_wakes_with_interrupts_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
