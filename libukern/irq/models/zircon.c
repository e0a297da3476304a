/* SPDX-License-Identifier: MIT */
/*
 * The Zircon-style model: one waiter per interrupt object, the ACK re-arms
 * it, no NAK, and every episode carries a timestamp that the waiter reads
 * (uk_irq_sink_timestamp). Virtual interrupts (pins without a chip) are
 * raised by software with a caller-chosen timestamp, as
 * zx_interrupt_trigger; while an episode runs the trigger is buffered with
 * its timestamp (the first one wins when several coalesce).
 *
 * When the last handle to the interrupt object goes, the object is
 * destroyed: the vector is masked and its handler unregistered, and nobody
 * is told of an interrupt that still arrives; a new object unmasks it.
 *
 * Source: Zircon's kernel/object/interrupt_dispatcher.cpp (WaitForInterrupt,
 * Ack, Trigger; on_zero_handles calls Destroy, which does MaskInterrupt and
 * UnregisterInterruptHandler) and the zx_interrupt_* syscall documentation.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_model_zircon(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "zircon";
	o->doc = "one waiter per interrupt object, ACK re-arms, timestamps, software triggers";
	o->source = "Zircon kernel/object/interrupt_dispatcher.cpp; zx_interrupt_* syscalls";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK | UK_IRQ_ANSWER_TRIGGER;
	o->max_sinks = 1;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->all_nak = irq_unheld_all_nak;
	o->attach = irq_unheld_attach;
	o->detach = irq_unheld_detach;
}
