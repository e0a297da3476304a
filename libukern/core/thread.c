/* SPDX-License-Identifier: MIT */
/*
 * thread.c: thread objects: create, start, exit, kill, wait, priority,
 * affinity, faults.
 *
 * References on a thread object: one per handle, plus one "alive" reference
 * taken by start and dropped when its context is reaped after exit. A killed
 * thread that is blocked is woken with UK_EKILLED and exits on its way out of
 * the kernel; one running on another CPU is sent a resched IPI and exits in
 * the interrupt entry (interrupts only arrive while it runs user code).
 */
#include "core/kern.h"
#include "lib/string.h"

int thread_create(struct uk_kernel *k, struct process *p, unsigned program, uint64_t arg,
		  unsigned prio, uint64_t affinity, struct uk_thread **out)
{
	struct uk_thread *t;

	if (program >= k->nprograms || prio > p->max_prio)
		return UK_EINVAL;
	affinity = affinity ? affinity & k->all_cpus : k->all_cpus;
	if (!affinity)
		return UK_EINVAL;
	if (p->torn_down)
		return UK_ESRCH;
	t = kalloc(k, sizeof(*t));
	if (!t)
		return UK_ENOMEM;
	kobj_init(k, &t->o, KOBJ_THREAD);
	t->name = k->programs[program].name;
	if (uk_arch_thread_create(k->a, thread_trampoline, t, t->name, &t->ctx) < 0) {
		kobj_discard(k, &t->o, sizeof(*t));
		return UK_ENOMEM;
	}
	t->user.k = k;
	t->user.t = t;
	t->platform = NULL;
	t->proc = p;
	kobj_get(&p->o);
	p->live_threads++;
	t->state = TS_NEW;
	t->program = program;
	t->fault_program = UK_NO_PROGRAM;
	t->arg = arg;
	t->base_prio = prio;
	t->sn.prio = prio;
	t->sn.affinity = affinity;
	t->sn.last_cpu = UK_CPU_NONE;
	t->sn.queued_cpu = UK_CPU_NONE;
	t->sn.tid = t->o.id;
	t->cpu = UK_CPU_NONE;
	list_add_tail(&k->threads, &t->all_link);
	k->stats.threads_created++;
	*out = t;
	return 0;
}

/* First code a new thread runs, with the kernel lock handed over by the
 * switch. It leaves the kernel and calls the program. */
void thread_trampoline(void *arg)
{
	struct uk_thread *t = arg;
	struct uk_kernel *k = t->user.k;

	sched_switch_tail(k);
	thread_user_return(k, t);
	t->in_kernel = false;
	kernel_unlock(k);
	uk_arch_irq_restore(k->a, true);
	k->programs[t->program].fn(&t->user, t->arg);
	uk_sys_thread_exit(&t->user, 0);
}

int thread_start(struct uk_kernel *k, struct uk_thread *t, unsigned waker_cpu)
{
	if (t->state != TS_NEW)
		return UK_EBUSY;
	kobj_get(&t->o); /* alive */
	sched_make_ready_from(k, t, waker_cpu);
	return 0;
}

static void thread_mark_dead(struct uk_kernel *k, struct uk_thread *t, int code)
{
	t->exit_code = code;
	t->state = TS_DEAD;
	t->np_active = false;
	mutex_release_all(k, t);
	ipc_thread_dead(k, t);
	uk_waitq_wake(k, &t->joiners, UINT32_MAX, 0);
	k->stats.threads_exited++;
	uk_arch_trace(k->a, UK_TRACE_CORE_EXIT, t->o.id, (uint64_t)(int64_t)code, t->killed);
	process_thread_gone(k, t->proc);
}

_Noreturn void thread_exit_current(struct uk_kernel *k, int code)
{
	struct uk_thread *t = this_cpu(k)->current;

	if (t->is_idle)
		uk_arch_fatal(k->a, "thread: the idle thread tried to exit");
	thread_mark_dead(k, t, code);
	sched_exit_current(k);
}

/* On every way out of the kernel to user code: a killed thread exits here. */
void thread_user_return(struct uk_kernel *k, struct uk_thread *t)
{
	if (t->killed)
		thread_exit_current(k, UK_EKILLED);
}

int thread_kill(struct uk_kernel *k, struct uk_thread *t)
{
	struct cpu *c = this_cpu(k);

	if (t->state == TS_DEAD)
		return UK_ESRCH;
	if (t->killed)
		return 0;
	t->killed = true;
	k->stats.threads_killed++;
	switch (t->state) {
	case TS_NEW:
		thread_mark_dead(k, t, UK_EKILLED);
		break;
	case TS_BLOCKED:
		if (t->blocked_on)
			mutex_waiter_gone(k, t);
		else if (t->ipc_ep || t->ipc_reply)
			ipc_waiter_gone(k, t);
		else if (t->wq)
			waitq_remove(t->wq, t);
		waitq_wake_thread(k, t, UK_EKILLED);
		break;
	case TS_RUNNING:
		if (t == c->current)
			thread_exit_current(k, UK_EKILLED);
		uk_arch_ipi_send(k->a, t->cpu, UK_VEC_RESCHED);
		uk_arch_charge(k->a, UK_COST_IPI, 1);
		k->stats.ipis_sent++;
		k->stats.resched_ipis++;
		break;
	default: /* READY: exits when it next leaves the kernel */
		break;
	}
	return 0;
}

int thread_wait(struct uk_kernel *k, struct uk_thread *t, int *code)
{
	struct uk_thread *self = this_cpu(k)->current;
	int rc = 0;

	if (t == self)
		return UK_EDEADLK;
	if (t->state != TS_DEAD) {
		kobj_get(&t->o); /* a handle close while we wait must not free it */
		rc = waitq_block(k, &t->joiners, UK_WAIT_JOIN, t->o.id);
		*code = t->exit_code;
		kobj_put(k, &t->o);
		return rc;
	}
	*code = t->exit_code;
	return rc;
}

int thread_set_prio(struct uk_kernel *k, struct uk_thread *t, unsigned prio)
{
	if (prio > t->proc->max_prio)
		return UK_EINVAL;
	if (t->state == TS_DEAD)
		return UK_ESRCH;
	t->base_prio = prio;
	pi_update(k, t);
	return 0;
}

int thread_set_affinity(struct uk_kernel *k, struct uk_thread *t, uint64_t mask)
{
	mask &= k->all_cpus;
	if (!mask)
		return UK_EINVAL;
	if (t->state == TS_DEAD)
		return UK_ESRCH;
	t->sn.affinity = mask;
	if (t->state == TS_READY && !(mask & bit64(t->sn.queued_cpu))) {
		rq_dequeue(k, t->sn.queued_cpu, &t->sn);
		sched_make_ready(k, t);
	} else if (t->state == TS_RUNNING && !(mask & bit64(t->cpu))) {
		struct cpu *c = &k->cpus[t->cpu];
		if (c == this_cpu(k)) {
			c->need_resched = true;
			c->slice_expired = true;
		} else {
			uk_arch_ipi_send(k->a, t->cpu, UK_VEC_RESCHED);
			k->stats.ipis_sent++;
			k->stats.resched_ipis++;
		}
	}
	return 0;
}

/* A user fault of `t` that demand paging could not resolve. With a fault
 * handler it is queued for delivery on the way back to user code and true is
 * returned; otherwise the thread is marked killed and false is returned. */
bool thread_fault(struct uk_kernel *k, struct uk_thread *t, uk_vaddr_t addr, uint32_t code)
{
	uk_arch_trace(k->a, UK_TRACE_CORE_FAULT, t->o.id, addr, code);
	if (t->fault_program != UK_NO_PROGRAM && !t->has_pending_fault && !t->in_fault_handler) {
		t->has_pending_fault = true;
		t->pending_fault = UK_FAULT_PACK(addr, code);
		k->stats.user_faults_handled++;
		return true;
	}
	if (!t->killed)
		k->stats.threads_killed++;
	t->killed = true;
	k->stats.user_faults_killed++;
	return false;
}

void thread_free(struct uk_kernel *k, struct uk_thread *t)
{
	struct process *p = t->proc;

	if (t->state != TS_DEAD && t->state != TS_NEW)
		uk_arch_fatal(k->a, "thread: freeing a live thread");
	if (t->state == TS_NEW) {
		t->state = TS_DEAD;
		process_thread_gone(k, p);
	}
	if (t->ctx)
		uk_arch_thread_destroy(k->a, t->ctx);
	list_del(&t->all_link);
	kfree(k, t, sizeof(*t));
	kobj_put(k, &p->o);
}

void thread_info(struct uk_thread *t, struct uk_thread_info *out)
{
	static const enum uk_thread_state_kind kinds[] = {
		[TS_NEW] = UK_THREAD_NEW,         [TS_READY] = UK_THREAD_READY,
		[TS_RUNNING] = UK_THREAD_RUNNING, [TS_BLOCKED] = UK_THREAD_BLOCKED,
		[TS_DEAD] = UK_THREAD_DEAD,
	};
	uk_memset(out, 0, sizeof(*out));
	out->tid = t->o.id;
	out->process_id = t->proc ? t->proc->o.id : 0;
	out->name = t->name;
	out->state = kinds[t->state];
	out->base_prio = t->base_prio;
	out->eff_prio = t->sn.prio;
	out->cpu = t->cpu;
	out->wait_kind = t->state == TS_BLOCKED ? t->wait_kind : UK_WAIT_NONE;
	out->wait_object = t->wait_object;
	if (t->blocked_on && t->blocked_on->owner)
		out->wait_owner = t->blocked_on->owner->o.id;
	else if (t->wait_kind == UK_WAIT_JOIN)
		out->wait_owner = t->wait_object;
	else if (t->state == TS_BLOCKED && pi_next_owner(t))
		out->wait_owner = pi_next_owner(t)->o.id; /* an IPC call: its server */
	out->blocked_ns_total = t->blocked_total;
	out->blocked_ns_max = t->blocked_max;
	out->blocked_count = t->blocked_count;
	out->preempted_count = t->preempted_count;
	out->exit_code = t->exit_code;
	out->killed = t->killed;
}
