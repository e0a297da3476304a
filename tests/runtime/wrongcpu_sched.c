/* SPDX-License-Identifier: MIT */
/*
 * A scheduler plug-in with a bug the kernel's own checks catch (issue 14,
 * defect 9): threads woken on a CPU are placed on CPU 0 whatever their
 * affinity ("sched: policy placed a thread outside its affinity"). Threads
 * spawned before the run (no waker) go where they may, so the run starts
 * and the check fires inside it, as the explorer must report it: with a
 * replay token.
 */
#include <stddef.h>

#include <sim/policy.h>
#include <ukern/err.h>
#include <ukern/sched.h>

struct fifo {
	struct uk_sched_node *head, *tail;
};

static int fifo_cpu_init(struct uk_kernel *k, unsigned cpu, void **state)
{
	(void)cpu;
	*state = uk_sched_alloc(k, sizeof(struct fifo));
	return *state ? 0 : UK_ENOMEM;
}

static void fifo_enqueue(void *state, struct uk_sched_node *n, enum uk_enqueue_how how)
{
	struct fifo *q = state;
	(void)how;
	n->next = NULL;
	n->prev = q->tail;
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	n->queued_cpu = 0;
}

static void fifo_dequeue(void *state, struct uk_sched_node *n)
{
	struct fifo *q = state;
	if (n->prev)
		n->prev->next = n->next;
	else
		q->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		q->tail = n->prev;
	n->next = n->prev = NULL;
	n->queued_cpu = UK_CPU_NONE;
}

static struct uk_sched_node *fifo_pick_next(void *state)
{
	struct fifo *q = state;
	struct uk_sched_node *n = q->head;
	if (n)
		fifo_dequeue(q, n);
	return n;
}

static bool fifo_top_prio(void *state, unsigned *prio)
{
	struct fifo *q = state;
	if (q->head)
		*prio = q->head->prio;
	return q->head != NULL;
}

static bool fifo_should_preempt(const struct uk_sched_node *running,
				const struct uk_sched_node *woken)
{
	(void)running;
	(void)woken;
	return false;
}

/* The bug: a waker's placement ignores the affinity. */
static unsigned wrong_select_cpu(struct uk_kernel *k, const struct uk_sched_node *n,
				 unsigned waker_cpu)
{
	(void)k;
	if (waker_cpu != UK_CPU_NONE)
		return 0;
	for (unsigned c = 0; c < 64; c++)
		if (n->affinity & (1ull << c))
			return c;
	return 0;
}

static uint64_t fifo_slice_ns(struct uk_kernel *k, const struct uk_sched_node *n)
{
	(void)n;
	return uk_sched_default_slice(k);
}

static const struct uk_sched_ops wrongcpu_ops = {
	.name = "wrongcpu",
	.cpu_init = fifo_cpu_init,
	.enqueue = fifo_enqueue,
	.dequeue = fifo_dequeue,
	.pick_next = fifo_pick_next,
	.top_prio = fifo_top_prio,
	.should_preempt = fifo_should_preempt,
	.select_cpu = wrong_select_cpu,
	.slice_ns = fifo_slice_ns,
};

UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{UK_ABI_VERSION, SIM_POLICY_SCHEDULER, "wrongcpu", &wrongcpu_ops,
	 "FIFO that places woken threads on CPU 0 whatever their affinity (a planted bug)"},
	{0},
};
