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
 *
 * Source: Linux kernel/irq/spurious.c (note_interrupt, __report_bad_irq,
 * poll_spurious_irqs) and kernel/irq/chip.c (handle_level_irq,
 * irq_finalize_oneshot).
 *
 * pin->model_data: [0] episodes in this window, [1] unhandled ones,
 * [2] 1 once the line was disabled.
 */
#include "../irq_internal.h"
#include "lib/string.h"

enum { LX_COUNT, LX_UNHANDLED, LX_DISABLED };

static bool linux_masks_in_service(const struct uk_irq_pin *pin)
{
	return pin->trigger == UK_TRIGGER_LEVEL || (pin->flags & UK_IRQ_PIN_ONESHOT);
}

/* Linux counts an unhandled interrupt instead of stalling. */
static void linux_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	uk_irq_episode_end(pin, UK_IRQ_END_UNHANDLED, now);
}

static void linux_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	uint64_t *d = pin->model_data;

	uint64_t window = pin->host->model_param[0] ? pin->host->model_param[0]
						     : UK_IRQ_LINUX_WINDOW;
	uint64_t threshold = pin->host->model_param[1] ? pin->host->model_param[1]
							: UK_IRQ_LINUX_THRESHOLD;

	d[LX_COUNT]++;
	if (how != UK_IRQ_END_HANDLED)
		d[LX_UNHANDLED]++;
	if (d[LX_COUNT] < window)
		return;
	if (d[LX_UNHANDLED] > threshold && !d[LX_DISABLED]) {
		d[LX_DISABLED] = 1;
		pin->nobody_reports++;
		uk_irq_mask(pin, UK_IRQ_MASK_DISABLED, true, now);
		uk_irq_emit(pin, UK_IRQ_EV_DISABLE, UINT32_MAX, d[LX_UNHANDLED], 0, now);
		uk_irq_report_to_host(pin, UK_IRQ_REPORT_DISABLED, NULL);
		uk_irq_model_arm(pin, now + UK_IRQ_LINUX_POLL_NS);
	}
	d[LX_COUNT] = 0;
	d[LX_UNHANDLED] = 0;
}

/* A disabled line is polled: every sink is asked as if it had raised. */
static void linux_poll(struct uk_irq_pin *pin, uint64_t now)
{
	uk_irq_model_arm(pin, now + UK_IRQ_LINUX_POLL_NS);
	if (!pin->in_service)
		uk_irq_episode_begin(pin, now, now, UK_IRQ_EVF_POLL);
}

void irq_model_linux(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "linux";
	o->doc = "shared handlers, the unhandled statistic (99,900 of 100,000), polling, ONESHOT";
	o->source = "Linux kernel/irq/spurious.c (note_interrupt), kernel/irq/chip.c";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->masks_in_service = linux_masks_in_service;
	o->all_nak = linux_all_nak;
	o->episode_end = linux_episode_end;
	o->timer = linux_poll;
}
