/* SPDX-License-Identifier: MIT */
/*
 * The seL4-style model: one handler per interrupt, the line is masked from
 * delivery until the handler ACKs (seL4_IRQHandler_Ack unmasks it), and
 * there is no NAK. When the handler is deleted the line goes inactive: it
 * is masked, and an interrupt that still arrives is masked again without a
 * word (unless the kernel is built with CONFIG_IRQ_REPORTING); a new
 * handler unmasks it. Everything else (sequences, timeouts) is the common
 * machinery.
 *
 * Source: seL4's src/object/interrupt.c: invokeIRQHandler_AckIRQ unmasks
 * the line; handleInterrupt masks an IRQSignal line when it delivers it,
 * and masks an IRQInactive one; deletedIRQHandler sets IRQInactive, which
 * setIRQState turns into maskInterrupt(true).
 */
#include "../irq_internal.h"
#include "lib/string.h"

/* Every trigger mode: seL4 masks on delivery, edge pins too. */
static bool sel4_masks_in_service(const struct uk_irq_pin *pin)
{
	(void)pin;
	return true;
}

void irq_model_sel4(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "sel4";
	o->doc = "one handler per line, masked until it ACKs, no NAK";
	o->source = "seL4 src/object/interrupt.c (invokeIRQHandler_AckIRQ), handleInterrupt";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK;
	o->max_sinks = 1;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->masks_in_service = sel4_masks_in_service;
	o->all_nak = irq_unheld_all_nak;
	o->attach = irq_unheld_attach;
	o->detach = irq_unheld_detach;
}
