/* SPDX-License-Identifier: MIT */
/*
 * The plumbing between the protocol and the world: controller strategy
 * bits, mask/EOI/EOS calls, and the host callbacks (events, reports,
 * wake-ups). Every write to the chip goes through here so that the pin's
 * view (I8) and the I10 counters cannot drift from what was done.
 */
#include "irq_internal.h"

uint32_t uk_irq_default_strategy(enum uk_intc_kind kind)
{
	switch (kind) {
	case UK_INTC_IOAPIC:
		/* Level pins masked in service; edge pins stay open and buffer. */
		return UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE |
		       UK_INTC_SUPPRESS_MASK_IN_SERVICE | UK_INTC_EOI;
	case UK_INTC_MSI:
		/* Only the LAPIC EOI; no mask bit at all. */
		return UK_INTC_EOI;
	case UK_INTC_PLIC:
		/* The claim gates the source until completion (= end of service). */
		return UK_INTC_MASKABLE | UK_INTC_EOS;
	case UK_INTC_PERCPU:
		/* Edge inputs with a mask bit (the LVT's): open in service. */
		return UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE |
		       UK_INTC_SUPPRESS_MASK_IN_SERVICE | UK_INTC_EOI;
	}
	return 0;
}

void uk_irq_chip_init(struct uk_irq_chip *chip, enum uk_intc_kind kind, uint32_t strategy,
		      const struct uk_irq_chip_ops *ops, void *ctx, uint32_t id)
{
	chip->ops = ops;
	chip->ctx = ctx;
	chip->kind = kind;
	chip->strategy = strategy ? strategy : uk_irq_default_strategy(kind);
	chip->id = id;
}

void uk_irq_host_init(struct uk_irq_host *host, const struct uk_irq_host_ops *ops, void *ctx)
{
	host->ops = ops;
	host->ctx = ctx;
	host->log = NULL;
	host->ack_timeout_ns = UK_IRQ_ACK_TIMEOUT_NS;
	host->flags = 0;
	host->model = NULL; /* the host's owner gives it one (uk_irq_builtins) */
	for (unsigned i = 0; i < 4; i++)
		host->model_param[i] = 0;
	host->step = 0;
	host->violations = 0;
}

/* The line's own bits: the chip's, as its behaviour changed them. */
bool uk_irq_pin_wants(const struct uk_irq_pin *pin, uint32_t strategy_bit)
{
	return pin->chip && (pin->strategy & strategy_bit);
}

bool uk_irq_pin_maskable(const struct uk_irq_pin *pin)
{
	return uk_irq_pin_wants(pin, UK_INTC_MASKABLE);
}

void uk_irq_emit(struct uk_irq_pin *pin, uint16_t kind, uint32_t sink, uint64_t arg, uint16_t flags,
	      uint64_t now)
{
	struct uk_irq_host *h = pin->host;
	struct uk_irq_log *log = h->log;

	if (log) {
		if (log->len < log->cap) {
			struct uk_irq_event *e = &log->ev[log->len++];
			e->t = now;
			e->step = h->step;
			e->arg = arg;
			e->pin = pin->id;
			e->sink = sink;
			e->kind = kind;
			e->flags = flags;
			e->pad = 0;
		} else {
			log->lost++;
		}
	}
	if (h->ops && h->ops->trace)
		h->ops->trace(h->ctx, UK_TRACE_IRQ(kind), pin->id, sink, arg);
}

/* Mask reasons are kept apart (service, stall, disabled) so that ending one
 * never lifts another; the chip sees only their union. Non-maskable pins
 * never get a reason set (I7): they rely on buffering instead. */
void uk_irq_mask(struct uk_irq_pin *pin, uint32_t reason, bool on, uint64_t now)
{
	bool before = pin->mask != 0, after;

	if (!uk_irq_pin_maskable(pin))
		return;
	if (on)
		pin->mask |= reason;
	else
		pin->mask &= ~reason;
	after = pin->mask != 0;
	if (before == after)
		return;
	if (pin->chip->ops && pin->chip->ops->mask)
		pin->chip->ops->mask(pin->chip->ctx, pin, after);
	pin->hw_masked = after;
	uk_irq_emit(pin, UK_IRQ_EV_MASK, IRQ_NO_SINK, after,
		    (pin->mask & UK_IRQ_MASK_SUSPEND) ? UK_IRQ_EVF_SUSPEND : 0, now);
}

void irq_eoi(struct uk_irq_pin *pin, uint64_t now)
{
	if (!uk_irq_pin_wants(pin, UK_INTC_EOI))
		return;
	if (pin->chip->ops && pin->chip->ops->eoi)
		pin->chip->ops->eoi(pin->chip->ctx, pin);
	pin->eois++;
	uk_irq_emit(pin, UK_IRQ_EV_EOI, IRQ_NO_SINK, 0, 0, now);
}

void irq_eos(struct uk_irq_pin *pin, uint64_t now)
{
	if (!uk_irq_pin_wants(pin, UK_INTC_EOS))
		return;
	if (pin->chip->ops && pin->chip->ops->eos)
		pin->chip->ops->eos(pin->chip->ctx, pin);
	pin->eoss++;
	uk_irq_emit(pin, UK_IRQ_EV_EOS, IRQ_NO_SINK, 0, 0, now);
}

void uk_irq_report_to_host(struct uk_irq_pin *pin, enum uk_irq_report kind, const struct uk_irq_sink *sink)
{
	struct uk_irq_host *h = pin->host;

	if (h->ops && h->ops->report)
		h->ops->report(h->ctx, kind, pin, sink);
}

void uk_irq_model_arm(struct uk_irq_pin *pin, uint64_t deadline_ns)
{
	pin->model_ns = deadline_ns;
	irq_rearm(pin);
}

void uk_irq_pin_set_wake(struct uk_irq_pin *pin, bool on)
{
	if (on)
		pin->flags |= UK_IRQ_PIN_WAKE;
	else
		pin->flags &= ~UK_IRQ_PIN_WAKE;
}

void uk_irq_pin_suspend(struct uk_irq_pin *pin, bool on, uint64_t now)
{
	uint32_t before = pin->mask;

	irq_step(pin);
	uk_irq_mask(pin, UK_IRQ_MASK_SUSPEND, on && !(pin->flags & UK_IRQ_PIN_WAKE), now);
	/* The suspend reason came or went behind another reason (the line was
	 * masked for service or a stall already): the log must still know. */
	if ((before != 0) == (pin->mask != 0) &&
	    ((before ^ pin->mask) & UK_IRQ_MASK_SUSPEND))
		uk_irq_emit(pin, UK_IRQ_EV_MASK, IRQ_NO_SINK, pin->mask != 0,
			    (pin->mask & UK_IRQ_MASK_SUSPEND) ? UK_IRQ_EVF_SUSPEND : 0, now);
	irq_transition_done(pin, on ? "suspend" : "resume");
}

void irq_notify(struct uk_irq_pin *pin, struct uk_irq_sink *sink)
{
	struct uk_irq_host *h = pin->host;

	if (h->ops && h->ops->notify)
		h->ops->notify(h->ctx, sink);
}
