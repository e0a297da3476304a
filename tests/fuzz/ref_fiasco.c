/* SPDX-License-Identifier: MIT */
/*
 * The reference model of irq-model fiasco, read from Fiasco.OC's
 * src/kern/irq.cpp and L4Re's irq.h (docs/models/fiasco.md), written apart
 * from libukern/irq/ with flat arrays. See ref.h for how the fuzzer uses it.
 *
 * The rules, one per function below:
 *  - every hit on an IRQ object counts one message; it masks the object
 *    on a level line, on a shared line (the muxer's children are level)
 *    and on an edge line when a message was still queued;
 *  - every hit rings every attached sink once (sequence + 1, a wake-up);
 *    no sink ever owes an answer; ACK, NAK and kick are refused;
 *  - the line is masked while any attached object is masked, or when no
 *    object is left on it (MSI: never);
 *  - a receive takes one message; on a lone edge object the receive that
 *    leaves one message queued unmasks it; an unmask is honoured only with
 *    nothing queued;
 *  - attaching a thread to an object attached to nobody forgets its queue;
 *    detaching masks it;
 *  - a line masked for the ACK timeout is reported once per masked
 *    stretch, one report per object masked at that moment.
 */
#include "ref.h"

#include <string.h>

#include <ukern/irq.h>
#include <ukern/models/fiasco.h>

struct fsink {
	bool attached;
	uint64_t seq, notified;
	uint64_t queued;
	bool masked, bound;
	uint64_t label;
};

struct fpin {
	enum hw_type type;
	struct fsink s[REF_SINKS];
	bool orphan;          /* no object left after one was there, or a hit found none */
	uint64_t since;       /* the line masked at since - 1; 0: open */
	bool reported;
	uint64_t timeout_ns;
	uint64_t eoi, eos, timeouts;
};

static void f_init(void *st, const struct ref_config *c)
{
	struct fpin *r = st;

	_Static_assert(sizeof(struct fpin) <= REF_STATE_BYTES, "reference state too big");
	memset(r, 0, sizeof(*r));
	r->type = c->type;
	r->timeout_ns = c->timeout_ns;
}

static unsigned nattached(const struct fpin *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < REF_SINKS; i++)
		n += r->s[i].attached;
	return n;
}

static bool edge_line(const struct fpin *r)
{
	return r->type == HW_IOAPIC_EDGE || r->type == HW_MSI;
}

/* A lone object on an edge line; any other object is handled as level. */
static bool lone_edge(const struct fpin *r)
{
	return edge_line(r) && nattached(r) == 1;
}

static bool line_masked(const struct fpin *r)
{
	if (r->type == HW_MSI)
		return false;
	if (r->orphan)
		return true;
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached && r->s[i].masked)
			return true;
	return false;
}

/* After every step: when did the current masked stretch begin? */
static void settle(struct fpin *r, uint64_t now)
{
	if (!line_masked(r)) {
		r->since = 0;
		r->reported = false;
	} else if (!r->since) {
		r->since = now + 1;
	}
}

static void hit_one(struct fpin *r, unsigned i)
{
	struct fsink *s = &r->s[i];
	bool had = s->queued > 0;

	s->queued++;
	if (!lone_edge(r) || had)
		s->masked = true;
}

static void ring(struct fpin *r)
{
	bool any = false;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		if (!r->s[i].attached)
			continue;
		r->s[i].seq++;
		r->s[i].notified++;
		any = true;
	}
	if (!any)
		r->orphan = true;
	if (r->type == HW_PLIC)
		r->eos++; /* the doorbell's episode ends at once */
}

static void hit_line(struct fpin *r, uint64_t now)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached)
			hit_one(r, i);
	ring(r);
	settle(r, now);
}

static void f_raise(void *st, uint64_t now)
{
	struct fpin *r = st;

	if (r->type != HW_PLIC)
		r->eoi++;
	hit_line(r, now);
}

static int f_trigger(void *st, uint64_t ts, uint64_t now)
{
	(void)ts;
	hit_line(st, now);
	return UK_OK;
}

static int64_t f_poll(const void *st, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct fsink *s = &((const struct fpin *)st)->s[i];

	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return (int64_t)s->seq;
	return s->attached ? UK_EAGAIN : UK_EINVAL;
}

/* Fiasco has no answers: whoever may answer is told there is none. */
static int refuse(const struct fpin *r, unsigned i, uint32_t rights)
{
	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	return r->s[i].attached ? UK_ENOSYS : UK_EINVAL;
}

static int f_ack(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	(void)seq, (void)now;
	return refuse(st, i, rights);
}

static int f_nak(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	(void)seq, (void)now;
	return refuse(st, i, rights);
}

static int f_kick(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now)
{
	(void)clear, (void)now;
	return refuse(st, i, rights);
}

static int f_attach(void *st, unsigned i, uint64_t now)
{
	struct fpin *r = st;
	struct fsink *s = &r->s[i];

	if (s->attached)
		return UK_EBUSY;
	s->attached = true;
	s->queued = 0;
	s->bound = false;
	s->label = 0;
	s->masked = true; /* bound to the chip masked */
	r->orphan = false;
	settle(r, now);
	return UK_OK;
}

static int f_detach(void *st, unsigned i, uint64_t now)
{
	struct fpin *r = st;

	if (!r->s[i].attached)
		return UK_EINVAL;
	r->s[i].attached = false;
	if (nattached(r) == 0)
		r->orphan = true;
	settle(r, now);
	return UK_OK;
}

static long f_call(void *st, unsigned i, uint32_t rights, unsigned op, uint64_t arg,
		   uint64_t now)
{
	struct fpin *r = st;
	struct fsink *s = &r->s[i];
	long ret = 0;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!s->attached)
		return UK_EINVAL;
	if (op == UK_FIASCO_IRQ_ATTACH) {
		if (arg > 0x7fffffffffffffffull)
			return UK_EINVAL;
		if (!s->bound)
			s->queued = 0;
		s->bound = true;
		s->label = arg;
	} else if (op == UK_FIASCO_IRQ_DETACH) {
		if (!s->bound)
			return UK_ENOENT;
		s->bound = false;
		s->masked = true;
	} else if (op == UK_FIASCO_IRQ_UNMASK) {
		if (s->queued == 0)
			s->masked = false;
	} else if (op == UK_FIASCO_IRQ_RECEIVE) {
		if (!s->bound)
			return UK_ENOENT;
		if (s->queued == 0)
			return UK_EAGAIN;
		s->queued--;
		if (s->queued == 1 && lone_edge(r))
			s->masked = false;
		ret = (long)s->label;
	} else if (op == UK_FIASCO_IRQ_TRIGGER) {
		hit_one(r, i);
		ring(r);
	} else {
		return UK_EINVAL;
	}
	settle(r, now);
	return ret;
}

static void f_timer(void *st, uint64_t now)
{
	struct fpin *r = st;

	if (!r->since || r->reported || !r->timeout_ns || now < r->since - 1 + r->timeout_ns)
		return;
	r->reported = true;
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached && r->s[i].masked)
			r->timeouts++;
}

static void f_observe(const void *st, struct ref_obs *o)
{
	const struct fpin *r = st;

	o->has = REF_HAS_BUSY | REF_HAS_STALLED; /* never in service, never stalled */
	o->masked = line_masked(r);
	o->eoi = r->eoi;
	o->eos = r->eos;
	o->timeouts = r->timeouts;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		o->s[i].attached = r->s[i].attached;
		o->s[i].seq = r->s[i].seq;
		o->s[i].owes = false;
		o->s[i].notified = r->s[i].notified;
	}
}

const struct ref_model ref_fiasco = {
	.name = "fiasco",
	.init = f_init,
	.raise = f_raise,
	.trigger = f_trigger,
	.poll = f_poll,
	.ack = f_ack,
	.nak = f_nak,
	.kick = f_kick,
	.attach = f_attach,
	.detach = f_detach,
	.call = f_call,
	.timer = f_timer,
	.observe = f_observe,
};
