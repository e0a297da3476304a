/* SPDX-License-Identifier: MIT */
/*
 * models/sel4.h: seL4's interrupt interface on a line of the "sel4" IRQ
 * model (libukern/irq/models/sel4.c), as seL4's src/object/interrupt.c and
 * the seL4 manual (chapter "Hardware I/O") give it.
 *
 *   IRQControl_Get*          issue the line's one IRQHandler: UK_SYS_IRQ_ATTACH
 *   IRQHandler_SetNotification  bind it to a notification with a badge
 *   IRQHandler_Clear         unbind it
 *   IRQHandler_Ack           unmask the line: kick|clear (UK_SYS_IRQ_KICK, 1)
 *   seL4_Wait / seL4_Poll    on the notification: the OR of the badges of
 *                            every handler that signalled since the last wait
 *   delete the handler cap   close its handle: the line goes inactive (masked)
 *
 * The native driver layout is one process, one notification, one handler
 * per line with its own badge bit:
 *
 *	ntfn = uk_ntfn_create(u);
 *	h = uk_sel4_irq_control_get_ioapic(u, pin, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
 *	uk_sel4_irq_handler_set_notification(u, h, ntfn, 1u << line);
 *	uk_sel4_irq_handler_ack(u, h);      // an interrupt may have come before the bind
 *	for (;;) {
 *		long badge = uk_sel4_wait(u, ntfn);
 *		for each line whose bit is set: serve its devices, then Ack its handler
 *	}
 *
 * When the line is unmasked is the machine setting `sel4-unmask-at`
 * (host->model_param[UK_SEL4_PARAM_UNMASK_AT]): at issue, as seL4 does
 * (invokeIRQControl: setIRQState(IRQSignal) unmasks), or at bind (the line
 * stays masked, with reason UK_IRQ_MASK_MODEL, while no notification is
 * bound).
 *
 * seL4 errors map onto enum uk_err as follows (each call lists its own):
 *   seL4_RevokeFirst        UK_EBUSY    the line already has a handler
 *   seL4_RangeError         UK_EINVAL   no such line
 *   seL4_TruncatedMessage   UK_EBADH    SetNotification names no notification
 *   seL4_InvalidCapability  UK_EBADH    not a handler / not a notification;
 *                           UK_EPERM    the notification lacks the Send right
 *                                       (or the handle lacks SIGNAL)
 *   seL4_IllegalOperation   UK_ENOSYS   an op the handler does not have
 *   (ukern's own)           UK_EINVAL   a badge of 0 or wider than 28 bits
 *                                       (ukern notifications carry bits, and
 *                                       a zero badge would wake nobody)
 */
#ifndef UKERN_MODELS_SEL4_H
#define UKERN_MODELS_SEL4_H

#include <stdint.h>

#include <ukern/ipc.h>
#include <ukern/irq_sys.h>

/* Ops of UK_SYS_IRQ_MODEL_CALL on a sel4 line. */
enum uk_sel4_irq_op {
	UK_SEL4_OP_SET_NOTIFICATION = 1, /* arg: badge; 4th argument: the notification */
	UK_SEL4_OP_CLEAR = 2,            /* unbind (no error when unbound, as seL4) */
};

/* The widest badge (seL4_BadgeBits is 28 on 32-bit platforms). */
#define UK_SEL4_BADGE_MAX 0x0fffffffu

/* The machine setting: host->model_param[UK_SEL4_PARAM_UNMASK_AT]. */
#define UK_SEL4_PARAM_UNMASK_AT 2
#define UK_SEL4_UNMASK_AT_ISSUE 0u /* seL4 (the default) */
#define UK_SEL4_UNMASK_AT_BIND 1u

/* Per-handler state the model keeps (sink->model_data), for tests. */
#define UK_SEL4_SINK_BOUND 0       /* 1 while a notification is bound */
#define UK_SEL4_SINK_BADGE 1       /* its badge */
#define UK_SEL4_SINK_UNDELIVERED 2 /* deliveries that found no notification */

/* IRQControl_GetIOAPIC / GetMSI: the line's IRQHandler, a handle (> 0).
 * EBUSY(the line has one: seL4_RevokeFirst) EINVAL(line, trigger,
 * polarity: seL4_RangeError) ENOENT(no such controller) ENOMEM. */
static inline long uk_sel4_irq_control_get_ioapic(struct uk_user *u, unsigned pin,
						  enum uk_trigger trig, enum uk_polarity pol)
{
	return uk_irq_attach(u, UK_IRQ_SRC_GSI, pin, trig, pol);
}
static inline long uk_sel4_irq_control_get_msi(struct uk_user *u, unsigned source)
{
	return uk_irq_attach(u, UK_IRQ_SRC_MSI, source, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

/* IRQHandler_SetNotification: each interrupt of the line ORs `badge` into
 * notification `ntfn`. Replaces an earlier binding (seL4 deletes the old
 * cap first) and neither masks nor unmasks the line (unless the machine
 * unmasks at bind). 0 or: EBADH(h not a handler; ntfn not a notification
 * or 0) EPERM(SIGNAL and WAIT on h, SIGNAL on ntfn) EINVAL(badge 0 or > UK_SEL4_BADGE_MAX;
 * h detached). */
static inline long uk_sel4_irq_handler_set_notification(struct uk_user *u, long h, uint32_t ntfn,
							uint32_t badge)
{
	return uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, UK_SEL4_OP_SET_NOTIFICATION,
			   badge, ntfn, 0, 0);
}

/* IRQHandler_Clear: unbind; interrupts are masked and dropped until a new
 * notification is set ("Undelivered IRQ"). 0 or EBADH EPERM EINVAL(h
 * detached; made through uk_irq_model_call, without the notification
 * argument this wrapper gives). */
static inline long uk_sel4_irq_handler_clear(struct uk_user *u, long h)
{
	return uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, UK_SEL4_OP_CLEAR, 0,
			   UK_IRQ_NTFN_NONE, 0, 0);
}

/* IRQHandler_Ack: the driver is done; the kernel unmasks the line (a level
 * line still asserted raises again at once). Not tied to an interrupt:
 * without one pending it does nothing, as seL4's maskInterrupt(false) on
 * an open line. 0 or EBADH EPERM(SIGNAL) EINVAL(detached). */
static inline long uk_sel4_irq_handler_ack(struct uk_user *u, long h)
{
	return uk_irq_kick(u, h, true);
}

/* seL4_Wait / seL4_Poll on a notification: the badge word (> 0; Poll: 0
 * when nothing is pending), cleared. EBADH EPERM(WAIT). */
static inline long uk_sel4_wait(struct uk_user *u, uint32_t ntfn)
{
	return uk_ntfn_wait(u, ntfn);
}
static inline long uk_sel4_poll(struct uk_user *u, uint32_t ntfn)
{
	return uk_ntfn_poll(u, ntfn);
}

#endif /* UKERN_MODELS_SEL4_H */
