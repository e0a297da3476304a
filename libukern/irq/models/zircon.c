/* SPDX-License-Identifier: MIT */
/*
 * The Zircon model: interrupt objects (one per line), waited on directly or
 * bound to a port, with timestamps, virtual interrupts and wake vectors.
 *
 * Zircon's InterruptDispatcher has five states; on the machine they read:
 *   IDLE, WAITING  no episode (a waiter blocks on the sink's wait queue);
 *   TRIGGERED      an episode whose sequence no waiter has taken yet;
 *   NEEDACK        an episode already reported (a wait returned it, or its
 *                  port packet was queued), to be re-armed;
 *   DESTROYED      the model's flag: every call is CANCELED.
 * An interrupt that arrives in NEEDACK is kept as the one pending timestamp
 * (the machine's buffered raise, the first timestamp wins) and delivered
 * when the object is re-armed. A level line is masked from the interrupt
 * until it is re-armed (INTERRUPT_MASK_POSTWAIT | UNMASK_PREWAIT); an edge
 * line is never masked (InterruptEventDispatcher::Create gives edges no
 * mask flags).
 *
 * Re-arming: without a port, the next zx_interrupt_wait does it (the wait
 * is the ACK: a pending interrupt returns at once, else the line unmasks
 * and the thread blocks); zx_interrupt_ack is BAD_STATE there. Bound to a
 * port, zx_interrupt_ack does it (a pending interrupt queues the next
 * packet) and zx_interrupt_wait is BAD_STATE. Bind when bound is
 * ALREADY_BOUND; bind while a thread waits is BAD_STATE; bind in TRIGGERED
 * queues the packet at once. Unbind takes back a queued packet and leaves
 * the state as it is. Destroy masks the line and unregisters the handler:
 * a blocked wait returns CANCELED, and so does every later call; bound, it
 * takes back a queued packet, and is NOT_FOUND in NEEDACK when the packet
 * was already taken. Trigger is for virtual objects only (a pin without a
 * chip), BAD_STATE otherwise. A wake vector marks its line as one that may
 * wake a suspended machine until it is destroyed or its last handle goes.
 *
 * sink->model_data: [0] ZX_* flags below, [1] the port key, [2] the
 * sequence last reported (by a wait, or as a port packet).
 *
 * Source: Zircon's zircon/kernel/object/interrupt_dispatcher.cc
 * (BeginWaitForInterrupt, Trigger, InterruptHandler, SendPacketLocked,
 * Destroy, Bind, Unbind, AckInternal, on_zero_handles; fuchsia mirror as
 * of commit 06eae4986c961afd1ee5b5e5e60e35a555c388d2),
 * interrupt_event_dispatcher.cc (Create: the mask flags of level lines,
 * ZX_INTERRUPT_WAKE_VECTOR), port_dispatcher.cc (QueueInterruptPacket: one
 * packet per interrupt object), and the zx_interrupt_wait, _ack, _bind,
 * _destroy, _trigger and zx_port_wait reference pages.
 */
#include "../irq_internal.h"
#include "lib/string.h"

#include <ukern/models/zircon.h>

#define ZX_BOUND (1u << 0)     /* bound to a port */
#define ZX_DESTROYED (1u << 1) /* zx_interrupt_destroy ran */
#define ZX_WAKE (1u << 2)      /* created with ZX_INTERRUPT_WAKE_VECTOR */
#define ZX_PACKET (1u << 3)    /* a packet is queued on the port, not yet taken */
#define ZX_OPTIONS (1u << 4)   /* the create options were given */

#define zx_flags(s) ((s)->model_data[0])
#define zx_reported(s) ((s)->model_data[2])

/* Level lines stay masked from the interrupt until re-armed; edges never. */
static bool zircon_masks_in_service(const struct uk_irq_pin *pin)
{
	return pin->trigger == UK_TRIGGER_LEVEL;
}

static struct uk_irq_sink *zircon_sink(struct uk_irq_pin *pin)
{
	struct uk_irq_sink *s;
	irq_for_each_sink(s, pin)
		return s;
	return NULL;
}

/* A new episode of a bound object queues its packet (NEEDACK at once). */
static void zircon_packet(struct uk_irq_sink *s)
{
	if (zx_flags(s) & ZX_BOUND) {
		zx_flags(s) |= ZX_PACKET;
		zx_reported(s) = s->seq;
	}
}

static enum uk_irq_raise zircon_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				      uint64_t now)
{
	struct uk_irq_sink *s = zircon_sink(pin);
	enum uk_irq_raise r;

	/* A destroyed object's handler is unregistered: an interrupt still in
	 * flight finds nobody and is dropped (its line is masked). */
	if (s && (zx_flags(s) & ZX_DESTROYED))
		return UK_IRQ_RAISE_DROPPED;
#ifdef UK_IRQ_PLANT_BUG_ZIRCON
	/* Planted bug: a trigger in NEEDACK replaces the pending timestamp
	 * (Zircon keeps the first one since the waiter last looked). */
	if ((flags & UK_IRQ_EVF_TRIGGER) && pin->in_service && pin->buffered) {
		pin->buffered_ts = ts;
	}
#endif
	r = uk_irq_take(pin, ts, flags, now);
	if (r == UK_IRQ_RAISE_STARTED && s)
		zircon_packet(s);
	return r;
}

/* The ukern calls (ACK, kick) on a destroyed object are refused as
 * Zircon's are: CANCELED. They would end an episode as handled with the
 * line masked by the destroy. */
static int zircon_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
			 uint64_t seq, int verdict, uint64_t now)
{
	(void)pin;
	(void)a;
	(void)seq;
	(void)now;
	if (verdict == UK_OK && (zx_flags(sink) & ZX_DESTROYED))
		return UK_ESRCH;
	return verdict;
}

/* The redelivery of a pending interrupt begins the next episode right
 * after this hook: a bound object sends its packet for it. */
static void zircon_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	struct uk_irq_sink *s = zircon_sink(pin);
	(void)how;
	(void)now;
	if (s && (pin->buffered || pin->resend) && !(zx_flags(s) & ZX_DESTROYED)) {
		zx_flags(s) |= (zx_flags(s) & ZX_BOUND) ? ZX_PACKET : 0;
		if (zx_flags(s) & ZX_BOUND)
			zx_reported(s) = s->seq + 1;
	}
}

/* Re-arm: the reported episode is over, as handled; the line unmasks and
 * a pending interrupt begins the next one. */
static void zircon_rearm(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t now)
{
	if (!s->indefinite)
		return;
	uk_irq_emit(pin, UK_IRQ_EV_ACK, s->id, s->seq, 0, now);
	uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
}

static long zircon_wait(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t now)
{
	if (zx_flags(s) & ZX_BOUND)
		return UK_EBUSY;
	if (zx_flags(s) & ZX_DESTROYED)
		return UK_ESRCH;
	/* NEEDACK: this wait is the ACK of the one reported last. */
	if (s->indefinite && zx_reported(s) == s->seq)
		zircon_rearm(pin, s, now);
	/* TRIGGERED (or the pending one, re-delivered just now). */
	if (s->indefinite && zx_reported(s) != s->seq) {
		zx_reported(s) = s->seq;
		return (long)(s->timestamp & INT64_MAX);
	}
	return UK_EAGAIN; /* IDLE or WAITING: block */
}

static long zircon_ack(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t now)
{
	if (!(zx_flags(s) & ZX_BOUND))
		return UK_EBUSY;
	if (zx_flags(s) & ZX_DESTROYED)
		return UK_ESRCH;
	/* NEEDACK with another interrupt pending while the last packet is still
	 * queued: the next packet could not be queued (a port holds one per
	 * object), so Zircon refuses the ACK and nothing changes
	 * (InterruptDispatcher::Ack: SendPacketLocked fails, BAD_STATE). */
	if (s->indefinite && (zx_flags(s) & ZX_PACKET) && (pin->buffered || pin->resend))
		return UK_EBUSY;
	zircon_rearm(pin, s, now);
	return UK_OK;
}

static long zircon_destroy(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t now)
{
	bool needack_taken = (zx_flags(s) & ZX_BOUND) && !(zx_flags(s) & ZX_DESTROYED) &&
			     s->indefinite && !(zx_flags(s) & ZX_PACKET);

	if (uk_irq_pin_maskable(pin))
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
	if (zx_flags(s) & ZX_WAKE)
		uk_irq_pin_set_wake(pin, false);
	zx_flags(s) = (zx_flags(s) | ZX_DESTROYED) & ~(uint64_t)(ZX_PACKET | ZX_WAKE);
	return needack_taken ? UK_ENOENT : UK_OK;
}

static long zircon_trigger(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t ts,
			   uint64_t now)
{
	if (pin->chip)
		return UK_EBUSY; /* not ZX_INTERRUPT_VIRTUAL */
	if (zx_flags(s) & ZX_DESTROYED)
		return UK_ESRCH;
	zircon_raise(pin, ts, UK_IRQ_EVF_TRIGGER, now);
	return UK_OK;
}

static long zircon_options(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint64_t opt)
{
	if (opt & ~(uint64_t)ZX_INTERRUPT_WAKE_VECTOR)
		return UK_EINVAL;
	if (zx_flags(s) & (ZX_OPTIONS | ZX_DESTROYED))
		return UK_EBUSY;
	zx_flags(s) |= ZX_OPTIONS;
	if (opt & ZX_INTERRUPT_WAKE_VECTOR) {
		zx_flags(s) |= ZX_WAKE;
		uk_irq_pin_set_wake(pin, true);
	}
	return UK_OK;
}

/* The kernel's port calls (zx_interrupt_bind and unbind, a port wait
 * taking the packet). `waiting`: a thread is blocked in zx_interrupt_wait
 * (the kernel knows; the bind is BAD_STATE then). */
static long zircon_bind(struct uk_irq_sink *s, uint64_t arg)
{
	bool waiting = (arg & UK_IRQ_CALL_PORT_WAITING) != 0;

	if (zx_flags(s) & ZX_DESTROYED)
		return UK_ESRCH;
	if (waiting)
		return UK_EBUSY;
	if (zx_flags(s) & ZX_BOUND)
		return UK_EEXIST;
	zx_flags(s) |= ZX_BOUND;
	s->model_data[1] = arg & ~(uint64_t)UK_IRQ_CALL_PORT_WAITING;
	/* TRIGGERED: the packet goes now, and the object is in NEEDACK. */
	if (s->indefinite && zx_reported(s) != s->seq) {
		zircon_packet(s);
		return 1;
	}
	return 0;
}

static long zircon_unbind(struct uk_irq_sink *s)
{
	if (!(zx_flags(s) & ZX_BOUND))
		return UK_ENOENT;
	if (zx_flags(s) & ZX_DESTROYED)
		return UK_ESRCH;
	zx_flags(s) &= ~(uint64_t)(ZX_BOUND | ZX_PACKET);
	s->model_data[1] = 0;
	return UK_OK;
}

static long zircon_take(struct uk_irq_sink *s)
{
	if ((zx_flags(s) & (ZX_BOUND | ZX_PACKET | ZX_DESTROYED)) != (ZX_BOUND | ZX_PACKET))
		return UK_ENOENT;
	zx_flags(s) &= ~(uint64_t)ZX_PACKET;
	return (long)(s->timestamp & INT64_MAX);
}

static long zircon_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
			uint64_t arg, uint64_t now)
{
	/* No call of Zircon's is about a notification: a result here is no
	 * binding (irq_model.h). */
	if (arg & UK_IRQ_CALL_ABOUT_NTFN)
		return UK_EINVAL;
	switch (op & ~UK_IRQ_CALL_BLOCKING) {
	case UK_ZX_OP_WAIT:
		/* zx_interrupt_wait needs ZX_RIGHT_WAIT, also when it would
		 * not block: it takes the interrupt. */
		if (!(sink->call_rights & UK_IRQ_RIGHT_WAIT))
			return UK_EPERM;
		return zircon_wait(pin, sink, now);
	case UK_ZX_OP_ACK:
		return zircon_ack(pin, sink, now);
	case UK_ZX_OP_DESTROY:
		return zircon_destroy(pin, sink, now);
	case UK_ZX_OP_TRIGGER:
		return zircon_trigger(pin, sink, arg, now);
	case UK_ZX_OP_OPTIONS:
		return zircon_options(pin, sink, arg);
	case UK_IRQ_CALL_PORT_BIND:
		return zircon_bind(sink, arg);
	case UK_IRQ_CALL_PORT_UNBIND:
		return zircon_unbind(sink);
	case UK_IRQ_CALL_PORT_TAKE:
		return zircon_take(sink);
	case UK_IRQ_CALL_LAST_HANDLE: /* on_zero_handles: Destroy */
		if (!(zx_flags(sink) & ZX_DESTROYED))
			(void)zircon_destroy(pin, sink, now);
		return UK_OK;
	default:
		return UK_EINVAL;
	}
}

/* The last handle went (on_zero_handles -> Destroy): the line is masked
 * and forgotten, and it no longer wakes the machine. */
static void zircon_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed,
			  uint64_t now)
{
	if (pin->nsinks == 0)
		uk_irq_pin_set_wake(pin, false);
	irq_unheld_detach(pin, sink, owed, now);
}

/* A new object on a line another one left destroyed-but-open cannot exist
 * (one handler per line); a fresh one unmasks what the last one masked. */
static int zircon_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	if (uk_irq_pin_maskable(pin))
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, false, now);
	return irq_unheld_attach(pin, sink, now);
}

void irq_model_zircon(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "zircon";
	o->doc = "interrupt objects: wait or port packets, re-armed by the next wait or the ACK, "
		 "timestamps, virtual triggers, wake vectors";
	o->source = "Zircon zircon/kernel/object/interrupt_dispatcher.cc, "
		    "interrupt_event_dispatcher.cc, port_dispatcher.cc; zx_interrupt_* syscalls";
	o->driver = "zircon-driver";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK | UK_IRQ_ANSWER_TRIGGER;
	o->max_sinks = 1;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->masks_in_service = zircon_masks_in_service;
	o->raise = zircon_raise;
	o->answer = zircon_answer;
	o->episode_end = zircon_episode_end;
	o->all_nak = irq_unheld_all_nak;
	o->attach = zircon_attach;
	o->detach = zircon_detach;
	o->call = zircon_call;
}
