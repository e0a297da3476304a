/* SPDX-License-Identifier: MIT */
/*
 * timer.c: kernel timers (IRQ stall retries and ACK timeouts, sleeps).
 *
 * One deadline-ordered list per kernel; timers are embedded in their owners
 * (no allocation), FIFO among equal deadlines so runs stay deterministic.
 * Every CPU programs its one-shot timer at the earliest of its slice end,
 * its no-preemption deadline and the first kernel timer (cpu_timer_program);
 * whichever CPU's timer interrupt comes first runs the due timers. Several
 * CPUs may wake for the same deadline; the later ones find nothing due.
 */
#include "core/kern.h"

void ktimer_init(struct ktimer *tm, ktimer_fn fn)
{
	tm->next = NULL;
	tm->deadline = UINT64_MAX;
	tm->queued = false;
	tm->fn = fn;
}

static void ktimer_unlink(struct uk_kernel *k, struct ktimer *tm)
{
	for (struct ktimer **pp = &k->timers; *pp; pp = &(*pp)->next) {
		if (*pp == tm) {
			*pp = tm->next;
			break;
		}
	}
	tm->next = NULL;
	tm->queued = false;
}

void ktimer_cancel(struct uk_kernel *k, struct ktimer *tm)
{
	if (tm->queued)
		ktimer_unlink(k, tm);
	tm->deadline = UINT64_MAX;
}

/* (Re)arm `tm` for `deadline`; UINT64_MAX (or anything past
 * UK_TIMER_NEVER_FROM) cancels. Reprograms this CPU's timer when the first
 * deadline moved earlier. */
void ktimer_set(struct uk_kernel *k, struct ktimer *tm, uint64_t deadline)
{
	struct ktimer **pp = &k->timers;
	uint64_t first = ktimer_next(k);

	ktimer_cancel(k, tm);
	if (deadline >= UK_TIMER_NEVER_FROM)
		return;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	tm->next = *pp;
	*pp = tm;
	tm->queued = true;
	tm->deadline = deadline;
	if (deadline < first && k->cpus_running && this_cpu(k)->started)
		cpu_timer_program(k, this_cpu(k));
}

uint64_t ktimer_next(struct uk_kernel *k)
{
	return k->timers ? k->timers->deadline : UINT64_MAX;
}

/* Run every timer due at `now`, earliest first. A callback may re-arm its
 * own timer or others. */
void ktimer_run(struct uk_kernel *k, uint64_t now)
{
	struct ktimer *tm;

	while ((tm = k->timers) != NULL && tm->deadline <= now) {
		ktimer_unlink(k, tm);
		tm->deadline = UINT64_MAX;
		k->stats.kernel_timers_fired++;
		tm->fn(k, tm, now);
	}
}

/* Program the current CPU's timer: the earliest of the running thread's
 * slice end (if still ahead), its no-preemption deadline and the first
 * kernel timer. An idle CPU only waits for kernel timers. */
void cpu_timer_program(struct uk_kernel *k, struct cpu *c)
{
	struct uk_thread *t = c->current;
	uint64_t now = uk_arch_now(k->a);
	uint64_t deadline = k->pm.suspended ? UINT64_MAX : ktimer_next(k); /* asleep: pm.c */

	if (t && !t->is_idle) {
		if (c->slice_deadline > now && c->slice_deadline < deadline)
			deadline = c->slice_deadline;
		if (t->np_active && t->np_deadline < deadline)
			deadline = t->np_deadline;
	}
	if (deadline == UINT64_MAX)
		uk_arch_timer_disarm(k->a);
	else
		uk_arch_timer_arm(k->a, deadline);
}

/* ---- sleeping ---- */

struct sleeper {
	struct ktimer tm;
	struct uk_waitq q;
};

static void sleep_expired(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
	struct sleeper *s = container_of(tm, struct sleeper, tm);
	(void)now;
	uk_waitq_wake(k, &s->q, 1, 0);
}

/* Block the current thread until `deadline` (absolute ns). The sleeper
 * lives on the thread's kernel stack, which stays put while it blocks. */
int ktimer_sleep_until(struct uk_kernel *k, uint64_t deadline)
{
	struct sleeper s;
	int rc;

	if (deadline <= uk_arch_now(k->a))
		return 0;
	s.q.first = NULL;
	ktimer_init(&s.tm, sleep_expired);
	ktimer_set(k, &s.tm, deadline);
	rc = waitq_block(k, &s.q, UK_WAIT_OTHER, deadline);
	ktimer_cancel(k, &s.tm); /* killed before the deadline */
	return rc;
}
