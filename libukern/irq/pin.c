/* SPDX-License-Identifier: MIT */
/*
 * Pins: setup, raises and service episodes (docs/design.md section 3).
 *
 * An episode starts when a raise finds the pin out of service: every
 * attached sink's sequence goes up by one and it owes an answer. It ends
 * handled on the first ACK or kick (unmask in the same step), or stalls when
 * nobody owes an answer any more and nobody ACKed (stall.c).
 */
#include "irq_internal.h"
#include "lib/string.h"

static bool trigger_valid(const struct uk_irq_pin *pin, enum uk_trigger trig,
			  enum uk_polarity pol)
{
	if (trig != UK_TRIGGER_EDGE && trig != UK_TRIGGER_LEVEL)
		return false;
	if (pol != UK_POLARITY_HIGH && pol != UK_POLARITY_LOW)
		return false;
	/* MSI and software-only pins are messages: there is no line level. */
	if (trig == UK_TRIGGER_LEVEL && (!pin->chip || pin->chip->kind == UK_INTC_MSI))
		return false;
	return true;
}

int uk_irq_pin_init(struct uk_irq_pin *pin, struct uk_irq_host *host,
		    const struct uk_irq_chip *chip, const struct uk_irq_pin_config *cfg)
{
	const struct uk_irq_model_ops *model = cfg->model ? cfg->model : host->model;

	if (!uk_irq_model_valid(model))
		return UK_EINVAL;
	if (cfg->behaviour && !uk_irq_behaviour_valid(cfg->behaviour))
		return UK_EINVAL;
	uk_memset(pin, 0, sizeof(*pin));
	pin->host = host;
	pin->chip = chip;
	if (!trigger_valid(pin, cfg->trigger, cfg->polarity))
		return UK_EINVAL;
	pin->id = cfg->id;
	pin->hwpin = cfg->hwpin;
	pin->trigger = cfg->trigger;
	pin->polarity = cfg->polarity;
	pin->model = model;
	pin->behaviour = cfg->behaviour;
	pin->strategy = chip ? uk_irq_behaviour_strategy(cfg->behaviour, chip->strategy) : 0;
	pin->bflags = cfg->behaviour ? cfg->behaviour->flags : 0;
	pin->flags = cfg->flags;
	pin->sinks.next = pin->sinks.prev = &pin->sinks;
	pin->retry_ns = UK_IRQ_NEVER;
	pin->model_ns = UK_IRQ_NEVER;
	pin->timer_ns = UK_IRQ_NEVER;
	/* Start from a known chip state: unmasked (I8 holds from here on). */
	if (uk_irq_pin_maskable(pin) && chip->ops && chip->ops->mask)
		chip->ops->mask(chip->ctx, pin, false);
	return UK_OK;
}

int uk_irq_pin_configure(struct uk_irq_pin *pin, enum uk_trigger trig, enum uk_polarity pol)
{
	int err = UK_OK;

	irq_step(pin);
	if (pin->in_service)
		err = UK_EBUSY; /* I4 depends on the trigger: never change it mid-episode */
	else if (!trigger_valid(pin, trig, pol))
		err = UK_EINVAL;
	if (err == UK_OK) {
		pin->trigger = trig;
		pin->polarity = pol;
	}
	irq_transition_done(pin, "configure");
	return err;
}

/* Whether this pin is masked for the whole of an episode (I4): the
 * model's word if it has one, else the line's behaviour. */
bool irq_masks_in_service(const struct uk_irq_pin *pin)
{
	if (!uk_irq_pin_maskable(pin))
		return false;
	if (pin->model->masks_in_service)
		return pin->model->masks_in_service(pin);
	if (!uk_irq_pin_wants(pin, UK_INTC_MASK_IN_SERVICE))
		return false;
	/* Edge pins stay open in service when the controller says so; they
	 * buffer one raise instead, so no edge is lost (L1). */
	if (pin->trigger == UK_TRIGGER_EDGE && uk_irq_pin_wants(pin, UK_INTC_SUPPRESS_MASK_IN_SERVICE))
		return false;
	return true;
}

void irq_step(struct uk_irq_pin *pin)
{
	pin->host->step++;
}

/* After every public transition: run the invariants in checking builds and
 * report each broken one with the pin and the transition. Never aborts. */
void irq_transition_done(struct uk_irq_pin *pin, const char *transition)
{
#ifdef UK_CHECKING
	struct uk_irq_host *h = pin->host;
	uint32_t bad = irq_check_broken(pin) & pin->model->invariants;

	for (unsigned inv = 1; bad && inv <= 10; inv++) {
		struct uk_irq_violation v;
		if (!(bad & UK_IRQ_INV(inv)) || !irq_check_one(pin, inv, &v))
			continue;
		v.transition = transition;
		h->violations++;
		if (h->ops && h->ops->violation)
			h->ops->violation(h->ctx, &v);
	}
#else
	(void)pin;
	(void)transition;
#endif
}

void uk_irq_episode_begin(struct uk_irq_pin *pin, uint64_t now, uint64_t ts, uint16_t flags)
{
	struct uk_irq_sink *s;

	pin->in_service = true;
	pin->handled = false;
	pin->timeout_reported = false;
	pin->resend = false;
	pin->episode++;
	pin->episode_ns = now;
	pin->episode_ts = ts;
	uk_irq_emit(pin, UK_IRQ_EV_BEGIN, IRQ_NO_SINK, pin->episode, flags, now);
	if (irq_masks_in_service(pin))
		uk_irq_mask(pin, UK_IRQ_MASK_SERVICE, true, now);
	irq_for_each_sink(s, pin) {
		s->seq++;
		s->indefinite = true;
		s->answered = false;
		s->timed_out = false;
		s->timestamp = ts;
		pin->owed++;
		uk_irq_emit(pin, UK_IRQ_EV_SEQ, s->id, s->seq, 0, now);
	}
	irq_for_each_sink(s, pin)
		irq_notify(pin, s);
	if (pin->owed == 0)
		irq_all_nak(pin, now); /* no sink at all: nobody cared */
	irq_rearm(pin);
}

/* Leave service. Handled and retried episodes re-enable the pin in this very
 * step (L2) and re-deliver a buffered raise, so no edge is lost (L1). */
void irq_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, bool by_ack, uint64_t now)
{
	struct uk_irq_sink *s;
	bool redeliver;

	/* Those who still owe are released: the episode they owe for is over. */
	irq_for_each_sink(s, pin) {
		if (s->indefinite) {
			s->indefinite = false;
			pin->owed--;
		}
	}
	pin->in_service = false;
	pin->stalled = false;
	pin->retry_ns = UK_IRQ_NEVER;
#if defined(UK_IRQ_PLANT_BUG) && UK_IRQ_PLANT_BUG == 1
	/* Planted bug 1 for the fuzzing demo: forget to unmask on ACK. */
	if (!by_ack)
		uk_irq_mask(pin, UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_STALL, false, now);
	else
		pin->mask &= ~UK_IRQ_MASK_STALL;
#else
	(void)by_ack;
	if (pin->bflags & UK_IRQ_BHV_EOS_BEFORE_UNMASK)
		irq_eos(pin, now);
	uk_irq_mask(pin, UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_STALL, false, now);
#endif
	if (!(pin->bflags & UK_IRQ_BHV_EOS_BEFORE_UNMASK))
		irq_eos(pin, now);
	pin->ends++;
#ifndef UK_IRQ_PLANT_BUG_MANAGARM
	/* (The sequence protocol's planted bug, which no invariant sees but its
	 * reference model does: a handled episode leaves the backoff as it is.) */
	if (how == UK_IRQ_END_HANDLED)
		irq_backoff_shrink(pin);
#endif
	uk_irq_emit(pin, UK_IRQ_EV_END, IRQ_NO_SINK, how, 0, now);
	if (pin->model->episode_end)
		pin->model->episode_end(pin, how, now);

	redeliver = pin->buffered || pin->resend;
	pin->buffered = false;
	pin->resend = false;
	if (redeliver)
		uk_irq_episode_begin(pin, now, pin->buffered_ts ? pin->buffered_ts : now,
				  UK_IRQ_EVF_REDELIVER);
	pin->buffered_ts = 0;
	irq_rearm(pin);
}

/* A sink answered (or stopped owing). Any ACK ends the episode at once,
 * unless the model waits for every answer (UK_IRQ_ANSWER_ALL). */
void irq_answered(struct uk_irq_pin *pin, uint64_t now)
{
	if (!pin->in_service || pin->stalled)
		return;
	if (pin->handled && (pin->owed == 0 || !irq_model_accepts(pin, UK_IRQ_ANSWER_ALL)))
		irq_episode_end(pin, UK_IRQ_END_HANDLED, true, now);
	else if (pin->owed == 0)
		irq_all_nak(pin, now);
	irq_rearm(pin);
}

enum uk_irq_raise uk_irq_take(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				  uint64_t now)
{
	enum uk_irq_raise r;

	if (!pin->in_service) {
		r = UK_IRQ_RAISE_STARTED;
	} else if (pin->bflags & UK_IRQ_BHV_NO_BUFFER) {
		/* A controller that cannot hold a raise in service loses it. */
		r = UK_IRQ_RAISE_DROPPED;
	} else if (!pin->buffered) {
		/* One further raise is kept for when the episode ends. */
		pin->buffered = true;
		pin->buffered_ts = ts;
		r = UK_IRQ_RAISE_BUFFERED;
	} else {
		r = UK_IRQ_RAISE_COALESCED;
	}
	uk_irq_emit(pin, UK_IRQ_EV_RAISE, IRQ_NO_SINK, r, flags, now);
	if (r == UK_IRQ_RAISE_STARTED)
		uk_irq_episode_begin(pin, now, ts, 0);
	return r;
}

void uk_irq_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	irq_episode_end(pin, how, false, now);
}

enum uk_irq_raise irq_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags, uint64_t now)
{
	if (pin->model->raise)
		return pin->model->raise(pin, ts, flags, now);
	return uk_irq_take(pin, ts, flags, now);
}

enum uk_irq_raise uk_irq_pin_raise(struct uk_irq_pin *pin, uint64_t now_ns)
{
	enum uk_irq_raise r;

	irq_step(pin);
	pin->deliveries++;
	/* EOI after the service mask is on, so a level line cannot re-deliver,
	 * unless the line's behaviour orders it the other way round. */
	if (pin->bflags & UK_IRQ_BHV_EOI_BEFORE_MASK)
		irq_eoi(pin, now_ns);
	r = irq_raise(pin, now_ns, 0, now_ns);
	if (!(pin->bflags & UK_IRQ_BHV_EOI_BEFORE_MASK))
		irq_eoi(pin, now_ns);
	irq_transition_done(pin, "raise");
	return r;
}

int uk_irq_pin_trigger(struct uk_irq_pin *pin, uint64_t timestamp_ns, uint64_t now_ns)
{
	if (!irq_model_accepts(pin, UK_IRQ_ANSWER_TRIGGER))
		return UK_EINVAL;
	irq_step(pin);
	irq_raise(pin, timestamp_ns, UK_IRQ_EVF_TRIGGER, now_ns);
	irq_transition_done(pin, "trigger");
	return UK_OK;
}
