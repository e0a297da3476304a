/* SPDX-License-Identifier: MIT */
/*
 * A known-bad design, to teach and to give the explorer a real bug:
 * managarm's IRQ pins before the 2021 rework, as thor's
 * kernel/thor/generic/irq.cpp stood before commit 8e6eea2cb ("thor: Rework
 * IRQ handling code", 2021-06-13). Two of its rules differ from the
 * sequence protocol (models/managarm.c):
 *
 *  - One ACK per line, not per episode. IrqPin::ackSink unblocked the pin
 *    "regardless of whether the ACK targets the currentSequence()": an ACK
 *    naming an older sequence ended the episode that was running.
 *  - A raise that found the pin already in service (only possible on an
 *    edge line, the "justEoi" strategy) was counted and masked the pin for
 *    service: IrqPin::raise set maskedForService, and the ACK replayed the
 *    counted raise ("avoid losing IRQs that were ignored in raise() as
 *    'already active'"). While masked, the IOAPIC drops every further edge
 *    of the line (82093AA), so a third edge inside one episode is lost.
 *
 * The sequence protocol keeps edge lines open in service and buffers a
 * raise instead (I4: masked for service iff in service on a line that
 * masks in service), so no edge is lost (L1). The explorer finds the
 * schedules in which a second edge lands inside an episode, where this
 * design masks the edge line: I4 breaks, and the device's next edge then
 * goes nowhere. The default schedule of scenarios/designs/managarm-2020-*
 * has no such overlap.
 *
 * The rework's message names what it fixed: "A maskThenEoi IRQ is only
 * unmasked after all sinks have seen the IRQ", and sinks attached while
 * the IRQ is in service. Source: managarm git history, commit 8e6eea2cb and
 * its parent; the forum post in shared/seed.
 */
#include "../irq_internal.h"
#include "lib/string.h"

/* A stale ACK (an older sequence) is taken for the running episode. */
static int line_ack(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
		    uint64_t seq, int verdict, uint64_t now)
{
	(void)pin;
	(void)seq;
	(void)now;
	if (a == UK_IRQ_ANS_ACK && verdict == UK_ESTALE && sink->indefinite)
		return UK_OK;
	return verdict;
}

/* A raise in service is counted (buffered, replayed at the end of the
 * episode) and masks the line for service, edge lines too. */
static enum uk_irq_raise mask_on_second_raise(struct uk_irq_pin *pin, uint64_t ts,
					      uint16_t flags, uint64_t now)
{
	bool in_service = pin->in_service && !pin->stalled;
	enum uk_irq_raise r = uk_irq_take(pin, ts, flags, now);

	if (in_service)
		uk_irq_mask(pin, UK_IRQ_MASK_SERVICE, true, now);
	return r;
}

void irq_model_managarm_2020(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "managarm-2020";
	o->doc = "known-bad: one ACK per line, not per episode; a second raise masks an edge line";
	o->source = "managarm thor kernel/thor/generic/irq.cpp before commit 8e6eea2cb (2021-06-13)";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->raise = mask_on_second_raise;
	o->answer = line_ack;
}
