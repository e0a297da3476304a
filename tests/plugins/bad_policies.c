/* SPDX-License-Identifier: MIT */
/*
 * Policy tables that uksim must refuse when it loads them, one per build
 * (tests/plugins/meson.build):
 *
 *   BAD_ABI         a scheduler entry built for another ABI version
 *   BAD_INCOMPLETE  a scheduler ops table without pick_next
 *   BAD_DUPLICATE   a scheduler named "fixed", the built-in's name
 *   BAD_INIT        a scheduler ("failing-init") whose per-CPU setup always
 *                   fails: it loads, and every run stops with an error
 *
 * The scheduler itself is a one-CPU FIFO that would run; only what each
 * build gets wrong should matter.
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
#ifdef BAD_INIT
	(void)k;
	*state = NULL;
	return UK_ENOMEM;
#else
	*state = uk_sched_alloc(k, sizeof(struct fifo));
	return *state ? 0 : UK_ENOMEM;
#endif
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

#ifndef BAD_INCOMPLETE
static struct uk_sched_node *fifo_pick_next(void *state)
{
	struct fifo *q = state;
	struct uk_sched_node *n = q->head;
	if (n)
		fifo_dequeue(q, n);
	return n;
}
#endif

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

static unsigned fifo_select_cpu(struct uk_kernel *k, const struct uk_sched_node *n,
				unsigned waker_cpu)
{
	(void)k;
	(void)n;
	(void)waker_cpu;
	return 0;
}

static uint64_t fifo_slice_ns(struct uk_kernel *k, const struct uk_sched_node *n)
{
	(void)n;
	return uk_sched_default_slice(k);
}

static const struct uk_sched_ops fifo_ops = {
	.name = "fifo",
	.cpu_init = fifo_cpu_init,
	.enqueue = fifo_enqueue,
	.dequeue = fifo_dequeue,
#ifndef BAD_INCOMPLETE
	.pick_next = fifo_pick_next,
#endif
	.top_prio = fifo_top_prio,
	.should_preempt = fifo_should_preempt,
	.select_cpu = fifo_select_cpu,
	.slice_ns = fifo_slice_ns,
};

#if defined(BAD_ABI)
#define FIFO_ABI (UK_ABI_VERSION + 1)
#else
#define FIFO_ABI UK_ABI_VERSION
#endif
#if defined(BAD_DUPLICATE)
#define FIFO_NAME "fixed"
#elif defined(BAD_INIT)
#define FIFO_NAME "failing-init"
#else
#define FIFO_NAME "fifo"
#endif

UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{FIFO_ABI, SIM_POLICY_SCHEDULER, FIFO_NAME, &fifo_ops, "one queue, first come first served"},
	{0},
};
