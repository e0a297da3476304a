/* SPDX-License-Identifier: MIT */
/*
 * The Zircon-style model: one waiter per interrupt object, the ACK re-arms
 * it, no NAK, and every episode carries a timestamp that the waiter reads
 * (uk_irq_sink_timestamp). Virtual interrupts (pins without a chip) are
 * raised by software with a caller-chosen timestamp, as zx_interrupt_trigger.
 */
#include "irq_internal.h"

int uk_irq_pin_trigger(struct uk_irq_pin *pin, uint64_t timestamp_ns, uint64_t now_ns)
{
	if (pin->model != UK_IRQ_MODEL_ZIRCON)
		return UK_EINVAL;
	irq_step(pin);
	/* While an episode runs the trigger is buffered with its timestamp
	 * (the first one wins when several coalesce). */
	irq_pin_take(pin, timestamp_ns, UK_IRQ_EVF_TRIGGER, now_ns);
	irq_transition_done(pin, "trigger");
	return UK_OK;
}
