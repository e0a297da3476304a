/* SPDX-License-Identifier: MIT */
/*
 * mutex.c: wait queues and kernel mutexes with priority inheritance.
 *
 * A wait queue keeps its waiters in effective-priority order (FIFO among
 * equals), so a wake-up always takes the most urgent waiter.
 *
 * Priority inheritance (when cfg.priority_inheritance): a thread's effective
 * priority is max(base, first waiter of every mutex it holds). It is always
 * recomputed from that definition, never incremented or decremented, so a
 * release undoes exactly the boost that mutex carried and nothing else. When
 * a thread's effective priority changes while it waits on a mutex, the change
 * is passed on to that mutex's owner, and so on up the chain, at most
 * cfg.pi_max_depth owners per update (bounded time in the kernel).
 *
 * IPC calls join the same chains (ipc/endpoint.c): a server also inherits
 * from the callers it serves and those queued on its endpoint, and a blocked
 * caller's next owner is its server (pi_next_owner), so one definition and
 * one update walk cover mutexes, calls and mixes of both.
 */
#include "core/kern.h"

/* ---- wait queues ---- */

void waitq_insert(struct uk_waitq *q, struct uk_thread *t)
{
	struct uk_thread **pp = (struct uk_thread **)&q->first;

	while (*pp && (*pp)->sn.prio >= t->sn.prio)
		pp = &(*pp)->wq_next;
	t->wq_next = *pp;
	*pp = t;
	t->wq = q;
}

bool waitq_remove(struct uk_waitq *q, struct uk_thread *t)
{
	for (struct uk_thread **pp = (struct uk_thread **)&q->first; *pp; pp = &(*pp)->wq_next) {
		if (*pp == t) {
			*pp = t->wq_next;
			t->wq_next = NULL;
			t->wq = NULL;
			return true;
		}
	}
	return false;
}

struct uk_thread *waitq_first(struct uk_waitq *q)
{
	return q->first;
}

void waitq_enqueue_current(struct uk_kernel *k, struct uk_waitq *q, enum uk_wait_kind kind,
			   uint64_t object)
{
	struct uk_thread *t = this_cpu(k)->current;

	t->state = TS_BLOCKED;
	t->wait_kind = kind;
	t->wait_object = object;
	t->wait_result = 0;
	t->blocked_since = uk_arch_now(k->a);
	t->blocked_count++;
	waitq_insert(q, t);
	uk_arch_trace(k->a, UK_TRACE_CORE_BLOCK, t->o.id, kind, object);
}

int waitq_sleep(struct uk_kernel *k)
{
	struct uk_thread *t = this_cpu(k)->current;

	sched_block_current(k);
	return t->wait_result;
}

int waitq_block(struct uk_kernel *k, struct uk_waitq *q, enum uk_wait_kind kind, uint64_t object)
{
	waitq_enqueue_current(k, q, kind, object);
	return waitq_sleep(k);
}

/* Make `t` (already taken off its queue) runnable; its wait returns `result`. */
/* A blocked thread's wake-up, short of making it ready: it leaves its
 * queue's bookkeeping and gets `result`. The caller makes it ready or hands
 * it the CPU (sched_handoff). */
void waitq_wake_prepare(struct uk_kernel *k, struct uk_thread *t, int result)
{
	uint64_t now = uk_arch_now(k->a);
	uint64_t waited = now > t->blocked_since ? now - t->blocked_since : 0;

	t->wq = NULL;
	t->wait_kind = UK_WAIT_NONE;
	t->wait_result = result;
	t->blocked_total += waited;
	if (waited > t->blocked_max)
		t->blocked_max = waited;
}

void waitq_wake_thread(struct uk_kernel *k, struct uk_thread *t, int result)
{
	waitq_wake_prepare(k, t, result);
	sched_make_ready(k, t);
}

int uk_waitq_block(struct uk_kernel *k, struct uk_user *u, struct uk_waitq *q, uint64_t object_id)
{
	if (u->t != this_cpu(k)->current)
		uk_arch_fatal(k->a, "waitq: blocking a thread that is not running here");
	return waitq_block(k, q, UK_WAIT_OTHER, object_id);
}

unsigned uk_waitq_wake(struct uk_kernel *k, struct uk_waitq *q, unsigned max, int result)
{
	unsigned n = 0;
	struct uk_thread *t;

	while (n < max && (t = waitq_first(q)) != NULL) {
		waitq_remove(q, t);
		waitq_wake_thread(k, t, result);
		n++;
	}
	return n;
}

/* ---- priority inheritance ---- */

static unsigned pi_target(struct uk_kernel *k, struct uk_thread *t)
{
	unsigned prio = t->base_prio;

	if (!k->cfg.priority_inheritance)
		return prio;
	for (struct mutex *m = t->held; m; m = m->held_next) {
		struct uk_thread *w = waitq_first(&m->waiters);
		if (w && w->sn.prio > prio)
			prio = w->sn.prio;
	}
	return ipc_pi_inherit(t, prio); /* callers it serves or that queue for it */
}

/* Recompute t's effective priority; true when it changed. */
static bool pi_recompute(struct uk_kernel *k, struct uk_thread *t)
{
	unsigned old = t->sn.prio, prio = pi_target(k, t);

	if (prio == old)
		return false;
	if (prio > old && prio > t->base_prio)
		k->stats.pi_boosts++;
	uk_arch_trace(k->a, UK_TRACE_CORE_PI_BOOST, t->o.id, old, prio);
	if (t->state == TS_BLOCKED && t->wq && !t->wq_fifo) {
		struct uk_waitq *q = t->wq;
		waitq_remove(q, t);
		t->sn.prio = prio;
		waitq_insert(q, t);
	} else {
		sched_set_prio(k, t, prio);
	}
	return true;
}

void pi_update(struct uk_kernel *k, struct uk_thread *t)
{
	for (unsigned depth = 0; t; depth++) {
		if (depth >= k->cfg.pi_max_depth) {
			k->stats.pi_depth_limited++;
			return;
		}
		if (!pi_recompute(k, t))
			return;
		t = pi_next_owner(t);
	}
}

/* The thread `t` waits for: a mutex owner, or the server of its call. */
struct uk_thread *pi_next_owner(struct uk_thread *t)
{
	if (t->blocked_on)
		return t->blocked_on->owner;
	return ipc_pi_next(t);
}

/* Checking builds: every held mutex names its owner, every waiter is on
 * the queue of the mutex it is blocked on, queues are in priority order,
 * and (unless a chain was cut at the depth bound) effective priorities
 * match their definition exactly. */
void pi_check(struct uk_kernel *k)
{
	struct list *l;

	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		if (t->state == TS_DEAD)
			continue;
		for (struct mutex *m = t->held; m; m = m->held_next) {
			unsigned last = UK_PRIO_MAX;
			if (m->owner != t)
				uk_arch_fatal(k->a, "pi: a held mutex names another owner");
			for (struct uk_thread *w = m->waiters.first; w; w = w->wq_next) {
				if (w->sn.prio > last || w->blocked_on != m)
					uk_arch_fatal(k->a, "pi: mutex wait queue out of order");
				last = w->sn.prio;
			}
		}
		if (t->sn.prio < t->base_prio)
			uk_arch_fatal(k->a, "pi: effective priority below base");
		if (!k->stats.pi_depth_limited && t->sn.prio != pi_target(k, t))
			uk_arch_fatal(k->a, "pi: effective priority differs from its definition");
	}
}

/* ---- mutexes ---- */

struct mutex *mutex_create(struct uk_kernel *k)
{
	struct mutex *m = kalloc(k, sizeof(*m));
	if (m)
		kobj_init(k, &m->o, KOBJ_MUTEX);
	return m;
}

static void mutex_take(struct mutex *m, struct uk_thread *t)
{
	m->owner = t;
	m->held_next = t->held;
	t->held = m;
	kobj_get(&m->o); /* held: closing every handle must not free it */
}

/* Whether t waiting on m would close a cycle (looked at up to a bound). */
static bool mutex_would_deadlock(struct mutex *m, struct uk_thread *t)
{
	struct uk_thread *o = m->owner;

	for (unsigned i = 0; o && i < 256; i++) {
		if (o == t)
			return true;
		o = pi_next_owner(o);
	}
	return false;
}

int mutex_lock(struct uk_kernel *k, struct mutex *m, bool try_only)
{
	struct uk_thread *t = this_cpu(k)->current;
	int rc;

	if (!m->owner) {
		mutex_take(m, t);
		return 0;
	}
	if (m->owner == t || mutex_would_deadlock(m, t))
		return UK_EDEADLK;
	if (try_only)
		return UK_EBUSY;
	kobj_get(&m->o); /* waiting */
	t->blocked_on = m;
	waitq_enqueue_current(k, &m->waiters, UK_WAIT_MUTEX, m->o.id);
	pi_update(k, m->owner);
#ifdef UK_CHECKING
	pi_check(k);
#endif
	rc = waitq_sleep(k);
	/* Woken: either the owner handed us the mutex (rc 0), or we were killed
	 * and mutex_waiter_gone took us off the queue. */
	kobj_put(k, &m->o);
	return rc;
}

static void mutex_unlink_held(struct uk_thread *t, struct mutex *m)
{
	for (struct mutex **pp = &t->held; *pp; pp = &(*pp)->held_next) {
		if (*pp == m) {
			*pp = m->held_next;
			m->held_next = NULL;
			return;
		}
	}
}

/* Release m held by t: hand it to the first waiter, then recompute both. */
static void mutex_release(struct uk_kernel *k, struct uk_thread *t, struct mutex *m)
{
	struct uk_thread *next = waitq_first(&m->waiters);

	mutex_unlink_held(t, m);
	m->owner = NULL;
	if (next) {
		waitq_remove(&m->waiters, next);
		next->blocked_on = NULL;
		mutex_take(m, next);
		waitq_wake_thread(k, next, 0);
		pi_update(k, next);
	}
	pi_update(k, t);
#ifdef UK_CHECKING
	pi_check(k);
#endif
	kobj_put(k, &m->o); /* t's hold */
}

int mutex_unlock(struct uk_kernel *k, struct mutex *m)
{
	struct uk_thread *t = this_cpu(k)->current;

	if (m->owner != t)
		return UK_EPERM;
	mutex_release(k, t, m);
	return 0;
}

/* A dying thread gives up everything it holds (waiters get the mutexes). */
void mutex_release_all(struct uk_kernel *k, struct uk_thread *t)
{
	while (t->held)
		mutex_release(k, t, t->held);
}

/* A killed waiter leaves the queue; the owner loses what it inherited from it. */
void mutex_waiter_gone(struct uk_kernel *k, struct uk_thread *t)
{
	struct mutex *m = t->blocked_on;

	waitq_remove(&m->waiters, t);
	t->blocked_on = NULL;
	pi_update(k, m->owner);
}
