/* SPDX-License-Identifier: MIT */
/*
 * ukern/models/fiasco.h: the calls of the Fiasco.OC IRQ model
 * (libukern/irq/models/fiasco.c, docs/models/fiasco.md) for user programs.
 *
 * A sink attached with uk_irq_attach is a Fiasco IRQ object (Irq_sender)
 * bound to its line: alone on the line it is bound to the interrupt
 * controller, on a shared line it is a child of the line's Irq_muxer. It
 * starts masked and bound to no thread. The L4Re calls map onto
 * UK_SYS_IRQ_MODEL_CALL (h, op, arg):
 *
 *	l4_irq_attach(irq, label, thread)  -> uk_fiasco_irq_attach(u, h, label)
 *	l4_irq_detach(irq)                 -> uk_fiasco_irq_detach(u, h)
 *	l4_irq_unmask(irq)                 -> uk_fiasco_irq_unmask(u, h)
 *	l4_irq_trigger(irq)                -> uk_fiasco_irq_trigger(u, h)
 *	l4_ipc_receive(irq, ...)           -> uk_fiasco_irq_ipc_receive(u, h, &seq)
 *	l4_irq_receive(irq, ...)           -> uk_fiasco_irq_receive(u, h, &seq)
 *
 * The binding is the handle's: the thread that calls attach is the target
 * (a "new worker" is the same program binding again). Every call may also
 * fail with the errors of UK_SYS_IRQ_MODEL_CALL (EBADH, EPERM without
 * UK_RIGHT_SIGNAL, EINVAL for a detached sink) and UK_EKILLED.
 */
#ifndef UKERN_MODELS_FIASCO_H
#define UKERN_MODELS_FIASCO_H

#include <ukern/irq_sys.h>

enum uk_fiasco_op {
	/* (label) -> 0: bind the calling thread as the target (Irq_sender::
	 * alloc). Bound already: the target changes, queued messages follow
	 * it (abort_send, then re-inject). Bound to nobody: the count of
	 * queued messages starts again at 0, whatever was queued is dropped.
	 * EINVAL(label above INT64_MAX: a receive returns it as a long). */
	UK_FIASCO_IRQ_ATTACH = 0,
	/* () -> 0: unbind the thread (Irq_sender::free): the IRQ object is
	 * masked; queued messages stay counted until the next attach drops
	 * them. ENOENT(no thread bound). */
	UK_FIASCO_IRQ_DETACH = 1,
	/* () -> 0: l4_irq_unmask (the EOI op): unmask the IRQ object if no
	 * message is queued any more; with messages still queued, nothing
	 * (the last receive unmasks an edge line). No error of its own. */
	UK_FIASCO_IRQ_UNMASK = 2,
	/* () -> the label: take one queued message (the transfer of an IRQ
	 * IPC, Irq_sender::consume). EAGAIN(nothing queued: block with
	 * uk_irq_wait and call again) ENOENT(no thread bound). */
	UK_FIASCO_IRQ_RECEIVE = 3,
	/* () -> 0: l4_irq_trigger: a hit on this IRQ object only, as the
	 * hardware's. No error of its own. */
	UK_FIASCO_IRQ_TRIGGER = 4,
};

static inline long uk_fiasco_irq_attach(struct uk_user *u, long h, uint64_t label)
{
	return uk_irq_model_call(u, h, UK_FIASCO_IRQ_ATTACH, label);
}
static inline long uk_fiasco_irq_detach(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_FIASCO_IRQ_DETACH, 0);
}
static inline long uk_fiasco_irq_unmask(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_FIASCO_IRQ_UNMASK, 0);
}
static inline long uk_fiasco_irq_trigger(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_FIASCO_IRQ_TRIGGER, 0);
}

/* l4_ipc_receive on the IRQ: the label of the next message, blocking until
 * one is queued. `*seq` is the caller's doorbell position (start at 0):
 * each hit on the line advances the sink's sequence, and a receive that
 * found nothing queued waits for the next one. */
static inline long uk_fiasco_irq_ipc_receive(struct uk_user *u, long h, uint64_t *seq)
{
	for (;;) {
		long r = uk_irq_model_call(u, h, UK_FIASCO_IRQ_RECEIVE, 0);
		if (r != UK_EAGAIN)
			return r;
		long s = uk_irq_wait(u, h, *seq);
		if (s < 0)
			return s;
		*seq = (uint64_t)s;
	}
}

/* l4_irq_receive: "unmask and wait for the IRQ" in one call. */
static inline long uk_fiasco_irq_receive(struct uk_user *u, long h, uint64_t *seq)
{
	long r = uk_fiasco_irq_unmask(u, h);
	if (r < 0)
		return r;
	return uk_fiasco_irq_ipc_receive(u, h, seq);
}

#endif /* UKERN_MODELS_FIASCO_H */
