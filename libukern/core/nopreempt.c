/* SPDX-License-Identifier: MIT */
/*
 * nopreempt.c: bounded no-preemption sections.
 *
 * A thread holding a handle with UK_RIGHT_NOPREEMPT declares a budget (at
 * most cfg.nopreempt_max_ns). Until it ends the section, neither a slice end
 * nor a higher-priority wake-up takes its CPU: such preemptions are deferred
 * and happen when the section ends. The CPU timer is armed at the budget's
 * deadline; if it fires with the section still open the section is closed,
 * the thread is faulted (UK_FAULT_OVERRUN: its fault handler, or death) and
 * any deferred preemption happens at once. Blocking inside a section is
 * allowed (it is voluntary) and does not stop the budget clock.
 */
#include "core/kern.h"

int nopreempt_begin(struct uk_kernel *k, struct uk_thread *t, uint64_t budget)
{
	struct cpu *c = this_cpu(k);
	uint64_t now = uk_arch_now(k->a);

	if (budget == 0 || budget > k->cfg.nopreempt_max_ns)
		return UK_EINVAL;
	if (t->np_active)
		return UK_EBUSY;
	t->np_active = true;
	t->np_overran = false;
	t->np_budget = budget;
	t->np_deadline = now + budget;
	k->stats.nopreempt_sections++;
	uk_arch_trace(k->a, UK_TRACE_CORE_NOPREEMPT, t->o.id, budget, 0);
	cpu_timer_program(k, c); /* the earliest of slice, budget, kernel timers */
	return 0;
}

static void nopreempt_resched_if_deferred(struct uk_kernel *k, struct cpu *c, struct uk_thread *t)
{
	if (t->preempt_pending || uk_arch_now(k->a) >= c->slice_deadline) {
		t->preempt_pending = false;
		c->need_resched = true;
		c->slice_expired = true;
	} else {
		cpu_timer_program(k, c); /* a kernel timer may come before the slice end */
	}
}

int nopreempt_end(struct uk_kernel *k, struct uk_thread *t)
{
	if (!t->np_active) {
		if (t->np_overran) {
			t->np_overran = false;
			return UK_EOVERRUN;
		}
		return UK_EINVAL;
	}
	t->np_active = false;
	uk_arch_trace(k->a, UK_TRACE_CORE_NOPREEMPT, t->o.id, t->np_budget, 1);
	nopreempt_resched_if_deferred(k, this_cpu(k), t);
	return 0;
}

bool nopreempt_blocks_preemption(struct uk_kernel *k, struct uk_thread *t)
{
	return t->np_active && uk_arch_now(k->a) < t->np_deadline;
}

/* The timer fired while the current thread is inside a section. */
void nopreempt_timer(struct uk_kernel *k, struct cpu *c)
{
	struct uk_thread *t = c->current;
	uint64_t now = uk_arch_now(k->a);

	if (now < t->np_deadline) {
		if (now >= c->slice_deadline) {
			t->preempt_pending = true;
			k->stats.nopreempt_deferred_preemptions++;
		}
		uk_arch_timer_arm(k->a, t->np_deadline < c->slice_deadline || now >= c->slice_deadline
						? t->np_deadline
						: c->slice_deadline);
		return;
	}
	t->np_active = false;
	t->np_overran = true;
	k->stats.nopreempt_overruns++;
	uk_arch_trace(k->a, UK_TRACE_CORE_NOPREEMPT, t->o.id, t->np_budget, 2);
	thread_fault(k, t, 0, UK_FAULT_OVERRUN);
	nopreempt_resched_if_deferred(k, c, t);
}
