/* SPDX-License-Identifier: MIT */
/*
 * ukern/models/linux.h: the calls of the Linux genirq model (irq-model
 * linux, libukern/irq/models/linux.c) for user drivers.
 *
 * A sink handle from uk_irq_attach() is one irqaction. Attaching is
 * request_irq(irq, handler, IRQF_SHARED) with a primary (hard) handler and
 * no thread (IRQF_ONESHOT too if the line is configured UK_IRQ_PIN_ONESHOT);
 * uk_linux_request_threaded_irq() states the action's real flags, once,
 * checked by the rules of __setup_irq. Then the driver loops:
 *
 *	seq = uk_irq_wait(u, h, seq);                  // the hard interrupt
 *	ret = my_hard_handler();                       // IRQ_NONE, IRQ_HANDLED
 *	uk_linux_irq_return(u, h, seq, ret);           //   or IRQ_WAKE_THREAD
 *	if (ret == IRQ_WAKE_THREAD)
 *		uk_linux_irq_thread_done(u, h, my_thread_fn());
 *
 * IRQ_NONE is the NAK, IRQ_HANDLED the ACK. IRQ_WAKE_THREAD wakes the
 * action's thread; on a line whose flow masks it (level, or fasteoi = the
 * PLIC) an IRQF_ONESHOT action's thread holds the line masked until
 * uk_linux_irq_thread_done() (irq_finalize_oneshot); otherwise it counts
 * as handled at once. An episode ends when every action answered, as one
 * pass of Linux's handle_irq_event over the action list.
 *
 * Errors are negative enum uk_err values. Every call may also fail with
 * UK_EBADH, UK_EPERM (the handle lacks SIGNAL), UK_EINVAL (detached).
 */
#ifndef UKERN_MODELS_LINUX_H
#define UKERN_MODELS_LINUX_H

#include <stdint.h>

#include <ukern/irq_sys.h>

/* Ops of UK_SYS_IRQ_MODEL_CALL under irq-model linux. */
enum uk_linux_op {
	/* arg: UK_LINUX_IRQF_* -> 0. request_threaded_irq's checks:
	 * EINVAL(unknown flags; NO_PRIMARY without THREAD; a thread with no
	 * primary handler and no ONESHOT, unless the chip is ONESHOT_SAFE:
	 * MSI) EBUSY(another action on the line does not agree on SHARED or
	 * ONESHOT; this action owes its hard handler's return) EALREADY(requested
	 * already: free it, close the handle, to request again). */
	UK_LINUX_OP_REQUEST = 0,
	/* arg: seq -> 0. The hard handler returned IRQ_WAKE_THREAD.
	 * EINVAL(the action has no thread) EFUTURE ESTALE EALREADY as ACK. */
	UK_LINUX_OP_WAKE_THREAD = 1,
	/* arg: the thread function's return (UK_LINUX_IRQ_NONE or
	 * UK_LINUX_IRQ_HANDLED) -> 0. EINVAL(no thread; bad arg)
	 * EALREADY(the thread was not woken). */
	UK_LINUX_OP_THREAD_DONE = 2,
	/* arg 0 -> the new depth. disable_irq_nosync: lazy, the chip is not
	 * masked until an interrupt arrives while disabled (then it is, and
	 * the interrupt is kept PENDING). EINVAL(arg) EBUSY(depth at its
	 * maximum). */
	UK_LINUX_OP_DISABLE = 3,
	/* arg 0 -> the new depth. enable_irq: at depth 0 the line is unmasked
	 * and a pending edge is resent (check_irq_resend). EINVAL(arg;
	 * "Unbalanced enable for IRQ": the depth is 0 already). */
	UK_LINUX_OP_ENABLE = 4,
	/* arg 0 -> 1 while a hard handler or a thread of the line is in
	 * progress, else 0 (synchronize_irq polls this). EINVAL(arg). */
	UK_LINUX_OP_SYNC = 5,
};

/* Action flags (arg of UK_LINUX_OP_REQUEST). */
#define UK_LINUX_IRQF_SHARED (1u << 0)     /* IRQF_SHARED */
#define UK_LINUX_IRQF_ONESHOT (1u << 1)    /* IRQF_ONESHOT */
#define UK_LINUX_IRQF_THREAD (1u << 2)     /* a thread_fn is given */
#define UK_LINUX_IRQF_NO_PRIMARY (1u << 3) /* handler == NULL: the default
					    * primary handler (wakes the thread) */
#define UK_LINUX_IRQF_ALL 0xfu

/* irqreturn_t. */
#define UK_LINUX_IRQ_NONE 0u
#define UK_LINUX_IRQ_HANDLED 1u
#define UK_LINUX_IRQ_WAKE_THREAD 2u

/* The deepest disable_irq nesting the model counts. */
#define UK_LINUX_MAX_DEPTH 0xffffu

static inline long uk_linux_request_threaded_irq(struct uk_user *u, long h, unsigned flags)
{
	return uk_irq_model_call(u, h, UK_LINUX_OP_REQUEST, flags);
}
/* request_irq(): a primary handler only. */
static inline long uk_linux_request_irq(struct uk_user *u, long h, unsigned flags)
{
	return uk_linux_request_threaded_irq(u, h, flags & ~(UK_LINUX_IRQF_THREAD |
							     UK_LINUX_IRQF_NO_PRIMARY));
}
/* The hard handler's return for episode `seq`. EINVAL(ret unknown) and
 * the errors of ACK, NAK or UK_LINUX_OP_WAKE_THREAD. */
static inline long uk_linux_irq_return(struct uk_user *u, long h, uint64_t seq, unsigned ret)
{
	switch (ret) {
	case UK_LINUX_IRQ_NONE:
		return uk_irq_nak(u, h, seq);
	case UK_LINUX_IRQ_HANDLED:
		return uk_irq_ack(u, h, seq);
	case UK_LINUX_IRQ_WAKE_THREAD:
		return uk_irq_model_call(u, h, UK_LINUX_OP_WAKE_THREAD, seq);
	default:
		return UK_EINVAL;
	}
}
static inline long uk_linux_irq_thread_done(struct uk_user *u, long h, unsigned ret)
{
	return uk_irq_model_call(u, h, UK_LINUX_OP_THREAD_DONE, ret);
}
static inline long uk_linux_disable_irq_nosync(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_LINUX_OP_DISABLE, 0);
}
static inline long uk_linux_enable_irq(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_LINUX_OP_ENABLE, 0);
}
/* 1 while the line's handlers or threads run: synchronize_irq() waits
 * until this is 0 (never call it from the line's own handler). */
static inline long uk_linux_irq_in_progress(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_LINUX_OP_SYNC, 0);
}
/* synchronize_irq: wait until no hard handler and no thread of the line
 * runs. Called from the line's own handler or thread it never returns
 * (the caller is one of those it waits for), as in Linux. */
static inline long uk_linux_synchronize_irq(struct uk_user *u, long h)
{
	long r;

	while ((r = uk_linux_irq_in_progress(u, h)) == 1)
		uk_sys_yield(u);
	return r;
}
/* disable_irq: disable_irq_nosync, then synchronize_irq. */
static inline long uk_linux_disable_irq(struct uk_user *u, long h)
{
	long depth = uk_linux_disable_irq_nosync(u, h);

	if (depth < 0)
		return depth;
	long r = uk_linux_synchronize_irq(u, h);
	return r < 0 ? r : depth;
}

#endif /* UKERN_MODELS_LINUX_H */
