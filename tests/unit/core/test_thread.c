/* SPDX-License-Identifier: MIT */
/* Threads: create, start, exit, wait, kill, faults, describe_blocked. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include <ukern/ipc.h>

static struct {
	struct uk_kernel *k;
	int steps;
	long rc[16];
	uint64_t fault_info;
	int handler_calls;
	int after_fault;
} g;

static void child_exit_7(struct uk_user *u, uint64_t arg)
{
	g.steps++;
	uk_sys_thread_exit(u, 7);
}

static void child_returns(struct uk_user *u, uint64_t arg)
{
	g.steps++;
}

static void child_blocks_forever(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x200000, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0 ||
	       true);
	uk_sys_futex_wait(u, 0x200000, 0);
	g.after_fault = 99; /* never: it is killed while waiting */
}

static unsigned prog(struct uk_kernel *k, uk_user_entry_fn fn)
{
	return (unsigned)uk_kernel_register_program(k, "child", fn);
}

static void parent(struct uk_user *u, uint64_t arg)
{
	struct uk_kernel *k = g.k;
	int32_t code = 0;
	long h;

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x100000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	/* exit code through wait */
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_exit_7), 0, 10, 0);
	UCHECK(h > 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == UK_EBUSY);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0x100000) == 0);
	UCHECK(uk_user_read(u, 0x100000, &code, 4) == 0);
	UCHECK(code == 7);
	UCHECK(uk_sys_thread_kill(u, (uint32_t)h) == UK_ESRCH);
	UCHECK(uk_sys_thread_set_prio(u, (uint32_t)h, 3) == UK_ESRCH);
	UCHECK(uk_sys_thread_set_affinity(u, (uint32_t)h, 1) == UK_ESRCH);
	UCHECK(uk_sys_handle_close(u, (uint32_t)h) == 0);
	/* the lowest user address takes the exit code too */
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, UK_USER_BASE, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_exit_7), 0, 10, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, UK_USER_BASE) == 0);
	UCHECK(uk_user_read(u, UK_USER_BASE, &code, 4) == 0 && code == 7);
	UCHECK(uk_sys_handle_close(u, (uint32_t)h) == 0);
	/* the highest priority there is (the process's maximum is 255) */
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, UK_PRIO_MAX) == 0);
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 5) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_returns), 0, UK_PRIO_MAX, 0);
	UCHECK(h > 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0); /* runs at once, and exits */
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0) == 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)h) == 0);
	/* returning from the entry exits with 0 */
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_returns), 0, 1, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0x100000) == 0);
	UCHECK(uk_user_read(u, 0x100000, &code, 4) == 0 && code == 0);
	/* killing a thread that never started */
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_returns), 0, 1, 0);
	UCHECK(uk_sys_thread_kill(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0x100000) == 0);
	UCHECK(uk_user_read(u, 0x100000, &code, 4) == 0 && code == UK_EKILLED);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == UK_EBUSY);
	/* killing a blocked thread */
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(k, child_blocks_forever), 0, 20, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0); /* runs now and blocks */
	UCHECK(uk_kernel_describe_blocked(k, NULL, NULL) == 1);
	UCHECK(uk_sys_thread_kill(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0x100000) == 0);
	UCHECK(uk_user_read(u, 0x100000, &code, 4) == 0 && code == UK_EKILLED);
	UCHECK(g.after_fault == 0);
	/* bad arguments */
	UCHECK(uk_sys_thread_wait(u, UK_HANDLE_THREAD_INITIAL, 0) == UK_EDEADLK);
	UCHECK(uk_sys_thread_wait(u, UK_HANDLE_PROCESS_SELF, 0) == UK_EBADH);
	UCHECK(uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 60, 0, 1, 0) == UK_EINVAL);
	UCHECK(uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, k->nprograms, 0, 1, 0) == UK_EINVAL);
	UCHECK(uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 0, 0, 256, 0) == UK_EINVAL);
	UCHECK(uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 0, 0, 1, 1ull << 40) == UK_EINVAL);
	UCHECK(uk_sys_thread_create(u, UK_HANDLE_THREAD_INITIAL, 0, 0, 1, 0) == UK_EBADH);
	UCHECK(uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL, 300) == UK_EINVAL);
	UCHECK(uk_sys_thread_set_affinity(u, UK_HANDLE_THREAD_INITIAL, 0) == UK_EINVAL);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, 1000) == UK_EINVAL);
	UCHECK(uk_syscall6(u, 999, 0, 0, 0, 0, 0, 0) == UK_ENOSYS);
	UCHECK(uk_syscall6(u, UK_SYS_EXT_FIRST, 0, 0, 0, 0, 0, 0) == UK_ENOSYS);
	UCHECK(uk_sys_thread_wait(u, UK_HANDLE_THREAD_INITIAL + 0x100, 0) == UK_EBADH);
	g.steps += 100;
}

static void test_lifecycle(void **state)
{
	struct uk_kernel_stats st;
	struct uk_thread_info info;
	uint64_t tid;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	tid = spawn_prog(g.k, parent, 0, 5, 0);
	mock_run(g.k, 0);
	/* exited, reaped and its last reference gone: the object is freed */
	assert_int_equal(uk_kernel_thread_info(g.k, tid, &info), UK_ENOENT);
	assert_int_equal(g.k->kalloc.kobjs, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.steps, 104);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.threads_created, 7);
	assert_int_equal(st.threads_exited, 7);
	/* everything was given back: processes, threads, tables */
	assert_int_equal(st.frames_free, g.k->frames.free);
	shutdown();
}

static void fault_handler(struct uk_user *u, uint64_t info)
{
	g.fault_info = info;
	g.handler_calls++;
}

static void faulter(struct uk_user *u, uint64_t arg)
{
	uint32_t v = 1;
	if (arg) {
		unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", fault_handler);
		UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	}
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x100000, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	UCHECK(uk_user_read(u, 0x100000, &v, 4) == 0 && v == 0);
	g.rc[0] = uk_user_write(u, 0x100004, &v, 4); /* read-only page */
	g.after_fault = 1;
}

static void test_fault_kills_without_handler(void **state)
{
	struct uk_kernel_stats st;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, faulter, 0, 5, 0);
	mock_run(g.k, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_fault, 0);
	assert_int_equal(st.user_faults_killed, 1);
	assert_int_equal(st.threads_killed, 1);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

static void test_fault_goes_to_handler(void **state)
{
	struct uk_kernel_stats st;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, faulter, 1, 5, 0);
	mock_run(g.k, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(harness_failures, 0);
	/* The handler did not repair the page: the access is tried once more
	 * after it ran, and that second fault is the caller's UK_EFAULT (no
	 * further retries, no second delivery). */
	assert_int_equal(st.page_faults, 2);
	assert_int_equal(st.user_faults_handled, 1);
	assert_int_equal(st.user_faults_killed, 0);
	assert_int_equal(g.after_fault, 1);
	assert_int_equal(g.handler_calls, 1);
	assert_int_equal(g.rc[0], UK_EFAULT);
	assert_int_equal(UK_FAULT_ADDR(g.fault_info), 0x100004);
	assert_int_equal(UK_FAULT_CODE(g.fault_info), UK_PF_U | UK_PF_W | UK_PF_P);
	/* traced: (thread, address, code), for each fault delivered or fatal */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_FAULT), 1);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_FAULT, 1), 0x100004);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_FAULT, 2), UK_PF_U | UK_PF_W | UK_PF_P);
	assert_int_equal(st.threads_killed, 0);
	shutdown();
}

/* A handler that repairs a fault lets the access go on, and a later fault
 * of the same access that the kernel resolves itself (a lazy page) is
 * retried, not turned into UK_EFAULT. */
static void mapping_handler(struct uk_user *u, uint64_t info)
{
	g.fault_info = info;
	g.handler_calls++;
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x200000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
}

static void repaired_faulter(struct uk_user *u, uint64_t arg)
{
	uint8_t buf[64], back[64];
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", mapping_handler);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	/* 0x200000 is not mapped yet; the page after it is demand-zero. */
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x201000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY) == 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i + 1);
	g.rc[0] = uk_user_write(u, 0x201000 - 32, buf, sizeof(buf));
	g.rc[1] = uk_user_read(u, 0x201000 - 32, back, sizeof(back));
	UCHECK(memcmp(buf, back, sizeof(buf)) == 0);
	/* Zero bytes touch nothing: success at any address, no fault taken. */
	g.rc[2] = uk_user_read(u, 0x7000000, back, 0);
	g.rc[3] = uk_user_write(u, 0x7000000, buf, 0);
	g.after_fault = 1;
}

static void test_repaired_fault_then_lazy_page(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, repaired_faulter, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.handler_calls, 1);
	assert_int_equal(UK_FAULT_ADDR(g.fault_info) & ~(uint64_t)(UK_PAGE_SIZE - 1), 0x200000);
	assert_int_equal(g.rc[0], 0);
	assert_int_equal(g.rc[1], 0);
	assert_int_equal(g.rc[2], 0);
	assert_int_equal(g.rc[3], 0);
	assert_int_equal(g.after_fault, 1);
	shutdown();
}

/* The retry budget of a user access: every page it touches may need a
 * demand-zero fill, and the one fault handler may rebuild the range.
 * Here 8 bytes across two pages take four faults: the first page's fill,
 * the unmapped second page (the handler maps both pages demand-zero
 * again), and a fill of each. All four are resolved, and the access works. */
#define RELAZY 0x600000ull
static void relazy_handler(struct uk_user *u, uint64_t info)
{
	unsigned rw = UK_PROT_READ | UK_PROT_WRITE;
	g.handler_calls++;
	g.fault_info = info;
	UCHECK(uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, RELAZY, UK_PAGE_SIZE) == 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, RELAZY, 2 * UK_PAGE_SIZE, rw, UK_VM_LAZY) == 0);
}

static void relazy_faulter(struct uk_user *u, uint64_t arg)
{
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8] = { 0 };
	unsigned fh = (unsigned)uk_kernel_register_program(g.k, "fh", relazy_handler);
	UCHECK(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, fh) == 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, RELAZY, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY) == 0);
	g.rc[0] = uk_user_write(u, RELAZY + UK_PAGE_SIZE - 4, buf, sizeof(buf));
	g.rc[1] = (long)g.k->stats.page_faults;
	g.rc[2] = uk_user_read(u, RELAZY + UK_PAGE_SIZE - 4, back, sizeof(back));
	UCHECK(memcmp(buf, back, sizeof(buf)) == 0);
}

static void test_access_retry_budget(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, relazy_faulter, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.handler_calls, 1);
	assert_int_equal(UK_FAULT_ADDR(g.fault_info), RELAZY + UK_PAGE_SIZE);
	assert_int_equal(g.rc[0], 0);
	assert_int_equal(g.rc[1], 4);
	assert_int_equal(g.rc[2], 0);
	shutdown();
}

static void lock_forever(struct uk_user *u, uint64_t h)
{
	uk_sys_mutex_lock(u, (uint32_t)h);
}

static void deadlocker(struct uk_user *u, uint64_t arg)
{
	long m = uk_sys_mutex_create(u);
	long h;
	UCHECK(m > 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)m) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				 (unsigned)uk_kernel_register_program(g.k, "w", lock_forever), (uint64_t)m, 9, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	uk_sys_thread_wait(u, (uint32_t)h, 0); /* never returns: deadlock */
}

static unsigned nblocked_mutex, nblocked_join;
static uint64_t mutex_waiter, mutex_owner, joiner_owner, join_object;
static void on_blocked(void *ctx, const struct uk_thread_info *t)
{
	if (t->wait_kind == UK_WAIT_MUTEX) {
		nblocked_mutex++;
		mutex_waiter = t->tid;
		mutex_owner = t->wait_owner;
	}
	if (t->wait_kind == UK_WAIT_JOIN) {
		nblocked_join++;
		joiner_owner = t->wait_owner;
		join_object = t->wait_object;
	}
	fprintf(stderr, "blocked: thread %llu (%s) waits kind %d on %llu owned by %llu\n",
		(unsigned long long)t->tid, t->name, t->wait_kind, (unsigned long long)t->wait_object,
		(unsigned long long)t->wait_owner);
}

static void test_describe_blocked_reports_deadlock(void **state)
{
	struct uk_thread_info info;
	uint64_t tid;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	tid = spawn_prog(g.k, deadlocker, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(uk_kernel_runnable_count(g.k), 0);
	assert_int_equal(uk_kernel_describe_blocked(g.k, on_blocked, NULL), 2);
	assert_int_equal(nblocked_mutex, 1);
	assert_int_equal(nblocked_join, 1);
	/* the mutex waiter waits for the joiner, which holds the mutex; the
	 * joiner waits for the thread it joins */
	assert_int_equal(mutex_owner, tid);
	assert_int_equal(join_object, mutex_waiter);
	assert_int_equal(joiner_owner, mutex_waiter);
	assert_int_equal(eff_prio(g.k, tid), 9); /* inherited from the blocked waiter */
	shutdown();
	/* A thread that waits for nothing: what does not apply reads as zero,
	 * whatever the caller's buffer held. */
	g.k = boot(1, 8 << 20, NULL);
	tid = spawn_prog(g.k, child_returns, 0, 5, 0);
	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(uk_kernel_thread_info(g.k, tid, &info), 0);
	assert_int_equal(info.state, UK_THREAD_READY);
	assert_int_equal(info.wait_kind, UK_WAIT_NONE);
	assert_int_equal(info.wait_owner, 0);
	assert_int_equal(info.blocked_count, 0);
	assert_false(info.killed);
	shutdown();
}

/* The hooks the IRQ and IPC glue will use: an extension syscall that
 * blocks on a uk_waitq, woken from the device interrupt hook. */
static struct uk_waitq ext_q;
static unsigned device_calls;

static long ext_syscall(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
			const uint64_t args[6])
{
	if (nr == UK_SYS_EXT_FIRST + 2)
		return device_calls; /* what the call sees when it runs */
	if (nr == UK_SYS_EXT_LAST)
		return 1234; /* the range's last number is the hook's too */
	if (nr != UK_SYS_EXT_FIRST)
		return UK_ENOSYS;
	return uk_waitq_block(k, u, &ext_q, args[0]);
}

static void device_irq(void *ctx, struct uk_kernel *k, unsigned vector)
{
	device_calls++;
	uk_waitq_wake(k, &ext_q, 1, (int)vector);
}

static void irq_waiter(struct uk_user *u, uint64_t arg)
{
	g.rc[0] = uk_syscall6(u, UK_SYS_EXT_FIRST, 42, 0, 0, 0, 0, 0);
	g.rc[1] = uk_syscall6(u, UK_SYS_EXT_FIRST + 1, 0, 0, 0, 0, 0, 0);
}

/* A syscall's entry is a decision point: an interrupt pending when user
 * code makes the call is taken before the call runs. */
static void early_irq(struct uk_user *u, uint64_t arg)
{
	mock_raise_device(0, 100);
	g.rc[4] = uk_syscall6(u, UK_SYS_EXT_FIRST + 2, 0, 0, 0, 0, 0, 0);
	g.rc[5] = device_calls;
	g.rc[9] = uk_syscall6(u, UK_SYS_EXT_LAST, 0, 0, 0, 0, 0, 0);
}

/* User accesses and work: a 1-byte access moves its byte; a zero-byte one
 * touches nothing and is no decision point; work is one (a step at a time,
 * however its length ends); and after an access's fault was resolved in
 * the kernel, interrupts are on again in user code. */
static void accesses_and_work(struct uk_user *u, uint64_t arg)
{
	uint8_t b = 0x5a;

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x500000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x501000, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY) == 0);
	UCHECK(uk_user_write(u, 0x500003, &b, 1) == 0);
	b = 0;
	UCHECK(uk_user_read(u, 0x500003, &b, 1) == 0 && b == 0x5a);
	mock_raise_device(0, 100);
	UCHECK(uk_user_read(u, 0x500000, &b, 0) == 0);
	g.rc[6] = device_calls;
	uint64_t points = mock_yield_points();
	uk_user_work(u, 2999);
	g.rc[7] = device_calls;
	/* a decision point per microsecond of work, the last part included */
	UCHECK(mock_yield_points() - points == 3);
	points = mock_yield_points();
	uk_user_work(u, 1000);
	UCHECK(mock_yield_points() - points == 1);
	/* and two per syscall: its entry and its exit */
	points = mock_yield_points();
	uk_sys_null(u);
	UCHECK(mock_yield_points() - points == 2);
	UCHECK(uk_user_read(u, 0x501000, &b, 1) == 0 && b == 0); /* a demand-zero fill */
	mock_raise_device(0, 101);
	uk_user_work(u, 1000);
	g.rc[8] = device_calls;
}

static void show_other(void *ctx, const struct uk_thread_info *t)
{
	g.rc[2] = t->wait_kind;
	g.rc[3] = (long)t->wait_object;
}

static void test_extension_hooks(void **state)
{
	struct uk_kernel_stats st;
	g = (typeof(g)){ 0 };
	ext_q = (struct uk_waitq){ 0 };
	device_calls = 0;
	g.k = boot(1, 8 << 20, NULL);
	uk_kernel_set_syscall_extension(g.k, ext_syscall, NULL);
	uk_kernel_set_device_irq_handler(g.k, device_irq, NULL);
	spawn_prog(g.k, irq_waiter, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(uk_kernel_describe_blocked(g.k, show_other, NULL), 1);
	assert_int_equal(g.rc[2], UK_WAIT_OTHER);
	assert_int_equal(g.rc[3], 42);
	mock_raise_device(0, 100);
	mock_run(g.k, 0);
	assert_int_equal(device_calls, 1);
	assert_int_equal(g.rc[0], 100);
	assert_int_equal(g.rc[1], UK_ENOSYS);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	/* without a hook a device vector is counted as spurious */
	uk_kernel_set_device_irq_handler(g.k, NULL, NULL);
	mock_raise_device(0, 101);
	mock_run(g.k, 0);
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.device_irqs, 1);
	assert_int_equal(st.spurious_irqs, 1);
	uk_kernel_set_device_irq_handler(g.k, device_irq, NULL);
	device_calls = 0;
	spawn_prog(g.k, early_irq, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(g.rc[4], 1);
	assert_int_equal(g.rc[5], 1);
	assert_int_equal(g.rc[9], 1234);
	device_calls = 0;
	spawn_prog(g.k, accesses_and_work, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.rc[6], 0);
	assert_int_equal(g.rc[7], 1);
	assert_int_equal(g.rc[8], 2);
	shutdown();
}

/* A syscall's result written to user memory across two demand-zero pages:
 * the kernel's copy fills each page on its fault and retries. */
static void wait_into_lazy_pages(struct uk_user *u, uint64_t arg)
{
	int32_t code = 0;
	long h;

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x300000, 2 * UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(g.k, child_exit_7), 0, 10, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	g.rc[0] = uk_sys_thread_wait(u, (uint32_t)h, 0x301000 - 2);
	g.rc[1] = (long)g.k->stats.demand_zero_fills;
	g.rc[2] = (long)g.k->stats.page_faults;
	UCHECK(uk_user_read(u, 0x301000 - 2, &code, 4) == 0);
	g.rc[3] = code;
}

static void test_syscall_result_across_lazy_pages(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, wait_into_lazy_pages, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.rc[0], 0);
	assert_int_equal(g.rc[1], 2);
	assert_int_equal(g.rc[2], 2);
	assert_int_equal(g.rc[3], 7);
	shutdown();
}

/* A thread that dies holding a mutex hands it to its first waiter; its
 * exit is traced as (thread, code, killed). */
static uint32_t held_m;
static void holds_and_exits(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, held_m) == 0);
	g.steps++;
	uk_sys_sleep(u, 10000); /* the waiter queues on the mutex meanwhile */
	uk_sys_thread_exit(u, 3);
}

static void waits_for_it(struct uk_user *u, uint64_t arg)
{
	g.steps += 10;
	g.rc[0] = uk_sys_mutex_lock(u, held_m);
	UCHECK(g.k->stats.threads_exited >= 1);
	UCHECK(mock_trace_arg(UK_TRACE_CORE_EXIT, 1) == 3); /* the holder's exit */
	UCHECK(mock_trace_arg(UK_TRACE_CORE_EXIT, 2) == 0); /* not killed */
	g.rc[1] = uk_sys_mutex_unlock(u, held_m);
}

static void mutex_orphaner(struct uk_user *u, uint64_t arg)
{
	long a, b;
	held_m = (uint32_t)uk_sys_mutex_create(u);
	a = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(g.k, holds_and_exits), 0, 9, 0);
	b = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(g.k, waits_for_it), 0, 9, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)a) == 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)b) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)a, 0) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)b, 0) == 0);
}

static void test_dying_holder_hands_the_mutex_on(void **state)
{
	uint64_t exits;
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	exits = mock_trace_count(UK_TRACE_CORE_EXIT);
	spawn_prog(g.k, mutex_orphaner, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.steps, 11);
	assert_int_equal(g.rc[0], 0);
	assert_int_equal(g.rc[1], 0);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_EXIT), exits + 3);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

/* A caller blocked in an IPC call waits for its server: the server is its
 * wait owner in the deadlock report. */
static uint32_t call_ep;
static uint64_t server_tid, caller_owner;
static void stuck_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = { 0 };
	server_tid = (uint64_t)uk_sys_thread_id(u);
	UCHECK(uk_recv(u, call_ep, &m, reply) == 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x300000, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	uk_sys_futex_wait(u, 0x300000, 0); /* never replies */
}

static void caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = { .words = 1 };
	long h;
	call_ep = (uint32_t)uk_ep_create(u, 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(g.k, stuck_server), 0, 9, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	uk_call(u, call_ep, &m);
}

static void on_blocked_call(void *ctx, const struct uk_thread_info *t)
{
	if (t->tid != server_tid)
		caller_owner = t->wait_owner;
}

static void test_blocked_caller_names_its_server(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, caller, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(uk_kernel_describe_blocked(g.k, on_blocked_call, NULL), 2);
	assert_int_equal(caller_owner, server_tid);
	shutdown();
}

/* uk_waitq_wake wakes at most `max` waiters, the most urgent first. */
static void ext_waiter(struct uk_user *u, uint64_t arg)
{
	g.rc[arg] = uk_syscall6(u, UK_SYS_EXT_FIRST, 42, 0, 0, 0, 0, 0);
}

static void test_waitq_wake_max(void **state)
{
	unsigned prog;
	g = (typeof(g)){ 0 };
	ext_q = (struct uk_waitq){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	uk_kernel_set_syscall_extension(g.k, ext_syscall, NULL);
	prog = (unsigned)uk_kernel_register_program(g.k, "w", ext_waiter);
	for (unsigned i = 0; i < 3; i++) {
		struct uk_spawn sp = { .program = prog, .arg = i, .prio = 5 + i, .max_prio = 10 };
		uint64_t tid;
		g.rc[i] = 1;
		assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), 0);
	}
	mock_run(g.k, 0);
	assert_int_equal(uk_kernel_describe_blocked(g.k, NULL, NULL), 3);
	kernel_lock(g.k);
	assert_int_equal(uk_waitq_wake(g.k, &ext_q, 1, 7), 1);
	kernel_unlock(g.k);
	mock_raise_device(0, 100); /* the halted CPU looks at its queue again */
	mock_run(g.k, 0);
	assert_int_equal(g.rc[2], 7); /* the most urgent */
	assert_int_equal(g.rc[1], 1);
	assert_int_equal(uk_kernel_describe_blocked(g.k, NULL, NULL), 2);
	kernel_lock(g.k);
	assert_int_equal(uk_waitq_wake(g.k, &ext_q, 0, 7), 0);
	assert_int_equal(uk_waitq_wake(g.k, &ext_q, 5, 8), 2);
	kernel_unlock(g.k);
	mock_raise_device(0, 100);
	mock_run(g.k, 0);
	assert_int_equal(g.rc[0], 8);
	assert_int_equal(g.rc[1], 8);
	shutdown();
}

/* A thread that kills itself exits at once, in the call: no IPI. */
static void kills_itself(struct uk_user *u, uint64_t arg)
{
	uk_sys_thread_kill(u, UK_HANDLE_THREAD_INITIAL);
	g.after_fault = 5; /* never */
}

static void test_self_kill(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, kills_itself, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(g.after_fault, 0);
	assert_int_equal(g.k->stats.threads_killed, 1);
	assert_int_equal(g.k->stats.ipis_sent, 0);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

/* A thread placed on another CPU and killed before it ever ran exits there
 * without running its program. */
static void never_runs(struct uk_user *u, uint64_t arg)
{
	g.after_fault = 77;
}

static void remote_killer(struct uk_user *u, uint64_t arg)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, prog(g.k, never_runs), 0, 9, 0x2);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0); /* queued on CPU 1, IPI sent */
	UCHECK(uk_sys_thread_kill(u, (uint32_t)h) == 0);
	g.rc[0] = uk_sys_thread_wait(u, (uint32_t)h, 0);
}

static void test_kill_ready_on_other_cpu(void **state)
{
	g = (typeof(g)){ 0 };
	g.k = boot(2, 8 << 20, NULL);
	spawn_prog(g.k, remote_killer, 0, 5, 0);
	mock_run(g.k, 1);           /* CPU 1 boots and halts: nothing for it yet */
	mock_clear_logs();
	mock_run(g.k, 0);           /* CPU 0 runs the killer until it waits */
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(mock_ipi(0)->to, 1);
	mock_run(g.k, 1);           /* CPU 1 takes the IPI; the thread exits at once */
	mock_run(g.k, 0);           /* the joiner finishes */
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.after_fault, 0);
	assert_int_equal(g.rc[0], 0);
	assert_int_equal(uk_kernel_live_count(g.k), 0);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_fault_kills_without_handler),
		cmocka_unit_test(test_fault_goes_to_handler),
		cmocka_unit_test(test_repaired_fault_then_lazy_page),
		cmocka_unit_test(test_access_retry_budget),
		cmocka_unit_test(test_describe_blocked_reports_deadlock),
		cmocka_unit_test(test_extension_hooks),
		cmocka_unit_test(test_kill_ready_on_other_cpu),
		cmocka_unit_test(test_syscall_result_across_lazy_pages),
		cmocka_unit_test(test_dying_holder_hands_the_mutex_on),
		cmocka_unit_test(test_self_kill),
		cmocka_unit_test(test_waitq_wake_max),
		cmocka_unit_test(test_blocked_caller_names_its_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
