/* SPDX-License-Identifier: MIT */
/*
 * The reference model of Zircon's interrupt objects (irq-model zircon),
 * written from Zircon's InterruptDispatcher (interrupt_dispatcher.cc) and
 * the zx_interrupt_* pages, apart from libukern/irq/models/zircon.c: flat
 * fields, one function per rule. See ref.h for how the fuzzer uses it.
 *
 * What the fuzzer can reach: one interrupt object per line (a second one
 * is refused), the generic wait/ACK/kick of the sequence machine, and the
 * model calls with op < 8 and arg < 16: zx_interrupt_wait (1), _ack (2),
 * _destroy (3), _trigger (4), the create options (5). Port binding is the
 * kernel's own call and out of reach, so every object here is unbound:
 * zx_interrupt_ack is always BAD_STATE and the next wait re-arms.
 *
 * The rules kept:
 *  - a level line (IOAPIC level, PLIC) is masked from the interrupt until
 *    re-armed; an edge line or MSI never;
 *  - an interrupt in NEEDACK is pending: the first timestamp is kept and
 *    is what the next wait returns; later ones coalesce into it;
 *  - wait: CANCELED (ESRCH) once destroyed; TRIGGERED returns the
 *    timestamp and goes to NEEDACK; NEEDACK re-arms (the episode ends
 *    handled), then returns the pending one at once or would block;
 *  - destroy masks the line; interrupts that still arrive are dropped;
 *    ACK and kick are CANCELED (ESRCH) from then on;
 *  - one handler: a second attach is EBUSY; the last handle gone masks the
 *    line, and a missing answer then ends the episode without a report;
 *  - no NAK (ENOSYS); the ACK timeout and its NAK policy as the sequence
 *    protocol has them (a stall with "nobody cared" while attached).
 */
#include "ref.h"

#include <string.h>

#include <ukern/irq.h>

#define ZOP_WAIT 1
#define ZOP_ACK 2
#define ZOP_DESTROY 3
#define ZOP_TRIGGER 4
#define ZOP_OPTIONS 5
#define Z_WAKE_VECTOR 0x20u
#define MS 1000000ull

struct zref_sink {
	bool attached;
	uint64_t seq;
	bool owes, answered;
	uint64_t notified;
	uint64_t ts;       /* timestamp of episode `seq` */
	uint64_t reported; /* the sequence the last wait returned */
	bool destroyed, options;
};

struct zref_pin {
	enum hw_type type;
	struct zref_sink s[REF_SINKS];
	bool busy, stalled, pending, resend, timeout_done;
	uint64_t pending_ts;
	bool disabled;   /* the last handle went: masked */
	bool destroyed;  /* masked by a destroy */
	unsigned backoff;
	uint64_t retry_at, start;
	uint64_t timeout_ns;
	bool nak_on_timeout;
	uint64_t nobody, timeouts, eoi, eos;
};

static void zref_init(void *st, const struct ref_config *c)
{
	struct zref_pin *r = st;

	_Static_assert(sizeof(struct zref_pin) <= REF_STATE_BYTES, "reference state too big");
	memset(r, 0, sizeof(*r));
	r->type = c->type;
	r->timeout_ns = c->timeout_ns;
	r->nak_on_timeout = c->nak_on_timeout;
}

static bool edge(const struct zref_pin *r)
{
	return r->type == HW_IOAPIC_EDGE || r->type == HW_MSI;
}

static bool maskable(const struct zref_pin *r)
{
	return r->type != HW_MSI;
}

static bool masked(const struct zref_pin *r)
{
	if (!maskable(r))
		return false;
	return r->stalled || r->disabled || r->destroyed || (r->busy && !edge(r));
}

static int handler(const struct zref_pin *r)
{
	for (int i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached)
			return i;
	return -1;
}

static bool owing(const struct zref_pin *r)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].owes)
			return true;
	return false;
}

static void begin(struct zref_pin *r, uint64_t ts, uint64_t now);

/* Nobody answered while a handler is attached (the NAK-on-timeout policy):
 * the sequence protocol's stall. With none attached the episode just ends. */
static void end(struct zref_pin *r, bool handled, uint64_t now)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		r->s[i].owes = false;
	r->busy = false;
	r->stalled = false;
	if (handled && r->backoff > 0)
		r->backoff--;
	if (r->type == HW_PLIC)
		r->eos++;
	if (r->pending || r->resend) {
		uint64_t ts = r->pending_ts ? r->pending_ts : now;
		r->pending = false;
		r->resend = false;
		r->pending_ts = 0;
		begin(r, ts, now);
	}
	r->pending_ts = 0;
}

static void nobody_answered(struct zref_pin *r, uint64_t now)
{
	if (handler(r) < 0) {
		end(r, false, now);
		return;
	}
	r->nobody++;
	r->stalled = true;
	r->retry_at = now + (100 * MS << r->backoff);
	if (r->backoff < 7)
		r->backoff++;
}

static void begin(struct zref_pin *r, uint64_t ts, uint64_t now)
{
	r->busy = true;
	r->timeout_done = false;
	r->start = now;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		struct zref_sink *s = &r->s[i];
		if (!s->attached)
			continue;
		s->seq++;
		s->owes = true;
		s->answered = false;
		s->ts = ts;
		s->notified++;
	}
	if (!owing(r))
		nobody_answered(r, now);
}

/* An interrupt (or a trigger) with timestamp `ts`. */
static void interrupt(struct zref_pin *r, uint64_t ts, uint64_t now)
{
	int h = handler(r);

	if (h >= 0 && r->s[h].destroyed)
		return; /* handler unregistered */
	if (!r->busy) {
		begin(r, ts, now);
	} else if (!r->pending) {
		r->pending = true;
		r->pending_ts = ts; /* the first one is kept */
	}
}

static void zref_raise(void *st, uint64_t now)
{
	struct zref_pin *r = st;

	if (r->type != HW_PLIC)
		r->eoi++;
	interrupt(r, now, now);
}

static int zref_trigger(void *st, uint64_t ts, uint64_t now)
{
	interrupt(st, ts, now);
	return UK_OK;
}

static int64_t zref_poll(const void *st, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct zref_sink *s = &((const struct zref_pin *)st)->s[i];

	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return (int64_t)s->seq;
	return s->attached ? UK_EAGAIN : UK_EINVAL;
}

static int answerable(const struct zref_pin *r, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct zref_sink *s = &r->s[i];

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

static int zref_ack(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct zref_pin *r = st;
	int err = answerable(r, i, rights, seq);

	if (err)
		return err;
	if (r->s[i].destroyed)
		return UK_ESRCH; /* CANCELED */
	r->s[i].owes = false;
	r->s[i].answered = true;
	end(r, true, now);
	return UK_OK;
}

static int zref_nak(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	int err = answerable(st, i, rights, seq);
	(void)now;
	return err == UK_OK ? UK_ENOSYS : err;
}

static int zref_kick(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now)
{
	struct zref_pin *r = st;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!r->s[i].attached)
		return UK_EINVAL;
	if (r->s[i].destroyed)
		return UK_ESRCH; /* CANCELED */
	if (!r->busy)
		return UK_OK;
	if (clear && r->s[i].owes)
		r->s[i].answered = true;
	end(r, true, now);
	return UK_OK;
}

static int zref_attach(void *st, unsigned i, uint64_t now)
{
	struct zref_pin *r = st;
	struct zref_sink *s = &r->s[i];

	(void)now;
	if (s->attached || handler(r) >= 0)
		return UK_EBUSY;
	s->attached = true;
	s->owes = false;
	s->answered = false;
	s->reported = 0;
	s->destroyed = false;
	s->options = false;
	r->disabled = false;
	r->destroyed = false;
	if (r->stalled && edge(r))
		r->resend = true;
	return UK_OK;
}

static int zref_detach(void *st, unsigned i, uint64_t now)
{
	struct zref_pin *r = st;
	struct zref_sink *s = &r->s[i];
	bool owed = s->owes;

	if (!s->attached)
		return UK_EINVAL;
	s->attached = false;
	r->disabled = true;
	if (owed) {
		s->owes = false;
		s->answered = true;
		if (!r->stalled && !owing(r))
			nobody_answered(r, now);
	}
	return UK_OK;
}

static long zwait(struct zref_pin *r, struct zref_sink *s, uint64_t now)
{
	if (s->destroyed)
		return UK_ESRCH;
	if (s->owes && s->reported == s->seq)
		end(r, true, now); /* NEEDACK: this wait is the ACK */
	if (s->owes && s->reported != s->seq) {
		s->reported = s->seq;
		return (long)(s->ts & INT64_MAX);
	}
	return UK_EAGAIN;
}

static long zref_call(void *st, unsigned i, uint32_t rights, unsigned op, uint64_t arg,
		      uint64_t now)
{
	struct zref_pin *r = st;
	struct zref_sink *s = &r->s[i];

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!s->attached)
		return UK_EINVAL;
	switch (op) {
	case ZOP_WAIT:
		return zwait(r, s, now);
	case ZOP_ACK:
		return UK_EBUSY; /* never bound to a port here */
	case ZOP_DESTROY:
		s->destroyed = true;
		r->destroyed = true;
		return UK_OK;
	case ZOP_TRIGGER:
		return UK_EBUSY; /* a line with a controller is not virtual */
	case ZOP_OPTIONS:
		if (arg & ~(uint64_t)Z_WAKE_VECTOR)
			return UK_EINVAL;
		if (s->options || s->destroyed)
			return UK_EBUSY;
		s->options = true;
		return UK_OK;
	default:
		return UK_EINVAL;
	}
}

static void zref_timer(void *st, uint64_t now)
{
	struct zref_pin *r = st;

	if (r->stalled && now >= r->retry_at)
		end(r, false, now);
	if (r->busy && !r->stalled && !r->timeout_done && r->timeout_ns &&
	    now >= r->start + r->timeout_ns && owing(r)) {
		r->timeout_done = true;
		for (unsigned i = 0; i < REF_SINKS; i++)
			r->timeouts += r->s[i].owes;
		if (r->nak_on_timeout) {
			for (unsigned i = 0; i < REF_SINKS; i++) {
				if (r->s[i].owes)
					r->s[i].answered = true;
				r->s[i].owes = false;
			}
			nobody_answered(r, now);
		}
	}
}

static void zref_observe(const void *st, struct ref_obs *o)
{
	const struct zref_pin *r = st;

	o->has = REF_HAS_BUSY | REF_HAS_STALLED;
	o->busy = r->busy;
	o->stalled = r->stalled;
	o->masked = masked(r);
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

const struct ref_model ref_zircon = {
	.name = "zircon",
	.init = zref_init,
	.raise = zref_raise,
	.trigger = zref_trigger,
	.poll = zref_poll,
	.ack = zref_ack,
	.nak = zref_nak,
	.kick = zref_kick,
	.attach = zref_attach,
	.detach = zref_detach,
	.call = zref_call,
	.timer = zref_timer,
	.observe = zref_observe,
};
