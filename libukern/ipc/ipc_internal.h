/* SPDX-License-Identifier: MIT */
/*
 * ipc_internal.h: the IPC objects and the calls the ipc/ files share, plus
 * the small kernel-internal API other subsystems use (notification_signal
 * for IRQ sinks bound to a notification).
 *
 * Locking: everything runs with the kernel lock held, like every syscall.
 */
#ifndef UKERN_IPC_INTERNAL_H
#define UKERN_IPC_INTERNAL_H

#include <ukern/ipc.h>
#include <ukern/irq_model.h>
#include <ukern/xfer.h>

#include "core/kern.h"

/* A synchronous endpoint: callers wait in `sendq` until a receiver takes
 * them, receivers wait in `recvq` until a caller comes. At most one queue is
 * non-empty. `server` is the thread that last received from it and has not
 * gone back to receiving: callers queued here (and, through the chain,
 * whoever waits on them) lend it their priority. */
struct ipc_endpoint {
	struct kobj o;
	struct uk_waitq sendq, recvq;
	struct uk_thread *server;
	uint32_t flags;    /* UK_EP_* */
	const struct uk_xfer_ops *xfer; /* its transfer strategy */
};

/* A one-shot reply capability (seL4 MCS style reply object): a receive binds
 * it to the caller it took; reply, or the caller's death, unbinds it. While
 * bound, `caller` waits (blocked, on no queue) and `server` serves it. */
enum reply_state { REPLY_IDLE = 0, REPLY_BOUND, REPLY_REPLIED, REPLY_CALLER_GONE };
struct ipc_reply {
	struct kobj o;
	enum reply_state state;
	bool armed;                /* a receiver waits with it (one at a time) */
	struct uk_thread *caller, *server;
	const struct uk_xfer_ops *xfer; /* transfer strategy of the endpoint of the call */
	struct ipc_reply *serving_next; /* in server->ipc_serving */
};

struct ipc_ntfn {
	struct kobj o;
	uint32_t bits;
	struct uk_waitq waiters;
};

struct ipc_grant {
	struct kobj o;
	struct process *owner; /* referenced */
	uk_vaddr_t va;
	uint64_t len;
	uint32_t rights; /* UK_RIGHT_READ / UK_RIGHT_WRITE: what the peer may do */
	bool revoked;
};

/* PI shortcuts on the call path: a new source of priority `prio` can only
 * raise `t` if it outranks it; a source leaving can only lower `t` if `t`
 * runs above its base. Otherwise pi_update would find nothing to do. */
static inline void ipc_pi_raise(struct uk_kernel *k, struct uk_thread *t, unsigned prio)
{
	if (prio > t->sn.prio)
		pi_update(k, t);
}
static inline void ipc_pi_lower(struct uk_kernel *k, struct uk_thread *t)
{
	if (t->sn.prio > t->base_prio)
		pi_update(k, t);
}

/* endpoint.c */
struct ipc_endpoint *endpoint_create(struct uk_kernel *k, uint32_t flags);

/* A call or receive that blocks with a thread to hand the CPU to (or a
 * receive that just blocks) returns IPC_SWITCH, never seen by users: the
 * thread is blocked and queued, t->ipc_switch_to names the thread woken
 * for it (or is NULL), and ipc_syscall switches and then finishes the call
 * with endpoint_resume. Every such switch happens at that one place, so
 * the two threads of a call/reply pair leave and resume the CPU through
 * the same chain of return addresses, which keeps the host's return
 * predictor right across the fiber switch (three mispredicted returns less
 * per switch on the ipc_call_reply benchmark). */
#define IPC_SWITCH 1
/* The message is the calling thread's registers (t->ipc_regs). */
int endpoint_call(struct uk_kernel *k, struct uk_thread *t, struct ipc_endpoint *ep, uint64_t badge);
int endpoint_recv(struct uk_kernel *k, struct uk_thread *t, struct ipc_endpoint *ep,
		  struct ipc_reply *r, struct uk_thread *wake);
/* After the IPC_SWITCH: the call's or receive's result. */
int endpoint_resume(struct uk_kernel *k, struct uk_thread *t);

/* reply.c */
struct ipc_reply *reply_create(struct uk_kernel *k);
int reply_check(struct ipc_reply *r);
/* `defer`: NULL to wake the caller, or where to leave it woken but not
 * made ready (reply-and-receive hands it the CPU). */
int reply_send(struct uk_kernel *k, struct ipc_reply *r, struct uk_thread *from,
	       struct uk_thread **defer);
void reply_bind(struct ipc_reply *r, struct uk_thread *caller, struct uk_thread *server,
		struct ipc_endpoint *ep);
void reply_unbind(struct uk_kernel *k, struct ipc_reply *r, enum reply_state why);
/* Copy the used registers; pass src->cap (a handle of `from`) to `to`. */
void msg_deliver(struct uk_kernel *k, struct uk_msg *dst, const struct uk_msg *src,
		 struct process *from, struct process *to, uint64_t badge);
int msg_check(struct process *p, const struct uk_msg *m);

/* notification.c */
struct ipc_ntfn *ntfn_create(struct uk_kernel *k);
void notification_signal(struct uk_kernel *k, struct ipc_ntfn *n, uint32_t bits);
int ntfn_wait(struct uk_kernel *k, struct ipc_ntfn *n);
int ntfn_poll(struct ipc_ntfn *n);
/* The notification handle `h` of process `p` with the SIGNAL right (for the
 * IRQ glue that binds a sink to it). 0, UK_EBADH or UK_EPERM. */
int ntfn_lookup(struct process *p, uint64_t h, struct ipc_ntfn **out);

/* grant.c */
int grant_create(struct uk_kernel *k, struct process *owner, uk_vaddr_t va, uint64_t len,
		 uint32_t rights, struct ipc_grant **out);
int grant_revoke(struct ipc_grant *g, struct process *caller);

/* xfer.c and xfer_*.c: one transfer between the current (local) space and
 * `remote`'s space. */
struct uk_xfer_job {
	struct uk_kernel *k;
	struct process *remote;
	uk_vaddr_t local, rva;
	uint64_t len;
	bool write;     /* local -> remote */
	const struct uk_xfer_ops *xfer;
	struct uk_xfer_stats *st;
	struct uk_xfer_result res;
};
int xfer_run(struct uk_xfer_job *x);
/* transfer/registry.c: a strategy of this kernel by id (built-in or
 * registered), and the id a table counts under. */
const struct uk_xfer_ops *xfer_ops_of(struct uk_kernel *k, unsigned id);
unsigned xfer_id_of(struct uk_kernel *k, const struct uk_xfer_ops *o);
/* Translate remote page `va` (page aligned) with a counted software walk,
 * faulting in demand-zero pages; the frame or a negative error (res set). */
int xfer_remote_frame(struct uk_xfer_job *x, uk_vaddr_t va, uk_paddr_t *pa);
/* Copy between local `lva` and the direct-map pointer `p`; faults of the
 * local buffer set res and return UK_EFAULT. */
int xfer_local_copy(struct uk_xfer_job *x, uk_vaddr_t lva, void *p, uint64_t n);
/* Run `span` over the job's bytes [0, len): in one call, or, for overlapping
 * ranges of one address space with the destination above, backwards in
 * blocks no longer than the gap (memmove's result; xfer.c). */
int xfer_in_blocks(struct uk_xfer_job *x, int (*span)(struct uk_xfer_job *x, uint64_t from,
						       uint64_t to));
int xfer_physmap(struct uk_xfer_job *x); /* transfer/physmap.c */
void xfer_fill_physmap(struct uk_xfer_ops *o);
void xfer_fill_window(struct uk_xfer_ops *o);
void xfer_fill_grant(struct uk_xfer_ops *o);
int xfer_window(struct uk_xfer_job *x);   /* transfer/window.c */

#endif /* UKERN_IPC_INTERNAL_H */
