/* SPDX-License-Identifier: MIT */
/*
 * The seL4-style model: one handler per interrupt, the line is masked from
 * delivery until the handler ACKs (seL4_IRQHandler_Ack unmasks it), and
 * there is no NAK. Everything else (sequences, timeouts, the stall when the
 * handler is gone) is the common machinery.
 */
#include "irq_internal.h"

bool irq_sel4_masks_in_service(const struct uk_irq_pin *pin)
{
	/* Every trigger mode: seL4 masks on delivery, edge pins too. */
	(void)pin;
	return true;
}

bool irq_model_single_handler(const struct uk_irq_pin *pin)
{
	return pin->model == UK_IRQ_MODEL_SEL4 || pin->model == UK_IRQ_MODEL_ZIRCON;
}

bool irq_model_has_nak(const struct uk_irq_pin *pin)
{
	return pin->model == UK_IRQ_MODEL_SEQ || pin->model == UK_IRQ_MODEL_LINUX;
}
