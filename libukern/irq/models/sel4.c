/* SPDX-License-Identifier: MIT */
/*
 * The seL4-style model: one handler per interrupt, the line is masked from
 * delivery until the handler ACKs (seL4_IRQHandler_Ack unmasks it), and
 * there is no NAK. Everything else (sequences, timeouts, the stall when the
 * handler is gone) is the common machinery.
 *
 * Source: seL4's src/object/interrupt.c (invokeIRQHandler_AckIRQ unmasks
 * the line) and src/kernel/... handleInterrupt (the line is masked when it
 * is delivered to a notification), as of seL4 12.
 */
#include "../irq_internal.h"

/* Every trigger mode: seL4 masks on delivery, edge pins too. */
static bool sel4_masks_in_service(const struct uk_irq_pin *pin)
{
	(void)pin;
	return true;
}

const struct uk_irq_model_ops uk_irq_model_sel4 = {
	.abi = UK_ABI_VERSION,
	.name = "sel4",
	.doc = "one handler per line, masked until it ACKs, no NAK",
	.source = "seL4 src/object/interrupt.c (invokeIRQHandler_AckIRQ), handleInterrupt",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK,
	.max_sinks = 1,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL,
	.masks_in_service = sel4_masks_in_service,
};
