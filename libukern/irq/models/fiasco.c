/* SPDX-License-Identifier: MIT */
/*
 * The Fiasco.OC model: IRQ objects that send IPC to the thread they are
 * attached to, their queued messages counted; an Irq_muxer for shared lines.
 *
 * A sink is an Irq_sender. Alone on its line it is bound to the interrupt
 * controller; with others it is a child of the line's Irq_muxer (as L4Re's
 * io server chains each client's IRQ object to a muxer with
 * l4_irq_mux_chain). Each hit on an Irq_sender counts one message
 * (Irq_sender::queue, `_queued`); the first is sent to the attached thread,
 * further ones stay counted and each receive takes one (consume, through
 * Ipc_sender's requeue_sender/dequeue_sender). What masks and unmasks:
 *  - a level line: every hit masks the object (mask_and_ack); it is
 *    unmasked by the driver's l4_irq_unmask (the EOI op) and only once no
 *    message is queued any more (`dispatch_irq_proto(op, _queued < 1)`);
 *  - an edge line: the first hit leaves it open (ack); a hit that finds a
 *    message still queued masks it, and the receive that takes the queue
 *    from two messages to one unmasks it (consume: `old == 2` on an edge
 *    line). While masked, the controller drops further edges;
 *  - a muxed (shared) line: Irq_muxer::handle masks every child on every
 *    hit and counts them (`_mask_cnt += irqs`); the line is unmasked when
 *    the count is back at 0 (Irq_muxer::unmask), that is when every child
 *    unmasked. The muxer handles its children as level (is_edge_triggered
 *    is false), whatever the line;
 *  - binding an object to a chip masks it (Irq_chip::bind): a fresh sink
 *    holds its line masked until its driver unmasks it (l4_irq_receive
 *    unmasks before it waits); a chained child is counted masked
 *    (Irq_muxer::sys_attach) and a child leaving unmasks for it
 *    (Irq_muxer::unbind); a line without any object is masked;
 *  - attaching a thread (Irq_sender::alloc): to a sender already attached,
 *    the queued message is withdrawn from the old thread (abort_send) and
 *    re-sent to the new one, the count kept; to a sender attached to
 *    nobody, the count restarts at 0: whatever was queued is dropped.
 *    Detaching (Irq_sender::free) masks the object and keeps the count.
 *
 * Source: Fiasco.OC src/kern/irq.cpp as of kernkonzept/fiasco commit
 * 53a59f04 (2017) up to the removal of Irq_muxer (10f5575a, 2019-03-18):
 * Irq_sender::alloc, free, consume, queue, _hit_level_irq, _hit_edge_irq,
 * kinvoke (Op_eoi -> dispatch_irq_proto(op, _queued < 1)); Irq_muxer::
 * handle, mask, unmask, unbind, sys_attach; src/kern/ipc_sender.cpp
 * (send_msg, ipc_send_msg: requeue_sender/dequeue_sender). L4Re's
 * l4sys/include/irq.h: l4_irq_attach, l4_irq_detach, l4_irq_unmask,
 * l4_irq_receive ("unmask and wait"), l4_irq_trigger, l4_irq_mux_chain.
 * Later Fiasco (commit 1c00dece, 2022, and the Irq_send_state rework)
 * sends one message for any number of hits and keeps an edge that arrives
 * with no thread attached as Pending; this model is the Fiasco.OC one.
 *
 * The machine's episodes are the model's doorbell: each hit begins one
 * (every sink's sequence advances, waiters wake and look for a message)
 * and ends it in the same step; the counts and the masks are the model's,
 * the line masked with UK_IRQ_MASK_MODEL. Fiasco has no ACK, NAK or
 * timeout; a line that stays masked longer than the host's ACK timeout is
 * reported once, naming the objects that hold it (a diagnostic of the
 * simulator, as the machine's ACK timeout is).
 *
 * sink->model_data: [0] queued messages, [1] the object is masked,
 * [2] a thread is attached, [3] its label.
 * pin->model_data: [0] no object left on the line (masked), [1] when the
 * line was masked + 1 (0: open), [2] the masked stretch was reported.
 */
#include "../irq_internal.h"
#include "lib/string.h"

#include <ukern/models/fiasco.h>

enum { FS_QUEUED, FS_MASKED, FS_BOUND, FS_LABEL };
enum { FP_ORPHAN, FP_SINCE, FP_REPORTED };

/* The muxer handles its children as level lines; a lone sender follows
 * its line's trigger. */
static bool edge_sender(const struct uk_irq_pin *pin)
{
	return pin->nsinks == 1 && pin->trigger == UK_TRIGGER_EDGE;
}

/* The line is masked while any object on it is (the muxer's count above
 * 0), or when no object is left. `joining`: a sink being attached, not yet
 * on the pin's list, or NULL. */
static void line_update(struct uk_irq_pin *pin, const struct uk_irq_sink *joining, uint64_t now)
{
	struct uk_irq_sink *s;
	bool masked = pin->model_data[FP_ORPHAN] != 0 ||
		      (joining && joining->model_data[FS_MASKED]);

	irq_for_each_sink(s, pin)
		masked |= s->model_data[FS_MASKED] != 0;
	uk_irq_mask(pin, UK_IRQ_MASK_MODEL, masked, now);
	if (!(pin->mask & UK_IRQ_MASK_MODEL)) {
		pin->model_data[FP_SINCE] = 0;
		pin->model_data[FP_REPORTED] = 0;
		uk_irq_model_arm(pin, UK_IRQ_NEVER);
	} else if (!pin->model_data[FP_SINCE]) {
		pin->model_data[FP_SINCE] = now + 1;
		if (pin->host->ack_timeout_ns)
			uk_irq_model_arm(pin, now + pin->host->ack_timeout_ns);
	}
}

/* One hit on one Irq_sender: count a message, mask as the mode says. */
static void sender_hit(struct uk_irq_sink *s, bool edge)
{
	uint64_t q = s->model_data[FS_QUEUED];

	if (q != UINT64_MAX)
		s->model_data[FS_QUEUED] = q + 1;
	if (!edge || q > 0)
		s->model_data[FS_MASKED] = 1;
}

/* Ring every sink's doorbell: an episode that ends in the step it began.
 * Without any object the hit is lost and the line masked. */
static enum uk_irq_raise doorbell(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				  uint64_t now)
{
	enum uk_irq_raise r = uk_irq_take(pin, ts, flags, now);

	if (pin->in_service)
		uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
	return r;
}

static enum uk_irq_raise fiasco_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				      uint64_t now)
{
	struct uk_irq_sink *s;
	bool edge = edge_sender(pin);
	enum uk_irq_raise r;

	irq_for_each_sink(s, pin)
		sender_hit(s, edge);
	if (pin->nsinks == 0)
		pin->model_data[FP_ORPHAN] = 1;
	/* Masked before the doorbell's end of service: a PLIC must not
	 * forward a still-asserted source again in between. */
	line_update(pin, NULL, now);
	r = doorbell(pin, ts, flags, now);
	line_update(pin, NULL, now);
	return r;
}

static bool fiasco_masks_in_service(const struct uk_irq_pin *pin)
{
	(void)pin;
	return false; /* the model masks, for its own reasons */
}

/* A hit with no object on the line: nobody hears of it. */
static void fiasco_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	pin->model_data[FP_ORPHAN] = 1;
	uk_irq_episode_end(pin, UK_IRQ_END_UNHANDLED, now);
}

/* Fiasco has no ACK or NAK: a driver unmasks (UK_FIASCO_IRQ_UNMASK). */
static int fiasco_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
			 uint64_t seq, int verdict, uint64_t now)
{
	(void)pin, (void)sink, (void)a, (void)seq, (void)verdict, (void)now;
	return UK_ENOSYS;
}

/* A new object on the line comes masked (Irq_chip::bind; the muxer counts
 * it, Irq_muxer::sys_attach), attached to no thread. */
static int fiasco_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	sink->model_data[FS_MASKED] = 1;
	pin->model_data[FP_ORPHAN] = 0;
	line_update(pin, sink, now);
	return UK_OK;
}

/* An object leaving: the muxer unmasks for a masked child (Irq_muxer::
 * unbind); the last one leaves the line masked (no object to deliver to). */
static void fiasco_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed,
			  uint64_t now)
{
	(void)sink, (void)owed;
	if (pin->nsinks == 0)
		pin->model_data[FP_ORPHAN] = 1;
	line_update(pin, NULL, now);
}

/* The line stayed masked for the ACK timeout: name each object holding it,
 * once per masked stretch. */
static void fiasco_timer(struct uk_irq_pin *pin, uint64_t now)
{
	struct uk_irq_sink *s;
	uint64_t since = pin->model_data[FP_SINCE];

	if (!since || pin->model_data[FP_REPORTED] || !pin->host->ack_timeout_ns)
		return;
	if (now < since - 1 + pin->host->ack_timeout_ns) {
		uk_irq_model_arm(pin, since - 1 + pin->host->ack_timeout_ns);
		return;
	}
	pin->model_data[FP_REPORTED] = 1;
	irq_for_each_sink(s, pin) {
		if (!s->model_data[FS_MASKED])
			continue;
		pin->timeout_reports++; /* a statistic, as the machine's timeout keeps */
		uk_irq_emit(pin, UK_IRQ_EV_TIMEOUT, s->id, pin->episode, 0, now);
		uk_irq_report_to_host(pin, UK_IRQ_REPORT_ACK_TIMEOUT, s);
	}
}

static long fiasco_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
			uint64_t arg, uint64_t now)
{
	uint64_t *d = sink->model_data;
	long rc = UK_OK;

	if (arg & UK_IRQ_CALL_ABOUT_NTFN)
		return UK_EINVAL; /* no call is about a notification (irq_model.h) */
	switch (op) {
	case UK_FIASCO_IRQ_ATTACH:
		if (arg > (uint64_t)INT64_MAX)
			return UK_EINVAL;
		if (!d[FS_BOUND])
			d[FS_QUEUED] = 0; /* alloc with no old thread: `_queued = 0` */
		d[FS_BOUND] = 1;
		d[FS_LABEL] = arg;
		break;
	case UK_FIASCO_IRQ_DETACH:
		if (!d[FS_BOUND])
			return UK_ENOENT;
		d[FS_BOUND] = 0;
		d[FS_MASKED] = 1;
		break;
	case UK_FIASCO_IRQ_UNMASK:
#ifdef UK_IRQ_PLANT_BUG_FIASCO
		/* Planted bug for the fuzzing demo: the unmask is honoured with
		 * messages still queued (no `_queued < 1` check). The invariants
		 * cannot see it (the mask is the model's own reason); the
		 * reference model's mask bit disagrees. */
		d[FS_MASKED] = 0;
#else
		if (d[FS_QUEUED] == 0)
			d[FS_MASKED] = 0;
#endif
		break;
	case UK_FIASCO_IRQ_RECEIVE:
		if (!d[FS_BOUND])
			return UK_ENOENT;
		if (d[FS_QUEUED] == 0)
			return UK_EAGAIN;
		if (d[FS_QUEUED]-- == 2 && edge_sender(pin))
			d[FS_MASKED] = 0;
		rc = (long)d[FS_LABEL];
		break;
	case UK_FIASCO_IRQ_TRIGGER:
		sender_hit(sink, edge_sender(pin));
		line_update(pin, NULL, now);
		doorbell(pin, now, UK_IRQ_EVF_TRIGGER, now);
		break;
	default:
		return UK_EINVAL;
	}
	line_update(pin, NULL, now);
	return rc;
}

void irq_model_fiasco(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "fiasco";
	o->doc = "Fiasco.OC: IRQ IPC to an attached thread, counted, unmask to re-arm, "
		 "Irq_muxer for shared lines";
	o->source = "Fiasco.OC src/kern/irq.cpp (Irq_sender, Irq_muxer) before 10f5575a; "
		    "L4Re l4sys irq.h";
	o->driver = "fiasco-driver";
	/* ACK and NAK reach the answer hook, which refuses them (UK_ENOSYS). */
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_TRIGGER;
	o->invariants = UK_IRQ_INV_ALL;
	/* Not L2: a handled doorbell leaves the line masked until the drivers
	 * unmask. Not L5: the masked-line report names objects, not debtors. */
	o->liveness = UK_IRQ_LIVE_ALL & ~(UK_IRQ_LIVE(2) | UK_IRQ_LIVE(5));
	o->masks_in_service = fiasco_masks_in_service;
	o->raise = fiasco_raise;
	o->answer = fiasco_answer;
	o->all_nak = fiasco_all_nak;
	o->attach = fiasco_attach;
	o->detach = fiasco_detach;
	o->timer = fiasco_timer;
	o->call = fiasco_call;
}
