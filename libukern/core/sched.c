/* SPDX-License-Identifier: MIT */
/*
 * sched.c: thread states, switching, slices and preemption. Which thread
 * runs next and where a thread goes are the policy's (struct uk_sched_ops);
 * this file keeps the mechanism.
 *
 * Invariants (kernel lock held): a READY thread is on exactly one run queue;
 * a RUNNING thread is cpus[t->cpu].current and on no queue; the kernel lock
 * is held across uk_arch_thread_switch and released by the thread switched to.
 */
#include "core/kern.h"

static struct uk_thread *node_thread(struct uk_sched_node *n)
{
	return container_of(n, struct uk_thread, sn);
}

unsigned uk_sched_cpu_count(struct uk_kernel *k)
{
	return k->ncpus;
}

bool uk_sched_cpu_running_prio(struct uk_kernel *k, unsigned cpu, unsigned *prio)
{
	struct uk_thread *t = k->cpus[cpu].current;
	if (!t || t->is_idle)
		return false;
	*prio = t->sn.prio;
	return true;
}

void *uk_sched_cpu_state(struct uk_kernel *k, unsigned cpu)
{
	return k->cpus[cpu].sched_state;
}

uint64_t uk_sched_default_slice(struct uk_kernel *k)
{
	return k->cfg.timeslice_ns;
}

_Noreturn void uk_sched_fatal(struct uk_kernel *k, const char *what)
{
	uk_arch_fatal(k->a, what);
}

void sched_check(struct uk_kernel *k)
{
	if (!k->sched->check)
		return;
	for (unsigned c = 0; c < k->ncpus; c++)
		k->sched->check(k, k->cpus[c].sched_state);
}

/* Make `cpu` look at its run queue: directly when it is this CPU, by IPI
 * otherwise (only once CPUs run; before that they look when they start). */
static void sched_kick_cpu(struct uk_kernel *k, unsigned cpu, unsigned me)
{
	struct cpu *c = &k->cpus[cpu];

	if (!c->started)
		return;
	if (cpu == me) {
		c->need_resched = true;
		return;
	}
	uk_arch_ipi_send(k->a, cpu, UK_VEC_RESCHED);
	uk_arch_charge(k->a, UK_COST_IPI, 1);
	k->stats.ipis_sent++;
	k->stats.resched_ipis++;
}

static unsigned current_cpu_or_none(struct uk_kernel *k)
{
	return k->cpus_running ? uk_arch_cpu_id(k->a) : UK_CPU_NONE;
}

/* Whether the thread now queued with priority `prio` on `cpu` should take
 * the CPU from what runs there. */
static bool sched_wants_cpu(struct uk_kernel *k, unsigned cpu, struct uk_thread *t)
{
	struct uk_thread *cur = k->cpus[cpu].current;
	return !cur || cur->is_idle || k->sched->should_preempt(&cur->sn, &t->sn);
}

void sched_make_ready(struct uk_kernel *k, struct uk_thread *t)
{
	sched_make_ready_from(k, t, current_cpu_or_none(k));
}

void rq_enqueue(struct uk_kernel *k, unsigned cpu, struct uk_sched_node *n, enum uk_enqueue_how how)
{
	struct cpu *c = &k->cpus[cpu];
	k->sched->enqueue(c->sched_state, n, how);
	uk_arch_trace(k->a, UK_TRACE_CORE_RUNQ, cpu, ++c->nready, 0);
}

void rq_dequeue(struct uk_kernel *k, unsigned cpu, struct uk_sched_node *n)
{
	struct cpu *c = &k->cpus[cpu];
	k->sched->dequeue(c->sched_state, n);
	uk_arch_trace(k->a, UK_TRACE_CORE_RUNQ, cpu, --c->nready, 0);
}

struct uk_sched_node *rq_pick(struct uk_kernel *k, unsigned cpu)
{
	struct cpu *c = &k->cpus[cpu];
	struct uk_sched_node *n = k->sched->pick_next(c->sched_state);
	if (n)
		uk_arch_trace(k->a, UK_TRACE_CORE_RUNQ, cpu, --c->nready, 0);
	return n;
}

/* `me` is the waking CPU, or UK_CPU_NONE from the host (uk_kernel_spawn
 * while the machine is stopped): then any started target gets an IPI. */
void sched_make_ready_from(struct uk_kernel *k, struct uk_thread *t, unsigned me)
{
	unsigned cpu = k->sched->select_cpu(k, &t->sn, me);

	if (cpu >= k->ncpus || !(t->sn.affinity & bit64(cpu)))
		uk_arch_fatal(k->a, "sched: policy placed a thread outside its affinity");
	t->state = TS_READY;
	rq_enqueue(k, cpu, &t->sn, UK_ENQ_BACK);
	uk_arch_trace(k->a, UK_TRACE_CORE_WAKE, t->o.id, cpu, me);
	if (sched_wants_cpu(k, cpu, t)) {
		k->cpus[cpu].slice_expired = false;
		sched_kick_cpu(k, cpu, me);
	}
}

void sched_arm_timer(struct uk_kernel *k, struct cpu *c)
{
	struct uk_thread *t = c->current;
	uint64_t slice;

	c->slice_deadline = UINT64_MAX;
	if (t && !t->is_idle) {
		slice = k->sched->slice_ns(k, &t->sn);
		c->slice_deadline = slice ? uk_arch_now(k->a) + slice : UINT64_MAX;
	}
	cpu_timer_program(k, c);
}

void sched_switch_tail(struct uk_kernel *k)
{
	struct cpu *c;
	struct uk_thread *dead;

	if (!k->reaps)
		return;
	c = this_cpu(k);
	dead = c->reap;
	if (!dead || dead == c->current)
		return;
	c->reap = NULL;
	k->reaps--;
	uk_arch_thread_destroy(k->a, dead->ctx);
	dead->ctx = NULL;
	kobj_put(k, &dead->o); /* the reference the thread held on itself while alive */
}

/* `donate`: `next` runs out the rest of `prev`'s slice and the timer, armed
 * for it, stays (sched_handoff; re-armed only when a no-preemption section's
 * deadline comes or goes); otherwise `next` gets a fresh slice. */
static void sched_switch_slice(struct uk_kernel *k, struct cpu *c, struct uk_thread *prev,
			       struct uk_thread *next, bool donate)
{
	next->state = TS_RUNNING;
	c->need_resched = false;
	c->slice_expired = false;
	if (prev == next) {
		sched_arm_timer(k, c);
		return;
	}
	next->cpu = c->id;
	next->sn.last_cpu = c->id;
	c->current = next;
	if (!next->is_idle)
		vm_activate(k, c, &next->proc->vs);
	if (!donate)
		sched_arm_timer(k, c);
	else if (prev->np_active || next->np_active)
		cpu_timer_program(k, c); /* the slice stays, a section's deadline comes or goes */
	k->stats.switches++;
	uk_arch_charge(k->a, UK_COST_CTX_SWITCH, 1);
	uk_arch_trace(k->a, UK_TRACE_CORE_SWITCH, c->id, prev->o.id, next->o.id);
#ifdef UK_CHECKING
	sched_check(k);
#endif
	uk_arch_thread_switch(k->a, prev->ctx, next->ctx);
	sched_switch_tail(k);
}

static void sched_switch(struct uk_kernel *k, struct cpu *c, struct uk_thread *prev,
			 struct uk_thread *next)
{
	sched_switch_slice(k, c, prev, next, false);
}

/* A suspended machine runs no thread (pm.c): its CPUs idle. */
static struct uk_thread *sched_pick(struct uk_kernel *k, struct cpu *c)
{
	struct uk_sched_node *n = k->pm.suspended ? NULL : rq_pick(k, c->id);
	return n ? node_thread(n) : &c->idle;
}

void sched_block_current(struct uk_kernel *k)
{
	struct cpu *c = this_cpu(k);
	struct uk_thread *t = c->current;

	if (t->is_idle || t->state == TS_RUNNING)
		uk_arch_fatal(k->a, "sched: blocking a thread that did not leave RUNNING");
	sched_switch(k, c, t, sched_pick(k, c));
}

/* Whether the CPU may go straight to `next` (see sched_handoff). */
static bool handoff_ok(struct uk_kernel *k, struct cpu *c, struct uk_thread *next)
{
	unsigned top;

	if (!k->cfg.ipc_handoff || !(next->sn.affinity & bit64(c->id)) || k->pm.suspended)
		return false;
	/* The slice has run out (the tick may not have been taken yet, or a
	 * no-preemption section deferred it): round robin goes first. */
	if (c->slice_expired || uk_arch_now(k->a) >= c->slice_deadline)
		return false;
	if (!k->sched->top_prio(c->sched_state, &top))
		return true; /* nobody else wants this CPU */
	/* Others wait here: `next` must not be outranked by them, and the
	 * policy must not rather place it elsewhere (an idle CPU), which
	 * would leave them waiting and that CPU idle. */
	return top <= next->sn.prio && k->sched->select_cpu(k, &next->sn, c->id) == c->id;
}

/* The current thread has just blocked and `next`, blocked until now, has
 * been woken (waitq_wake_prepare) but not made ready. When the policy would
 * run `next` here anyway (handoff_ok: its affinity allows this CPU, the
 * slice has not run out, and either nothing is queued here or nothing
 * queued outranks it and placement would choose this CPU), this CPU goes
 * straight to it: the IPC fast path of seL4's direct switch, with no
 * run-queue insert, placement or pick. A ready thread of equal priority
 * waits, as under seL4. `next` runs out the rest of the slice, as a server
 * runs on its client's scheduling context under seL4 MCS, so a pair of
 * threads calling each other cannot keep a ready thread of their priority
 * off the CPU past the slice's end. Otherwise `next` is made ready the
 * usual way and this CPU picks. */
void sched_handoff(struct uk_kernel *k, struct uk_thread *next)
{
	struct cpu *c = this_cpu(k);
	struct uk_thread *t = c->current;

	if (t->is_idle || t->state == TS_RUNNING || next->state != TS_BLOCKED)
		uk_arch_fatal(k->a, "sched: hand-off from a running thread or to a thread not blocked");
	if (!handoff_ok(k, c, next)) {
		sched_make_ready(k, next);
		sched_block_current(k);
		return;
	}
	k->stats.ipc_handoffs++; /* traced as the SWITCH alone: no WAKE, no RUNQ */
	sched_switch_slice(k, c, t, next, true);
}

void sched_yield_current(struct uk_kernel *k, enum uk_enqueue_how how)
{
	struct cpu *c = this_cpu(k);
	struct uk_thread *t = c->current, *next;

	if (!(t->sn.affinity & bit64(c->id))) {
		/* Its affinity moved away from this CPU: place it afresh. */
		sched_make_ready(k, t);
	} else {
		t->state = TS_READY;
		rq_enqueue(k, c->id, &t->sn, how);
	}
	next = sched_pick(k, c);
	if (next != t)
		t->preempted_count++;
	sched_switch(k, c, t, next);
}

_Noreturn void sched_exit_current(struct uk_kernel *k)
{
	struct cpu *c = this_cpu(k);
	struct uk_thread *t = c->current;

	if (!c->reap)
		k->reaps++;
	c->reap = t;
	sched_switch(k, c, t, sched_pick(k, c));
	uk_arch_fatal(k->a, "sched: a dead thread was switched back to");
}

/* The timer interrupt: run due kernel timers, then end the slice or let the
 * no-preemption logic decide. */
void sched_tick(struct uk_kernel *k, struct cpu *c)
{
	struct uk_thread *t = c->current;
	uint64_t now = uk_arch_now(k->a);

	k->stats.timer_ticks++;
	if (!k->pm.suspended)
		ktimer_run(k, now); /* may wake threads: need_resched */
	if (!t || t->is_idle)
		return; /* the idle loop reprograms the timer before it halts */
	if (t->np_active) {
		nopreempt_timer(k, c);
		if (t->np_active)
			cpu_timer_program(k, c); /* kernel timers may come first */
		return;
	}
	if (now >= c->slice_deadline) {
		c->need_resched = true;
		c->slice_expired = true;
	} else {
		cpu_timer_program(k, c);
	}
}

/* At a kernel exit of the current thread: give the CPU away if asked to. */
void sched_preempt_point(struct uk_kernel *k)
{
	struct cpu *c = this_cpu(k);
	struct uk_thread *t = c->current;
	unsigned top;

	if (!c->need_resched || t->is_idle)
		return;
	if (nopreempt_blocks_preemption(k, t)) {
		c->need_resched = false;
		t->preempt_pending = true;
		k->stats.nopreempt_deferred_preemptions++;
		return;
	}
	if (!k->pm.suspended && !c->slice_expired && k->sched->top_prio(c->sched_state, &top) &&
	    top <= t->sn.prio) {
		/* A wake-up that no longer outranks us (it was placed elsewhere
		 * or its priority dropped): nothing to do. */
		c->need_resched = false;
		return;
	}
	k->stats.preemptions++;
	uk_arch_trace(k->a, UK_TRACE_CORE_PREEMPT, c->id, t->o.id, c->slice_expired);
	sched_yield_current(k, c->slice_expired ? UK_ENQ_BACK : UK_ENQ_FRONT);
}

/* Change the effective priority of `t`, keeping queues and CPUs right. */
void sched_set_prio(struct uk_kernel *k, struct uk_thread *t, unsigned prio)
{
	unsigned me = current_cpu_or_none(k);
	unsigned old = t->sn.prio;

	if (old == prio)
		return;
	if (t->state == TS_READY) {
		unsigned cpu = t->sn.queued_cpu;
		rq_dequeue(k, cpu, &t->sn);
		t->sn.prio = prio;
		rq_enqueue(k, cpu, &t->sn, UK_ENQ_BACK);
		if (prio > old && sched_wants_cpu(k, cpu, t))
			sched_kick_cpu(k, cpu, me);
		return;
	}
	t->sn.prio = prio;
	if (t->state == TS_RUNNING && prio < old) {
		unsigned top;
		struct cpu *c = &k->cpus[t->cpu];
		if (k->sched->top_prio(c->sched_state, &top) && top > prio)
			sched_kick_cpu(k, t->cpu, me);
	}
}

/* The idle loop of CPU c; entered with the kernel lock held, never leaves. */
void sched_idle_loop(struct uk_kernel *k, struct cpu *c)
{
	for (;;) {
		struct uk_sched_node *n = k->pm.suspended ? NULL : rq_pick(k, c->id);
		if (n) {
			sched_switch(k, c, &c->idle, node_thread(n));
			continue;
		}
		c->need_resched = false;
		k->stats.idle_halts++;
		cpu_timer_program(k, c); /* wake for the next kernel timer */
		kernel_unlock(k);
		uk_arch_halt(k->a);
		(void)uk_arch_irq_save(k->a);
		kernel_lock(k);
	}
}
