/* SPDX-License-Identifier: MIT */
/*
 * sched.h: the scheduling-policy interface (struct uk_sched_ops).
 *
 * The kernel core owns thread states, switching, the timer and IPIs; a policy
 * owns only the per-CPU run queues and three decisions: which queued thread
 * runs next, whether a newly runnable thread preempts the running one, and on
 * which CPU a thread that becomes runnable is placed. The default policy
 * (uk_sched_fixed_ops, sched_fixed.c) is 256 fixed priorities with a bitmap per
 * CPU and round-robin slices. A researcher writes another ops table and passes
 * it in struct uk_kernel_config.sched; the kernel keeps a copy.
 *
 * Rules for a policy:
 *  - Every op is called with the kernel lock held and interrupts disabled; it
 *    must not block, allocate (except in cpu_init) or call back into the
 *    kernel except through the uk_sched_* helpers below.
 *  - A thread is given to the policy as its struct uk_sched_node. The node is
 *    on at most one run queue at a time; enqueue is only called for a node
 *    that is not queued, dequeue and pick_next only return queued nodes.
 *  - node->prio is the thread's effective priority (0 lowest .. 255 highest,
 *    priority inheritance included). The kernel never changes prio while the
 *    node is queued: it dequeues, changes, and enqueues again.
 */
#ifndef UKERN_SCHED_H
#define UKERN_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <ukern/err.h> /* UK_ENOMEM for cpu_init */

struct uk_kernel;

#define UK_PRIO_COUNT 256u
#define UK_PRIO_MAX 255u
#define UK_PRIO_MIN 0u
#define UK_CPU_NONE 0xffffffffu

/* The part of a thread a policy sees. Fields marked (policy) belong to the
 * policy; the others are maintained by the kernel and are read-only here. */
struct uk_sched_node {
	struct uk_sched_node *next, *prev; /* (policy) run-queue links */
	unsigned queued_cpu;               /* (policy) CPU whose queue holds it, or UK_CPU_NONE */
	unsigned prio;                     /* effective priority 0..255 */
	unsigned last_cpu;                 /* CPU it last ran on, UK_CPU_NONE if never */
	uint64_t affinity;                 /* CPUs it may run on (bit i = CPU i), never 0 */
	uint64_t tid;                      /* thread id, for traces */
};

/* How a runnable thread goes back on a queue. */
enum uk_enqueue_how {
	UK_ENQ_BACK = 0,  /* new, woken, yielded or slice used up: behind its equals */
	UK_ENQ_FRONT = 1, /* preempted by a higher priority: ahead of its equals */
};

struct uk_sched_ops {
	const char *name;
	/* Allocate and initialise the state of CPU `cpu` (its run queue). Called
	 * once per CPU from uk_kernel_create. Use uk_sched_alloc for memory.
	 * Returns 0 or UK_ENOMEM. */
	int (*cpu_init)(struct uk_kernel *k, unsigned cpu, void **state);
	/* Put `n` on the run queue of the CPU owning `state`. */
	void (*enqueue)(void *state, struct uk_sched_node *n, enum uk_enqueue_how how);
	/* Remove a queued `n` from the queue owning `state`. */
	void (*dequeue)(void *state, struct uk_sched_node *n);
	/* Remove and return the node that should run next, or NULL if empty. */
	struct uk_sched_node *(*pick_next)(void *state);
	/* Highest priority queued on this CPU; false when the queue is empty. */
	bool (*top_prio)(void *state, unsigned *prio);
	/* Whether `woken` (just made runnable) should preempt `running`. */
	bool (*should_preempt)(const struct uk_sched_node *running, const struct uk_sched_node *woken);
	/* Choose the CPU (a bit of n->affinity) for a thread that becomes
	 * runnable. `waker_cpu` is the CPU doing the wake-up, or UK_CPU_NONE.
	 * Must not change state: the IPC hand-off also asks it, without placing
	 * the thread, whether it would rather run elsewhere. */
	unsigned (*select_cpu)(struct uk_kernel *k, const struct uk_sched_node *n, unsigned waker_cpu);
	/* Length of the next time slice of `n` in ns (0: no slice, run until
	 * it blocks or is preempted). */
	uint64_t (*slice_ns)(struct uk_kernel *k, const struct uk_sched_node *n);
	/* Optional (may be NULL): check the queue's invariants; call
	 * uk_sched_fatal when one is broken. Called in checking builds. */
	void (*check)(struct uk_kernel *k, void *state);
};

/* The default policy: 256 fixed priorities, O(1) bitmap pick, round robin.
 * Fills `ops` (the kernel copies the table it is given at create time). */
void uk_sched_fixed_ops(struct uk_sched_ops *ops);

/* Helpers a policy may call. */
void *uk_sched_alloc(struct uk_kernel *k, unsigned size); /* zeroed; <= 4096 bytes; NULL if out of memory */
unsigned uk_sched_cpu_count(struct uk_kernel *k);
/* Priority of the thread running on `cpu`; false when the CPU is idle. */
bool uk_sched_cpu_running_prio(struct uk_kernel *k, unsigned cpu, unsigned *prio);
/* The policy state of `cpu` (as returned by its cpu_init). */
void *uk_sched_cpu_state(struct uk_kernel *k, unsigned cpu);
/* The configured round-robin slice in ns. */
uint64_t uk_sched_default_slice(struct uk_kernel *k);
_Noreturn void uk_sched_fatal(struct uk_kernel *k, const char *what);

#endif /* UKERN_SCHED_H */
