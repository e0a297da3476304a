/* SPDX-License-Identifier: MIT */
/*
 * The Linux-style model (kernel/irq/spurious.c and IRQF_ONESHOT):
 *  - shared handlers: every sink is asked each time (ACK = IRQ_HANDLED,
 *    NAK = IRQ_NONE); an episode nobody handled is counted, not stalled;
 *  - of every UK_IRQ_LINUX_WINDOW episodes, more than UK_IRQ_LINUX_THRESHOLD
 *    unhandled ones disable the line ("nobody cared"), after which it is
 *    polled every UK_IRQ_LINUX_POLL_NS (as irqpoll does);
 *  - ONESHOT threaded handlers: the line stays masked until the thread is
 *    done, edge lines included; without ONESHOT only level lines are.
 */
#include "irq_internal.h"

bool irq_linux_masks_in_service(const struct uk_irq_pin *pin)
{
	return pin->trigger == UK_TRIGGER_LEVEL || (pin->flags & UK_IRQ_PIN_ONESHOT);
}

void irq_linux_episode_over(struct uk_irq_pin *pin, bool handled, uint64_t now)
{
	pin->linux_count++;
	if (!handled)
		pin->linux_unhandled++;
	if (pin->linux_count < UK_IRQ_LINUX_WINDOW)
		return;
	if (pin->linux_unhandled > UK_IRQ_LINUX_THRESHOLD && !pin->linux_disabled) {
		pin->linux_disabled = true;
		pin->nobody_reports++;
		irq_mask_set(pin, UK_IRQ_MASK_DISABLED, true, now);
		irq_emit(pin, UK_IRQ_EV_DISABLE, IRQ_NO_SINK, pin->linux_unhandled, 0, now);
		irq_report(pin, UK_IRQ_REPORT_DISABLED, NULL);
		pin->poll_ns = now + UK_IRQ_LINUX_POLL_NS;
	}
	pin->linux_count = 0;
	pin->linux_unhandled = 0;
}

/* A disabled line is polled: every sink is asked as if it had raised. */
void irq_linux_poll(struct uk_irq_pin *pin, uint64_t now)
{
	pin->poll_ns = now + UK_IRQ_LINUX_POLL_NS;
	if (!pin->in_service)
		irq_episode_begin(pin, now, now, UK_IRQ_EVF_POLL);
}
