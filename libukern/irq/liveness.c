/* SPDX-License-Identifier: MIT */
/*
 * Liveness properties L1..L7 (docs/design.md section 3), judged over a finished
 * event log. The checker replays the log into a small per-pin shadow (its
 * own, so a bug in the machine cannot hide itself) and flags what never
 * happened: lost raises, lines left masked, stalls never retried, reports
 * missing or doubled, dead or late sinks taking part in the wrong episode.
 * Fixed-size tables, no allocation: at most UK_IRQ_LIVE_MAX_PINS pins and
 * UK_IRQ_LIVE_MAX_SINKS sinks per pin are followed.
 */
#include <ukern/irq.h>
#include <ukern/irq_model.h>

#include "lib/string.h"

#define NONE UINT32_MAX

struct live_sink {
	uint32_t id;
	size_t attach_idx;
	bool indef, timed, seq_seen;
};

struct live_pin {
	uint32_t id;
	bool used, in_service, stalled, masked, disabled, buffered;
	bool suspended; /* masked (also) because the machine sleeps */
	bool redeliver_due, seq_phase, detach_due;
	unsigned backoff;
	uint64_t step;          /* step of the last event seen on this pin */
	uint64_t begin_t, retry_t;
	size_t begin_idx, buffered_idx, stall_idx;
	unsigned nobody;        /* NOBODY reports in this episode */
	unsigned nseq, nexpect;
	unsigned n;
	struct live_sink s[UK_IRQ_LIVE_MAX_SINKS];
};

struct live {
	const struct uk_irq_log *log;
	const struct uk_irq_live_params *p;
	struct uk_irq_live_violation *out;
	size_t max, found;
	struct live_pin pins[UK_IRQ_LIVE_MAX_PINS];
};

/* Fixed-width strings: no relocation, so no writable data (see check.c). */
static const char prop_names[][72] = {
	"L0 log cannot be judged",
	"L1 no edge lost while unmasked",
	"L2 unmasked in the step that ends a handled episode",
	"L3 every all-NAK episode reported once and retried",
	"L4 backoff in range, shrinking on ACK",
	"L5 one timeout report per stuck episode, naming the right sinks",
	"L6 a dead sink never holds a line",
	"L7 a late-attached sink takes part from the next episode on",
};

const char *uk_irq_liveness_name(unsigned prop)
{
	return prop <= 7 ? prop_names[prop] : "L?";
}

static void flag(struct live *L, unsigned prop, size_t idx, uint32_t pin, uint32_t sink,
		 const char *msg)
{
	/* A property the pin's model does not claim is not judged. */
	if (prop && L->p->props && !(L->p->props(L->p->ctx, pin) & UK_IRQ_LIVE(prop)))
		return;
	if (L->found < L->max) {
		struct uk_irq_live_violation *v = &L->out[L->found];
		v->prop = prop;
		v->index = idx;
		v->pin = pin;
		v->sink = sink;
		v->msg = msg;
	}
	L->found++;
}

static struct live_pin *pin_of(struct live *L, uint32_t id)
{
	for (unsigned i = 0; i < UK_IRQ_LIVE_MAX_PINS; i++) {
		struct live_pin *lp = &L->pins[i];
		if (lp->used && lp->id == id)
			return lp;
		if (!lp->used) {
			lp->used = true;
			lp->id = id;
			return lp;
		}
	}
	return NULL;
}

static struct live_sink *sink_of(struct live_pin *lp, uint32_t id)
{
	for (unsigned i = 0; i < lp->n; i++)
		if (lp->s[i].id == id)
			return &lp->s[i];
	return NULL;
}

static void sink_remove(struct live_pin *lp, uint32_t id)
{
	for (unsigned i = 0; i < lp->n; i++) {
		if (lp->s[i].id == id) {
			lp->s[i] = lp->s[--lp->n];
			return;
		}
	}
}

static unsigned indefinite(const struct live_pin *lp)
{
	unsigned n = 0;
	for (unsigned i = 0; i < lp->n; i++)
		n += lp->s[i].indef;
	return n;
}

/* L5: a sink still owing at time t at or past the deadline must have been
 * named. The deadline wins ties, as in the kernel (stall.c,
 * irq_timeout_due): an answer at begin + timeout or later comes after the
 * report. At the end of the trace only a deadline already past counts (the
 * timer due at that very instant may not have been taken). */
static void check_overdue(struct live *L, struct live_pin *lp, uint64_t t, size_t idx,
			  bool at_end)
{
	uint64_t to = L->p->ack_timeout_ns;

	if (!to || !lp->in_service || lp->stalled || t < lp->begin_t + to ||
	    (at_end && t == lp->begin_t + to))
		return;
	for (unsigned i = 0; i < lp->n; i++)
		if (lp->s[i].indef && !lp->s[i].timed)
			flag(L, 5, idx, lp->id, lp->s[i].id, "ACK timeout passed without a report");
}

/* Obligations that must be met within the step they arose in. */
static void close_step(struct live *L, struct live_pin *lp, size_t idx)
{
	if (lp->redeliver_due)
		flag(L, 1, idx, lp->id, NONE, "buffered raise not re-delivered when the episode ended");
	if (lp->detach_due && lp->in_service && !lp->stalled && indefinite(lp) == 0)
		flag(L, 6, idx, lp->id, NONE, "episode kept open after its last debtor died");
	lp->redeliver_due = lp->detach_due = false;
}

/* The BEGIN phase (BEGIN, the service mask, one SEQ per attached sink) ends at the first
 * other event: every sink attached before the BEGIN must have taken part. */
static void close_seq_phase(struct live *L, struct live_pin *lp, size_t idx)
{
	if (lp->seq_phase && lp->nseq != lp->nexpect)
		flag(L, 7, idx, lp->id, NONE, "an attached sink did not take part in the episode");
	lp->seq_phase = false;
}

static void on_end(struct live *L, struct live_pin *lp, const struct uk_irq_event *e, size_t idx)
{
	check_overdue(L, lp, e->t, idx, false);
	switch (e->arg) {
	case UK_IRQ_END_STALLED:
		if (lp->nobody != 1)
			flag(L, 3, idx, lp->id, NONE, "all-NAK episode not reported exactly once");
		lp->stalled = true;
		lp->stall_idx = idx;
		for (unsigned i = 0; i < lp->n; i++)
			lp->s[i].indef = false;
		return;
	case UK_IRQ_END_RETRIED:
		if (!lp->stalled)
			flag(L, 3, idx, lp->id, NONE, "retry without a stall");
		else if (e->t < lp->retry_t)
			flag(L, 3, idx, lp->id, NONE, "retried before the backoff elapsed");
		break;
	case UK_IRQ_END_HANDLED:
		if (lp->masked && !lp->disabled && !lp->suspended)
			flag(L, 2, idx, lp->id, NONE, "handled episode ended with the line masked");
		lp->backoff = lp->backoff ? lp->backoff - 1 : 0;
		break;
	default:
		break;
	}
	lp->in_service = lp->stalled = false;
	for (unsigned i = 0; i < lp->n; i++)
		lp->s[i].indef = false;
	if (lp->buffered)
		lp->redeliver_due = true;
	lp->buffered = false;
}

static void on_stall(struct live *L, struct live_pin *lp, const struct uk_irq_event *e,
		     size_t idx)
{
	if (e->arg != (UK_IRQ_STALL_BASE_NS << lp->backoff) || e->flags != lp->backoff ||
	    e->arg < UK_IRQ_STALL_BASE_NS ||
	    e->arg > (UK_IRQ_STALL_BASE_NS << UK_IRQ_STALL_MAX_STEP))
		flag(L, 4, idx, lp->id, NONE, "stall delay out of step with the backoff");
	lp->retry_t = e->t + e->arg;
	if (lp->backoff < UK_IRQ_STALL_MAX_STEP)
		lp->backoff++;
}

static void on_answer(struct live *L, struct live_pin *lp, const struct uk_irq_event *e,
		      size_t idx)
{
	struct live_sink *s = sink_of(lp, e->sink);

	if (!s) {
		flag(L, 6, idx, lp->id, e->sink, "answer from a sink that is not attached");
		return;
	}
	check_overdue(L, lp, e->t, idx, false);
	if (!s->indef)
		flag(L, 6, idx, lp->id, e->sink, "answer from a sink that owed nothing");
	s->indef = false;
}

static void on_event(struct live *L, struct live_pin *lp, const struct uk_irq_event *e,
		     size_t idx)
{
	struct live_sink *s;

	switch (e->kind) {
	case UK_IRQ_EV_RAISE:
		if (e->arg == 0 && lp->in_service)
			flag(L, 1, idx, lp->id, NONE, "raise in service neither buffered nor coalesced");
		if (e->arg != 0 && !lp->in_service)
			flag(L, 1, idx, lp->id, NONE, "raise out of service did not start an episode");
		if (e->arg == UK_IRQ_RAISE_DROPPED && !lp->masked)
			flag(L, 1, idx, lp->id, NONE, "raise dropped in service while unmasked");
		if (e->arg == 2 && !lp->buffered)
			flag(L, 1, idx, lp->id, NONE, "raise coalesced with nothing buffered");
		if (e->arg == 1) {
			lp->buffered = true;
			lp->buffered_idx = idx;
		}
		break;
	case UK_IRQ_EV_BEGIN:
		if (lp->in_service)
			flag(L, 1, idx, lp->id, NONE, "episode began while one was running");
		lp->redeliver_due = false;
		lp->in_service = true;
		lp->begin_t = e->t;
		lp->begin_idx = idx;
		lp->nobody = 0;
		lp->seq_phase = true;
		lp->nseq = 0;
		lp->nexpect = lp->n;
		for (unsigned i = 0; i < lp->n; i++)
			lp->s[i].seq_seen = lp->s[i].timed = false;
		break;
	case UK_IRQ_EV_SEQ:
		s = sink_of(lp, e->sink);
		if (!s)
			flag(L, 6, idx, lp->id, e->sink, "a detached sink took part in an episode");
		else if (!lp->seq_phase || s->seq_seen || s->attach_idx > lp->begin_idx)
			flag(L, 7, idx, lp->id, e->sink, "sink joined an episode it was not part of");
		else {
			s->seq_seen = s->indef = true;
			lp->nseq++;
		}
		return; /* SEQ events belong to the BEGIN phase */
	case UK_IRQ_EV_ACK:
	case UK_IRQ_EV_NAK:
		on_answer(L, lp, e, idx);
		break;
	case UK_IRQ_EV_END:
		on_end(L, lp, e, idx);
		break;
	case UK_IRQ_EV_MASK:
		lp->masked = e->arg != 0;
		lp->suspended = (e->flags & UK_IRQ_EVF_SUSPEND) != 0;
		break;
	case UK_IRQ_EV_STALL:
		on_stall(L, lp, e, idx);
		break;
	case UK_IRQ_EV_NOBODY:
		lp->nobody++;
		break;
	case UK_IRQ_EV_TIMEOUT:
		s = sink_of(lp, e->sink);
		if (!s || !s->indef)
			flag(L, 5, idx, lp->id, e->sink, "timeout report names a sink that owes nothing");
		else if (s->timed)
			flag(L, 5, idx, lp->id, e->sink, "second timeout report in one episode");
		else if (L->p->ack_timeout_ns && e->t < lp->begin_t + L->p->ack_timeout_ns)
			flag(L, 5, idx, lp->id, e->sink, "timeout reported early");
		if (s)
			s->timed = true;
		break;
	case UK_IRQ_EV_ATTACH:
		if (sink_of(lp, e->sink) || lp->n >= UK_IRQ_LIVE_MAX_SINKS) {
			flag(L, 0, idx, lp->id, e->sink, "sink attached twice or too many sinks");
			break;
		}
		lp->s[lp->n++] = (struct live_sink){ .id = e->sink, .attach_idx = idx };
		break;
	case UK_IRQ_EV_DETACH:
		s = sink_of(lp, e->sink);
		if (s && s->indef)
			flag(L, 6, idx, lp->id, e->sink, "sink died owing an answer without a NAK");
		sink_remove(lp, e->sink);
		lp->detach_due = true;
		break;
	case UK_IRQ_EV_DISABLE:
		lp->disabled = true;
		break;
	default:
		break;
	}
}

static void finish(struct live *L, size_t end)
{
	for (unsigned i = 0; i < UK_IRQ_LIVE_MAX_PINS; i++) {
		struct live_pin *lp = &L->pins[i];
		if (!lp->used)
			continue;
		close_seq_phase(L, lp, end);
		close_step(L, lp, end);
		check_overdue(L, lp, L->p->end_ns, end, true);
		if (lp->stalled && L->p->end_ns > lp->retry_t)
			flag(L, 3, end, lp->id, NONE, "stalled pin never retried");
	}
}

size_t uk_irq_liveness_check(const struct uk_irq_log *log, const struct uk_irq_live_params *p,
			     struct uk_irq_live_violation *out, size_t max)
{
	struct live L;

	uk_memset(&L, 0, sizeof(L));
	L.log = log;
	L.p = p;
	L.out = out;
	L.max = max;
	if (log->lost) {
		flag(&L, 0, log->len, NONE, NONE, "the log overflowed");
		return L.found;
	}
	for (size_t i = 0; i < log->len; i++) {
		const struct uk_irq_event *e = &log->ev[i];
		struct live_pin *lp = pin_of(&L, e->pin);
		if (!lp) {
			flag(&L, 0, i, e->pin, NONE, "too many pins to follow");
			return L.found;
		}
		if ((e->kind != UK_IRQ_EV_SEQ && e->kind != UK_IRQ_EV_MASK) || e->step != lp->step)
			close_seq_phase(&L, lp, i);
		if (e->step != lp->step)
			close_step(&L, lp, i);
		lp->step = e->step;
		on_event(&L, lp, e, i);
	}
	finish(&L, log->len);
	return L.found;
}
