/* SPDX-License-Identifier: MIT */
/*
 * nowake_sched.c: the scheduler "no-preempt-on-wake", a uksim plug-in.
 *
 * Policy: fixed priorities (0 lowest .. 255 highest) and round-robin slices,
 * as the built-in "fixed" scheduler, except that a thread that becomes
 * runnable never preempts the running one. It waits on its CPU's queue
 * until the running thread's slice ends, or it blocks or yields; then the
 * highest priority queued runs. An idle CPU still takes a woken thread at
 * once (the kernel kicks an idle CPU whatever the policy says).
 *
 * Prediction: on a busy CPU, a high-priority driver woken by its interrupt
 * runs only when the low-priority thread in front of it ends its slice.
 * Its wake-up latency grows from microseconds (the "fixed" scheduler
 * preempts at the interrupt's exit) to up to one slice (`timeslice`,
 * default 1 ms), and scales with the slice. tests/plugins/ measures it.
 *
 * Build (against the installed headers; nothing to link, uksim exports
 * the uk_sched_* helpers):
 *
 *	cc -shared -fPIC $(pkg-config --cflags ukern-sim) nowake_sched.c -o nowake_sched.so
 *
 * Use in a scenario (the path is relative to the scenario file):
 *
 *	load "nowake_sched.so"
 *	machine { scheduler no-preempt-on-wake  timeslice 1ms }
 *
 * The run queue of a CPU is one doubly linked list sorted by priority,
 * highest first, equals in arrival order: O(n) insertion, O(1) pick. That
 * is slower than the built-in bitmap but easy to check, which is what an
 * example is for. Every op runs with the kernel lock held and interrupts
 * disabled (ukern/sched.h), so nothing here locks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim/policy.h>
#include <ukern/err.h>
#include <ukern/sched.h>

struct nw_rq {
	unsigned cpu;                      /* the CPU this queue belongs to */
	unsigned count;                    /* nodes on the list */
	struct uk_sched_node *head, *tail; /* highest priority first */
};

static int nw_cpu_init(struct uk_kernel *k, unsigned cpu, void **state)
{
	struct nw_rq *rq = uk_sched_alloc(k, sizeof(*rq)); /* zeroed */
	if (!rq)
		return UK_ENOMEM;
	rq->cpu = cpu;
	*state = rq;
	return 0;
}

/* Link `n` in before `at` (at the tail when `at` is NULL). */
static void nw_link_before(struct nw_rq *rq, struct uk_sched_node *n, struct uk_sched_node *at)
{
	n->next = at;
	n->prev = at ? at->prev : rq->tail;
	if (n->prev)
		n->prev->next = n;
	else
		rq->head = n;
	if (at)
		at->prev = n;
	else
		rq->tail = n;
}

/* UK_ENQ_BACK: behind every node of the same priority (round robin);
 * UK_ENQ_FRONT (the kernel preempted it for a higher priority, which this
 * policy only does when a priority changes): ahead of them. */
static void nw_enqueue(void *state, struct uk_sched_node *n, enum uk_enqueue_how how)
{
	struct nw_rq *rq = state;
	struct uk_sched_node *at = rq->head;

	if (how == UK_ENQ_FRONT)
		while (at && at->prio > n->prio)
			at = at->next;
	else
		while (at && at->prio >= n->prio)
			at = at->next;
	nw_link_before(rq, n, at);
	n->queued_cpu = rq->cpu;
	rq->count++;
}

static void nw_dequeue(void *state, struct uk_sched_node *n)
{
	struct nw_rq *rq = state;

	if (n->prev)
		n->prev->next = n->next;
	else
		rq->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		rq->tail = n->prev;
	n->next = n->prev = NULL;
	n->queued_cpu = UK_CPU_NONE;
	rq->count--;
}

static struct uk_sched_node *nw_pick_next(void *state)
{
	struct nw_rq *rq = state;
	struct uk_sched_node *n = rq->head;

	if (n)
		nw_dequeue(rq, n);
	return n;
}

static bool nw_top_prio(void *state, unsigned *prio)
{
	struct nw_rq *rq = state;

	if (!rq->head)
		return false;
	*prio = rq->head->prio;
	return true;
}

/* The whole point of the policy: a wake-up never takes the CPU. */
static bool nw_should_preempt(const struct uk_sched_node *running,
			      const struct uk_sched_node *woken)
{
	(void)running;
	(void)woken;
	return false;
}

/* Since a woken thread waits for whatever runs where it is placed, place
 * it where the least is in front of it: the allowed CPU with the fewest
 * threads (queued, plus the running one); among equals its last CPU (warm
 * caches), then the lowest index. Reads state only, as the contract asks. */
static unsigned nw_select_cpu(struct uk_kernel *k, const struct uk_sched_node *n,
			      unsigned waker_cpu)
{
	unsigned ncpus = uk_sched_cpu_count(k);
	unsigned best = UK_CPU_NONE, best_load = 0;

	(void)waker_cpu;
	for (unsigned cpu = 0; cpu < ncpus && cpu < 64; cpu++) {
		if (!(n->affinity & (1ull << cpu)))
			continue;
		const struct nw_rq *rq = uk_sched_cpu_state(k, cpu);
		unsigned running;
		unsigned load = rq->count + (uk_sched_cpu_running_prio(k, cpu, &running) ? 1u : 0u);
		if (best == UK_CPU_NONE || load < best_load ||
		    (load == best_load && cpu == n->last_cpu)) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

static uint64_t nw_slice_ns(struct uk_kernel *k, const struct uk_sched_node *n)
{
	(void)n;
	return uk_sched_default_slice(k);
}

/* The queue's invariants, in checking builds after every switch: sorted
 * by priority, links consistent both ways, every node marked as queued
 * here, and the count right. */
static void nw_check(struct uk_kernel *k, void *state)
{
	struct nw_rq *rq = state;
	const struct uk_sched_node *prev = NULL;
	unsigned total = 0;

	for (const struct uk_sched_node *n = rq->head; n; prev = n, n = n->next) {
		if (++total > rq->count)
			uk_sched_fatal(k, "no-preempt-on-wake: more nodes than counted (a cycle?)");
		if (n->prev != prev || n->queued_cpu != rq->cpu || n->prio > UK_PRIO_MAX)
			uk_sched_fatal(k, "no-preempt-on-wake: queue links or marks broken");
		if (prev && prev->prio < n->prio)
			uk_sched_fatal(k, "no-preempt-on-wake: queue not sorted by priority");
	}
	if (total != rq->count || rq->tail != prev)
		uk_sched_fatal(k, "no-preempt-on-wake: count or tail wrong");
}

static const struct uk_sched_ops nowake_ops = {
	.name = "no-preempt-on-wake",
	.cpu_init = nw_cpu_init,
	.enqueue = nw_enqueue,
	.dequeue = nw_dequeue,
	.pick_next = nw_pick_next,
	.top_prio = nw_top_prio,
	.should_preempt = nw_should_preempt,
	.select_cpu = nw_select_cpu,
	.slice_ns = nw_slice_ns,
	.check = nw_check,
};

/* What uksim looks for (sim/policy.h): kind, name, ops, one line of doc;
 * ended by {0}. */
UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{UK_ABI_VERSION, SIM_POLICY_SCHEDULER, "no-preempt-on-wake", &nowake_ops,
	 "fixed priorities, but a woken thread waits for the running one's slice to end"},
	{0},
};
