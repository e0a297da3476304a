/* SPDX-License-Identifier: MIT */
/*
 * user.c: the boundary between user programs and the kernel: the syscall
 * entry, the user memory accessors, and delivery of faults to handlers.
 *
 * Syscall entry and exit are decision points (uk_arch_yield_point) with
 * interrupts enabled; in between the kernel lock is held with interrupts
 * disabled. On the way out a killed thread exits, and a pending preemption
 * (slice end, higher-priority wake-up) happens.
 */
#include "core/kern.h"

static const uint64_t zero_args[6];

long uk_syscall(struct uk_user *u, unsigned nr, const uint64_t args[6])
{
	struct uk_kernel *k = u->k;
	struct uk_thread *t = u->t;
	bool enabled;
	long rc;

	uk_arch_yield_point(k->a);
	enabled = uk_arch_irq_save(k->a);
	kernel_lock(k);
	t->in_kernel = true;
	/* Killed while entering (interrupts were already off, so the kill's
	 * IPI waits): exit now, before a blocking call parks us for good. */
	thread_user_return(k, t);
	k->stats.syscalls++;
	uk_arch_charge(k->a, UK_COST_SYSCALL, 1);
	rc = syscall_dispatch(k, t, nr, args ? args : zero_args);
	if (rc < 0)
		k->stats.syscall_errors++;
#ifdef UK_CHECKING
	cap_check(k, t->proc);
#endif
	thread_user_return(k, t);
	sched_preempt_point(k);
	thread_user_return(k, t);
	t->in_kernel = false;
	kernel_unlock(k);
	uk_arch_irq_restore(k->a, enabled);
	user_deliver_fault(u);
	uk_arch_yield_point(k->a);
	return rc;
}

/* Run the fault handler for a fault queued by thread_fault, in user mode.
 * A fault while the handler runs is not queued again (thread_fault kills
 * the thread then), so handlers never nest. */
void user_deliver_fault(struct uk_user *u)
{
	struct uk_thread *t = u->t;
	struct uk_kernel *k = u->k;
	uint64_t info;

	if (!t->has_pending_fault || t->in_fault_handler)
		return;
	info = t->pending_fault;
	t->has_pending_fault = false;
	t->in_fault_handler = true;
	k->programs[t->fault_program].fn(u, info);
	t->in_fault_handler = false;
}

/* Copies for syscalls, kernel lock held. */
static int user_copy(struct uk_kernel *k, void *kbuf, uk_vaddr_t va, const void *src, size_t len,
		     bool to_user)
{
	struct uk_thread *t = this_cpu(k)->current;
	size_t tries = (len >> UK_PAGE_SHIFT) + 4;
	struct uk_fault f;
	int rc;

	for (;;) {
		rc = to_user ? uk_arch_copy_to_user(k->a, va, src, len, &f)
			     : uk_arch_copy_from_user(k->a, kbuf, va, len, &f);
		if (rc == 0)
			return 0;
		if (tries-- == 0 || vm_fault(k, &t->proc->vs, f.addr, f.code | UK_PF_U) < 0)
			return UK_EFAULT;
	}
}

int user_copy_in(struct uk_kernel *k, void *dst, uk_vaddr_t src, size_t len)
{
	return user_copy(k, dst, src, NULL, len, false);
}

int user_copy_out(struct uk_kernel *k, uk_vaddr_t dst, const void *src, size_t len)
{
	return user_copy(k, NULL, dst, src, len, true);
}

/* Resolve a fault taken by an accessor: 0 retry, UK_EFAULT give up. A
 * thread without a fault handler dies here. */
static int user_fault(struct uk_user *u, const struct uk_fault *f, bool handler_ran)
{
	struct uk_kernel *k = u->k;
	struct uk_thread *t = u->t;
	bool enabled = uk_arch_irq_save(k->a);
	int rc;

	kernel_lock(k);
	t->in_kernel = true;
	rc = vm_fault(k, &t->proc->vs, f->addr, f->code | UK_PF_U);
	if (rc < 0) {
		rc = UK_EFAULT;
		if (!handler_ran && !thread_fault(k, t, f->addr, f->code | UK_PF_U))
			thread_exit_current(k, UK_EKILLED);
	}
	thread_user_return(k, t);
	t->in_kernel = false;
	kernel_unlock(k);
	uk_arch_irq_restore(k->a, enabled);
	return rc;
}

static int user_access(struct uk_user *u, uk_vaddr_t va, void *dst, const void *src, size_t len,
		       bool write)
{
	struct uk_arch *a = u->k->a;
	size_t tries = (len >> UK_PAGE_SHIFT) + 4;
	bool handler_ran = false;
	struct uk_fault f;

	if (len == 0)
		return 0;
	for (;;) {
		int rc = write ? uk_arch_copy_to_user(a, va, src, len, &f)
			       : uk_arch_copy_from_user(a, dst, va, len, &f);
		if (rc == 0)
			return 0;
		rc = user_fault(u, &f, handler_ran);
		if (rc < 0 && handler_ran)
			return UK_EFAULT;
		if (rc < 0) {
			user_deliver_fault(u);
			handler_ran = true;
		}
		if (tries-- == 0)
			return UK_EFAULT;
	}
}

int uk_user_read(struct uk_user *u, uk_vaddr_t va, void *buf, size_t len)
{
	return user_access(u, va, buf, NULL, len, false);
}

int uk_user_write(struct uk_user *u, uk_vaddr_t va, const void *buf, size_t len)
{
	return user_access(u, va, NULL, buf, len, true);
}

/* User computation: interrupts stay enabled (user mode), and each chunk
 * ends at a decision point where a due timer or device interrupt is taken
 * (and may preempt or kill this thread, as at any user instruction). */
void uk_user_work(struct uk_user *u, uint64_t ns)
{
	struct uk_arch *a = u->k->a;

	while (ns) {
		uint64_t chunk = ns < 1000 ? ns : 1000;
		uk_arch_charge(a, UK_COST_USER_NS, chunk);
		ns -= chunk;
		uk_arch_yield_point(a);
	}
}
