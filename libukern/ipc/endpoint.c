/* SPDX-License-Identifier: MIT */
/*
 * endpoint.c: synchronous call and receive, and priority inheritance over
 * calls.
 *
 * A call meets a waiting receiver at once (registers copied thread to
 * thread, the receiver's reply object bound to the caller), or queues on
 * the endpoint in priority order (FIFO with UK_EP_FIFO). Nothing here
 * allocates: reply objects are made beforehand by the server.
 *
 * PI (mutex.c does the arithmetic): a thread's effective priority also
 * counts the callers it serves (bound reply objects) and, for the
 * endpoint's server (the thread that last received from it), the callers
 * queued there; a blocked caller's "owner" in the chain is the thread
 * serving it, or the endpoint's server while it is queued. With several
 * server threads on one endpoint, only the latest to receive inherits from
 * the queue: a chain has one next owner, so the definition follows it. pi_update follows that chain up to cfg.pi_max_depth; a call that
 * would close a cycle is refused with UK_EDEADLK.
 */
#include "ipc/ipc_internal.h"

struct ipc_endpoint *endpoint_create(struct uk_kernel *k, uint32_t flags)
{
	struct ipc_endpoint *ep = kalloc(k, sizeof(*ep));
	const struct uk_xfer_ops *x = xfer_ops_of(k, flags >> UK_EP_STRATEGY_SHIFT);

	if (!ep)
		return NULL;
	kobj_init(k, &ep->o, KOBJ_ENDPOINT);
	ep->flags = flags;
	if ((flags >> UK_EP_STRATEGY_SHIFT) == UK_XFER_DEFAULT && k->cfg.xfer)
		x = k->cfg.xfer;
	ep->xfer = x;
	return ep;
}

/* ---- PI hooks for mutex.c ---- */

static unsigned queue_max_prio(const struct ipc_endpoint *ep, unsigned prio)
{
	for (struct uk_thread *w = ep->sendq.first; w; w = w->wq_next) {
		if (w->sn.prio > prio)
			prio = w->sn.prio;
		if (!(ep->flags & UK_EP_FIFO))
			break; /* priority order: the first is the highest */
	}
	return prio;
}

unsigned ipc_pi_inherit(struct uk_thread *t, unsigned prio)
{
	for (struct ipc_reply *r = t->ipc_serving; r; r = r->serving_next)
		if (r->caller->sn.prio > prio)
			prio = r->caller->sn.prio;
	/* Only the endpoint's server inherits from its queue: that is the one
	 * thread a queued caller's chain leads to (ipc_pi_next), so the one
	 * pi_update keeps in step. Another thread still serving a call from
	 * the same endpoint inherits from its own caller only. */
	if (t->ipc_served_ep && t->ipc_served_ep->server == t)
		prio = queue_max_prio(t->ipc_served_ep, prio);
	return prio;
}

struct uk_thread *ipc_pi_next(struct uk_thread *t)
{
	if (t->ipc_reply)
		return t->ipc_reply->server;
	if (t->ipc_ep)
		return t->ipc_ep->server;
	return NULL;
}

/* ---- serving ---- */

/* `t` stops being the endpoint's server (it receives again, or dies). */
static void served_leave(struct uk_kernel *k, struct uk_thread *t)
{
	struct ipc_endpoint *ep = t->ipc_served_ep;

	if (!ep)
		return;
	if (ep->server == t)
		ep->server = NULL;
	t->ipc_served_ep = NULL;
	ipc_pi_lower(k, t);
	kobj_put(k, &ep->o);
}

/* `t` becomes the endpoint's server; the thread that was (it may still be
 * serving an earlier call) no longer inherits from the queue. */
static void served_enter(struct uk_kernel *k, struct uk_thread *t, struct ipc_endpoint *ep)
{
	struct uk_thread *old = ep->server;

	ep->server = t;
	t->ipc_served_ep = ep;
	kobj_get(&ep->o);
	if (old && old != t)
		ipc_pi_lower(k, old);
}

/* Block the current thread on no queue (a caller waiting for its reply). */
static void block_for_reply(struct uk_kernel *k, struct uk_thread *t, uint64_t object)
{
	t->state = TS_BLOCKED;
	t->wait_kind = UK_WAIT_OTHER;
	t->wait_object = object;
	t->wait_result = 0;
	t->blocked_since = uk_arch_now(k->a);
	t->blocked_count++;
	uk_arch_trace(k->a, UK_TRACE_CORE_BLOCK, t->o.id, UK_WAIT_OTHER, object);
}

static void sendq_insert(struct ipc_endpoint *ep, struct uk_thread *t)
{
	struct uk_thread **pp = (struct uk_thread **)&ep->sendq.first;

	if (!(ep->flags & UK_EP_FIFO)) {
		waitq_insert(&ep->sendq, t);
		return;
	}
	while (*pp)
		pp = &(*pp)->wq_next;
	t->wq_next = NULL;
	*pp = t;
	t->wq = &ep->sendq;
	t->wq_fifo = true;
}

static void sendq_remove(struct ipc_endpoint *ep, struct uk_thread *t)
{
	waitq_remove(&ep->sendq, t);
	t->wq_fifo = false;
	t->ipc_ep = NULL;
}

/* The call's long message (caller's xfer_va/xfer_len) into the receiver's
 * buffer (truncated to its size), with the endpoint's strategy, from
 * whichever side runs here (`caller_runs`: the receiver's space is the
 * remote one). Sets the receiver's xfer_len to the bytes delivered and the
 * running thread's transfer result. */
static int call_xfer(struct uk_kernel *k, struct ipc_endpoint *ep, struct uk_thread *caller,
		     struct uk_thread *recv, bool caller_runs)
{
	struct uk_msg *c = &caller->ipc_regs, *r = &recv->ipc_regs;
	uint64_t n = c->xfer_len < r->xfer_len ? c->xfer_len : r->xfer_len;
	struct uk_xfer_job x = {.k = k, .len = n, .write = caller_runs, .xfer = ep->xfer};
	struct uk_thread *runs = caller_runs ? caller : recv;
	int rc;

	runs->ipc_xres = x.res;
	if (n == 0) {
		r->xfer_len = 0;
		return 0;
	}
	if (ep->xfer->grant)
		return UK_EPERM; /* grant endpoints: memory moves through grants only */
	x.remote = caller_runs ? recv->proc : caller->proc;
	x.local = caller_runs ? c->xfer_va : r->xfer_va;
	x.rva = caller_runs ? r->xfer_va : c->xfer_va;
	rc = xfer_run(&x);
	runs->ipc_xres = x.res;
	if (rc == 0)
		r->xfer_len = n;
	return rc;
}

static bool call_would_deadlock(struct ipc_endpoint *ep, struct uk_thread *t)
{
	struct uk_thread *o = ep->server;

	for (unsigned i = 0; o && i < 256; i++) {
		if (o == t)
			return true;
		o = pi_next_owner(o);
	}
	return false;
}

int endpoint_call(struct uk_kernel *k, struct uk_thread *t, struct ipc_endpoint *ep, uint64_t badge)
{
	struct uk_thread *r = waitq_first(&ep->recvq);
	int rc;

	t->ipc_badge = badge;
	if (r && (rc = call_xfer(k, ep, t, r, true)) < 0)
		return rc; /* the receiver keeps waiting */
	/* A caller has one call in flight at a time, so its id names the call
	 * from here until a server receives it (a flow in timelines). */
	uk_arch_trace(k->a, UK_TRACE_IPC_CALL, t->o.id, ep->o.id, t->o.id);
	if (r) {
		waitq_remove(&ep->recvq, r);
		uk_arch_trace(k->a, UK_TRACE_IPC_RECV, t->o.id, ep->o.id, r->o.id);
		msg_deliver(k, &r->ipc_regs, &t->ipc_regs, t->proc, r->proc, badge);
		reply_bind(r->ipc_recv_reply, t, r, ep);
		served_enter(k, r, ep);
		block_for_reply(k, t, ep->o.id);
		waitq_wake_prepare(k, r, 0);
		ipc_pi_raise(k, r, t->sn.prio);
		k->stats.ipc_calls++;
#ifdef UK_CHECKING
		pi_check(k);
#endif
		t->ipc_switch_to = r; /* the receiver runs, we wait for the reply */
		return IPC_SWITCH;
	} else {
		if (call_would_deadlock(ep, t))
			return UK_EDEADLK;
		kobj_get(&ep->o);
		t->ipc_ep = ep;
		block_for_reply(k, t, ep->o.id);
		sendq_insert(ep, t);
		if (ep->server)
			ipc_pi_raise(k, ep->server, t->sn.prio);
	}
	k->stats.ipc_calls++;
#ifdef UK_CHECKING
	pi_check(k);
#endif
	rc = waitq_sleep(k);
	kobj_put(k, &ep->o);
	return rc;
}

/* `wake`: a caller just replied to (reply-and-receive) and not made ready
 * yet, or NULL. When this receive blocks (IPC_SWITCH), the CPU goes
 * straight to it; otherwise it is made ready before anything else. */
int endpoint_recv(struct uk_kernel *k, struct uk_thread *t, struct ipc_endpoint *ep,
		  struct ipc_reply *r, struct uk_thread *wake)
{
	bool busy = r->state == REPLY_BOUND || r->armed; /* one call per reply object at a time */
	struct uk_thread *c;
	int rc;

	if (wake && (busy || waitq_first(&ep->sendq))) {
		sched_make_ready(k, wake); /* this receive will not block */
		wake = NULL;
	}
	if (busy)
		return UK_EBUSY;
	k->stats.ipc_receives++;
	served_leave(k, t);
	while ((c = waitq_first(&ep->sendq)) != NULL) {
		rc = call_xfer(k, ep, c, t, false);
		if (rc < 0 && t->ipc_xres.fault_side == UK_XFER_FAULT_LOCAL)
			return rc; /* our own buffer: the caller stays queued */
		sendq_remove(ep, c);
		if (rc < 0) {
			/* The caller's buffer (or a grant endpoint): its call
			 * fails, seen from the caller its own buffer faulted. */
			c->ipc_xres = t->ipc_xres;
			if (c->ipc_xres.fault_side)
				c->ipc_xres.fault_side = UK_XFER_FAULT_LOCAL;
			waitq_wake_thread(k, c, rc);
			if (ep->server)
				ipc_pi_lower(k, ep->server);
			continue;
		}
		uk_arch_trace(k->a, UK_TRACE_IPC_RECV, c->o.id, ep->o.id, t->o.id);
		msg_deliver(k, &t->ipc_regs, &c->ipc_regs, c->proc, t->proc, c->ipc_badge);
		reply_bind(r, c, t, ep);
		served_enter(k, t, ep);
		pi_update(k, t); /* the caller and the rest of the queue */
		return 0;
	}
	t->ipc_recv_reply = r;
	t->ipc_recv_ep = ep;
	r->armed = true;
	kobj_get(&r->o);
	kobj_get(&ep->o);
	waitq_enqueue_current(k, &ep->recvq, UK_WAIT_OTHER, ep->o.id);
	t->ipc_switch_to = wake;
	return IPC_SWITCH;
}

int endpoint_resume(struct uk_kernel *k, struct uk_thread *t)
{
	struct ipc_reply *r = t->ipc_recv_reply;
	struct ipc_endpoint *ep = t->ipc_recv_ep;

	if (!r)
		return t->wait_result; /* a call, replied to */
	r->armed = false;
	t->ipc_recv_reply = NULL;
	t->ipc_recv_ep = NULL;
	kobj_put(k, &r->o);
	kobj_put(k, &ep->o);
	return t->wait_result;
}

/* A blocked caller was killed: leave the endpoint's queue, or unbind. */
void ipc_waiter_gone(struct uk_kernel *k, struct uk_thread *t)
{
	struct ipc_endpoint *ep = t->ipc_ep;

	if (ep) {
		sendq_remove(ep, t);
		if (ep->server)
			ipc_pi_lower(k, ep->server);
	} else if (t->ipc_reply) {
		reply_unbind(k, t->ipc_reply, REPLY_CALLER_GONE);
	}
}

/* A dying thread: the callers it serves get UK_ESRCH. */
void ipc_thread_dead(struct uk_kernel *k, struct uk_thread *t)
{
	while (t->ipc_serving) {
		struct ipc_reply *r = t->ipc_serving;
		struct uk_thread *c = r->caller;
		reply_unbind(k, r, REPLY_IDLE);
		waitq_wake_thread(k, c, UK_ESRCH);
	}
	served_leave(k, t);
}
