/* SPDX-License-Identifier: MIT */
/*
 * sched/fixed.c: the default scheduling policy ("fixed"). 256 fixed priorities per CPU, one
 * circular FIFO per priority and a 256-bit bitmap of non-empty levels, so
 * pick_next is a find-highest-set-bit over four words: O(1).
 * Invariant: bit p is set iff queue p is non-empty.
 */
#include "core/kern.h"

struct fixed_rq {
	unsigned cpu;
	unsigned count;
	uint64_t bitmap[UK_PRIO_COUNT / 64];
	struct uk_sched_node *head[UK_PRIO_COUNT]; /* first of a circular list, or NULL */
};

static int fixed_cpu_init(struct uk_kernel *k, unsigned cpu, void **state)
{
	struct fixed_rq *rq = uk_sched_alloc(k, sizeof(*rq));
	if (!rq)
		return UK_ENOMEM;
	rq->cpu = cpu;
	*state = rq;
	return 0;
}

static void fixed_enqueue(void *state, struct uk_sched_node *n, enum uk_enqueue_how how)
{
	struct fixed_rq *rq = state;
	struct uk_sched_node **head = &rq->head[n->prio];

	if (!*head) {
		n->next = n->prev = n;
		*head = n;
		rq->bitmap[n->prio / 64] |= 1ull << (n->prio % 64);
	} else {
		struct uk_sched_node *first = *head;
		n->next = first;
		n->prev = first->prev;
		first->prev->next = n;
		first->prev = n;
		if (how == UK_ENQ_FRONT)
			*head = n;
	}
	n->queued_cpu = rq->cpu;
	rq->count++;
}

static void fixed_dequeue(void *state, struct uk_sched_node *n)
{
	struct fixed_rq *rq = state;
	struct uk_sched_node **head = &rq->head[n->prio];

	if (n->next == n) {
		*head = NULL;
		rq->bitmap[n->prio / 64] &= ~(1ull << (n->prio % 64));
	} else {
		n->prev->next = n->next;
		n->next->prev = n->prev;
		if (*head == n)
			*head = n->next;
	}
	n->next = n->prev = NULL;
	n->queued_cpu = UK_CPU_NONE;
	rq->count--;
}

static bool fixed_top_prio(void *state, unsigned *prio)
{
	struct fixed_rq *rq = state;
	for (int w = UK_PRIO_COUNT / 64 - 1; w >= 0; w--) {
		if (rq->bitmap[w]) {
			*prio = (unsigned)w * 64 + 63u - (unsigned)__builtin_clzll(rq->bitmap[w]);
			return true;
		}
	}
	return false;
}

static struct uk_sched_node *fixed_pick_next(void *state)
{
	struct fixed_rq *rq = state;
	struct uk_sched_node *n;
	unsigned p;

	if (!fixed_top_prio(rq, &p))
		return NULL;
	n = rq->head[p];
	fixed_dequeue(rq, n);
	return n;
}

static bool fixed_should_preempt(const struct uk_sched_node *running, const struct uk_sched_node *woken)
{
	return woken->prio > running->prio;
}

/* 0: idle with an empty queue; 1: n would preempt what runs there; 2: it waits. */
static unsigned placement_class(struct uk_kernel *k, unsigned cpu, const struct uk_sched_node *n)
{
	struct fixed_rq *rq = uk_sched_cpu_state(k, cpu);
	unsigned running, top;
	bool busy = uk_sched_cpu_running_prio(k, cpu, &running);

	if (!busy && rq->count == 0)
		return 0;
	if ((!busy || running < n->prio) && (!fixed_top_prio(rq, &top) || top < n->prio))
		return 1;
	return 2;
}

/* Prefer a CPU where the thread runs at once; among equals its last CPU (warm
 * cache and TLB), then the shortest queue, then the lowest index. */
static unsigned fixed_select_cpu(struct uk_kernel *k, const struct uk_sched_node *n, unsigned waker_cpu)
{
	unsigned best = UK_CPU_NONE, best_class = 3, best_count = 0;
	unsigned ncpus = uk_sched_cpu_count(k);

	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		struct fixed_rq *rq;
		unsigned cls;
		if (!(n->affinity & (1ull << cpu)))
			continue;
		rq = uk_sched_cpu_state(k, cpu);
		cls = placement_class(k, cpu, n);
		if (cls < best_class || (cls == best_class && cpu == n->last_cpu) ||
		    (cls == best_class && best != n->last_cpu && rq->count < best_count)) {
			best = cpu;
			best_class = cls;
			best_count = rq->count;
		}
	}
	(void)waker_cpu;
	return best;
}

static uint64_t fixed_slice_ns(struct uk_kernel *k, const struct uk_sched_node *n)
{
	return uk_sched_default_slice(k);
}

static void fixed_check(struct uk_kernel *k, void *state)
{
	struct fixed_rq *rq = state;
	unsigned total = 0;

	for (unsigned p = 0; p < UK_PRIO_COUNT; p++) {
		struct uk_sched_node *n = rq->head[p];
		bool bit = (rq->bitmap[p / 64] >> (p % 64)) & 1;
		if (bit != (n != NULL))
			uk_sched_fatal(k, "sched_fixed: bitmap bit disagrees with its queue");
		if (!n)
			continue;
		do {
			if (n->prio != p || n->queued_cpu != rq->cpu || n->next->prev != n)
				uk_sched_fatal(k, "sched_fixed: queue links or priority broken");
			total++;
			n = n->next;
		} while (n != rq->head[p] && total <= rq->count);
	}
	if (total != rq->count)
		uk_sched_fatal(k, "sched_fixed: queue count is wrong");
}

/* Filled at run time rather than as a constant table, so the library
 * carries no relocated data. */
void uk_sched_fixed_ops(struct uk_sched_ops *ops)
{
	ops->name = "fixed";
	ops->cpu_init = fixed_cpu_init;
	ops->enqueue = fixed_enqueue;
	ops->dequeue = fixed_dequeue;
	ops->pick_next = fixed_pick_next;
	ops->top_prio = fixed_top_prio;
	ops->should_preempt = fixed_should_preempt;
	ops->select_cpu = fixed_select_cpu;
	ops->slice_ns = fixed_slice_ns;
	ops->check = fixed_check;
}
