/* SPDX-License-Identifier: MIT */
/*
 * A known-bad design, to teach and to give the explorer a real bug:
 * managarm's IRQ objects before the 2021 rework, where an ACK belonged to
 * the line, not to an episode. A driver's ACK is taken for whatever episode
 * is running when it arrives, even when the driver saw an earlier one.
 *
 * On a shared line the bug shows when one driver's ACK ends episode n and a
 * buffered raise starts episode n + 1 before the other driver's ACK for n
 * lands: that late ACK ends n + 1 as handled and unmasks the line while the
 * device that raised it still waits to be served. A level line then raises
 * again at once and an episode nobody can claim follows ("nobody cared").
 *
 * Source: the managarm forum post in shared/seed (the sequence numbers
 * "matched against each other" were the fix), and thor's generic/irq.cpp
 * history around the 2021 rework. Everything else is the sequence
 * protocol (models/managarm.c).
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

const struct uk_irq_model_ops uk_irq_model_managarm_2020 = {
	.abi = UK_ABI_VERSION,
	.name = "managarm-2020",
	.doc = "known-bad: one ACK per line, not per episode (a stale ACK ends the next episode)",
	.source = "managarm before its 2021 IRQ rework (thor generic/irq.cpp); shared/seed",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL,
	.answer = line_ack,
};
