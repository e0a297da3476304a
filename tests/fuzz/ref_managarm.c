/* SPDX-License-Identifier: MIT */
/*
 * The reference model of the sequence protocol (irq-model managarm):
 * docs/design.md section 3 read literally, one function per rule, written apart
 * from libukern/irq/ and as plainly as possible (flat arrays, no lists, no
 * shared code). See ref.h for how the fuzzer uses it.
 */
#include "ref.h"

#include <string.h>

#include <ukern/irq.h>

struct ref_sink {
	bool attached;
	uint64_t seq;
	bool owes;      /* owes an answer for seq */
	bool answered;  /* gave its answer for seq */
	uint64_t notified;
};

struct ref_pin {
	enum hw_type type;
	struct ref_sink s[REF_SINKS];
	bool busy;       /* in service */
	bool stalled;
	bool buffered;
	bool resend;
	bool timeout_done;
	unsigned backoff;
	uint64_t retry_at, start;
	uint64_t timeout_ns;
	bool nak_on_timeout;
	uint64_t nobody, timeouts, eoi, eos;
};

#define MS 1000000ull

static void ref_init(void *st, const struct ref_config *c)
{
	struct ref_pin *r = st;

	_Static_assert(sizeof(struct ref_pin) <= REF_STATE_BYTES, "reference state too big");
	memset(r, 0, sizeof(*r));
	r->type = c->type;
	r->timeout_ns = c->timeout_ns;
	r->nak_on_timeout = c->nak_on_timeout;
}

static bool is_edge(const struct ref_pin *r)
{
	return r->type == HW_IOAPIC_EDGE || r->type == HW_MSI;
}

/* What the controller's mask bit must be: level IOAPIC pins during an
 * episode, any maskable pin during a stall, nothing else. */
static bool ref_masked(const struct ref_pin *r)
{
	if (r->type == HW_MSI)
		return false;
	if (r->stalled)
		return true;
	return r->busy && r->type == HW_IOAPIC_LEVEL;
}

static bool anyone_owes(const struct ref_pin *r)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].owes)
			return true;
	return false;
}

static bool anyone_attached(const struct ref_pin *r)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached)
			return true;
	return false;
}

static void start(struct ref_pin *r, uint64_t now);

static void nobody_cared(struct ref_pin *r, uint64_t now)
{
	r->nobody++;
	r->stalled = true;
	r->retry_at = now + (100 * MS << r->backoff);
	if (r->backoff < 7)
		r->backoff++;
	if (!anyone_attached(r) && is_edge(r))
		r->resend = true;
}

static void finish(struct ref_pin *r, bool handled, uint64_t now)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		r->s[i].owes = false;
	r->busy = false;
	r->stalled = false;
	if (handled && r->backoff > 0)
		r->backoff--;
	if (r->type == HW_PLIC)
		r->eos++;
	if (r->buffered || r->resend) {
		r->buffered = false;
		r->resend = false;
		start(r, now);
	}
}

static void start(struct ref_pin *r, uint64_t now)
{
	r->busy = true;
	r->timeout_done = false;
	r->start = now;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		struct ref_sink *s = &r->s[i];
		if (!s->attached)
			continue;
		s->seq++;
		s->owes = true;
		s->answered = false;
		s->notified++;
	}
	if (!anyone_owes(r))
		nobody_cared(r, now);
}

static void ref_raise(void *st, uint64_t now)
{
	struct ref_pin *r = st;

	if (r->type != HW_PLIC)
		r->eoi++;
	if (r->busy)
		r->buffered = true;
	else
		start(r, now);
}

static int64_t ref_poll(const void *st, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct ref_pin *r = st;
	const struct ref_sink *s = &r->s[i];

	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return (int64_t)s->seq;
	return s->attached ? UK_EAGAIN : UK_EINVAL;
}

static int may_answer(const struct ref_pin *r, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct ref_sink *s = &r->s[i];

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!s->attached)
		return UK_EINVAL;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return UK_ESTALE;
	if (s->owes)
		return UK_OK;
	return s->answered ? UK_EALREADY : UK_ESTALE;
}

static int ref_ack(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct ref_pin *r = st;
	int err = may_answer(r, i, rights, seq);

	if (err)
		return err;
	r->s[i].owes = false;
	r->s[i].answered = true;
	finish(r, true, now);
	return UK_OK;
}

static void nak_one(struct ref_pin *r, unsigned i, uint64_t now)
{
	r->s[i].owes = false;
	r->s[i].answered = true;
	if (!anyone_owes(r))
		nobody_cared(r, now);
}

static int ref_nak(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct ref_pin *r = st;
	int err = may_answer(r, i, rights, seq);

	if (err)
		return err;
	nak_one(r, i, now);
	return UK_OK;
}

static int ref_kick(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now)
{
	struct ref_pin *r = st;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!r->s[i].attached)
		return UK_EINVAL;
	if (!r->busy)
		return UK_OK;
	if (clear && r->s[i].owes)
		r->s[i].answered = true;
	finish(r, true, now);
	return UK_OK;
}

static int ref_attach(void *st, unsigned i, uint64_t now)
{
	struct ref_pin *r = st;

	(void)now;
	if (r->s[i].attached)
		return UK_EBUSY;
	r->s[i].attached = true;
	r->s[i].owes = false;
	r->s[i].answered = false;
	if (r->stalled && is_edge(r))
		r->resend = true;
	return UK_OK;
}

static int ref_detach(void *st, unsigned i, uint64_t now)
{
	struct ref_pin *r = st;
	struct ref_sink *s = &r->s[i];

	if (!s->attached)
		return UK_EINVAL;
	s->attached = false;
	if (s->owes)
		nak_one(r, i, now);
	return UK_OK;
}

static void ref_timer(void *st, uint64_t now)
{
	struct ref_pin *r = st;

	if (r->stalled && now >= r->retry_at)
		finish(r, false, now);
	if (r->busy && !r->stalled && !r->timeout_done && r->timeout_ns &&
	    now >= r->start + r->timeout_ns && anyone_owes(r)) {
		r->timeout_done = true;
		for (unsigned i = 0; i < REF_SINKS; i++)
			r->timeouts += r->s[i].owes;
		if (r->nak_on_timeout) {
			for (unsigned i = 0; i < REF_SINKS; i++) {
				if (r->s[i].owes)
					r->s[i].answered = true; /* the kernel answered for it */
				r->s[i].owes = false;
			}
			/* All NAKed on their behalf: the same as every sink NAKing. */
			nobody_cared(r, now);
		}
	}
}

static void ref_observe(const void *st, struct ref_obs *o)
{
	const struct ref_pin *r = st;

	o->has = REF_HAS_BUSY | REF_HAS_STALLED;
	o->busy = r->busy;
	o->stalled = r->stalled;
	o->masked = ref_masked(r);
	o->eoi = r->eoi;
	o->eos = r->eos;
	o->nobody = r->nobody;
	o->timeouts = r->timeouts;
	o->disabled = 0;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		o->s[i].attached = r->s[i].attached;
		o->s[i].seq = r->s[i].seq;
		o->s[i].owes = r->s[i].owes;
		o->s[i].notified = r->s[i].notified;
	}
}

const struct ref_model ref_managarm = {
	.name = "managarm",
	.init = ref_init,
	.raise = ref_raise,
	.poll = ref_poll,
	.ack = ref_ack,
	.nak = ref_nak,
	.kick = ref_kick,
	.attach = ref_attach,
	.detach = ref_detach,
	.timer = ref_timer,
	.observe = ref_observe,
};
