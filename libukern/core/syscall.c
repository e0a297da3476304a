/* SPDX-License-Identifier: MIT */
/*
 * syscall.c: decoding of system calls. Each sys_* checks and converts its
 * raw arguments (handle, rights, ranges) and calls the operation in the
 * object's file; nothing here changes kernel state by itself. Arguments are
 * untrusted 64-bit values: every bad one gives a documented error
 * (ukern/syscall.h), never an assert.
 */
#include "core/kern.h"

static int lookup(struct uk_thread *t, uint64_t h, enum kobj_type type, uint32_t rights,
		  struct kobj **o)
{
	return cap_lookup(t->proc, h, type, rights, o);
}

static long sys_null(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return 0;
}

static long sys_yield(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	if (!nopreempt_blocks_preemption(k, t))
		sched_yield_current(k, UK_ENQ_BACK);
	return 0;
}

static long sys_thread_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	struct uk_thread *nt;
	int rc, h;

	if ((rc = lookup(t, a[0], KOBJ_PROCESS, UK_RIGHT_MANAGE, &o)) < 0)
		return rc;
	if (a[1] > UINT32_MAX || a[3] > UK_PRIO_MAX)
		return UK_EINVAL;
	rc = thread_create(k, (struct process *)o, (unsigned)a[1], a[2], (unsigned)a[3], a[4], &nt);
	if (rc < 0)
		return rc;
	h = cap_install(k, t->proc, &nt->o, UK_RIGHTS_ALL);
	kobj_put(k, &nt->o); /* the handle holds it now, or it is freed */
	return h;
}

static long sys_thread_start(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_MANAGE, &o);
	return rc < 0 ? rc : thread_start(k, (struct uk_thread *)o, uk_arch_cpu_id(k->a));
}

static long sys_thread_exit(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	thread_exit_current(k, (int)(int64_t)a[0]);
}

static long sys_thread_kill(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_MANAGE, &o);
	return rc < 0 ? rc : thread_kill(k, (struct uk_thread *)o);
}

static long sys_thread_wait(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int32_t code = 0;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_WAIT, &o);

	if (rc < 0)
		return rc;
	if (a[1] && (a[1] < UK_USER_BASE || a[1] >= UK_USER_END))
		return UK_EFAULT;
	if ((rc = thread_wait(k, (struct uk_thread *)o, &code)) < 0)
		return rc;
	return a[1] ? user_copy_out(k, a[1], &code, sizeof(code)) : 0;
}

static long sys_thread_set_prio(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_MANAGE, &o);

	if (rc < 0)
		return rc;
	if (a[1] > UK_PRIO_MAX)
		return UK_EINVAL;
	return thread_set_prio(k, (struct uk_thread *)o, (unsigned)a[1]);
}

static long sys_thread_set_affinity(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_MANAGE, &o);
	return rc < 0 ? rc : thread_set_affinity(k, (struct uk_thread *)o, a[1]);
}

static long sys_thread_set_fault_handler(struct uk_kernel *k, struct uk_thread *t,
					 const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_THREAD, UK_RIGHT_MANAGE, &o);

	if (rc < 0)
		return rc;
	if (a[1] != UK_NO_PROGRAM && a[1] >= k->nprograms)
		return UK_EINVAL;
	((struct uk_thread *)o)->fault_program = (unsigned)a[1];
	return 0;
}

static long sys_handle_dup(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return cap_dup(k, t->proc, a[0], a[1]);
}

static long sys_handle_close(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return cap_close(k, t->proc, a[0]);
}

static long sys_handle_rights(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return cap_rights(t->proc, a[0]);
}

static long sys_mutex_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct mutex *m = mutex_create(k);
	int h;

	if (!m)
		return UK_ENOMEM;
	h = cap_install(k, t->proc, &m->o, UK_RIGHTS_ALL);
	kobj_put(k, &m->o);
	return h;
}

static long sys_mutex_lock(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_MUTEX, UK_RIGHT_WAIT, &o);
	return rc < 0 ? rc : mutex_lock(k, (struct mutex *)o, false);
}

static long sys_mutex_trylock(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_MUTEX, UK_RIGHT_WAIT, &o);
	return rc < 0 ? rc : mutex_lock(k, (struct mutex *)o, true);
}

static long sys_mutex_unlock(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_MUTEX, UK_RIGHT_SIGNAL, &o);
	return rc < 0 ? rc : mutex_unlock(k, (struct mutex *)o);
}

static long sys_futex_wait(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	if (a[1] > UINT32_MAX)
		return UK_EINVAL;
	return futex_wait(k, a[0], (uint32_t)a[1]);
}

static long sys_futex_wake(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	if (a[1] > UINT32_MAX)
		return UK_EINVAL;
	return futex_wake(k, a[0], (uint32_t)a[1]);
}

/* The process named by a[0], with the MAP right and still alive. */
static int lookup_space(struct uk_thread *t, uint64_t h, struct process **p)
{
	struct kobj *o;
	int rc = lookup(t, h, KOBJ_PROCESS, UK_RIGHT_MAP, &o);

	if (rc < 0)
		return rc;
	*p = (struct process *)o;
	return (*p)->torn_down ? UK_ESRCH : 0;
}

static long sys_vm_map(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct process *p;
	int rc = lookup_space(t, a[0], &p);

	if (rc < 0)
		return rc;
	if (a[3] > UINT32_MAX || a[4] > UINT32_MAX)
		return UK_EINVAL;
	return vm_map(k, &p->vs, a[1], a[2], (unsigned)a[3], (unsigned)a[4]);
}

static long sys_vm_unmap(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct process *p;
	int rc = lookup_space(t, a[0], &p);
	return rc < 0 ? rc : vm_unmap(k, &p->vs, a[1], a[2]);
}

static long sys_vm_protect(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct process *p;
	int rc = lookup_space(t, a[0], &p);

	if (rc < 0)
		return rc;
	if (a[3] > UINT32_MAX)
		return UK_EINVAL;
	return vm_protect(k, &p->vs, a[1], a[2], (unsigned)a[3]);
}

static long sys_nopreempt_begin(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_NOPREEMPT, UK_RIGHT_NOPREEMPT, &o);
	return rc < 0 ? rc : nopreempt_begin(k, t, a[1]);
}

static long sys_nopreempt_end(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return nopreempt_end(k, t);
}

static long sys_clock(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return (long)(uk_arch_now(k->a) & INT64_MAX);
}

static long sys_thread_id(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	return (long)t->o.id;
}

static long sys_sleep(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	uint64_t now = uk_arch_now(k->a), deadline;

	if (a[1] & UK_SLEEP_ABS)
		deadline = a[0];
	else
		deadline = a[0] > UINT64_MAX - now ? UINT64_MAX : now + a[0];
	k->stats.sleeps++;
	return ktimer_sleep_until(k, deadline);
}

/* A switch rather than a table of pointers: no relocated data in the
 * library (it must show no writable or relocated symbols), and compilers
 * turn it into a jump table anyway. */
long syscall_dispatch(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	switch (nr) {
	case UK_SYS_NULL:
		return sys_null(k, t, a);
	case UK_SYS_YIELD:
		return sys_yield(k, t, a);
	case UK_SYS_THREAD_CREATE:
		return sys_thread_create(k, t, a);
	case UK_SYS_THREAD_START:
		return sys_thread_start(k, t, a);
	case UK_SYS_THREAD_EXIT:
		return sys_thread_exit(k, t, a);
	case UK_SYS_THREAD_KILL:
		return sys_thread_kill(k, t, a);
	case UK_SYS_THREAD_WAIT:
		return sys_thread_wait(k, t, a);
	case UK_SYS_THREAD_SET_PRIO:
		return sys_thread_set_prio(k, t, a);
	case UK_SYS_THREAD_SET_AFFINITY:
		return sys_thread_set_affinity(k, t, a);
	case UK_SYS_THREAD_SET_FAULT_HANDLER:
		return sys_thread_set_fault_handler(k, t, a);
	case UK_SYS_HANDLE_DUP:
		return sys_handle_dup(k, t, a);
	case UK_SYS_HANDLE_CLOSE:
		return sys_handle_close(k, t, a);
	case UK_SYS_HANDLE_RIGHTS:
		return sys_handle_rights(k, t, a);
	case UK_SYS_MUTEX_CREATE:
		return sys_mutex_create(k, t, a);
	case UK_SYS_MUTEX_LOCK:
		return sys_mutex_lock(k, t, a);
	case UK_SYS_MUTEX_TRYLOCK:
		return sys_mutex_trylock(k, t, a);
	case UK_SYS_MUTEX_UNLOCK:
		return sys_mutex_unlock(k, t, a);
	case UK_SYS_FUTEX_WAIT:
		return sys_futex_wait(k, t, a);
	case UK_SYS_FUTEX_WAKE:
		return sys_futex_wake(k, t, a);
	case UK_SYS_VM_MAP:
		return sys_vm_map(k, t, a);
	case UK_SYS_VM_UNMAP:
		return sys_vm_unmap(k, t, a);
	case UK_SYS_VM_PROTECT:
		return sys_vm_protect(k, t, a);
	case UK_SYS_NOPREEMPT_BEGIN:
		return sys_nopreempt_begin(k, t, a);
	case UK_SYS_NOPREEMPT_END:
		return sys_nopreempt_end(k, t, a);
	case UK_SYS_CLOCK:
		return sys_clock(k, t, a);
	case UK_SYS_THREAD_ID:
		return sys_thread_id(k, t, a);
	case UK_SYS_SLEEP:
		return sys_sleep(k, t, a);
	case UK_SYS_DEVMEM_MAP:
	case UK_SYS_DEVMEM_INFO:
	case UK_SYS_PCI_CFG_READ:
	case UK_SYS_PCI_CFG_WRITE:
		return devmem_syscall(k, t, nr, a);
	default:
		break;
	}
	if (nr >= UK_SYS_IRQ_FIRST && nr <= UK_SYS_IRQ_LAST)
		return irq_syscall(k, t, nr, a);
	if (nr >= UK_SYS_IPC_FIRST && nr <= UK_SYS_IPC_LAST)
		return ipc_syscall(k, t, nr, a);
	if (nr >= UK_SYS_EXT_FIRST && nr <= UK_SYS_EXT_LAST && k->syscall_ext)
		return k->syscall_ext(k->syscall_ext_ctx, k, &t->user, nr, a);
	return UK_ENOSYS;
}
