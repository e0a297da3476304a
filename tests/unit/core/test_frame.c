/* SPDX-License-Identifier: MIT */
/* Frame allocator and kernel object allocator. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include <ukern/devmem.h>
#include <ukern/ipc.h>
#include <ukern/irq_sys.h>

static void test_frame_exhaustion_and_reuse(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uint64_t free0 = k->frames.free, n = 0;
	uk_paddr_t *got = calloc(free0 + 1, sizeof(*got));
	uk_paddr_t pa;

	assert_true(free0 > 100);
	assert_int_equal(k->stats.frames_free, free0);
	while (frame_alloc(k, &pa) == 0) {
		uint8_t *p = frame_ptr(k, pa);
		assert_int_equal(pa & (UK_PAGE_SIZE - 1), 0);
		for (unsigned i = 0; i < UK_PAGE_SIZE; i++)
			assert_int_equal(p[i], 0); /* handed out zeroed */
		memset(p, 0xa5, UK_PAGE_SIZE);
		for (uint64_t j = 0; j < n; j++)
			assert_true(got[j] != pa);
		got[n++] = pa;
	}
	assert_int_equal(n, free0);
	assert_int_equal(frame_alloc(k, &pa), UK_ENOMEM);
	assert_int_equal(k->stats.frames_free, 0);
	for (uint64_t j = 0; j < n; j++)
		frame_free(k, got[j]);
	assert_int_equal(k->frames.free, free0);
	/* Reused frames come back zeroed too. */
	assert_int_equal(frame_alloc(k, &pa), 0);
	assert_int_equal(((uint8_t *)frame_ptr(k, pa))[100], 0);
	free(got);
	shutdown();
}

/* The allocator keeps at most FRAME_MAX_REGIONS regions: the RAM of
 * regions past them is left out, and every frame it does hand out lies in
 * a kept region. */
static void test_more_regions_than_kept(void **state)
{
	struct uk_kernel *k;
	uint64_t ram = 4 << 20, chunk = ram / (FRAME_MAX_REGIONS + 4), n = 0;
	uk_paddr_t pa, end;
	uint64_t free0;

	mock_create(1, ram);
	mock_set_regions(FRAME_MAX_REGIONS + 4);
	k = mock_boot(NULL);
	assert_int_equal(k->frames.nregions, FRAME_MAX_REGIONS);
	end = k->frames.region[FRAME_MAX_REGIONS - 1].base +
	      (k->frames.region[FRAME_MAX_REGIONS - 1].pages << UK_PAGE_SHIFT);
	assert_int_equal(end, MOCK_RAM_BASE + FRAME_MAX_REGIONS * (chunk & ~(uint64_t)(UK_PAGE_SIZE - 1)));
	free0 = k->frames.free;
	uk_paddr_t *got = calloc(free0, sizeof(*got));
	while (frame_alloc(k, &pa) == 0) {
		assert_true(pa >= MOCK_RAM_BASE && pa < end);
		got[n++] = pa;
	}
	assert_int_equal(n, free0);
	/* each of them is the allocator's to take back, a region's first
	 * page (its base) included */
	for (uint64_t i = 0; i < n; i++)
		frame_free(k, got[i]);
	assert_int_equal(k->frames.free, free0);
	free(got);
	shutdown();
}

/* Regions as the platform reports them: the kernel instance takes the
 * first one big enough (here all of region 0, which then gives no frame),
 * a region of one page gives its page, a smaller one nothing, and every
 * other region gives all of its pages, its first one included. */
static void test_region_edges(void **state)
{
	static uint64_t sizes[4];
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uint64_t kpages = k->frames.region[0].first;
	uk_paddr_t pa;
	uint64_t n;

	shutdown();
	sizes[0] = kpages * UK_PAGE_SIZE; /* exactly the instance */
	sizes[1] = UK_PAGE_SIZE;          /* one page */
	sizes[2] = UK_PAGE_SIZE / 2;      /* less than a page */
	sizes[3] = 64 * UK_PAGE_SIZE;
	mock_create(1, 1 << 20);
	mock_set_region_sizes(4, sizes);
	k = mock_boot(NULL);
	assert_int_equal(k->frames.nregions, 2);
	assert_int_equal(k->frames.region[0].base, MOCK_RAM_BASE + sizes[0]);
	assert_int_equal(k->frames.region[0].pages, 1);
	assert_int_equal(k->frames.region[0].first, 0);
	assert_int_equal(k->frames.region[1].first, 0);
	assert_int_equal(k->frames.total, 1 + 64);
	n = k->frames.free;
	while (frame_alloc(k, &pa) == 0) {
		assert_true(pa >= k->frames.region[0].base);
		n--;
	}
	assert_int_equal(n, 0);
	shutdown();
}

/* The free list's links live in freed frames: a link that is no frame the
 * allocator gave out (not page-aligned, or not in its RAM) means a freed
 * frame was written, and the allocator stops the machine. */
static int alloc_after_bad_link_in_child(uint64_t delta)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct uk_kernel *k = boot(1, 1 << 20, NULL);
		uk_paddr_t a, b, got;
		if (frame_alloc(k, &a) < 0 || frame_alloc(k, &b) < 0)
			_exit(2);
		frame_free(k, a);
		frame_free(k, b); /* b's first word links to a */
		*(uint64_t *)frame_ptr(k, b) = a + delta;
		frame_alloc(k, &got);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static void test_corrupt_free_list_is_fatal(void **state)
{
	assert_int_equal(alloc_after_bad_link_in_child(0), 0);             /* sound */
	assert_int_equal(alloc_after_bad_link_in_child(8), SIGABRT);       /* in RAM, misaligned */
	assert_int_equal(alloc_after_bad_link_in_child(1ull << 40), SIGABRT); /* aligned, not RAM */
}

/* The free count may reach the total: with every frame given back (here
 * even the ones boot took, just before the machine goes), no double free
 * is seen. */
static void test_every_frame_free(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	const struct frame_region *r = &k->frames.region[0];
	uint64_t taken = r->next - r->first;

	assert_int_equal(k->frames.nregions, 1);
	assert_int_equal(k->frames.total - k->frames.free, taken);
	for (uint64_t i = 0; i < taken; i++)
		frame_free(k, r->base + ((r->first + i) << UK_PAGE_SHIFT));
	assert_int_equal(k->frames.free, k->frames.total);
	shutdown();
}

static void test_kalloc_classes_and_exhaustion(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	void *a = kalloc(k, 1), *b = kalloc(k, 33), *c = kalloc(k, 4096);
	unsigned n = 0;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_null(kalloc(k, 4097));
	assert_null(kalloc(k, 0));
	memset(b, 1, 64);
	memset(c, 2, 4096);
	assert_int_equal(((uint8_t *)a)[0], 0);
	kfree(k, b, 33);
	kfree(k, NULL, 33); /* nothing */
	assert_ptr_equal(kalloc(k, 40), b); /* same class, LIFO */
	assert_non_null(kalloc(k, 64)); /* the class's free list is empty again */
	assert_ptr_not_equal(kalloc(k, 64), b);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(((uint8_t *)b)[i], 0); /* the whole object zeroed again */
	/* A slab page holds 4096 / size objects, the last one included. */
	for (uint64_t pages = k->kalloc.pages; k->kalloc.pages == pages;)
		assert_non_null(kalloc(k, 32));
	for (uint64_t pages = k->kalloc.pages; k->kalloc.pages == pages; n++)
		assert_non_null(kalloc(k, 32));
	/* the rest of the page (its first object came with the refill), then
	 * the next page's first: a page's worth */
	assert_int_equal(n, UK_PAGE_SIZE / 32);
	n = 0;
	while (kalloc(k, 4096))
		n++;
	assert_int_equal(k->frames.free, 0);
	assert_true(n > 100);
	/* Small classes run dry too once no frame is left. */
	while (kalloc(k, 32))
		;
	assert_null(kalloc(k, 32));
	shutdown();
}

static void test_create_fails_without_memory(void **state)
{
	struct uk_kernel *k = NULL;
	struct uk_kernel_config c;

	mock_create(2, 4 * UK_PAGE_SIZE); /* too small for the instance */
	assert_int_equal(uk_kernel_create(mock_machine(), NULL, &k), UK_ENOMEM);
	mock_destroy();
	mock_create(2, 1 << 20);
	uk_kernel_config_default(&c);
	c.pi_max_depth = 0;
	assert_int_equal(uk_kernel_create(mock_machine(), &c, &k), UK_EINVAL);
	mock_destroy();
}

static void idle_program(struct uk_user *u, uint64_t arg)
{
}

/* Objects of each size class the allocator can hand out without a new
 * page: its free list and what is left of the page being carved. */
static void kalloc_available(const struct uk_kernel *k, uint64_t out[KALLOC_CLASSES])
{
	for (int c = 0; c < KALLOC_CLASSES; c++) {
		size_t osize = (size_t)32 << c;
		uint64_t n = 0;
		for (void *const *o = k->kalloc.free[c]; o; o = *o)
			n++;
		if (k->kalloc.fresh[c])
			n += (UK_PAGE_SIZE - k->kalloc.fresh_off[c]) / osize;
		out[c] = n;
	}
}

/* A thread whose host context cannot be made is refused with UK_ENOMEM and
 * leaves nothing: no kernel object counted, its memory back in the
 * allocator (as many objects available per class as before, no new page). */
static void test_thread_create_failure_leaves_nothing(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct uk_thread *t = NULL;
	uint64_t before[KALLOC_CLASSES], after[KALLOC_CLASSES];
	assert_int_equal(process_create(k, 255, "p", &p), 0);
	unsigned prog = (unsigned)uk_kernel_register_program(k, "idle", idle_program);
	assert_int_equal(thread_create(k, p, prog, 0, 5, 0, &t), 0); /* the slab is there */
	uint64_t kobjs = k->kalloc.kobjs, pages = k->kalloc.pages;
	kalloc_available(k, before);
	mock_fail_thread_creates(1);
	assert_int_equal(thread_create(k, p, prog, 0, 5, 0, &t), UK_ENOMEM);
	assert_int_equal(k->kalloc.kobjs, kobjs);
	assert_int_equal(k->kalloc.pages, pages);
	kalloc_available(k, after);
	assert_memory_equal(before, after, sizeof(before));
	shutdown();
}

/* A spawn whose first thread cannot be made gives the process back: its
 * kernel object, the frames of its address space and its PCID. (It used to
 * keep them: the process's own handle in slot 0 held it, and no thread
 * would ever die to tear it down.) */
static void test_spawn_failure_leaves_nothing(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	unsigned prog = (unsigned)uk_kernel_register_program(k, "idle", idle_program);
	struct uk_spawn sp = {.program = prog, .prio = 5, .max_prio = 10, .name = "first"};
	uint64_t tid;
	assert_int_equal(uk_kernel_spawn(k, &sp, &tid), 0); /* slabs and the first PCID taken */
	uint64_t kobjs0 = k->kalloc.kobjs;
	mock_fail_thread_creates(1); /* a first failure may carve slab pages (a */
	assert_int_equal(uk_kernel_spawn(k, &sp, &tid), UK_ENOMEM); /* process is 3 KiB) */
	assert_int_equal(k->kalloc.kobjs, kobjs0);
	uint64_t kobjs = k->kalloc.kobjs, pages = k->kalloc.pages, frames = k->frames.free;
	uint64_t pcids[sizeof k->pcid_used / sizeof k->pcid_used[0]];
	memcpy(pcids, k->pcid_used, sizeof pcids);
	uint64_t before[KALLOC_CLASSES], after[KALLOC_CLASSES];
	kalloc_available(k, before);
	for (int i = 0; i < 3; i++) {
		mock_fail_thread_creates(1);
		assert_int_equal(uk_kernel_spawn(k, &sp, &tid), UK_ENOMEM);
		assert_int_equal(k->kalloc.kobjs, kobjs);
		assert_int_equal(k->kalloc.pages, pages);
		assert_int_equal(k->frames.free, frames);
		assert_memory_equal(k->pcid_used, pcids, sizeof pcids);
		kalloc_available(k, after);
		assert_memory_equal(before, after, sizeof(before));
	}
	shutdown();
}

static void test_kobj_refcount_frees(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct mutex *m = mutex_create(k);
	assert_non_null(m);
	assert_int_equal(m->o.type, KOBJ_MUTEX);
	assert_int_equal(m->o.refs, 1);
	kobj_get(&m->o);
	kobj_put(k, &m->o);
	assert_int_equal(m->o.refs, 1);
	kobj_put(k, &m->o);
	assert_ptr_equal(mutex_create(k), m); /* freed, and reused */
	shutdown();
}

/* A process's whole life gives every kernel object back to its size class:
 * its process and threads, a no-preemption capability, a mutex, IPC
 * objects and an IRQ port, each freed by its own type's code. After a
 * first run (which may carve fresh slab pages), a second identical one
 * takes no page and leaves as many objects available per class as before. */
static uint32_t contended;
static void contender(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, contended) == 0); /* waits for its holder */
	UCHECK(uk_sys_mutex_unlock(u, contended) == 0);
}

static void every_object_program(struct uk_user *u, uint64_t arg)
{
	long h;
	/* a mutex waited for (the waiter's reference on it comes back) */
	contended = (uint32_t)uk_sys_mutex_create(u);
	UCHECK(uk_sys_mutex_lock(u, contended) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				 (unsigned)uk_kernel_register_program(u->k, "c", contender), 0, 7, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0); /* runs and waits */
	UCHECK(uk_sys_mutex_unlock(u, contended) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0) == 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_handle_close(u, contended) == 0);
	UCHECK(uk_sys_mutex_create(u) > 0);
	UCHECK(uk_ep_create(u, 0) > 0);
	UCHECK(uk_reply_create(u) > 0);
	UCHECK(uk_ntfn_create(u) > 0);
	UCHECK(uk_syscall6(u, UK_SYS_IRQ_PORT_CREATE, 0, 0, 0, 0, 0, 0) > 0);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x400000, UK_PAGE_SIZE, UK_PROT_READ, 0) == 0);
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)arg, 0, 3, 0);
	UCHECK(h > 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)h, 0) == 0);
	/* a thread never started, its only handle closed: freed at once */
	h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)arg, 0, 3, 0);
	UCHECK(h > 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)h) == 0);
}

static void test_lifecycle_gives_every_object_back(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	int idle = uk_kernel_register_program(k, "idle", idle_program);
	int prog = uk_kernel_register_program(k, "every", every_object_program);
	struct uk_spawn sp = { .program = (unsigned)prog, .arg = (uint64_t)idle, .prio = 5,
			       .max_prio = 10, .flags = UK_SPAWN_NOPREEMPT, .name = "every" };
	uint64_t before[KALLOC_CLASSES], after[KALLOC_CLASSES], tid, pages, free0;

	for (int round = 0; round < 2; round++) {
		kalloc_available(k, before);
		pages = k->kalloc.pages;
		free0 = k->frames.free;
		assert_int_equal(uk_kernel_spawn(k, &sp, &tid), 0);
		/* device memory granted by the host: freed with the process too */
		assert_true(uk_kernel_devmem_create(k, tid, 0xd0000000ull, UK_PAGE_SIZE, UK_DEVMEM_NO_PCI,
						    UK_RIGHT_READ | UK_RIGHT_MAP) > 0);
		mock_run(k, 0);
		assert_int_equal(harness_failures, 0);
		assert_int_equal(uk_kernel_live_count(k), 0);
		assert_int_equal(k->kalloc.kobjs, 0);
	}
	kalloc_available(k, after);
	assert_int_equal(mock_live_contexts(), 0); /* every thread's host context too */
	assert_int_equal(k->kalloc.pages, pages);
	assert_int_equal(k->frames.free, free0);
	assert_memory_equal(before, after, sizeof(before));
	shutdown();
}

/* With no frame left for a process object, process_create says UK_ENOMEM
 * and counts no object. */
static void test_process_create_without_memory(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uint64_t kobjs = k->kalloc.kobjs;
	struct process *p = NULL;
	uk_paddr_t pa;

	while (frame_alloc(k, &pa) == 0)
		;
	assert_int_equal(process_create(k, 255, "p", &p), UK_ENOMEM);
	assert_null(p);
	assert_int_equal(k->kalloc.kobjs, kobjs);
	shutdown();
}

/* A mutex_create syscall with no memory left for the object: UK_ENOMEM. */
static long oom_rc;
static void mutex_oom_program(struct uk_user *u, uint64_t arg)
{
	oom_rc = uk_sys_mutex_create(u);
}

static void test_mutex_create_without_memory(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uk_paddr_t pa;

	oom_rc = 1;
	spawn_prog(k, mutex_oom_program, 0, 5, 0);
	while (frame_alloc(k, &pa) == 0)
		;
	while (kalloc(k, sizeof(struct mutex)))
		;
	mock_run(k, 0);
	assert_int_equal(oom_rc, UK_ENOMEM);
	assert_int_equal(uk_kernel_live_count(k), 0);
	shutdown();
}

/* thread_create with no memory left for the thread object: UK_ENOMEM and
 * nothing counted; on a process already torn down: UK_ESRCH. */
static void test_thread_create_refusals(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	int prog = uk_kernel_register_program(k, "idle", idle_program);
	uint64_t kobjs, tid, threads;
	struct uk_thread *t = NULL;
	struct process *p;
	uk_paddr_t pa;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	kobjs = k->kalloc.kobjs;
	threads = k->stats.threads_created;
	while (frame_alloc(k, &pa) == 0)
		;
	while (kalloc(k, sizeof(struct uk_thread)))
		;
	assert_int_equal(thread_create(k, p, (unsigned)prog, 0, 5, 0, &t), UK_ENOMEM);
	assert_null(t);
	assert_int_equal(k->kalloc.kobjs, kobjs);
	assert_int_equal(k->stats.threads_created, threads);
	shutdown();

	k = boot(1, 1 << 20, NULL);
	prog = uk_kernel_register_program(k, "idle", idle_program);
	struct uk_spawn sp = { .program = (unsigned)prog, .prio = 5, .max_prio = 10 };
	assert_int_equal(uk_kernel_spawn(k, &sp, &tid), 0);
	p = process_of_tid(k, tid);
	assert_non_null(p);
	kobj_get(&p->o); /* outlives its threads */
	mock_run(k, 0);
	assert_true(p->torn_down);
	threads = k->stats.threads_created;
	assert_int_equal(thread_create(k, p, (unsigned)prog, 0, 5, 0, &t), UK_ESRCH);
	assert_int_equal(k->stats.threads_created, threads);
	assert_int_equal(p->live_threads, 0);
	kobj_put(k, &p->o);
	shutdown();
}

/* Threads that exit one after another, each switching to a thread never
 * run before: every one is reaped (its host context destroyed, its object
 * freed), the last by the idle loop. */
static void test_exits_into_new_threads_are_reaped(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);

	for (int i = 0; i < 3; i++)
		spawn_prog(k, idle_program, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(uk_kernel_live_count(k), 0);
	assert_int_equal(mock_live_contexts(), 0);
	assert_int_equal(k->kalloc.kobjs, 0);
	assert_int_equal(k->reaps, 0);
	shutdown();
}

/* A process whose references all go before any thread lived (its own
 * handle closed, then the creator's reference dropped) is torn down on
 * the way out: its pages, page tables, handles and PCID come back. */
static void test_process_freed_unborn_is_torn_down(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct mutex *m = mutex_create(k);
	uint64_t free0 = k->frames.free, slabs0 = k->kalloc.pages, kobjs0 = k->kalloc.kobjs;
	uint64_t pcids[64];
	struct process *p;

	memcpy(pcids, k->pcid_used, sizeof(pcids));
	assert_int_equal(process_create(k, 255, "p", &p), 0);
	assert_int_equal(vm_map(k, &p->vs, 0x400000, 3 * UK_PAGE_SIZE, UK_PROT_READ, 0), 0);
	assert_true(cap_install(k, p, &m->o, UK_RIGHTS_ALL) > 0);
	assert_int_equal(m->o.refs, 2);
	assert_int_equal(cap_close(k, p, UK_HANDLE_PROCESS_SELF), 0);
	assert_int_equal(p->o.refs, 1);
	kobj_put(k, &p->o);
	assert_int_equal(m->o.refs, 1); /* its handles were closed */
	assert_int_equal(m->o.handles, 0);
	/* space, tables and root; not the slab page the process came from */
	assert_int_equal(k->frames.free, free0 - (k->kalloc.pages - slabs0));
	assert_memory_equal(k->pcid_used, pcids, sizeof(pcids));
	assert_int_equal(k->kalloc.kobjs, kobjs0);
	shutdown();
}

/* frame_free of a frame the allocator never handed out (past the region's
 * high-water mark, or below the kernel instance's first page) is a kernel
 * bug: the allocator stops the machine (uk_arch_fatal, an abort in the
 * mock) rather than put it on the free list. Each case runs in a child. */
static int free_in_child(uint64_t pa)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct uk_kernel *k = boot(1, 1 << 20, NULL);
		const struct frame_region *r = &k->frames.region[0];
		frame_free(k, pa ? pa : r->base + (r->next << UK_PAGE_SHIFT));
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static void test_free_of_a_frame_never_given_is_fatal(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	const struct frame_region *r = &k->frames.region[0];
	uk_paddr_t below = r->base + ((r->first - 1) << UK_PAGE_SHIFT);
	uk_paddr_t given;
	assert_int_equal(frame_alloc(k, &given), 0);
	frame_free(k, given); /* the normal case */
	shutdown();
	fflush(NULL);
	assert_int_equal(free_in_child(0), SIGABRT);     /* the high-water mark itself */
	assert_int_equal(free_in_child(below), SIGABRT); /* the kernel instance's pages */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_exhaustion_and_reuse),
		cmocka_unit_test(test_more_regions_than_kept),
		cmocka_unit_test(test_region_edges),
		cmocka_unit_test(test_every_frame_free),
		cmocka_unit_test(test_corrupt_free_list_is_fatal),
		cmocka_unit_test(test_kalloc_classes_and_exhaustion),
		cmocka_unit_test(test_create_fails_without_memory),
		cmocka_unit_test(test_thread_create_failure_leaves_nothing),
		cmocka_unit_test(test_spawn_failure_leaves_nothing),
		cmocka_unit_test(test_kobj_refcount_frees),
		cmocka_unit_test(test_process_freed_unborn_is_torn_down),
		cmocka_unit_test(test_process_create_without_memory),
		cmocka_unit_test(test_mutex_create_without_memory),
		cmocka_unit_test(test_thread_create_refusals),
		cmocka_unit_test(test_exits_into_new_threads_are_reaped),
		cmocka_unit_test(test_lifecycle_gives_every_object_back),
		cmocka_unit_test(test_free_of_a_frame_never_given_is_fatal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
