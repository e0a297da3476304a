/* SPDX-License-Identifier: MIT */
/*
 * sys_ipc.c: decoding of the IPC and transfer system calls
 * (UK_SYS_IPC_FIRST .. UK_SYS_IPC_LAST, ukern/ipc.h). Each sys_* looks up
 * handles and rights and checks raw arguments, then calls the operation in
 * the object's file. Every bad argument is a documented error.
 *
 * Messages travel in the threads' kernel-held registers (t->ipc_regs) and
 * transfer results come back in t->ipc_xres: no call takes a pointer.
 */
#include "ipc/ipc_internal.h"
#include "irq/irq_kobj.h"

static int lookup(struct uk_thread *t, uint64_t h, enum kobj_type type, uint32_t rights,
		  void *out)
{
	return cap_lookup(t->proc, h, type, rights, (struct kobj **)out);
}

static long install(struct uk_kernel *k, struct uk_thread *t, struct kobj *o, uint32_t rights)
{
	int h = cap_install(k, t->proc, o, rights);
	kobj_put(k, o); /* the handle holds it now, or it is freed */
	return h;
}

/* The range [va, va + len) lies in user space (len > 0 checked before). */
static bool user_range(uk_vaddr_t va, uint64_t len)
{
	return va >= UK_USER_BASE && va < UK_USER_END && len <= UK_USER_END - va;
}

/* A long-message buffer: none (len 0), or inside user space. */
static int buf_check(uint64_t va, uint64_t len)
{
	return len == 0 || user_range(va, len) ? 0 : UK_ERANGE;
}

static long sys_ep_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	uint64_t s = a[0] >> UK_EP_STRATEGY_SHIFT;
	struct ipc_endpoint *ep;

	if ((a[0] & ~(uint64_t)(UK_EP_FIFO | UK_EP_STRATEGY_MASK)) ||
	    (s != UK_XFER_DEFAULT && !xfer_ops_of(k, (unsigned)s)))
		return UK_EINVAL;
	if (!(ep = endpoint_create(k, (uint32_t)a[0])))
		return UK_ENOMEM;
	return install(k, t, &ep->o, UK_EP_RIGHTS);
}

static long sys_ep_mint(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *o;
	int rc = lookup(t, a[0], KOBJ_ENDPOINT, 0, &o), h;

	if (rc < 0)
		return rc;
	if (a[1] == 0 || a[2] > UK_RIGHTS_ALL)
		return UK_EINVAL;
	if (cap_badge(t->proc, a[0]))
		return UK_EBUSY;
	if ((h = cap_dup(k, t->proc, a[0], a[2])) < 0)
		return h;
	cap_set_badge(t->proc, (uint64_t)h, a[1]);
	return h;
}

static long sys_call(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_endpoint *ep;
	int rc = lookup(t, a[0], KOBJ_ENDPOINT, UK_RIGHT_WRITE, &ep);

	if (rc < 0 || (rc = msg_check(t->proc, &t->ipc_regs)) < 0 ||
	    (rc = buf_check(t->ipc_regs.xfer_va, t->ipc_regs.xfer_len)) < 0)
		return rc;
	return endpoint_call(k, t, ep, cap_badge(t->proc, a[0]));
}

static long sys_recv_call(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_endpoint *ep;
	struct ipc_reply *r;
	int rc = lookup(t, a[2], KOBJ_REPLY, UK_RIGHT_READ, &r);

	if (rc < 0 || (rc = lookup(t, a[0], KOBJ_ENDPOINT, UK_RIGHT_READ, &ep)) < 0 ||
	    (rc = buf_check(a[1], a[3])) < 0)
		return rc;
	t->ipc_regs.xfer_va = a[1];
	t->ipc_regs.xfer_len = a[3];
	return endpoint_recv(k, t, ep, r, NULL);
}

static long sys_reply(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_reply *r;
	int rc = lookup(t, a[0], KOBJ_REPLY, UK_RIGHT_WRITE, &r);

	if (rc < 0 || (rc = msg_check(t->proc, &t->ipc_regs)) < 0)
		return rc;
	return reply_send(k, r, t, NULL);
}

static long sys_reply_recv(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_reply *r;
	struct ipc_endpoint *ep;
	struct uk_thread *caller;
	int rc = lookup(t, a[0], KOBJ_REPLY, UK_RIGHT_READ | UK_RIGHT_WRITE, &r);

	if (rc < 0 || (rc = lookup(t, a[2], KOBJ_ENDPOINT, UK_RIGHT_READ, &ep)) < 0 ||
	    (rc = msg_check(t->proc, &t->ipc_regs)) < 0 || (rc = buf_check(a[1], a[3])) < 0)
		return rc;
	if ((rc = reply_send(k, r, t, &caller)) < 0)
		return rc;
	t->ipc_regs.xfer_va = a[1];
	t->ipc_regs.xfer_len = a[3];
	return endpoint_recv(k, t, ep, r, caller); /* blocking, it hands the CPU to the caller */
}

static long sys_reply_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_reply *r = reply_create(k);
	return r ? install(k, t, &r->o, UK_REPLY_RIGHTS) : UK_ENOMEM;
}

static long sys_ntfn_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_ntfn *n = ntfn_create(k);
	return n ? install(k, t, &n->o, UK_NTFN_RIGHTS) : UK_ENOMEM;
}

static long sys_ntfn_signal(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_ntfn *n;
	int rc = ntfn_lookup(t->proc, a[0], &n);

	if (rc < 0)
		return rc;
	if (a[1] == 0 || (a[1] & ~(uint64_t)UK_NTFN_BITS))
		return UK_EINVAL;
	notification_signal(k, n, (uint32_t)a[1]);
	return 0;
}

/* (ntfn_h, irq_h, bits): signal `bits` on the notification whenever the
 * IRQ sink's sequence advances; bits 0 unbinds. Needs the notification's
 * SIGNAL right and the sink's WAIT right (binding is a way of waiting). */
static long sys_ntfn_bind_irq(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_ntfn *n = NULL;
	struct irq_sink_obj *s;
	int rc = lookup(t, a[1], KOBJ_IRQ_SINK, UK_RIGHT_WAIT, &s);

	if (rc < 0)
		return rc;
	if (a[2] & ~(uint64_t)UK_NTFN_BITS)
		return UK_EINVAL;
	if (a[2] && (rc = ntfn_lookup(t->proc, a[0], &n)) < 0)
		return rc;
	irq_sink_bind(k, s, n, (uint32_t)a[2]);
	return 0;
}

static long sys_ntfn_wait(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6], bool poll)
{
	struct ipc_ntfn *n;
	int rc = lookup(t, a[0], KOBJ_NTFN, UK_RIGHT_WAIT, &n);

	if (rc < 0)
		return rc;
	return poll ? ntfn_poll(n) : ntfn_wait(k, n);
}

static long xfer_finish(struct uk_thread *t, struct uk_xfer_job *x)
{
	int rc = xfer_run(x);

	t->ipc_xres = x->res;
	return rc < 0 ? rc : (long)x->res.bytes;
}

static int xfer_args(const uint64_t a[6], struct uk_xfer_job *x, struct uk_kernel *k)
{
	if (a[1] > UK_XFER_WRITE || a[4] == 0)
		return UK_EINVAL;
	if (!user_range(a[2], a[4]))
		return UK_ERANGE;
	x->k = k;
	x->write = a[1] == UK_XFER_WRITE;
	x->local = a[2];
	x->len = a[4];
	return 0;
}

static long sys_xfer(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct uk_xfer_job x = {0};
	struct ipc_reply *r;
	int rc = lookup(t, a[0], KOBJ_REPLY, UK_RIGHT_WRITE, &r);

	t->ipc_xres = x.res;
	if (rc < 0 || (rc = reply_check(r)) < 0 || (rc = xfer_args(a, &x, k)) < 0)
		return rc;
	if (r->xfer->grant)
		return UK_EPERM; /* this endpoint's clients expose memory by grants only */
	if (!user_range(a[3], a[4]))
		return UK_ERANGE;
	x.remote = r->caller->proc;
	x.rva = a[3];
	x.xfer = r->xfer;
	return xfer_finish(t, &x);
}

static long sys_grant_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_grant *g;
	int rc;

	if (a[2] > UK_RIGHTS_ALL)
		return UK_EINVAL;
	if ((rc = grant_create(k, t->proc, a[0], a[1], (uint32_t)a[2], &g)) < 0)
		return rc;
	return install(k, t, &g->o, (uint32_t)a[2] | UK_RIGHT_GRANT);
}

static long sys_grant_revoke(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct ipc_grant *g;
	int rc = lookup(t, a[0], KOBJ_GRANT, 0, &g);
	return rc < 0 ? rc : grant_revoke(g, t->proc);
}

static long sys_xfer_grant(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct uk_xfer_job x = {0};
	struct ipc_grant *g;
	uint32_t need = a[1] == UK_XFER_WRITE ? UK_RIGHT_WRITE : UK_RIGHT_READ;
	int rc = lookup(t, a[0], KOBJ_GRANT, 0, &g);

	t->ipc_xres = x.res;
	if (rc < 0 || (rc = xfer_args(a, &x, k)) < 0)
		return rc;
	if ((cap_rights(t->proc, a[0]) & (int)need) != (int)need || !(g->rights & need))
		return UK_EPERM;
	if (g->revoked)
		return UK_ESTALE;
	if (a[3] > g->len || a[4] > g->len - a[3])
		return UK_ERANGE;
	if (g->owner->torn_down)
		return UK_ESRCH;
	x.remote = g->owner;
	x.rva = g->va + a[3];
	x.xfer = xfer_ops_of(k, UK_XFER_GRANT);
	return xfer_finish(t, &x);
}

long ipc_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	long rc;

	switch (nr) {
	case UK_SYS_EP_CREATE:
		return sys_ep_create(k, t, a);
	case UK_SYS_EP_MINT:
		return sys_ep_mint(k, t, a);
	case UK_SYS_CALL:
		rc = sys_call(k, t, a);
		break;
	case UK_SYS_RECV:
		rc = sys_recv_call(k, t, a);
		break;
	case UK_SYS_REPLY:
		return sys_reply(k, t, a);
	case UK_SYS_REPLY_RECV:
		rc = sys_reply_recv(k, t, a);
		break;
	case UK_SYS_REPLY_CREATE:
		return sys_reply_create(k, t, a);
	case UK_SYS_NTFN_CREATE:
		return sys_ntfn_create(k, t, a);
	case UK_SYS_NTFN_SIGNAL:
		return sys_ntfn_signal(k, t, a);
	case UK_SYS_NTFN_WAIT:
		return sys_ntfn_wait(k, t, a, false);
	case UK_SYS_NTFN_POLL:
		return sys_ntfn_wait(k, t, a, true);
	case UK_SYS_XFER:
		return sys_xfer(k, t, a);
	case UK_SYS_GRANT_CREATE:
		return sys_grant_create(k, t, a);
	case UK_SYS_GRANT_REVOKE:
		return sys_grant_revoke(k, t, a);
	case UK_SYS_XFER_GRANT:
		return sys_xfer_grant(k, t, a);
	case UK_SYS_NTFN_BIND_IRQ:
		return sys_ntfn_bind_irq(k, t, a);
	default:
		return UK_ENOSYS;
	}
	/* Call, receive, reply-and-receive: the one place their switches
	 * happen (IPC_SWITCH in ipc_internal.h). */
	if (rc == IPC_SWITCH) {
		struct uk_thread *next = t->ipc_switch_to;
		t->ipc_switch_to = NULL;
		if (next)
			sched_handoff(k, next);
		else
			sched_block_current(k);
		rc = endpoint_resume(k, t);
	}
	return rc;
}
