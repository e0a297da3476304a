/* SPDX-License-Identifier: MIT */
/*
 * The reference model of seL4's interrupt interface (irq-model sel4), read
 * from seL4's src/object/interrupt.c and written apart from
 * libukern/irq/models/sel4.c, as plainly as possible (ref.h):
 *
 *  - one IRQHandler per line: a second issue is RevokeFirst (UK_EBUSY);
 *  - handleInterrupt masks the line at every delivery (IRQSignal), edge
 *    lines too; an MSI cannot be masked and keeps one further message;
 *  - IRQHandler_Ack (kick|clear, or the sequence ACK) unmasks; no NAK;
 *  - deleting the handler sets IRQInactive: masked, silently, until the
 *    next issue; an interrupt with no handler is masked and forgotten;
 *  - ukern's ACK timeout and its NAK-on-timeout policy still apply (the
 *    simulator's diagnostics): all NAKed with a handler is the stall;
 *  - the calls: SetNotification needs a notification named through the
 *    kernel (the harness names none: UK_EBADH), Clear only through the
 *    kernel's wrapper (UK_EINVAL here), any other op IllegalOperation
 *    (UK_ENOSYS). The line is unmasked at issue (the harness leaves the
 *    model's setting at 0).
 */
#include "ref.h"

#include <string.h>

#include <ukern/irq.h>

#define MS 1000000ull

struct s4_handler {
	bool attached;
	uint64_t seq;
	bool owes;
	bool answered;
	uint64_t notified;
};

struct s4_line {
	enum hw_type type;
	struct s4_handler h[REF_SINKS];
	bool busy, stalled, kept, resend, timeout_done;
	bool inactive;   /* the last handler was deleted: masked until an issue */
	unsigned backoff;
	uint64_t retry_at, start;
	uint64_t timeout_ns;
	bool nak_on_timeout;
	uint64_t nobody, timeouts, eoi, eos;
};

static void s4_init(void *st, const struct ref_config *c)
{
	struct s4_line *r = st;

	_Static_assert(sizeof(struct s4_line) <= REF_STATE_BYTES, "reference state too big");
	memset(r, 0, sizeof(*r));
	r->type = c->type;
	r->timeout_ns = c->timeout_ns;
	r->nak_on_timeout = c->nak_on_timeout;
}

static int handler_count(const struct s4_line *r)
{
	int n = 0;
	for (unsigned i = 0; i < REF_SINKS; i++)
		n += r->h[i].attached;
	return n;
}

static bool anyone_owes(const struct s4_line *r)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->h[i].owes)
			return true;
	return false;
}

static void deliver(struct s4_line *r, uint64_t now);

/* Leave service: Ack, retry, or nobody to deliver to. */
static void leave(struct s4_line *r, bool acked, uint64_t now)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		r->h[i].owes = false;
	r->busy = r->stalled = false;
	if (acked && r->backoff)
		r->backoff--;
	if (r->type == HW_PLIC)
		r->eos++;
	if (r->kept || r->resend) {
		r->kept = r->resend = false;
		deliver(r, now);
	}
}

/* Every handler NAKed (the timeout policy, on its behalf): "nobody cared". */
static void stall(struct s4_line *r, uint64_t now)
{
	r->nobody++;
	r->stalled = true;
	r->retry_at = now + ((100 * MS) << r->backoff);
	if (r->backoff < 7)
		r->backoff++;
	if (handler_count(r) == 0 && r->type != HW_IOAPIC_LEVEL && r->type != HW_PLIC)
		r->resend = true;
}

static void deliver(struct s4_line *r, uint64_t now)
{
	r->busy = true;
	r->timeout_done = false;
	r->start = now;
	if (handler_count(r) == 0) {
		leave(r, false, now); /* IRQInactive: nobody to tell */
		return;
	}
	for (unsigned i = 0; i < REF_SINKS; i++) {
		struct s4_handler *h = &r->h[i];
		if (!h->attached)
			continue;
		h->seq++;
		h->owes = true;
		h->answered = false;
		h->notified++;
	}
}

static void s4_raise(void *st, uint64_t now)
{
	struct s4_line *r = st;

	if (r->type != HW_PLIC)
		r->eoi++;
	if (r->busy)
		r->kept = true;
	else
		deliver(r, now);
}

static int64_t s4_poll(const void *st, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct s4_line *r = st;

	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > r->h[i].seq)
		return UK_EFUTURE;
	if (seq < r->h[i].seq)
		return (int64_t)r->h[i].seq;
	return r->h[i].attached ? UK_EAGAIN : UK_EINVAL;
}

static int check_answer(const struct s4_line *r, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct s4_handler *h = &r->h[i];

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!h->attached)
		return UK_EINVAL;
	if (seq > h->seq)
		return UK_EFUTURE;
	if (seq < h->seq)
		return UK_ESTALE;
	if (h->owes)
		return UK_OK;
	return h->answered ? UK_EALREADY : UK_ESTALE;
}

static int s4_ack(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct s4_line *r = st;
	int err = check_answer(r, i, rights, seq);

	if (err)
		return err;
	r->h[i].answered = true;
	leave(r, true, now);
	return UK_OK;
}

/* seL4 has no NAK: the common checks first, then "not here". */
static int s4_nak(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	int err = check_answer(st, i, rights, seq);

	(void)now;
	return err ? err : UK_ENOSYS;
}

/* IRQHandler_Ack: unmask, whatever is pending. */
static int s4_kick(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now)
{
	struct s4_line *r = st;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!r->h[i].attached)
		return UK_EINVAL;
	if (r->busy) {
		if (clear && r->h[i].owes)
			r->h[i].answered = true;
		leave(r, true, now);
	}
	return UK_OK;
}

static int s4_attach(void *st, unsigned i, uint64_t now)
{
	struct s4_line *r = st;

	(void)now;
	if (r->h[i].attached || handler_count(r) >= 1)
		return UK_EBUSY;
	r->h[i].attached = true;
	r->h[i].owes = r->h[i].answered = false;
	r->inactive = false;
	if (r->stalled && r->type != HW_IOAPIC_LEVEL && r->type != HW_PLIC)
		r->resend = true;
	return UK_OK;
}

static int s4_detach(void *st, unsigned i, uint64_t now)
{
	struct s4_line *r = st;
	struct s4_handler *h = &r->h[i];
	bool owed = h->owes;

	if (!h->attached)
		return UK_EINVAL;
	h->attached = false;
	h->owes = false;
	if (owed)
		h->answered = true;
	r->inactive = handler_count(r) == 0;
	if (owed && r->busy && !r->stalled)
		leave(r, false, now); /* no handler left: forgotten, no report */
	return UK_OK;
}

static long s4_call(void *st, unsigned i, uint32_t rights, unsigned op, uint64_t arg,
		    uint64_t now)
{
	const struct s4_line *r = st;

	(void)arg, (void)now;
	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!r->h[i].attached)
		return UK_EINVAL;
	if (op == 1)
		return UK_EBADH; /* SetNotification without a notification */
	if (op == 2)
		return UK_EINVAL; /* Clear not made through the kernel */
	return UK_ENOSYS;
}

static void s4_timer(void *st, uint64_t now)
{
	struct s4_line *r = st;

	if (r->stalled && now >= r->retry_at)
		leave(r, false, now);
	if (!r->busy || r->stalled || r->timeout_done || !r->timeout_ns ||
	    now < r->start + r->timeout_ns || !anyone_owes(r))
		return;
	r->timeout_done = true;
	for (unsigned i = 0; i < REF_SINKS; i++)
		r->timeouts += r->h[i].owes;
	if (!r->nak_on_timeout)
		return;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		if (r->h[i].owes)
			r->h[i].answered = true;
		r->h[i].owes = false;
	}
	stall(r, now); /* a handler is there: the common stall */
}

static void s4_observe(const void *st, struct ref_obs *o)
{
	const struct s4_line *r = st;

	o->has = REF_HAS_BUSY | REF_HAS_STALLED;
	o->busy = r->busy;
	o->stalled = r->stalled;
	o->masked = r->type != HW_MSI && (r->busy || r->inactive);
	o->eoi = r->eoi;
	o->eos = r->eos;
	o->nobody = r->nobody;
	o->timeouts = r->timeouts;
	o->disabled = 0;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		o->s[i].attached = r->h[i].attached;
		o->s[i].seq = r->h[i].seq;
		o->s[i].owes = r->h[i].owes;
		o->s[i].notified = r->h[i].notified;
	}
}

const struct ref_model ref_sel4 = {
	.name = "sel4",
	.init = s4_init,
	.raise = s4_raise,
	.poll = s4_poll,
	.ack = s4_ack,
	.nak = s4_nak,
	.kick = s4_kick,
	.attach = s4_attach,
	.detach = s4_detach,
	.call = s4_call,
	.timer = s4_timer,
	.observe = s4_observe,
};
