/* SPDX-License-Identifier: MIT */
/*
 * The unhappy paths: an episode nobody ACKed (the NAK stall with
 * exponential backoff), a sink that does not answer (the ACK timeout), and
 * the per-pin timer that drives both.
 *
 * A stall keeps the pin in service with nobody owing an answer (I6), masked
 * where it can be. The retry ends the episode as "retried": it re-enables
 * the pin, issues the end-of-service, and re-delivers what is pending. Pins
 * that cannot be masked (MSI) stall and retry the same way; raises that
 * arrive meanwhile are buffered (managarm leaves such pins stuck).
 */
#include "irq_internal.h"

void irq_backoff_shrink(struct uk_irq_pin *pin)
{
	if (pin->backoff > 0)
		pin->backoff--;
}

void irq_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	if (pin->model->all_nak)
		pin->model->all_nak(pin, now); /* Linux counts instead of stalling */
	else
		uk_irq_stall(pin, now);
}

/* Report "nobody cared" and stall for `delay`; `step` says whether the
 * backoff advances (the default) or the model chose the delay itself. */
static void stall(struct uk_irq_pin *pin, uint64_t delay, bool step, uint64_t now)
{
	pin->nobody_reports++;
	uk_irq_emit(pin, UK_IRQ_EV_NOBODY, IRQ_NO_SINK, pin->episode, 0, now);
	uk_irq_report_to_host(pin, UK_IRQ_REPORT_NOBODY_CARED, NULL);

	uk_irq_emit(pin, UK_IRQ_EV_STALL, IRQ_NO_SINK, delay, (uint16_t)pin->backoff, now);
	uk_irq_emit(pin, UK_IRQ_EV_END, IRQ_NO_SINK, UK_IRQ_END_STALLED, 0, now);
	if (step && pin->backoff < UK_IRQ_STALL_MAX_STEP)
		pin->backoff++;
	pin->stalls++;
	pin->stalled = true;
	pin->retry_ns = delay > UK_IRQ_NEVER - 1 - now ? UK_IRQ_NEVER - 1 : now + delay;
	/* With no listener at all the raise itself is kept for the retry. */
	if (pin->nsinks == 0 && pin->trigger == UK_TRIGGER_EDGE)
		pin->resend = true;
	uk_irq_mask(pin, UK_IRQ_MASK_STALL, true, now);
	irq_rearm(pin);
}

void uk_irq_stall(struct uk_irq_pin *pin, uint64_t now)
{
	stall(pin, UK_IRQ_STALL_BASE_NS << pin->backoff, true, now);
}

void uk_irq_stall_for(struct uk_irq_pin *pin, uint64_t delay_ns, uint64_t now)
{
	stall(pin, delay_ns ? delay_ns : 1, false, now);
}

/* Called with the answer checks passed. */
int irq_sink_nak_locked(struct uk_irq_sink *sink, uint16_t flags, uint64_t now)
{
	struct uk_irq_pin *pin = sink->pin;

	sink->indefinite = false;
	sink->answered = true;
	sink->naks++;
	pin->owed--;
	uk_irq_emit(pin, UK_IRQ_EV_NAK, sink->id, sink->seq, flags, now);
	irq_answered(pin, now);
	return UK_OK;
}

static uint64_t timeout_deadline(const struct uk_irq_pin *pin)
{
	uint64_t t = pin->host->ack_timeout_ns;

	if (!t || !pin->in_service || pin->stalled || pin->owed == 0 || pin->timeout_reported)
		return UK_IRQ_NEVER;
	return pin->episode_ns + t;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Keep one timer per pin at the earliest deadline that matters. */
void irq_rearm(struct uk_irq_pin *pin)
{
	struct uk_irq_host *h = pin->host;
	uint64_t d = pin->stalled ? pin->retry_ns : UK_IRQ_NEVER;

	d = min_u64(d, timeout_deadline(pin));
	d = min_u64(d, pin->model_ns);
	if (d == pin->timer_ns)
		return;
	pin->timer_ns = d;
	if (h->ops && h->ops->arm_timer)
		h->ops->arm_timer(h->ctx, pin, d);
}

static bool nak_on_timeout(const struct uk_irq_pin *pin)
{
	return (pin->flags & UK_IRQ_PIN_NAK_ON_TIMEOUT) ||
	       (pin->host->flags & UK_IRQ_HOST_NAK_ON_TIMEOUT);
}

/* Report every sink still owing an answer, once per episode; optionally
 * NAK on their behalf, which may stall the pin. */
void uk_irq_ack_timeout(struct uk_irq_pin *pin, uint64_t now)
{
	struct uk_irq_sink *s;
	uint64_t episode = pin->episode;

	irq_for_each_sink(s, pin) {
		if (!s->indefinite)
			continue;
		s->timed_out = true;
		uk_irq_emit(pin, UK_IRQ_EV_TIMEOUT, s->id, episode, 0, now);
		uk_irq_report_to_host(pin, UK_IRQ_REPORT_ACK_TIMEOUT, s);
	}
	if (!nak_on_timeout(pin))
		return;
	/* NAKing may end the episode (and start a re-delivered one), so stop
	 * as soon as the episode changes. */
	for (;;) {
		struct uk_irq_sink *victim = NULL;
		irq_for_each_sink(s, pin) {
			if (s->indefinite && s->timed_out) {
				victim = s;
				break;
			}
		}
		if (!victim || pin->episode != episode)
			break;
		irq_sink_nak_locked(victim, UK_IRQ_EVF_BEHALF, now);
	}
}

/* The ACK deadline wins every tie: at or past episode start + timeout, the
 * timeout is reported (and the NAK-on-timeout policy applied) before
 * anything else happens to the pin. The pin timer calls this at the
 * deadline; an answer, kick or detach calls it first too, because on a
 * simulated (or real) machine the CPU that answers can be past the deadline
 * before the timer interrupt is taken. Without this, an ACK landing just
 * after the deadline ended the episode with no report (issue 15; L5 in
 * liveness.c judges the same rule). Once per episode, whatever the model
 * does about it. */
void irq_timeout_due(struct uk_irq_pin *pin, uint64_t now_ns)
{
	if (now_ns < timeout_deadline(pin))
		return;
	pin->timeout_reported = true;
	pin->timeout_reports++;
	if (pin->model->timeout)
		pin->model->timeout(pin, now_ns);
	else
		uk_irq_ack_timeout(pin, now_ns);
	irq_rearm(pin);
}

void uk_irq_pin_timer(struct uk_irq_pin *pin, uint64_t now_ns)
{
	irq_step(pin);
#if defined(UK_IRQ_PLANT_BUG) && UK_IRQ_PLANT_BUG == 2
	/* Planted bug 2 (managarm's): a stalled non-maskable pin never retries. */
	if (pin->stalled && now_ns >= pin->retry_ns && uk_irq_pin_maskable(pin))
#else
	if (pin->stalled && now_ns >= pin->retry_ns)
#endif
	{
		if (pin->model->retry)
			pin->model->retry(pin, now_ns);
		else
			irq_episode_end(pin, UK_IRQ_END_RETRIED, false, now_ns);
	}
	irq_timeout_due(pin, now_ns);
	if (pin->model_ns != UK_IRQ_NEVER && now_ns >= pin->model_ns) {
		pin->model_ns = UK_IRQ_NEVER;
		if (pin->model->timer)
			pin->model->timer(pin, now_ns);
	}
	/* The pin's timer is spent; arm the next deadline, if any. */
	pin->timer_ns = UK_IRQ_NEVER - 1;
	irq_rearm(pin);
	irq_transition_done(pin, "timer");
}
