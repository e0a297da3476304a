/* SPDX-License-Identifier: MIT */
/* Capabilities: rights, duplicate with fewer rights, close, bad handles. */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void test_table_direct(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;
	struct kobj *o;
	int h, d;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	h = cap_install(k, p, &m->o, UK_RIGHT_WAIT | UK_RIGHT_SIGNAL | UK_RIGHT_GRANT);
	assert_true(h > 0);
	assert_int_equal(m->o.refs, 2);
	assert_int_equal(cap_lookup(p, (uint64_t)h, KOBJ_MUTEX, UK_RIGHT_WAIT, &o), 0);
	assert_ptr_equal(o, &m->o);
	assert_int_equal(cap_lookup(p, (uint64_t)h, KOBJ_MUTEX, UK_RIGHT_MAP, &o), UK_EPERM);
	assert_int_equal(cap_lookup(p, (uint64_t)h, KOBJ_THREAD, 0, &o), UK_EBADH);
	d = cap_dup(k, p, (uint64_t)h, UK_RIGHT_WAIT);
	assert_true(d > 0 && d != h);
	assert_int_equal(cap_rights(p, (uint64_t)d), UK_RIGHT_WAIT);
	assert_int_equal(cap_dup(k, p, (uint64_t)d, UK_RIGHT_WAIT), UK_EPERM); /* no GRANT */
	assert_int_equal(cap_dup(k, p, (uint64_t)h, UK_RIGHT_MAP), UK_EPERM);  /* more rights */
	/* a copy keeps the badge */
	cap_set_badge(p, (uint64_t)h, 0xbad9e);
	int c = cap_dup(k, p, (uint64_t)h, UK_RIGHT_WAIT);
	assert_true(c > 0);
	assert_int_equal(cap_badge(p, (uint64_t)c), 0xbad9e);
	assert_int_equal(cap_close(k, p, (uint64_t)c), 0);
	assert_int_equal(cap_dup(k, p, (uint64_t)h, 1u << 20), UK_EINVAL);
	assert_int_equal(m->o.refs, 3);
	assert_int_equal(cap_close(k, p, (uint64_t)d), 0);
	assert_int_equal(cap_close(k, p, (uint64_t)d), UK_EBADH);
	/* the slot is reused with a new generation: the old value stays dead,
	 * however often the slot is reused */
	for (int i = 0; i < 3; i++) {
		int old = d;
		d = cap_install(k, p, &m->o, UK_RIGHT_READ);
		assert_int_equal(d & 0xff, old & 0xff);
		assert_int_equal(d >> 8, (old >> 8) + 1);
		assert_int_equal(cap_rights(p, (uint64_t)d), UK_RIGHT_READ);
		assert_int_equal(cap_lookup(p, (uint64_t)old, KOBJ_NONE, 0, &o), UK_EBADH);
		if (i < 2)
			assert_int_equal(cap_close(k, p, (uint64_t)d), 0);
	}
	/* malformed values */
	assert_int_equal(cap_rights(p, 0), UK_EBADH);
	assert_int_equal(cap_rights(p, 0x1ff), UK_EBADH);
	assert_int_equal(cap_rights(p, ~0ull), UK_EBADH);
	assert_int_equal(cap_rights(p, 0x100000000ull | (uint64_t)h), UK_EBADH);
	/* a bad handle has no badge and takes none */
	assert_int_equal(cap_set_badge(p, 0x1ff, 7), UK_EBADH);
	assert_int_equal(cap_badge(p, 0x1ff), 0);
	assert_int_equal(cap_set_badge(p, (uint64_t)h, 7), 0);
	assert_int_equal(cap_badge(p, (uint64_t)h), 7);
	cap_check(k, p);
	shutdown();
}

static void test_table_full(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;
	int n = 0, h;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	while ((h = cap_install(k, p, &m->o, UK_RIGHTS_ALL)) > 0)
		n++;
	assert_int_equal(h, UK_ENOMEM);
	assert_int_equal(n, HANDLE_SLOTS - 1); /* slot 0 is the process itself */
	cap_close_all(k, p);
	assert_int_equal(m->o.refs, 1);
	/* slot 0, the process's own handle, too */
	assert_int_equal(cap_rights(p, UK_HANDLE_PROCESS_SELF), UK_EBADH);
	assert_int_equal(p->o.refs, 1);
	assert_int_equal(p->o.handles, 0);
	shutdown();
}

/* Where a slot is named explicitly (boot's initial handles), an occupied
 * slot or one past the table is refused and nothing changes. */
static void test_install_at_refuses(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;
	struct kobj *o;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	assert_int_equal(cap_install_at(k, p, 0, &m->o, UK_RIGHTS_ALL), UK_EEXIST);
	assert_int_equal(cap_lookup(p, UK_HANDLE_PROCESS_SELF, KOBJ_PROCESS, UK_RIGHTS_ALL, &o), 0);
	assert_ptr_equal(o, &p->o);
	assert_int_equal(cap_install_at(k, p, HANDLE_SLOTS, &m->o, UK_RIGHTS_ALL), UK_EEXIST);
	assert_int_equal(cap_install_at(k, p, HANDLE_SLOTS + 20, &m->o, UK_RIGHTS_ALL), UK_EEXIST);
	assert_int_equal(m->o.refs, 1);
	assert_int_equal(m->o.handles, 0);
	assert_int_equal(p->live_threads, 0); /* the fields after the table */
	assert_int_equal(p->max_prio, 255);
	assert_false(p->torn_down);
	/* The same where those fields are all zero (as a free slot would be). */
	assert_int_equal(process_create(k, 0, NULL, &p), 0);
	assert_int_equal(cap_install_at(k, p, HANDLE_SLOTS, &m->o, UK_RIGHTS_ALL), UK_EEXIST);
	assert_int_equal(m->o.refs, 1);
	assert_int_equal(p->live_threads, 0);
	assert_int_equal(p->max_prio, 0);
	assert_false(p->torn_down);
	assert_null(p->name);
	shutdown();
}

/* A handle value is 8 bits of slot: slots from HANDLE_SLOTS up are past
 * the table and name nothing, whatever the bytes there look like (here:
 * a live slot with every right, planted just past the table and further
 * on inside the process's own page-sized object). */
static void test_slot_past_the_table(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;
	struct kobj *o = NULL;
	unsigned slots[] = { HANDLE_SLOTS, HANDLE_SLOTS + 20 };

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	assert_true(sizeof(*p) > 2048); /* kalloc's 4096-byte class: the page is p's */
	for (unsigned i = 0; i < 2; i++) {
		size_t off = offsetof(struct process, handles) + slots[i] * sizeof(struct handle_slot);
		struct handle_slot fake = { .obj = &m->o, .rights = UK_RIGHTS_ALL, .gen = 1 }, save;
		char *at = (char *)p + off;
		uint64_t h = (1u << 8) | slots[i];

		assert_true(off + sizeof(fake) <= 4096);
		memcpy(&save, at, sizeof(save));
		memcpy(at, &fake, sizeof(fake));
		assert_int_equal(cap_rights(p, h), UK_EBADH);
		assert_int_equal(cap_lookup(p, h, KOBJ_NONE, 0, &o), UK_EBADH);
		assert_int_equal(cap_dup(k, p, h, UK_RIGHT_WAIT), UK_EBADH);
		assert_int_equal(cap_set_badge(p, h, 5), UK_EBADH);
		assert_int_equal(cap_close(k, p, h), UK_EBADH);
		memcpy(at, &save, sizeof(save));
	}
	assert_null(o);
	assert_int_equal(m->o.refs, 1);
	shutdown();
}

/* Generations run 1..0xffff and wrap to 1: the last one is a valid
 * handle, and a wrap never makes generation 0 (which no handle has). */
static void test_generation_wraps(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;
	int h;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	for (;;) {
		h = cap_install(k, p, &m->o, UK_RIGHT_WAIT);
		assert_int_equal(h & 0xff, 1);
		if ((h >> 8) == 0xffff)
			break;
		assert_int_equal(cap_close(k, p, (uint64_t)h), 0);
	}
	assert_int_equal(cap_rights(p, (uint64_t)h), UK_RIGHT_WAIT);
	assert_int_equal(cap_close(k, p, (uint64_t)h), 0);
	assert_int_equal(cap_rights(p, (uint64_t)h), UK_EBADH);
	h = cap_install(k, p, &m->o, UK_RIGHT_SIGNAL);
	assert_int_equal(h, (1 << 8) | 1);
	assert_int_equal(cap_rights(p, (uint64_t)h), UK_RIGHT_SIGNAL);
	assert_int_equal(cap_rights(p, 1), UK_EBADH); /* generation 0 */
	assert_int_equal(m->o.refs, 2);
	shutdown();
}

/* Slot 0 holds the process's own handle, but it is a slot like any other:
 * once closed, the next handle goes there (the lowest free slot). */
static void test_closed_slot_0_is_reused(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p;
	struct mutex *m;

	assert_int_equal(process_create(k, 255, "p", &p), 0);
	m = mutex_create(k);
	assert_int_equal(cap_close(k, p, UK_HANDLE_PROCESS_SELF), 0);
	assert_int_equal(p->o.refs, 1);
	assert_int_equal(cap_install(k, p, &m->o, UK_RIGHT_WAIT), 2 << 8);
	assert_int_equal(cap_rights(p, UK_HANDLE_PROCESS_SELF), UK_EBADH);
	assert_int_equal(cap_install(k, p, &m->o, UK_RIGHT_WAIT), (1 << 8) | 1);
	shutdown();
}

/* A checking build's cap_check stops the machine (uk_arch_fatal: an abort
 * in the mock) on a corrupt used slot, each kind of corruption on its own,
 * in any slot (0 included); a sound table passes. Each case in a child. */
enum corruption { SOUND, GEN0, NO_REFS, TYPE_NONE, TYPE_PAST_LAST, BAD_RIGHTS, SLOT0_BAD_RIGHTS,
		  TYPE_LAST };

static int check_in_child(enum corruption c)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct uk_kernel *k = boot(1, 4 << 20, NULL);
		struct process *p;
		struct mutex *m;
		if (process_create(k, 255, "p", &p) < 0 || !(m = mutex_create(k)) ||
		    cap_install(k, p, &m->o, UK_RIGHT_WAIT) != ((1 << 8) | 1))
			_exit(2);
		switch (c) {
		case SOUND: break;
		case GEN0: p->handles[1].gen = 0; break;
		case NO_REFS: m->o.refs = 0; break;
		case TYPE_NONE: m->o.type = KOBJ_NONE; break;
		case TYPE_PAST_LAST: m->o.type = KOBJ_LAST + 1; break;
		case BAD_RIGHTS: p->handles[1].rights |= 1u << 31; break;
		case SLOT0_BAD_RIGHTS: p->handles[0].rights |= 1u << 31; break;
		case TYPE_LAST: m->o.type = KOBJ_LAST; break;
		}
		cap_check(k, p);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

/* ...and a checking build runs that check at the end of every syscall:
 * a slot corrupted in between stops the machine at the next call. */
static void corrupts_then_calls(struct uk_user *u, uint64_t arg)
{
	long m = uk_sys_mutex_create(u);
	if (arg)
		u->t->proc->handles[m & 0xff].gen = 0;
	uk_sys_null(u);
	_exit(0);
}

static int syscall_check_in_child(bool corrupt)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct uk_kernel *k = boot(1, 4 << 20, NULL);
		spawn_prog(k, corrupts_then_calls, corrupt, 5, 0);
		mock_run(k, 0);
		_exit(2);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static void test_check_finds_corrupt_slots(void **state)
{
	assert_int_equal(syscall_check_in_child(false), 0);
	assert_int_equal(syscall_check_in_child(true), SIGABRT);
	assert_int_equal(check_in_child(SOUND), 0);
	assert_int_equal(check_in_child(TYPE_LAST), 0);
	assert_int_equal(check_in_child(GEN0), SIGABRT);
	assert_int_equal(check_in_child(NO_REFS), SIGABRT);
	assert_int_equal(check_in_child(TYPE_NONE), SIGABRT);
	assert_int_equal(check_in_child(TYPE_PAST_LAST), SIGABRT);
	assert_int_equal(check_in_child(BAD_RIGHTS), SIGABRT);
	assert_int_equal(check_in_child(SLOT0_BAD_RIGHTS), SIGABRT);
}

static struct {
	struct uk_kernel *k;
	int done;
} g;

static void rights_prog(struct uk_user *u, uint64_t arg)
{
	long m = uk_sys_mutex_create(u), ro, t, pr;

	UCHECK(m > 0);
	UCHECK(uk_sys_handle_rights(u, (uint32_t)m) == UK_RIGHTS_ALL);
	ro = uk_sys_handle_dup(u, (uint32_t)m, UK_RIGHT_WAIT);
	UCHECK(ro > 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)ro) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)ro) == UK_EPERM); /* no SIGNAL */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)m) == 0);
	UCHECK(uk_sys_handle_dup(u, (uint32_t)ro, UK_RIGHT_WAIT) == UK_EPERM);
	UCHECK(uk_sys_mutex_lock(u, UK_HANDLE_PROCESS_SELF) == UK_EBADH);
	/* a process handle without MAP cannot map; without MANAGE cannot create */
	pr = uk_sys_handle_dup(u, UK_HANDLE_PROCESS_SELF, UK_RIGHT_READ);
	UCHECK(uk_sys_vm_map(u, (uint32_t)pr, 0x100000, 4096, UK_PROT_READ, 0) == UK_EPERM);
	UCHECK(uk_sys_thread_create(u, (uint32_t)pr, 0, 0, 1, 0) == UK_EPERM);
	/* a thread handle without MANAGE cannot kill; without WAIT cannot wait */
	t = uk_sys_handle_dup(u, UK_HANDLE_THREAD_INITIAL, UK_RIGHT_READ);
	UCHECK(uk_sys_thread_kill(u, (uint32_t)t) == UK_EPERM);
	UCHECK(uk_sys_thread_wait(u, (uint32_t)t, 0) == UK_EPERM);
	UCHECK(uk_sys_thread_set_prio(u, (uint32_t)t, 3) == UK_EPERM);
	UCHECK(uk_sys_handle_close(u, (uint32_t)t) == 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)t) == UK_EBADH);
	UCHECK(uk_sys_handle_rights(u, (uint32_t)t) == UK_EBADH);
	UCHECK(uk_sys_handle_close(u, (uint32_t)m) == 0);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)m) == UK_EBADH);
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)ro) == 0); /* the object lives on */
	g.done = 1;
}

static void test_rights_through_syscalls(void **state)
{
	g.done = 0;
	g.k = boot(1, 8 << 20, NULL);
	spawn_prog(g.k, rights_prog, 0, 5, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.done, 1);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_direct),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_install_at_refuses),
		cmocka_unit_test(test_slot_past_the_table),
		cmocka_unit_test(test_generation_wraps),
		cmocka_unit_test(test_closed_slot_0_is_reused),
		cmocka_unit_test(test_check_finds_corrupt_slots),
		cmocka_unit_test(test_rights_through_syscalls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
