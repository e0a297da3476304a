/* SPDX-License-Identifier: MIT */
/*
 * A known-bad design: the stall after an all-NAK episode is left by
 * unmasking the pin at the retry, so a pin that cannot be masked (an MSI
 * vector) is never retried and stays stalled for good. Every later message
 * of the device is buffered behind the stall and never delivered.
 *
 * This is what managarm's thor does with non-maskable pins (docs/design.md
 * section 3 says we do not copy it): in kernel/thor/generic/irq.cpp, both
 * NAK paths set maskedForNack and wake the unstall coroutine (which kicks
 * the pin after 50 ms << exponent, commit 6c830210e, 2021-07-18) only
 * `if (_strategy & irq_strategy::maskable)`; a NAKed pin stays in service,
 * so a non-maskable one is never kicked. The fuzzing demo's planted bug 2
 * is the same mistake inside the machine.
 *
 * Source: managarm thor kernel/thor/generic/irq.cpp as of 2026-08 (the NAK
 * paths of IrqPin and its constructor's unstall coroutine); docs/design.md
 * section 3.
 */
#include "../irq_internal.h"
#include "lib/string.h"

static void retry_by_unmask(struct uk_irq_pin *pin, uint64_t now)
{
	if (uk_irq_pin_maskable(pin)) {
		uk_irq_episode_end(pin, UK_IRQ_END_RETRIED, now);
		return;
	}
	/* Nothing to unmask, so nothing happens, and nothing ever will:
	 * the retry is forgotten (I6 and L3 see it). */
	pin->retry_ns = UK_IRQ_NEVER;
}

void irq_model_msi_no_retry(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "msi-no-retry";
	o->doc = "known-bad: a stalled MSI (non-maskable) pin is never retried";
	o->source = "managarm thor kernel/thor/generic/irq.cpp: unstall only for maskable pins";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->retry = retry_by_unmask;
}
