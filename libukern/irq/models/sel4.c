/* SPDX-License-Identifier: MIT */
/*
 * The seL4 model: seL4's IRQControl / IRQHandler interface.
 *
 *  - One handler per line. Issuing it (the attach) sets the line to
 *    IRQSignal, which unmasks it; a second issue is refused (RevokeFirst:
 *    UK_EBUSY, the table's max_sinks).
 *  - IRQHandler_SetNotification binds the handler to a notification with a
 *    badge, IRQHandler_Clear unbinds it: model calls (ukern/models/sel4.h).
 *    The kernel keeps the binding and signals the badge into the
 *    notification at each episode (irq_kobj.c host_notify); the model keeps
 *    whether one is bound, and its badge, in the sink's model_data.
 *  - handleInterrupt masks the line at every delivery, edge lines too, and
 *    signals the bound notification. With none bound the interrupt is
 *    delivered to nobody ("Undelivered IRQ: N" with CONFIG_IRQ_REPORTING,
 *    the event UK_IRQ_EV_UNDELIVERED here) and the line stays masked.
 *  - IRQHandler_Ack unmasks the line (invokeIRQHandler_AckIRQ:
 *    maskInterrupt(false)), whatever happened before: a level line still
 *    asserted raises again, an edge that came while the line was masked
 *    is gone (the IOAPIC drops it). Ack is a kick|clear here; the
 *    sequence ACK of ukern's generic drivers is accepted too. No NAK.
 *  - Deleting the handler (closing its last handle) sets IRQInactive: the
 *    line is masked and forgotten, no report, no retry
 *    (deletingIRQHandler, deletedIRQHandler); the next issue unmasks it.
 *  - seL4 has no timeout: a handler that never Acks holds the line masked
 *    forever. ukern's ACK timeout still reports it (a diagnostic of the
 *    simulator, not something the kernel does).
 *
 * When the line is unmasked is a setting (host->model_param[2],
 * `sel4-unmask-at issue|bind`): at issue, as seL4 does, or at bind, an
 * alternative in which the line is masked (UK_IRQ_MASK_MODEL) while no
 * notification is bound, so that nothing is delivered to nobody; there an
 * unbound handler's Ack of a pending interrupt is refused (UK_EINVAL):
 * it could not unmask the line.
 *
 * Source: seL4 src/object/interrupt.c at commit 1326364bc913
 * (decodeIRQControlInvocation, invokeIRQControl, decodeIRQHandlerInvocation,
 * invokeIRQHandler_AckIRQ, invokeIRQHandler_SetIRQHandler,
 * invokeIRQHandler_ClearIRQHandler, deletingIRQHandler, deletedIRQHandler,
 * handleInterrupt, setIRQState); seL4 manual, chapter "Hardware I/O",
 * section "Interrupt Delivery"; the seL4 interrupts tutorial
 * (docs.sel4.systems/Tutorials/interrupts).
 */
#include "../irq_internal.h"
#include "lib/string.h"

#include <ukern/models/sel4.h>

#define BOUND UK_SEL4_SINK_BOUND
#define BADGE UK_SEL4_SINK_BADGE
#define UNDELIVERED UK_SEL4_SINK_UNDELIVERED

static bool unmask_at_bind(const struct uk_irq_pin *pin)
{
	return pin->host->model_param[UK_SEL4_PARAM_UNMASK_AT] == UK_SEL4_UNMASK_AT_BIND;
}

static struct uk_irq_sink *handler_of(struct uk_irq_pin *pin)
{
	struct uk_irq_sink *s = NULL;

	irq_for_each_sink(s, pin)
		return s;
	return NULL;
}

/* Every trigger mode: seL4 masks on delivery, edge pins too. */
static bool sel4_masks_in_service(const struct uk_irq_pin *pin)
{
	(void)pin;
	return true;
}

/* A delivery to a handler with no notification: nobody hears of it. */
static void undelivered(struct uk_irq_pin *pin, uint64_t now)
{
	struct uk_irq_sink *h = handler_of(pin);

	if (!h || h->model_data[BOUND])
		return;
	h->model_data[UNDELIVERED]++;
	uk_irq_emit(pin, UK_IRQ_EV_UNDELIVERED, h->id, pin->episode, 0, now);
}

static enum uk_irq_raise sel4_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				    uint64_t now)
{
	enum uk_irq_raise r = uk_irq_take(pin, ts, flags, now);

	if (r == UK_IRQ_RAISE_STARTED)
		undelivered(pin, now);
	return r;
}

/* An MSI cannot be masked: a raise during an episode is kept and delivered
 * when the episode ends, right after this hook. */
static void sel4_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	(void)how;
	if (pin->buffered || pin->resend)
		undelivered(pin, now);
}

/* With the line unmasked at bind, an unbound handler cannot end an episode:
 * the line would stay masked for want of a notification (breaking L2, the
 * unmask in the step that ends it). It binds first, then Acks. */
static int sel4_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
		       uint64_t seq, int verdict, uint64_t now)
{
	(void)a, (void)seq, (void)now;
	if (verdict == UK_OK && unmask_at_bind(pin) && !sink->model_data[BOUND] && pin->in_service)
		return UK_EINVAL;
	return verdict;
}

static int sel4_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	if (unmask_at_bind(pin))
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
	return irq_unheld_attach(pin, sink, now);
}

static void sel4_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed, uint64_t now)
{
	/* IRQInactive: masked for good (DISABLED) until the next issue. */
#if !defined(UK_IRQ_PLANT_BUG_SEL4)
	irq_unheld_detach(pin, sink, owed, now);
#else
	/* Planted bug for the fuzzing demo: deletedIRQHandler forgets
	 * setIRQState(IRQInactive), so a line without a handler stays open.
	 * Every mask reason stays consistent: no invariant sees it. */
	(void)owed;
#endif
	uk_irq_mask(pin, UK_IRQ_MASK_MODEL, false, now);
}

#define CALL_FLAGS (UK_IRQ_CALL_NTFN | UK_IRQ_CALL_ABOUT_NTFN)

static long set_notification(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t arg,
			     uint64_t now)
{
	uint64_t badge = arg & ~CALL_FLAGS;

	/* seL4: TruncatedMessage without a cap (UK_IRQ_CALL_NTFN says the
	 * kernel found a notification with Send rights among the arguments). */
	if (!(arg & UK_IRQ_CALL_NTFN))
		return UK_EBADH;
	if (badge == 0 || badge > UK_SEL4_BADGE_MAX)
		return UK_EINVAL;
	sink->model_data[BOUND] = 1;
	sink->model_data[BADGE] = badge;
	if (unmask_at_bind(pin))
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, false, now);
	return UK_IRQ_CALL_BIND | (long)badge;
}

static long sel4_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op, uint64_t arg,
		      uint64_t now)
{
	switch (op) {
	case UK_SEL4_OP_SET_NOTIFICATION:
		return set_notification(pin, sink, arg, now);
	case UK_SEL4_OP_CLEAR:
		/* Only as a call about the notification (ukern/models/sel4.h's
		 * wrapper), so that the kernel drops its binding too. */
		if (!(arg & UK_IRQ_CALL_ABOUT_NTFN) || (arg & ~CALL_FLAGS))
			return UK_EINVAL;
		sink->model_data[BOUND] = 0;
		sink->model_data[BADGE] = 0;
		if (unmask_at_bind(pin))
			uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
		return UK_IRQ_CALL_UNBIND;
	default:
		return UK_ENOSYS; /* seL4_IllegalOperation */
	}
}

void irq_model_sel4(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "sel4";
	o->doc = "seL4: one IRQHandler per line, bound to a notification with a badge, "
		 "masked at every delivery until the Ack, no NAK";
	o->source = "seL4 src/object/interrupt.c (handleInterrupt, invokeIRQHandler_AckIRQ, "
		    "invokeIRQHandler_SetIRQHandler, deletedIRQHandler), seL4 manual ch. Hardware I/O";
	o->driver = "sel4-driver";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK;
	o->max_sinks = 1;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->masks_in_service = sel4_masks_in_service;
	o->raise = sel4_raise;
	o->answer = sel4_answer;
	o->episode_end = sel4_episode_end;
	o->all_nak = irq_unheld_all_nak;
	o->attach = sel4_attach;
	o->detach = sel4_detach;
	o->call = sel4_call;
}
