/* SPDX-License-Identifier: MIT */
/*
 * ipc.h: synchronous endpoints, reply objects, notifications, grants and
 * memory transfer (system calls UK_SYS_IPC_FIRST .. UK_SYS_IPC_LAST).
 * See docs/ipc.md for the semantics and the transfer strategies.
 *
 * Rights:
 *   endpoint      UK_RIGHT_WRITE send (call), UK_RIGHT_READ receive,
 *                 UK_RIGHT_GRANT duplicate, mint a badge, pass in a message
 *   reply object  UK_RIGHT_READ bind by receive, UK_RIGHT_WRITE reply and transfer
 *   notification  UK_RIGHT_SIGNAL signal, UK_RIGHT_WAIT wait and poll
 *   grant         UK_RIGHT_READ read through it, UK_RIGHT_WRITE write through it
 *                 (and the grant's own rights must allow the same)
 *
 * A fresh handle carries the type's UK_*_RIGHTS below (a grant's: the
 * rights it was made with, and GRANT).
 *
 * Message registers: every thread has a block of them in the kernel
 * (uk_user_regs). The kernel copies `words` registers straight from the
 * sender's block to the receiver's, never through user virtual memory.
 */
#ifndef UKERN_IPC_H
#define UKERN_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include <ukern/kernel.h>
#include <ukern/user.h>

enum uk_sysno_ipc {
	UK_SYS_EP_CREATE = 48,      /* (flags) -> endpoint handle (READ|WRITE|GRANT);
				     * EINVAL(flags) ENOMEM */
	UK_SYS_EP_MINT = 49,        /* (ep_h, badge, rights) -> new handle carrying badge;
				     * EBADH EPERM(GRANT, more rights) EINVAL(badge 0, rights)
				     * EBUSY(already badged) ENOMEM */
	/* The message of CALL, RECV, REPLY, REPLY_RECV is in the registers. */
	UK_SYS_CALL = 50,           /* (ep_h) -> 0, reply in the registers; EBADH EPERM(WRITE, cap
				     * without GRANT; a long message on a grant endpoint) EINVAL
				     * (words) ERANGE(xfer buffer) EDEADLK(cycle of calls)
				     * ESRCH(the server died before replying) EFAULT(the long
				     * message's buffer) ENOMEM */
	UK_SYS_RECV = 51,           /* (ep_h, buf_va, reply_h, buf_len) -> 0, request in the
				     * registers, long message in buf; EBADH EPERM(READ)
				     * EBUSY(reply object bound or armed by a waiting receiver)
				     * ERANGE(buf) EFAULT(buf) ENOMEM */
	UK_SYS_REPLY = 52,          /* (reply_h) -> 0; EBADH EPERM(WRITE) EINVAL(words)
				     * EALREADY(replied) ESRCH(caller died) ENOENT(never bound) */
	UK_SYS_REPLY_RECV = 53,     /* (reply_h, buf_va, ep_h, buf_len) -> 0: reply then receive with the
				     * same reply object; errors of REPLY (then no receive), RECV */
	UK_SYS_REPLY_CREATE = 54,   /* () -> reply handle (READ|WRITE); ENOMEM */
	UK_SYS_NTFN_CREATE = 55,    /* () -> notification handle (SIGNAL|WAIT|GRANT); ENOMEM */
	UK_SYS_NTFN_SIGNAL = 56,    /* (ntfn_h, bits) -> 0; EBADH EPERM(SIGNAL) EINVAL(0 or
				     * bits outside UK_NTFN_BITS) */
	UK_SYS_NTFN_WAIT = 57,      /* (ntfn_h) -> bits (> 0, cleared); EBADH EPERM(WAIT) */
	UK_SYS_NTFN_POLL = 58,      /* (ntfn_h) -> bits (0: none), cleared; EBADH EPERM(WAIT) */
	UK_SYS_XFER = 59,           /* (reply_h, dir, local_va, remote_va, len) -> bytes;
				     * EBADH EPERM(WRITE; endpoint strategy is grant) EINVAL(dir,
				     * len 0) ERANGE(outside user space) EALREADY ESRCH ENOENT
				     * (as REPLY) EFAULT(see uk_xfer_result) ENOMEM(window) */
	UK_SYS_GRANT_CREATE = 60,   /* (va, len, rights) -> grant handle (its rights + GRANT);
				     * EINVAL(len 0, rights) ERANGE ENOMEM */
	UK_SYS_GRANT_REVOKE = 61,   /* (grant_h) -> 0; EBADH EPERM(not the owner) EALREADY */
	UK_SYS_XFER_GRANT = 62,     /* (grant_h, dir, local_va, offset, len) -> bytes;
				     * EBADH EPERM(rights) EINVAL ESTALE(revoked) ERANGE(past the
				     * grant) ESRCH(owner gone) EFAULT */
	UK_SYS_NTFN_BIND_IRQ = 63,  /* (ntfn_h, irq_h, bits) -> 0: the notification gets `bits`
				     * whenever the IRQ sink's sequence advances; bits 0 unbinds.
				     * EBADH EPERM(SIGNAL on ntfn, WAIT on irq) EINVAL(bits) */
};

/* The rights of each type (ukern/syscall.h has the core's). */
#define UK_EP_RIGHTS (UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_GRANT)
#define UK_REPLY_RIGHTS (UK_RIGHT_READ | UK_RIGHT_WRITE) /* never passed on */
#define UK_NTFN_RIGHTS (UK_RIGHT_SIGNAL | UK_RIGHT_WAIT | UK_RIGHT_GRANT)
#define UK_GRANT_RIGHTS (UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_GRANT)

/* UK_SYS_EP_CREATE flags. */
#define UK_EP_FIFO (1u << 0)           /* callers served in arrival order (default: priority) */
#define UK_EP_STRATEGY_SHIFT 4         /* transfer strategy of UK_SYS_XFER through this endpoint */
#define UK_EP_STRATEGY(s) ((uint32_t)(s) << UK_EP_STRATEGY_SHIFT)
#define UK_EP_STRATEGY_MASK UK_EP_STRATEGY(15) /* ids 0..15 (ukern/xfer.h) */

/* Transfer strategies (0: the kernel's default, uk_kernel_config.xfer_strategy). */
#define UK_XFER_DEFAULT 0u
#define UK_XFER_PHYSMAP 1u
#define UK_XFER_WINDOW 2u
#define UK_XFER_GRANT 3u

/* Transfer directions, seen from the calling server. */
#define UK_XFER_READ 0u  /* remote (client or grant) -> local */
#define UK_XFER_WRITE 1u /* local -> remote */

#define UK_MSG_WORDS 8
#define UK_NTFN_BITS 0x7fffffffu

struct uk_msg {
	uint64_t label;  /* free for the protocol */
	uint32_t words;  /* registers used (0 .. UK_MSG_WORDS) */
	uint32_t cap;    /* send: a handle with GRANT to pass (0: none); receive: the new handle */
	uint64_t badge;  /* set on receipt: the badge of the sender's handle (0: unbadged) */
	uint64_t mr[UK_MSG_WORDS];
	/* A long message carried with the call: the caller names a buffer in its
	 * own memory; the receiver (uk_recv_buf) gets up to its buffer's size
	 * copied in, and xfer_len says how many bytes came (0: none). */
	uint64_t xfer_va, xfer_len;
};

/* Which buffer faulted in a transfer that returned UK_EFAULT. */
#define UK_XFER_FAULT_NONE 0u
#define UK_XFER_FAULT_LOCAL 1u  /* the calling server's own buffer */
#define UK_XFER_FAULT_REMOTE 2u /* the client's (or grant owner's) buffer */

struct uk_xfer_result {
	uint64_t bytes;        /* copied before it stopped */
	uint32_t fault_side;   /* UK_XFER_FAULT_* */
	uint64_t fault_addr;   /* virtual address in that side's space */
};

/* ---- user wrappers ----
 *
 * The message registers of the calling thread are a block the kernel owns
 * (uk_user_regs); the wrappers load a struct uk_msg into it before the call
 * and store the result back after, as a register-based ABI would. The
 * kernel never dereferences a pointer passed by a program. */

struct uk_msg *uk_user_regs(struct uk_user *u);
const struct uk_xfer_result *uk_user_xfer_result(struct uk_user *u);

static inline void uk_msg_load(struct uk_msg *r, const struct uk_msg *m)
{
	r->label = m->label;
	r->words = m->words;
	r->cap = m->cap;
	r->xfer_va = m->xfer_va;
	r->xfer_len = m->xfer_len;
	for (uint32_t i = 0; i < m->words && i < UK_MSG_WORDS; i++)
		r->mr[i] = m->mr[i];
}
static inline void uk_msg_store(struct uk_msg *m, const struct uk_msg *r)
{
	m->label = r->label;
	m->words = r->words;
	m->cap = r->cap;
	m->badge = r->badge;
	m->xfer_va = r->xfer_va;
	m->xfer_len = r->xfer_len;
	for (uint32_t i = 0; i < r->words && i < UK_MSG_WORDS; i++)
		m->mr[i] = r->mr[i];
}
/* Load `m`, make the call, store the answer into `m`. */
static inline long uk_ipc_msg_call(struct uk_user *u, unsigned nr, uint64_t a0, struct uk_msg *m,
				   uint64_t a2, bool load, uint64_t buf, uint64_t len)
{
	struct uk_msg *r = uk_user_regs(u);
	long rc;
	if (load)
		uk_msg_load(r, m);
	rc = uk_syscall6(u, nr, a0, buf, a2, len, 0, 0);
	if (rc == 0)
		uk_msg_store(m, r);
	return rc;
}

static inline long uk_ep_create(struct uk_user *u, uint32_t flags)
{
	return uk_syscall6(u, UK_SYS_EP_CREATE, flags, 0, 0, 0, 0, 0);
}
static inline long uk_ep_mint(struct uk_user *u, uint32_t ep, uint64_t badge, uint32_t rights)
{
	return uk_syscall6(u, UK_SYS_EP_MINT, ep, badge, rights, 0, 0, 0);
}
/* Send *m on `ep` and wait for the reply, which replaces *m. */
static inline long uk_call(struct uk_user *u, uint32_t ep, struct uk_msg *m)
{
	return uk_ipc_msg_call(u, UK_SYS_CALL, ep, m, 0, true, 0, 0);
}
/* Wait for a call on `ep`; bind `reply` to its caller; the request lands in *m. */
static inline long uk_recv(struct uk_user *u, uint32_t ep, struct uk_msg *m, uint32_t reply)
{
	return uk_ipc_msg_call(u, UK_SYS_RECV, ep, m, reply, false, 0, 0);
}
/* Receive with a buffer of `len` bytes at `buf` for the call's long message. */
static inline long uk_recv_buf(struct uk_user *u, uint32_t ep, struct uk_msg *m, uint32_t reply,
			       uk_vaddr_t buf, uint64_t len)
{
	return uk_ipc_msg_call(u, UK_SYS_RECV, ep, m, reply, false, buf, len);
}
static inline long uk_reply(struct uk_user *u, uint32_t reply, struct uk_msg *m)
{
	uk_msg_load(uk_user_regs(u), m);
	return uk_syscall6(u, UK_SYS_REPLY, reply, 0, 0, 0, 0, 0);
}
/* Reply with *m, then receive the next request into *m. */
static inline long uk_reply_recv(struct uk_user *u, uint32_t reply, struct uk_msg *m, uint32_t ep)
{
	return uk_ipc_msg_call(u, UK_SYS_REPLY_RECV, reply, m, ep, true, 0, 0);
}
static inline long uk_reply_recv_buf(struct uk_user *u, uint32_t reply, struct uk_msg *m,
				     uint32_t ep, uk_vaddr_t buf, uint64_t len)
{
	return uk_ipc_msg_call(u, UK_SYS_REPLY_RECV, reply, m, ep, true, buf, len);
}
static inline long uk_reply_create(struct uk_user *u)
{
	return uk_syscall6(u, UK_SYS_REPLY_CREATE, 0, 0, 0, 0, 0, 0);
}
static inline long uk_ntfn_create(struct uk_user *u)
{
	return uk_syscall6(u, UK_SYS_NTFN_CREATE, 0, 0, 0, 0, 0, 0);
}
static inline long uk_ntfn_signal(struct uk_user *u, uint32_t n, uint32_t bits)
{
	return uk_syscall6(u, UK_SYS_NTFN_SIGNAL, n, bits, 0, 0, 0, 0);
}
static inline long uk_ntfn_wait(struct uk_user *u, uint32_t n)
{
	return uk_syscall6(u, UK_SYS_NTFN_WAIT, n, 0, 0, 0, 0, 0);
}
static inline long uk_ntfn_poll(struct uk_user *u, uint32_t n)
{
	return uk_syscall6(u, UK_SYS_NTFN_POLL, n, 0, 0, 0, 0, 0);
}
/* Have IRQ sink `irq` signal `bits` on notification `n` whenever its
 * sequence advances (an interrupt to answer), so one uk_ntfn_wait serves
 * interrupts and requests; then uk_irq_wait(irq, seq) returns at once. */
static inline long uk_ntfn_bind_irq(struct uk_user *u, uint32_t n, long irq, uint32_t bits)
{
	return uk_syscall6(u, UK_SYS_NTFN_BIND_IRQ, n, (uint64_t)irq, bits, 0, 0, 0);
}
/* Copy `len` bytes between the caller's buffer at `local` and the buffer at
 * `remote` in the address space of the client whose call `reply` holds.
 * Returns the bytes copied or an error; *r (if not NULL) says how far it
 * got and, on UK_EFAULT, whose buffer faulted. */
static inline long uk_xfer(struct uk_user *u, uint32_t reply, unsigned dir, uk_vaddr_t local,
			   uk_vaddr_t remote, uint64_t len, struct uk_xfer_result *r)
{
	long rc = uk_syscall6(u, UK_SYS_XFER, reply, dir, local, remote, len, 0);
	if (r)
		*r = *uk_user_xfer_result(u);
	return rc;
}
static inline long uk_grant_create(struct uk_user *u, uk_vaddr_t va, uint64_t len, uint32_t rights)
{
	return uk_syscall6(u, UK_SYS_GRANT_CREATE, va, len, rights, 0, 0, 0);
}
static inline long uk_grant_revoke(struct uk_user *u, uint32_t g)
{
	return uk_syscall6(u, UK_SYS_GRANT_REVOKE, g, 0, 0, 0, 0, 0);
}
static inline long uk_xfer_grant(struct uk_user *u, uint32_t g, unsigned dir, uk_vaddr_t local,
				 uint64_t offset, uint64_t len, struct uk_xfer_result *r)
{
	long rc = uk_syscall6(u, UK_SYS_XFER_GRANT, g, dir, local, offset, len, 0);
	if (r)
		*r = *uk_user_xfer_result(u);
	return rc;
}

/* ---- host side (platform, scenarios, tests; machine stopped) ---- */

/* Create an endpoint in the process of thread `tid`; returns its handle there
 * (all endpoint rights). UK_ESRCH no such thread, UK_EINVAL flags, UK_ENOMEM. */
int uk_kernel_ipc_endpoint(struct uk_kernel *k, uint64_t tid, uint32_t flags);
/* Give the process of `to_tid` a copy of handle `h` of the process of
 * `from_tid` with `rights` (a subset) and, for an endpoint, `badge` (0: keep).
 * Returns the new handle; UK_ESRCH UK_EBADH UK_EPERM UK_EBUSY UK_ENOMEM. */
int uk_kernel_give_handle(struct uk_kernel *k, uint64_t from_tid, uint32_t h, uint64_t to_tid,
			  uint32_t rights, uint64_t badge);

#endif /* UKERN_IPC_H */
