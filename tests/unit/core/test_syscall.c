/* SPDX-License-Identifier: MIT */
/* Syscall argument validation, and 100,000 random syscalls with random
 * arguments from several user threads (fixed seeds): the kernel never
 * crashes or trips a check, and every rejected call returns one of the
 * errors documented for it in ukern/syscall.h. */
#include <string.h>

#include "harness.h"

#include <ukern/ipc.h>
#include <ukern/irq_sys.h>

#define TOTAL_CALLS 100000u
#define THREADS_PER_PROCESS 4
#define E(x) (1u << (unsigned)(-(x)))

/* Errors each call may return (documented in ukern/syscall.h). */
static const uint32_t allowed[UK_SYS_COUNT] = {
	[UK_SYS_NULL] = 0,
	[UK_SYS_YIELD] = 0,
	[UK_SYS_THREAD_CREATE] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOMEM) | E(UK_ESRCH),
	[UK_SYS_THREAD_START] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EBUSY),
	[UK_SYS_THREAD_EXIT] = 0,
	[UK_SYS_THREAD_KILL] = E(UK_EBADH) | E(UK_EPERM) | E(UK_ESRCH),
	[UK_SYS_THREAD_WAIT] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EDEADLK) | E(UK_EFAULT) | E(UK_EINVAL),
	[UK_SYS_THREAD_SET_PRIO] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ESRCH),
	[UK_SYS_THREAD_SET_AFFINITY] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ESRCH),
	[UK_SYS_THREAD_SET_FAULT_HANDLER] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL),
	[UK_SYS_HANDLE_DUP] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOMEM),
	[UK_SYS_HANDLE_CLOSE] = E(UK_EBADH),
	[UK_SYS_HANDLE_RIGHTS] = E(UK_EBADH),
	[UK_SYS_MUTEX_CREATE] = E(UK_ENOMEM),
	[UK_SYS_MUTEX_LOCK] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EDEADLK),
	[UK_SYS_MUTEX_TRYLOCK] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EBUSY) | E(UK_EDEADLK),
	[UK_SYS_MUTEX_UNLOCK] = E(UK_EBADH) | E(UK_EPERM),
	[UK_SYS_FUTEX_WAIT] = E(UK_EINVAL) | E(UK_EFAULT) | E(UK_EAGAIN),
	[UK_SYS_FUTEX_WAKE] = E(UK_EINVAL) | E(UK_EFAULT),
	[UK_SYS_VM_MAP] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_EEXIST) |
			  E(UK_ENOMEM) | E(UK_ESRCH),
	[UK_SYS_VM_UNMAP] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_ENOENT) |
			    E(UK_ESRCH),
	[UK_SYS_VM_PROTECT] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_ENOENT) |
			      E(UK_ESRCH),
	[UK_SYS_NOPREEMPT_BEGIN] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EBUSY),
	[UK_SYS_NOPREEMPT_END] = E(UK_EINVAL) | E(UK_EOVERRUN),
	[UK_SYS_CLOCK] = 0,
	[UK_SYS_THREAD_ID] = 0,
	[UK_SYS_DEVMEM_MAP] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_EEXIST) |
			      E(UK_ENOMEM),
	[UK_SYS_DEVMEM_INFO] = E(UK_EBADH),
	[UK_SYS_PCI_CFG_READ] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOENT),
	[UK_SYS_PCI_CFG_WRITE] = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOENT),
};

/* Errors of the IRQ object calls (ukern/irq_sys.h); 45..47 are unused. */
static uint32_t irq_allowed(unsigned nr)
{
	switch (nr) {
	case UK_SYS_IRQ_ATTACH: return E(UK_EINVAL) | E(UK_ENOENT) | E(UK_EBUSY) | E(UK_ENOMEM);
	case UK_SYS_IRQ_WAIT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFUTURE) | E(UK_EINVAL);
	case UK_SYS_IRQ_ACK:
	case UK_SYS_IRQ_NAK:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFUTURE) | E(UK_ESTALE) | E(UK_EALREADY) |
		       E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_KICK: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	case UK_SYS_IRQ_CONFIGURE: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EBUSY);
	case UK_SYS_DEV_READ:
	case UK_SYS_DEV_WRITE:
		return E(UK_EPERM); /* retired: physical addresses are nobody's to touch */
	case UK_SYS_IRQ_MODEL_CALL: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_PORT_CREATE: return E(UK_EINVAL) | E(UK_ENOMEM);
	case UK_SYS_IRQ_PORT_WAIT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFAULT);
	/* ...plus the line's model's own errors (the default model has none:
	 * ENOSYS, no port calls). */
	case UK_SYS_IRQ_PORT_BIND:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_PORT_UNBIND:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_ENOENT) | E(UK_ENOSYS);
	case UK_SYS_IRQ_SET_AFFINITY:
	case UK_SYS_IRQ_SET_WAKE: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	default: return E(UK_ENOSYS);
	}
}

/* Errors of the IPC calls: tests/include/ipc_errors.h. */
#include "ipc_errors.h"

static bool error_allowed(unsigned nr, long rc)
{
	if (rc >= 0)
		return true;
	if (nr >= UK_SYS_IRQ_FIRST && nr <= UK_SYS_IRQ_LAST)
		return rc >= UK_EKILLED && (irq_allowed(nr) & E(rc)) != 0;
	if (nr >= UK_SYS_IPC_FIRST && nr <= UK_SYS_IPC_LAST)
		return rc >= UK_EKILLED && (ipc_allowed(nr) & E(rc)) != 0;
	if (nr >= UK_SYS_COUNT)
		return rc == UK_ENOSYS;
	if (rc < UK_EKILLED)
		return false;
	return (allowed[nr] & E(rc)) != 0;
}

static struct {
	struct uk_kernel *k;
	unsigned calls, bad, worker_prog, idle_prog;
	unsigned per_nr[UK_SYS_COUNT + 1];
	unsigned errors_seen;
} g;

/* xorshift64*: the test's own generator, one stream per thread. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint64_t pick(uint64_t *s, const uint64_t *v, unsigned n)
{
	return v[rnd(s) % n];
}

static uint64_t rand_handle(uint64_t *s, const uint64_t *recent)
{
	static const uint64_t special[] = { 0, UK_HANDLE_PROCESS_SELF, UK_HANDLE_THREAD_INITIAL,
					    UK_HANDLE_NOPREEMPT, 0x1ff, 0xffffffff };
	switch (rnd(s) % 4) {
	case 0:
		return pick(s, special, 6);
	case 1:
		return rnd(s);
	default:
		return recent[rnd(s) % 8];
	}
}

static uint64_t rand_va(uint64_t *s)
{
	static const uint64_t v[] = { 0, 0x1000, UK_USER_END - 0x1000, UK_USER_END, ~0ull, 0x10000003 };
	if (rnd(s) % 4 == 0)
		return pick(s, v, 6);
	return 0x10000000 + (rnd(s) % 32) * UK_PAGE_SIZE + (rnd(s) % 8 == 0 ? rnd(s) % 4096 : 0);
}

static uint64_t rand_len(uint64_t *s)
{
	static const uint64_t v[] = { 0, 1, 0x1000, 0x2000, 0x8000, 0x1001, ~0ull & ~0xfffull,
				      UK_USER_END };
	return pick(s, v, 8);
}

static uint64_t rand_small(uint64_t *s)
{
	static const uint64_t v[] = { 0, 1, 2, 5, 255, 256, 1000, 0xffffffff, 0x100000000ull, ~0ull };
	return rnd(s) % 3 ? rnd(s) % 300 : pick(s, v, 10);
}

static void random_args(uint64_t *s, unsigned nr, uint64_t a[6], const uint64_t *recent)
{
	for (unsigned i = 0; i < 6; i++)
		a[i] = rnd(s) % 2 ? rand_small(s) : rand_handle(s, recent);
	switch (nr) {
	case UK_SYS_THREAD_CREATE:
		a[0] = rand_handle(s, recent);
		a[1] = rnd(s) % 3 == 0 ? rand_small(s) : (rnd(s) % 2 ? g.worker_prog : g.idle_prog);
		a[3] = rnd(s) % 10 == 0 ? rand_small(s) : rnd(s) % 12;
		a[4] = rnd(s) % 4 == 0 ? rnd(s) : 0;
		break;
	case UK_SYS_THREAD_EXIT:
		a[0] = rnd(s);
		break;
	case UK_SYS_THREAD_SET_FAULT_HANDLER:
		a[0] = rand_handle(s, recent);
		a[1] = rnd(s) % 2 ? g.idle_prog : rand_small(s);
		break;
	case UK_SYS_THREAD_WAIT:
		a[0] = rand_handle(s, recent);
		a[1] = rnd(s) % 2 ? 0 : rand_va(s);
		break;
	case UK_SYS_HANDLE_DUP:
		a[0] = rand_handle(s, recent);
		a[1] = rnd(s) % 4 ? rnd(s) % 256 : rnd(s);
		break;
	case UK_SYS_FUTEX_WAIT:
	case UK_SYS_FUTEX_WAKE:
		a[0] = rand_va(s);
		a[1] = rnd(s) % 2 ? rnd(s) % 3 : rand_small(s);
		break;
	case UK_SYS_VM_MAP:
	case UK_SYS_VM_UNMAP:
	case UK_SYS_VM_PROTECT:
		a[0] = rnd(s) % 4 ? UK_HANDLE_PROCESS_SELF : rand_handle(s, recent);
		a[1] = rand_va(s);
		a[2] = rand_len(s);
		a[3] = rnd(s) % 4 ? rnd(s) % 8 : rand_small(s);
		a[4] = rnd(s) % 3 ? rnd(s) % 2 : rand_small(s);
		break;
	case UK_SYS_NOPREEMPT_BEGIN:
		a[0] = rnd(s) % 2 ? UK_HANDLE_NOPREEMPT : rand_handle(s, recent);
		a[1] = rnd(s) % 2 ? rnd(s) % 200000 : rand_small(s);
		break;
	default:
		break;
	}
}

static void idle_prog(struct uk_user *u, uint64_t arg)
{
}

/* Each thread makes random calls until the global budget is spent. Calls
 * that end the caller (exit, killing itself) are part of the mix. */
static void worker(struct uk_user *u, uint64_t seed)
{
	uint64_t s = seed | 1, recent[8] = { 0 };
	unsigned nrecent = 0;

	for (int i = 0; i < THREADS_PER_PROCESS - 1 && seed >> 63 == 0; i++) {
		long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, g.worker_prog,
					      (seed * 31 + (uint64_t)i) | (1ull << 63), rnd(&s) % 8, 0);
		if (h > 0) {
			recent[nrecent++ % 8] = (uint64_t)h;
			uk_sys_thread_start(u, (uint32_t)h);
		}
	}
	while (g.calls < TOTAL_CALLS) {
		uint64_t a[6];
		unsigned nr = rnd(&s) % 20 == 0 ? (unsigned)rand_small(&s) : (unsigned)(rnd(&s) % UK_SYS_COUNT);
		long rc;
		if (nr == UK_SYS_THREAD_EXIT && rnd(&s) % 8)
			nr = UK_SYS_NULL; /* keep threads alive long enough to matter */
		random_args(&s, nr, a, recent);
		g.calls++;
		g.per_nr[nr < UK_SYS_COUNT ? nr : UK_SYS_COUNT]++;
		rc = uk_syscall(u, nr, a);
		if (rc < 0)
			g.errors_seen++;
		if (!error_allowed(nr, rc)) {
			fprintf(stderr, "syscall %u returned undocumented %ld (%s)\n", nr, rc, uk_err_name((int)rc));
			g.bad++;
		}
		if (rc > 0 && rc < 0x1000000 && (nr == UK_SYS_MUTEX_CREATE || nr == UK_SYS_HANDLE_DUP ||
						 nr == UK_SYS_THREAD_CREATE))
			recent[nrecent++ % 8] = (uint64_t)rc;
		if (rnd(&s) % 16 == 0)
			mock_spin(rnd(&s) % 50000); /* user work: slices end, sections overrun */
	}
}

static void run_random(uint64_t seed, unsigned ncpus)
{
	struct uk_kernel_config cfg = config_with(20000, seed % 2 == 0, 4);
	uint64_t s = seed;
	unsigned rounds = 0;

	g = (typeof(g)){ 0 };
	g.k = boot(ncpus, 64 << 20, &cfg);
	g.worker_prog = (unsigned)uk_kernel_register_program(g.k, "worker", worker);
	g.idle_prog = (unsigned)uk_kernel_register_program(g.k, "idle", idle_prog);
	/* New processes keep coming until the budget is spent: threads that
	 * exit, get killed or deadlock (a legal outcome) are replaced. */
	while (g.calls < TOTAL_CALLS) {
		struct uk_spawn sp = { .program = g.worker_prog, .arg = rnd(&s) >> 1, .prio = 4,
				       .max_prio = 10, .flags = rounds % 2 ? UK_SPAWN_NOPREEMPT : 0,
				       .name = "worker" };
		uint64_t tid;
		if (uk_kernel_spawn(g.k, &sp, &tid) < 0)
			break;
		for (unsigned c = 0; c < ncpus; c++)
			mock_run(g.k, c);
		rounds++;
		assert_true(rounds < 20000);
	}
	fprintf(stderr, "seed %llu: %u calls in %u rounds, %u errors, %u undocumented\n",
		(unsigned long long)seed, g.calls, rounds, g.errors_seen, g.bad);
	assert_true(g.calls >= TOTAL_CALLS);
	assert_int_equal(g.bad, 0);
	assert_int_equal(harness_failures, 0);
	for (unsigned nr = 0; nr < UK_SYS_COUNT; nr++)
		assert_true(g.per_nr[nr] > 0); /* every call was exercised */
	sched_check(g.k);
	pi_check(g.k);
	shutdown();
}

static void test_random_syscalls_seed1(void **state) { run_random(1, 1); }
static void test_random_syscalls_seed2(void **state) { run_random(0x5eed2, 1); }
static void test_random_syscalls_two_cpus(void **state) { run_random(77, 2); }

/* ---- argument validation, one call at a time ---- */

static struct {
	int done;
} v;

static void validate(struct uk_user *u, uint64_t arg)
{
	const uint64_t none[6] = { 0 };
	struct uk_kernel_stats *st = &g.k->stats;
	uint64_t calls = st->syscalls, errors = st->syscall_errors, t0 = mock_now(0);

	/* Each call is counted and costs UK_COST_SYSCALL (100 ns in the mock);
	 * only the negative results count as errors. */
	UCHECK(uk_syscall(u, UK_SYS_NULL, none) == 0);
	UCHECK(mock_now(0) - t0 == 100);
	UCHECK(st->syscalls == calls + 1 && st->syscall_errors == errors);
	UCHECK(uk_sys_thread_id(u) > 0);
	UCHECK(st->syscalls == calls + 2 && st->syscall_errors == errors);
	UCHECK(uk_sys_handle_close(u, 0) == UK_EBADH);
	UCHECK(st->syscalls == calls + 3 && st->syscall_errors == errors + 1);
	UCHECK(uk_syscall(u, UK_SYS_NULL, NULL) == 0);
	UCHECK(uk_syscall(u, UK_SYS_COUNT, none) == UK_ENOSYS);
	UCHECK(uk_syscall(u, ~0u, none) == UK_ENOSYS);
	UCHECK(uk_sys_yield(u) == 0); /* alone: nothing to yield to */
	UCHECK(uk_sys_clock(u) > 0);
	UCHECK(uk_sys_thread_id(u) > 0);
	/* handles out of every range */
	UCHECK(uk_sys_handle_close(u, 0) == UK_EBADH);
	UCHECK(uk_syscall6(u, UK_SYS_HANDLE_CLOSE, ~0ull, 0, 0, 0, 0, 0) == UK_EBADH);
	UCHECK(uk_syscall6(u, UK_SYS_MUTEX_LOCK, 1ull << 40, 0, 0, 0, 0, 0) == UK_EBADH);
	/* values too wide for their field */
	UCHECK(uk_syscall6(u, UK_SYS_THREAD_CREATE, UK_HANDLE_PROCESS_SELF, 1ull << 32, 0, 1, 0, 0) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_THREAD_SET_PRIO, UK_HANDLE_THREAD_INITIAL, 1ull << 32, 0, 0, 0, 0) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_FUTEX_WAIT, 0x10000000, 1ull << 32, 0, 0, 0, 0) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_VM_MAP, UK_HANDLE_PROCESS_SELF, 0x10000000, 4096, 1ull << 32 | 1, 0, 0) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_VM_MAP, UK_HANDLE_PROCESS_SELF, 0x10000000, 4096, 1, 1ull << 32, 0) == UK_EINVAL);
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 11) == UK_EINVAL); /* above process max */
	/* user pointers */
	UCHECK(uk_sys_thread_wait(u, UK_HANDLE_THREAD_INITIAL, UK_USER_END) == UK_EFAULT);
	UCHECK(uk_sys_thread_wait(u, UK_HANDLE_THREAD_INITIAL, 0) == UK_EDEADLK);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x10000000, 4096, UK_PROT_READ, 0) == 0);
	UCHECK(uk_sys_futex_wait(u, 0x10000000 + 4096, 0) == UK_EFAULT);
	/* 32-bit protections and flags: UINT32_MAX fits (the range is then
	 * checked first); a wider protection is refused */
	UCHECK(uk_syscall6(u, UK_SYS_VM_MAP, UK_HANDLE_PROCESS_SELF, 0, 4096, UINT32_MAX, 0, 0) == UK_ERANGE);
	UCHECK(uk_syscall6(u, UK_SYS_VM_MAP, UK_HANDLE_PROCESS_SELF, 0, 4096, UK_PROT_READ, UINT32_MAX, 0) ==
	       UK_ERANGE);
	UCHECK(uk_syscall6(u, UK_SYS_VM_PROTECT, UK_HANDLE_PROCESS_SELF, 0, 4096, UINT32_MAX, 0, 0) == UK_ERANGE);
	UCHECK(uk_syscall6(u, UK_SYS_VM_PROTECT, UK_HANDLE_PROCESS_SELF, 0x10000000, 4096,
			   (1ull << 32) | UK_PROT_READ, 0, 0) == UK_EINVAL);
	/* protect and unmap change exactly the range named */
	uk_paddr_t root = u->t->proc->vs.root;
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x20000000, 2 * 4096, UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_sys_vm_protect(u, UK_HANDLE_PROCESS_SELF, 0x20000000, 4096, UK_PROT_READ) == 0);
	UCHECK((mock_pte(root, 0x20000000) & UK_PTE_W) == 0);
	UCHECK((mock_pte(root, 0x20001000) & UK_PTE_W) != 0);
	UCHECK(uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, 0x20000000, 4096) == 0);
	UCHECK(mock_pte(root, 0x20000000) == 0);
	UCHECK(mock_pte(root, 0x20001000) != 0);
	v.done = 1;
}

static void test_validation(void **state)
{
	struct uk_spawn sp = { .prio = 4, .max_prio = 10 };
	uint64_t tid;

	v.done = 0;
	g.k = boot(1, 8 << 20, NULL);
	sp.program = (unsigned)uk_kernel_register_program(g.k, "validate", validate);
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), 0);
	sp.prio = 11;
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), UK_EINVAL);
	sp.program = 99;
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), UK_EINVAL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(v.done, 1);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_random_syscalls_seed1),
		cmocka_unit_test(test_random_syscalls_seed2),
		cmocka_unit_test(test_random_syscalls_two_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
