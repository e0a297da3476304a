/* SPDX-License-Identifier: MIT */
/*
 * Invariants I1..I10 of docs/design.md section 3, checked on one pin.
 * Each check is independent and cheap; irq_transition_done() runs all of
 * them after every transition in checking builds.
 */
#include "irq_internal.h"

/* Fixed-width strings, not pointers: the table needs no relocation and stays
 * read-only even in position-independent builds (no writable data). */
static const char inv_names[][64] = {
	"",
	"I1 owed answers == indefinite sinks",
	"I2 an indefinite sink means the pin is in service",
	"I3 out of service: no service/NAK mask, no buffered raise",
	"I4 masked for service iff in service on a mask-in-service pin",
	"I5 a buffered raise implies in service",
	"I6 a NAK stall: nobody owes, nothing ACKed/kicked, retry armed",
	"I7 any mask bit implies a maskable pin",
	"I8 the controller's mask bit equals the kernel's view",
	"I9 sequence discipline",
	"I10 one EOI per delivery, one EOS per handled episode",
};

const char *uk_irq_invariant_name(unsigned inv)
{
	return inv >= 1 && inv <= 10 ? inv_names[inv] : "I?";
}

static bool fail(struct uk_irq_violation *v, unsigned inv, const struct uk_irq_pin *pin,
		 uint32_t sink, const char *what)
{
	if (v) {
		v->inv = inv;
		v->pin = pin->id;
		v->sink = sink;
		v->transition = "check";
		v->what = what;
	}
	return true;
}

static bool check_i1(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	const struct uk_irq_sink *s;
	uint32_t n = 0;

	irq_for_each_sink(s, pin)
		n += s->indefinite;
	return n != pin->owed ? fail(v, 1, pin, IRQ_NO_SINK, "owed count differs") : false;
}

static bool check_i2(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	const struct uk_irq_sink *s;

	irq_for_each_sink(s, pin) {
		if (s->indefinite && !pin->in_service)
			return fail(v, 2, pin, s->id, "indefinite sink on a pin out of service");
	}
	return false;
}

static bool check_i3(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	if (pin->in_service)
		return false;
	if (pin->mask & (UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_STALL))
		return fail(v, 3, pin, IRQ_NO_SINK, "service or stall mask out of service");
	if (pin->buffered || pin->stalled)
		return fail(v, 3, pin, IRQ_NO_SINK, "buffered raise or stall out of service");
	return false;
}

static bool check_i4(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	bool masked = pin->mask & UK_IRQ_MASK_SERVICE;
	bool want = pin->in_service && irq_masks_in_service(pin);

	return masked != want ? fail(v, 4, pin, IRQ_NO_SINK, "service mask disagrees") : false;
}

static bool check_i5(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	return pin->buffered && !pin->in_service
		       ? fail(v, 5, pin, IRQ_NO_SINK, "buffered raise out of service")
		       : false;
}

static bool check_i6(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	if (!pin->stalled)
		return false;
	if (pin->owed)
		return fail(v, 6, pin, IRQ_NO_SINK, "stalled while answers are owed");
	if (pin->handled)
		return fail(v, 6, pin, IRQ_NO_SINK, "stalled after an ACK or kick");
	if (pin->retry_ns == UK_IRQ_NEVER || pin->timer_ns > pin->retry_ns)
		return fail(v, 6, pin, IRQ_NO_SINK, "stalled without a retry armed");
	if (uk_irq_pin_maskable(pin) && !(pin->mask & UK_IRQ_MASK_STALL))
		return fail(v, 6, pin, IRQ_NO_SINK, "stalled maskable pin not masked");
	return false;
}

static bool check_i7(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	return pin->mask && !uk_irq_pin_maskable(pin)
		       ? fail(v, 7, pin, IRQ_NO_SINK, "mask bit on a non-maskable pin")
		       : false;
}

static bool check_i8(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	bool view = pin->mask != 0;
	const struct uk_irq_chip *c = pin->chip;

	if (pin->hw_masked != view)
		return fail(v, 8, pin, IRQ_NO_SINK, "last mask written differs from the view");
	if (c && c->ops && c->ops->hw_masked && uk_irq_pin_maskable(pin)) {
		int hw = c->ops->hw_masked(c->ctx, pin);
		if (hw >= 0 && (bool)hw != view)
			return fail(v, 8, pin, IRQ_NO_SINK, "controller mask bit differs");
	}
	return false;
}

static bool check_i9(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	const struct uk_irq_sink *s;
	uint32_t n = 0;

	irq_for_each_sink(s, pin) {
		n++;
		if (s->pin != pin)
			return fail(v, 9, pin, s->id, "sink on the list of another pin");
		if (s->indefinite && s->answered)
			return fail(v, 9, pin, s->id, "indefinite and answered");
		/* One step per episode since it joined, never more, never less. */
		if (s->join_episode > pin->episode ||
		    s->seq != s->join_seq + (pin->episode - s->join_episode))
			return fail(v, 9, pin, s->id, "sequence is not one per episode");
		if (s->indefinite && s->seq == s->join_seq)
			return fail(v, 9, pin, s->id, "owes an answer for an episode before it joined");
	}
	return n != pin->nsinks ? fail(v, 9, pin, IRQ_NO_SINK, "sink count differs") : false;
}

static bool check_i10(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	uint64_t want_eoi = uk_irq_pin_wants(pin, UK_INTC_EOI) ? pin->deliveries : 0;
	uint64_t want_eos = uk_irq_pin_wants(pin, UK_INTC_EOS) ? pin->ends : 0;

	if (pin->eois != want_eoi)
		return fail(v, 10, pin, IRQ_NO_SINK, "EOIs differ from deliveries");
	if (pin->eoss != want_eos)
		return fail(v, 10, pin, IRQ_NO_SINK, "EOSs differ from ended episodes");
	return false;
}

/* A switch rather than a table of function pointers, which would need
 * relocation and so land in writable data in position-independent builds. */
bool irq_check_one(const struct uk_irq_pin *pin, unsigned inv, struct uk_irq_violation *v)
{
	switch (inv) {
	case 1: return check_i1(pin, v);
	case 2: return check_i2(pin, v);
	case 3: return check_i3(pin, v);
	case 4: return check_i4(pin, v);
	case 5: return check_i5(pin, v);
	case 6: return check_i6(pin, v);
	case 7: return check_i7(pin, v);
	case 8: return check_i8(pin, v);
	case 9: return check_i9(pin, v);
	case 10: return check_i10(pin, v);
	default: return false;
	}
}

/* All ten at once, in one walk of the sinks: bit UK_IRQ_INV(n) set when
 * check_in() would fail. This is the fast path run after every transition;
 * the checks above give the details of a broken one. */
static inline bool wants(const struct uk_irq_pin *pin, uint32_t strategy_bit)
{
	return pin->chip && (pin->strategy & strategy_bit); /* uk_irq_pin_wants, inline */
}

uint32_t irq_check_broken(const struct uk_irq_pin *pin)
{
	const struct uk_irq_sink *s;
	uint32_t bad = 0, n = 0, indefinite = 0;
	bool in = pin->in_service;
	int maskable = -1; /* computed when first needed */

	irq_for_each_sink(s, pin) {
		n++;
		indefinite += s->indefinite;
		if (s->indefinite && !in)
			bad |= UK_IRQ_INV(2);
		if (s->pin != pin || (s->indefinite && s->answered) ||
		    s->join_episode > pin->episode ||
		    s->seq != s->join_seq + (pin->episode - s->join_episode) ||
		    (s->indefinite && s->seq == s->join_seq))
			bad |= UK_IRQ_INV(9);
	}
	if (indefinite != pin->owed)
		bad |= UK_IRQ_INV(1);
	if (n != pin->nsinks)
		bad |= UK_IRQ_INV(9);
	if (!in && ((pin->mask & (UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_STALL)) || pin->buffered ||
		    pin->stalled))
		bad |= UK_IRQ_INV(3);
	if (((pin->mask & UK_IRQ_MASK_SERVICE) != 0) != (in && irq_masks_in_service(pin)))
		bad |= UK_IRQ_INV(4);
	if (pin->buffered && !in)
		bad |= UK_IRQ_INV(5);
	if (pin->stalled) {
		if (pin->owed || pin->handled || pin->retry_ns == UK_IRQ_NEVER ||
		    pin->timer_ns > pin->retry_ns)
			bad |= UK_IRQ_INV(6);
		else if ((maskable = wants(pin, UK_INTC_MASKABLE)) && !(pin->mask & UK_IRQ_MASK_STALL))
			bad |= UK_IRQ_INV(6);
	}
	if (pin->mask) {
		if (maskable < 0)
			maskable = wants(pin, UK_INTC_MASKABLE);
		if (!maskable)
			bad |= UK_IRQ_INV(7);
	}
	bool view = pin->mask != 0;
	const struct uk_irq_chip *c = pin->chip;
	if (pin->hw_masked != view) {
		bad |= UK_IRQ_INV(8);
	} else if (c && c->ops && c->ops->hw_masked) {
		if (maskable < 0)
			maskable = wants(pin, UK_INTC_MASKABLE);
		if (maskable) {
			int hw = c->ops->hw_masked(c->ctx, pin);
			if (hw >= 0 && (bool)hw != view)
				bad |= UK_IRQ_INV(8);
		}
	}
	if (pin->eois != (wants(pin, UK_INTC_EOI) ? pin->deliveries : 0) ||
	    pin->eoss != (wants(pin, UK_INTC_EOS) ? pin->ends : 0))
		bad |= UK_IRQ_INV(10);
	return bad;
}

unsigned uk_irq_pin_check(const struct uk_irq_pin *pin, struct uk_irq_violation *v)
{
	if (!irq_check_broken(pin))
		return 0;
	for (unsigned inv = 1; inv <= 10; inv++) {
		if (irq_check_one(pin, inv, v))
			return inv;
	}
	return 0;
}
