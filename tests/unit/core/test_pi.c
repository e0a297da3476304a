/* SPDX-License-Identifier: MIT */
/* Priority inheritance: transitive boost, bounded depth, exact undo on
 * release, no boost when switched off, and the priority-inversion sweep. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct {
	struct uk_kernel *k;
	uint64_t tid[8];
	long m1, m2;
	unsigned seen[16];
	unsigned nseen;
	uint64_t high_blocked;
	unsigned medium_work_us, nmedium;
	unsigned order[32];
	unsigned norder;
} g;

static uint64_t self(struct uk_user *u)
{
	return (uint64_t)uk_sys_thread_id(u);
}

static void see(unsigned v)
{
	g.seen[g.nseen++] = v;
}

static long start(struct uk_user *u, uk_user_entry_fn fn, uint64_t arg, unsigned prio)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "t", fn), arg, prio, 0);
	UCHECK(h > 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	return h;
}

/* H: waits on m2. */
static void chain_high(struct uk_user *u, uint64_t arg)
{
	g.tid[2] = self(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
}

/* Mid: holds m2, waits on m1. */
static void chain_mid(struct uk_user *u, uint64_t arg)
{
	g.tid[1] = self(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	see(eff_prio(g.k, g.tid[1])); /* [2] still inherits H while it holds m2 */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
	see(eff_prio(g.k, g.tid[1])); /* [3] back to its own */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
}

/* L: holds m1. Mid (5) blocks on m1, then H (10) blocks on m2 held by Mid. */
static void chain_low(struct uk_user *u, uint64_t arg)
{
	g.tid[0] = self(u);
	g.m1 = uk_sys_mutex_create(u);
	g.m2 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	start(u, chain_mid, 0, 5);
	start(u, chain_high, 0, 10);
	see(eff_prio(g.k, g.tid[0])); /* [0] L */
	see(eff_prio(g.k, g.tid[1])); /* [1] Mid */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	see(eff_prio(g.k, g.tid[0])); /* [4] L after release */
}

static void run_chain(bool pi, unsigned depth)
{
	struct uk_kernel_config cfg = config_with(1000000, pi, depth);
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, chain_low, 0, 1, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nseen, 5);
}

static void test_transitive_boost_and_undo(void **state)
{
	struct uk_kernel_stats st;
	run_chain(true, 8);
	/* seen in order: L's view [0],[1], then Mid [2],[3] after L released, then L [4] */
	assert_int_equal(g.seen[0], 10); /* L inherits H through Mid */
	assert_int_equal(g.seen[1], 10);
	assert_int_equal(g.seen[2], 10);
	assert_int_equal(g.seen[3], 5);
	assert_int_equal(g.seen[4], 1);
	uk_kernel_get_stats(g.k, &st);
	assert_true(st.pi_boosts >= 3);
	assert_int_equal(st.pi_depth_limited, 0);
	shutdown();
}

static void test_depth_bound(void **state)
{
	struct uk_kernel_stats st;
	run_chain(true, 1);
	assert_int_equal(g.seen[0], 5);  /* the boost from H stops at Mid */
	assert_int_equal(g.seen[1], 10);
	uk_kernel_get_stats(g.k, &st);
	assert_true(st.pi_depth_limited >= 1);
	shutdown();
}

/* W: blocks on m1, held by L; it is killed there and must never get it. */
static void killed_waiter(struct uk_user *u, uint64_t arg)
{
	g.tid[1] = self(u);
	long rc = uk_sys_mutex_lock(u, (uint32_t)g.m1);
	see(100 + (unsigned)(rc == 0)); /* never reached: a killed thread does not return */
}

/* L holds m1; W (10) blocks on it and L inherits 10. L kills W: the boost
 * goes with it, and the mutex, released, is free, not handed to the dead. */
static void kills_its_waiter(struct uk_user *u, uint64_t arg)
{
	g.tid[0] = self(u);
	g.m1 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	long w = start(u, killed_waiter, 0, 10);
	see(eff_prio(g.k, g.tid[0])); /* [0] boosted by W */
	UCHECK(uk_sys_thread_kill(u, (uint32_t)w) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)w, 0) == 0);
	see(eff_prio(g.k, g.tid[0])); /* [1] its own again */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_trylock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	see(2); /* [2] done */
}

static void test_killed_waiter_gives_back_its_boost(void **state)
{
	struct uk_kernel_config cfg = config_with(1000000, true, 8);
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, kills_its_waiter, 0, 1, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nseen, 3);
	assert_int_equal(g.seen[0], 10);
	assert_int_equal(g.seen[1], 1);
	assert_int_equal(g.seen[2], 2);
	shutdown();
}

/* A waiter boosted while it waits moves up its mutex's queue. C (5) holds
 * m2 and waits on m1; B (10) waits on m1 ahead of it; H (20) then waits on
 * m2, so C runs at 20: when L releases m1, C gets it before B. */
static void order_b(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	g.order[g.norder++] = 'B';
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
}

static void order_c(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	g.order[g.norder++] = 'C';
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
}

static void order_h(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	g.order[g.norder++] = 'H';
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
}

static void order_l(struct uk_user *u, uint64_t arg)
{
	g.m1 = uk_sys_mutex_create(u);
	g.m2 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	start(u, order_c, 0, 5);  /* takes m2, waits on m1 */
	start(u, order_b, 0, 10); /* waits on m1, ahead of C */
	start(u, order_h, 0, 20); /* waits on m2: C now runs at 20 */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	g.order[g.norder++] = 'L';
}

static void test_boosted_waiter_moves_up_the_queue(void **state)
{
	struct uk_kernel_config cfg = config_with(1000000, true, 8);
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, &cfg);
	spawn_prog(g.k, order_l, 0, 1, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.norder, 4);
	assert_int_equal(g.order[0], 'C');
	assert_int_equal(g.order[1], 'H');
	assert_int_equal(g.order[2], 'B');
	assert_int_equal(g.order[3], 'L');
	shutdown();
}

static void test_no_boost_when_off(void **state)
{
	struct uk_kernel_stats st;
	run_chain(false, 8);
	assert_int_equal(g.seen[0], 1);
	assert_int_equal(g.seen[1], 5);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.pi_boosts, 0);
	shutdown();
}

/* Exact undo with two mutexes carrying different boosts. */
static void waiter(struct uk_user *u, uint64_t h)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)h) == 0);
}

static void holder_of_two(struct uk_user *u, uint64_t arg)
{
	uint64_t me = self(u);
	g.m1 = uk_sys_mutex_create(u);
	g.m2 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	start(u, waiter, (uint64_t)g.m1, 10);
	see(eff_prio(g.k, me));
	start(u, waiter, (uint64_t)g.m2, 20);
	see(eff_prio(g.k, me));
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
	see(eff_prio(g.k, me));
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 4) == 0);
	see(eff_prio(g.k, me)); /* a base change under a boost keeps the boost */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	see(eff_prio(g.k, me));
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == UK_EPERM);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == UK_EDEADLK);
	UCHECK(uk_sys_mutex_trylock(u, (uint32_t)g.m1) == UK_EDEADLK);
	see(99); /* [5] reached: relocking returned instead of blocking for ever */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 6) == 0); /* its own, no boost */
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 6) == 0); /* no change at all */
}

static void test_exact_undo_per_mutex(void **state)
{
	uint64_t traces;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	traces = mock_trace_count(UK_TRACE_CORE_PI_BOOST);
	spawn_prog(g.k, holder_of_two, 0, 1, 0);
	mock_run(g.k, 0);
	/* Counted as boosts: 1 -> 10 and 10 -> 20 only (not 20 -> 10, still
	 * above the base; not 4 -> 6, the base itself). Traced: every change
	 * (those, 20 -> 10, 10 -> 4 and 4 -> 6), none for an update that
	 * changes nothing (the base set under a boost, the same base again). */
	assert_int_equal(g.k->stats.pi_boosts, 2);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_PI_BOOST) - traces, 5);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_PI_BOOST, 1), 4);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_PI_BOOST, 2), 6);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nseen, 6);
	assert_int_equal(g.seen[5], 99);
	assert_int_equal(g.seen[0], 10);
	assert_int_equal(g.seen[1], 20);
	assert_int_equal(g.seen[2], 10); /* m2's boost gone, m1's stays */
	assert_int_equal(g.seen[3], 10);
	assert_int_equal(g.seen[4], 4);  /* nothing held: the new base */
	shutdown();
}

/* Two threads each holding the mutex the other wants: the second lock
 * that would close the cycle is refused (UK_EDEADLK) instead of blocking;
 * a trylock of a mutex someone else holds is UK_EBUSY. */
static void cross_b(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == 0);
	UCHECK(uk_sys_mutex_trylock(u, (uint32_t)g.m1) == UK_EBUSY);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0); /* waits for A */
	see(2);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m2) == 0);
}

static void cross_a(struct uk_user *u, uint64_t arg)
{
	g.m1 = uk_sys_mutex_create(u);
	g.m2 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	start(u, cross_b, 0, 9); /* takes m2, then waits for m1 */
	see(1);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m2) == UK_EDEADLK);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
}

static void test_two_thread_deadlock_refused(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, cross_a, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nseen, 2);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

/* The deadlock check follows a chain of owners for up to 256 steps: a
 * cycle through 256 threads is refused, one through 257 is not seen (the
 * caller then waits, as for any chain that long). The chain is built in
 * the kernel's own structures: 255 or 256 stand-in threads, each holding
 * mutex i and waiting on mutex i + 1, the last of which the caller holds;
 * the caller then locks mutex 0. */
#define CHAIN_MAX 257
static struct uk_thread chain_fakes[CHAIN_MAX];
static long chain_rc;

static long chain_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
		      const uint64_t args[6])
{
	unsigned n = (unsigned)args[0];
	struct mutex *m[CHAIN_MAX];

	for (unsigned i = 0; i < n; i++)
		m[i] = mutex_create(k);
	if (mutex_lock(k, m[n - 1], false) != 0) /* the caller holds the last */
		return -1000;
	for (unsigned i = 0; i + 1 < n; i++) {
		struct uk_thread *f = &chain_fakes[i];
		memset(f, 0, sizeof(*f));
		f->o.id = 100000 + i;
		f->state = TS_BLOCKED;
		f->base_prio = f->sn.prio = 1;
		f->held = m[i];
		m[i]->owner = f;
		f->blocked_on = m[i + 1];
		f->wait_kind = UK_WAIT_MUTEX;
		waitq_insert(&m[i + 1]->waiters, f);
	}
	chain_rc = 1; /* reached */
	long rc = mutex_lock(k, m[0], false);
	/* refused: take the stand-ins out again before the caller exits (and
	 * releases the mutex the last one waits on) */
	for (unsigned i = 0; i + 1 < n; i++)
		waitq_remove(&m[i + 1]->waiters, &chain_fakes[i]);
	return rc;
}

static void chain_caller(struct uk_user *u, uint64_t n)
{
	chain_rc = uk_syscall6(u, UK_SYS_EXT_FIRST, n, 0, 0, 0, 0, 0);
}

static void test_deadlock_check_bound(void **state)
{
	for (unsigned n = 256; n <= 257; n++) {
		g = (typeof(g)){ 0 };
		g.k = boot(1, 16 << 20, NULL);
		chain_rc = 0;
		uk_kernel_set_syscall_extension(g.k, chain_ext, NULL);
		spawn_prog(g.k, chain_caller, n, 5, 0);
		mock_run(g.k, 0);
		if (n == 256) {
			assert_int_equal(chain_rc, UK_EDEADLK);
			assert_int_equal(uk_kernel_describe_blocked(g.k, NULL, NULL), 0);
		} else {
			assert_int_equal(chain_rc, 1); /* it waits */
			assert_int_equal(uk_kernel_describe_blocked(g.k, NULL, NULL), 1);
		}
		shutdown();
	}
}

/* Waiters of equal priority queue on one mutex in arrival order, which
 * the checking build's pi_check (run at every lock) accepts. */
static void equal_waiters_holder(struct uk_user *u, uint64_t arg)
{
	g.m1 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	start(u, waiter, (uint64_t)g.m1, 10);
	start(u, waiter, (uint64_t)g.m1, 10);
	uk_sys_sleep(u, 1000); /* the second queues meanwhile */
	see(eff_prio(g.k, self(u)));
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
}

static void test_equal_waiters(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, equal_waiters_holder, 0, 1, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nseen, 1);
	assert_int_equal(g.seen[0], 10);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

/* pi_check stops a checking build (an abort in the mock) on each broken
 * invariant of a live thread: a held mutex naming another owner, a waiter
 * queue out of priority order or holding a thread blocked elsewhere, an
 * effective priority below the base or unequal to its definition. A sound
 * state passes. Each case in a child, on a holder with two waiters. */
enum pi_break { PI_SOUND, PI_OWNER, PI_ORDER, PI_BLOCKED_ON, PI_BELOW_BASE, PI_NOT_DEFINED };
static enum pi_break pi_case;

static void broken_holder(struct uk_user *u, uint64_t arg)
{
	struct uk_thread *me = u->t, *w;
	g.m1 = uk_sys_mutex_create(u);
	g.m2 = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	start(u, waiter, (uint64_t)g.m1, 10);
	start(u, waiter, (uint64_t)g.m1, 8);
	uk_sys_sleep(u, 1000); /* the second (below our boost) queues meanwhile */
	w = me->held->waiters.first;
	UCHECK(w && w->wq_next && !w->wq_next->wq_next);
	kernel_lock(g.k);
	switch (pi_case) {
	case PI_SOUND: break;
	case PI_OWNER: me->held->owner = w; break;
	case PI_ORDER: w->sn.prio = 7; break; /* now below the one after it */
	case PI_BLOCKED_ON: w->blocked_on = (struct mutex *)g.k; break;
	case PI_BELOW_BASE: me->sn.prio = 0; break;
	case PI_NOT_DEFINED: me->sn.prio = 9; break; /* its definition: 10 */
	}
	pi_check(g.k);
	_exit(0);
}

static int pi_check_in_child(enum pi_break c)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		pi_case = c;
		g = (typeof(g)){ 0 };
		g.k = boot(1, 8 << 20, NULL);
		spawn_prog(g.k, broken_holder, 0, 1, 0);
		mock_run(g.k, 0);
		_exit(3); /* never: the holder ends the child */
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

/* A checking build runs pi_check when a thread queues on a mutex and when
 * a mutex is released: a priority broken in between (here a bystander's,
 * set below its base) stops the machine there. The bystander waits on a
 * futex; the holder waits on one at the end, so no later check runs. */
static int pi_point;
static void bystander(struct uk_user *u, uint64_t arg)
{
	g.tid[3] = (uint64_t)(uintptr_t)u->t;
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x300000, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0 ||
	       true);
	uk_sys_futex_wait(u, 0x300000, 0);
}

static void checked_holder(struct uk_user *u, uint64_t arg)
{
	g.m1 = uk_sys_mutex_create(u);
	start(u, bystander, 0, 3); /* waits at once */
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.m1) == 0);
	if (pi_point)
		((struct uk_thread *)(uintptr_t)g.tid[3])->sn.prio = 0; /* below its base, 3 */
	if (pi_point == 1)
		start(u, waiter, (uint64_t)g.m1, 10); /* queues on m1 */
	else if (pi_point == 2)
		UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.m1) == 0);
	uk_sys_futex_wait(u, 0x300000, 0);
}

static int pi_point_in_child(int point)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		pi_point = point;
		g = (typeof(g)){ 0 };
		g.k = boot(1, 8 << 20, NULL);
		spawn_prog(g.k, checked_holder, 0, 1, 0);
		mock_run(g.k, 0);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static void test_pi_check_finds_broken_invariants(void **state)
{
	assert_int_equal(pi_point_in_child(0), 0);
	assert_int_equal(pi_point_in_child(1), SIGABRT);
	assert_int_equal(pi_point_in_child(2), SIGABRT);
	assert_int_equal(pi_check_in_child(PI_SOUND), 0);
	assert_int_equal(pi_check_in_child(PI_OWNER), SIGABRT);
	assert_int_equal(pi_check_in_child(PI_ORDER), SIGABRT);
	assert_int_equal(pi_check_in_child(PI_BLOCKED_ON), SIGABRT);
	assert_int_equal(pi_check_in_child(PI_BELOW_BASE), SIGABRT);
	assert_int_equal(pi_check_in_child(PI_NOT_DEFINED), SIGABRT);
}

/* ---- the priority-inversion sweep ---- */

static void inv_high(struct uk_user *u, uint64_t m)
{
	uint64_t me = self(u);
	struct uk_thread_info info;
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)m) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)m) == 0);
	uk_kernel_thread_info(g.k, me, &info);
	g.high_blocked = info.blocked_ns_max;
}

static void inv_medium(struct uk_user *u, uint64_t arg)
{
	mock_spin((uint64_t)g.medium_work_us * 1000);
}

static void inv_low(struct uk_user *u, uint64_t arg)
{
	long m = uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)m) == 0);
	start(u, inv_high, (uint64_t)m, 10);  /* preempts us and blocks on m */
	for (unsigned i = 0; i < g.nmedium; i++)
		start(u, inv_medium, 0, 5);  /* medium load on the same CPU */
	mock_spin(50000);                       /* the critical section: 50 us */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)m) == 0);
}

static uint64_t inversion_run(bool pi, unsigned nmedium)
{
	struct uk_kernel_config cfg = config_with(100000, pi, 8);
	uint64_t blocked;

	g = (typeof(g)){ 0 };
	g.k = boot(1, 16 << 20, &cfg);
	g.nmedium = nmedium;
	g.medium_work_us = 300;
	spawn_prog(g.k, inv_low, 0, 1, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	blocked = g.high_blocked;
	shutdown();
	return blocked;
}

static void test_priority_inversion_sweep(void **state)
{
	static const unsigned loads[] = { 1, 2, 4, 8, 16 };
	uint64_t on[5], off[5];

	for (unsigned i = 0; i < 5; i++) {
		on[i] = inversion_run(true, loads[i]);
		off[i] = inversion_run(false, loads[i]);
		fprintf(stderr, "medium threads %2u: high blocked %8llu ns with PI, %8llu ns without\n",
			loads[i], (unsigned long long)on[i], (unsigned long long)off[i]);
	}
	for (unsigned i = 0; i < 5; i++) {
		/* bounded: the critical section plus a little kernel overhead per
		 * medium thread started, independent of their 300 us of work */
		assert_true(on[i] >= 50000);
		assert_true(on[i] < 50000 + 20000);
		assert_true(on[i] - on[0] < 5000);
	}
	for (unsigned i = 1; i < 5; i++) {
		assert_true(off[i] > off[i - 1] + 250000 * (loads[i] - loads[i - 1]));
		assert_true(off[i] > on[i] * 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitive_boost_and_undo),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_no_boost_when_off),
		cmocka_unit_test(test_killed_waiter_gives_back_its_boost),
		cmocka_unit_test(test_boosted_waiter_moves_up_the_queue),
		cmocka_unit_test(test_exact_undo_per_mutex),
		cmocka_unit_test(test_equal_waiters),
		cmocka_unit_test(test_two_thread_deadlock_refused),
		cmocka_unit_test(test_deadlock_check_bound),
		cmocka_unit_test(test_pi_check_finds_broken_invariants),
		cmocka_unit_test(test_priority_inversion_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
