/* SPDX-License-Identifier: MIT */
/* Futex wait/wake on simulated user memory. */
#include "harness.h"

#define WORD 0x300000ull

static struct {
	struct uk_kernel *k;
	char log[64];
	unsigned n;
	long rc[8];
} g;

static void logc(char c) { g.log[g.n++] = c; }

static void sleeper(struct uk_user *u, uint64_t c)
{
	logc((char)c);
	UCHECK(uk_sys_futex_wait(u, WORD, 0) == 0);
	logc((char)(c - 32)); /* upper case: woken */
}

static void futex_main(struct uk_user *u, uint64_t arg)
{
	uint32_t one = 1;
	unsigned p = (unsigned)uk_kernel_register_program(g.k, "sleeper", sleeper);
	long a, b, c;

	/* demand-zero word: reading it fills the page */
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, WORD, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY) == 0);
	UCHECK(uk_sys_futex_wait(u, WORD, 5) == UK_EAGAIN);
	UCHECK(uk_sys_futex_wait(u, WORD + 2, 0) == UK_EINVAL);
	UCHECK(uk_sys_futex_wait(u, WORD + UK_PAGE_SIZE, 0) == UK_EFAULT);
	UCHECK(uk_sys_futex_wait(u, UK_USER_END, 0) == UK_EFAULT);
	UCHECK(uk_sys_futex_wait(u, 0, 0) == UK_EFAULT);
	UCHECK(uk_sys_futex_wake(u, WORD, 0) == UK_EINVAL);
	UCHECK(uk_sys_futex_wake(u, WORD + 1, 1) == UK_EINVAL);
	UCHECK(uk_sys_futex_wake(u, UK_USER_END, 1) == UK_EFAULT);
	UCHECK(uk_sys_futex_wake(u, UK_USER_END - 4, 1) == 0);
	UCHECK(uk_sys_futex_wake(u, WORD, 10) == 0);
	/* the 32-bit values: UINT32_MAX is one, anything wider is refused */
	UCHECK(uk_sys_futex_wait(u, WORD, UINT32_MAX) == UK_EAGAIN);
	UCHECK(uk_sys_futex_wake(u, WORD, UINT32_MAX) == 0);
	UCHECK(uk_syscall6(u, UK_SYS_FUTEX_WAKE, WORD, (1ull << 32) + 1, 0, 0, 0, 0) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_FUTEX_WAIT, WORD, 1ull << 32, 0, 0, 0, 0) == UK_EINVAL);
	/* three sleepers at different priorities (above ours: they run and block) */
	a = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'a', 6, 0);
	b = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'b', 8, 0);
	c = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'c', 7, 0);
	uk_sys_thread_start(u, (uint32_t)a);
	uk_sys_thread_start(u, (uint32_t)b);
	uk_sys_thread_start(u, (uint32_t)c);
	UCHECK(uk_user_write(u, WORD, &one, 4) == 0);
	g.rc[0] = uk_sys_futex_wake(u, WORD, 1); /* the most urgent: b */
	g.rc[1] = uk_sys_futex_wake(u, WORD, 10);
	g.rc[2] = uk_sys_futex_wake(u, WORD, 10);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)a, 0) == 0);
	/* equal priorities wake in the order they waited */
	a = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'x', 7, 0);
	b = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'y', 7, 0);
	c = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, 'z', 7, 0);
	one = 0;
	UCHECK(uk_user_write(u, WORD, &one, 4) == 0);
	uk_sys_thread_start(u, (uint32_t)a);
	uk_sys_thread_start(u, (uint32_t)b);
	uk_sys_thread_start(u, (uint32_t)c);
	UCHECK(uk_sys_futex_wake(u, WORD, 1) == 1);
	UCHECK(uk_sys_futex_wake(u, WORD, 1) == 1);
	UCHECK(uk_sys_futex_wake(u, WORD, 1) == 1);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)c, 0) == 0);
}

static void test_wait_wake(void **state)
{
	struct uk_kernel_stats st;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, futex_main, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_string_equal(g.log, "abcBCAxyzXYZ");
	assert_int_equal(g.rc[0], 1);
	assert_int_equal(g.rc[1], 2);
	assert_int_equal(g.rc[2], 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.futex_waits, 6);
	assert_int_equal(st.futex_wakes, 6);
	assert_int_equal(st.demand_zero_fills, 1);
	shutdown();
}

/* Futex keys are per process: a wake in another process does not match. */
static void other_process_waker(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, WORD, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	g.rc[3] = uk_sys_futex_wake(u, WORD, 10);
}

static void lone_sleeper(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, WORD, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	uk_sys_futex_wait(u, WORD, 0);
	logc('!');
}

static void test_keys_are_per_process(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, lone_sleeper, 0, 5, 0);
	spawn_prog(g.k, other_process_waker, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.rc[3], 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(uk_kernel_describe_blocked(g.k, NULL, NULL), 1);
	shutdown();
}

/* Keys sharing a bucket: a wake matches the whole key (process and
 * address), never a waiter of another address that hashes alike. The
 * bucket function is futex.c's; the test checks its copy against where
 * the waiters actually sit. */
static unsigned bucket_of(uint64_t space, uint64_t uaddr)
{
	uint64_t h = (uaddr >> 2) ^ (space * 0x9e3779b97f4a7c15ull);
	return (unsigned)((h ^ (h >> 29)) % FUTEX_BUCKETS);
}

static void addr_sleeper(struct uk_user *u, uint64_t addr)
{
	logc(addr == WORD ? 'a' : 'b');
	UCHECK(uk_sys_futex_wait(u, addr, 0) == 0);
	logc(addr == WORD ? 'A' : 'B');
}

static void bucket_main(struct uk_user *u, uint64_t arg)
{
	unsigned p = (unsigned)uk_kernel_register_program(g.k, "sleeper", addr_sleeper);
	uint64_t space = u->t->proc->o.id, other = 0;
	unsigned bucket = bucket_of(space, WORD), found = 0;
	long a, b;

	for (uint64_t x = WORD + 4; x < WORD + UK_PAGE_SIZE && !other; x += 4)
		if (bucket_of(space, x) == bucket)
			other = x;
	UCHECK(other != 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, WORD, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	/* b, the more urgent, queues first in the shared bucket */
	a = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, WORD, 6, 0);
	b = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, p, other, 8, 0);
	uk_sys_thread_start(u, (uint32_t)a);
	uk_sys_thread_start(u, (uint32_t)b);
	for (struct uk_thread *t = g.k->futex[bucket].first; t; t = t->wq_next)
		found += t->futex_uaddr == WORD || t->futex_uaddr == other;
	UCHECK(found == 2);
	g.rc[0] = uk_sys_futex_wake(u, WORD, 1);
	g.rc[1] = uk_sys_futex_wake(u, other, 1);
	/* The lowest user address is a valid futex word too. */
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, UK_USER_BASE, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	g.rc[2] = uk_sys_futex_wake(u, UK_USER_BASE, 1);
	g.rc[3] = uk_sys_futex_wait(u, UK_USER_BASE, 1);
}

static void test_shared_bucket_matches_the_key(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, bucket_main, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_string_equal(g.log, "abAB");
	assert_int_equal(g.rc[0], 1);
	assert_int_equal(g.rc[1], 1);
	assert_int_equal(g.rc[2], 0);
	assert_int_equal(g.rc[3], UK_EAGAIN);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

/* Blocked time is measured on each CPU's own clock: a thread woken from
 * a CPU whose clock is behind the one it blocked on waited 0 ns, never a
 * wrapped or made-up amount; the block itself is traced as (thread,
 * kind, object). */
static void cpu0_waiter(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, WORD, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	g.rc[0] = (long)u->t->o.id;
	g.rc[1] = uk_sys_futex_wait(u, WORD, 0);
}

static void cpu1_waker(struct uk_user *u, uint64_t arg)
{
	g.rc[2] = uk_sys_futex_wake(u, WORD, 1);
}

static void test_blocked_time_across_clocks(void **state)
{
	struct uk_thread_info info;
	uint64_t tid;
	int waiter, waker;

	g = (typeof(g)){ 0 };
	g.k = boot(2, 8 << 20, NULL);
	waiter = uk_kernel_register_program(g.k, "waiter", cpu0_waiter);
	waker = uk_kernel_register_program(g.k, "waker", cpu1_waker);
	struct uk_spawn sp = { .program = (unsigned)waiter, .prio = 5, .max_prio = 10, .affinity = 1 };
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), 0);
	mock_set_now(0, 1000000000); /* CPU 0's clock far ahead */
	mock_run(g.k, 0);            /* it blocks there */
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_BLOCK, 0), tid);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_BLOCK, 1), UK_WAIT_FUTEX);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_BLOCK, 2), WORD);
	uint64_t blocks = mock_trace_count(UK_TRACE_CORE_BLOCK);
	struct process *p = process_of_tid(g.k, tid);
	struct uk_thread *t;
	assert_non_null(p);
	/* the waker: a thread of the waiter's process (the same futex key),
	 * on CPU 1 */
	kernel_lock(g.k);
	assert_int_equal(thread_create(g.k, p, (unsigned)waker, 0, 5, 2, &t), 0);
	assert_int_equal(thread_start(g.k, t, UK_CPU_NONE), 0);
	kobj_put(g.k, &t->o);
	kernel_unlock(g.k);
	mock_run(g.k, 1); /* wakes it, its clock far behind */
	assert_int_equal(g.rc[2], 1);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_BLOCK), blocks);
	assert_int_equal(uk_kernel_thread_info(g.k, tid, &info), 0);
	assert_int_equal(info.blocked_count, 1);
	assert_int_equal(info.blocked_ns_total, 0);
	assert_int_equal(info.blocked_ns_max, 0);
	mock_run(g.k, 0);
	assert_int_equal(g.rc[1], 0);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_wake),
		cmocka_unit_test(test_keys_are_per_process),
		cmocka_unit_test(test_shared_bucket_matches_the_key),
		cmocka_unit_test(test_blocked_time_across_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
