/* SPDX-License-Identifier: MIT */
/*
 * A known-bad design, to teach and to give the explorer a real bug:
 * managarm's IRQ objects before the 2021 rework. Two things differ from
 * the sequence protocol (models/managarm.c):
 *  - an ACK belonged to the line, not to an episode: a driver's ACK is
 *    taken for whatever episode is running when it arrives, even when the
 *    driver saw an earlier one;
 *  - nothing kept a raise that arrived during an episode: the rework added
 *    the buffered raise (the no-buffer behaviour names the same source).
 *
 * The second is the one the explorer finds: on an edge line, which stays
 * unmasked in service, a second edge that lands while an episode runs is
 * dropped, and the device that sent it is not heard again until it sends
 * another (liveness L1). Whether it lands inside an episode is a matter of
 * timing, so one schedule rarely shows it. The first alone does no harm to
 * drivers that read their device on every wake-up (ours do): the episode
 * it ends early was delivered to every sink all the same. It shows in the
 * stale-seq scenario the other way round: an off-by-one ACK that the
 * sequence protocol rejects (and reports as an ACK timeout) is accepted.
 *
 * Source: the managarm forum post in shared/seed (the sequence numbers
 * "matched against each other" were the fix), and thor's generic/irq.cpp
 * history around the 2021 rework.
 */
#include "../irq_internal.h"

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

/* No buffered raise: one that finds an episode running is lost. A stalled
 * pin still keeps it for the retry, as the common machinery does. */
static enum uk_irq_raise drop_in_service(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
					 uint64_t now)
{
	if (!pin->in_service || pin->stalled)
		return uk_irq_take(pin, ts, flags, now);
	uk_irq_emit(pin, UK_IRQ_EV_RAISE, IRQ_NO_SINK, UK_IRQ_RAISE_DROPPED, flags, now);
	return UK_IRQ_RAISE_DROPPED;
}

const struct uk_irq_model_ops uk_irq_model_managarm_2020 = {
	.abi = UK_ABI_VERSION,
	.name = "managarm-2020",
	.doc = "known-bad: one ACK per line, not per episode, and no raise kept in service",
	.source = "managarm before its 2021 IRQ rework (thor generic/irq.cpp); shared/seed",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL,
	.raise = drop_in_service,
	.answer = line_ack,
};
