/* SPDX-License-Identifier: MIT */
/*
 * The reference model of irq-model linux, written from kernel/irq/ (and
 * docs/models/linux.md) apart from libukern: flat arrays, one function per
 * rule of genirq. See ref.h for how the fuzzer uses it.
 *
 *  - every action (sink) is called for each interrupt; the interrupt is
 *    over when all returned (IRQ_NONE = NAK, IRQ_HANDLED = ACK,
 *    IRQ_WAKE_THREAD = the call WAKE_THREAD); an IRQF_ONESHOT thread on a
 *    line the flow masks (IOAPIC level, PLIC with IRQS_ONESHOT) returns
 *    only when the thread is done;
 *  - flows: IOAPIC level masks while handling; PLIC (fasteoi) masks only
 *    with IRQS_ONESHOT and completes at the end; edge and MSI never mask,
 *    and one edge during handling is replayed;
 *  - __setup_irq: NULL handler needs a thread; a bare thread needs ONESHOT
 *    except on MSI (ONESHOT_SAFE, ONESHOT dropped); shared actions agree
 *    on SHARED and ONESHOT; no request while the action owes its return;
 *    one request per action;
 *  - disable_irq_nosync / enable_irq: depth; an interrupt while disabled is
 *    PENDING and masks the line (if idle); enable at depth 0 unmasks and
 *    resends a pending edge;
 *  - note_interrupt: window and threshold (host params or 100,000 and
 *    99,900), restart at 1 after 100 ms of quiet, disable = depth + 1, a
 *    report, a poll every 100 ms of shared lines, polls not counted; an
 *    interrupt only IRQ_WAKE_THREAD answered: the first not counted, the
 *    next ones handled iff a thread returned IRQ_HANDLED in between;
 *  - a line with no action runs no handler either (PENDING); removing the
 *    last action masks it (at once, or when the running interrupt ends);
 *    the first action unmasks it, undoes disables and a spurious
 *    disabling, drops a pending level interrupt; a request resends a
 *    pending edge when the line is enabled;
 *  - no kick, no trigger, never a stall or a "nobody cared" report.
 */
#include "ref.h"

#include <string.h>

#include <ukern/irq.h>
#include <ukern/models/linux.h>

#define MS 1000000ull
#define NEVER UINT64_MAX

struct lx_sink {
	bool attached;
	uint64_t order;  /* attach stamp: the action list is in attach order */
	uint64_t seq;
	bool owes, answered;
	uint64_t notified;
	bool requested;
	unsigned flags;  /* UK_LINUX_IRQF_* once requested */
	bool run, held;  /* thread woken / holding the interrupt */
};

struct lx_pin {
	enum hw_type type;
	bool pin_oneshot;
	uint64_t window, threshold, timeout_ns;
	bool nak_on_timeout;
	struct lx_sink s[REF_SINKS];
	uint64_t stamp;
	bool busy, handled, buffered, polling, timeout_done;
	bool ret_handled, ret_wake;  /* this interrupt's IRQ_HANDLED / IRQ_WAKE_THREAD */
	uint64_t threads_handled, threads_handled_last;
	bool deferred;
	uint64_t start_t;
	bool line_oneshot;       /* IRQS_ONESHOT */
	unsigned depth;
	bool pending, lazy_masked, spurious, spurious_masked;
	uint64_t count, unhandled, last_unhandled, poll_at;
	uint64_t eoi, eos, timeouts, disabled;
};

static void lx_init(void *st, const struct ref_config *c)
{
	struct lx_pin *r = st;

	_Static_assert(sizeof(struct lx_pin) <= REF_STATE_BYTES, "reference state too big");
	memset(r, 0, sizeof(*r));
	r->type = c->type;
	r->pin_oneshot = c->oneshot;
	r->window = c->param[0] ? c->param[0] : 100000;
	r->threshold = c->param[1] ? c->param[1] : 99900;
	r->timeout_ns = c->timeout_ns;
	r->nak_on_timeout = c->nak_on_timeout;
	r->poll_at = NEVER;
}

static bool is_msi(const struct lx_pin *r)
{
	return r->type == HW_MSI;
}

static bool is_edge(const struct lx_pin *r)
{
	return r->type == HW_IOAPIC_EDGE || r->type == HW_MSI;
}

static bool flow_masks(const struct lx_pin *r)
{
	if (r->type == HW_PLIC)
		return r->line_oneshot;
	return r->type == HW_IOAPIC_LEVEL;
}

static unsigned flags_of(const struct lx_pin *r, const struct lx_sink *s)
{
	if (s->requested)
		return s->flags;
	return UK_LINUX_IRQF_SHARED | (r->pin_oneshot && !is_msi(r) ? UK_LINUX_IRQF_ONESHOT : 0);
}

static void recompute_oneshot(struct lx_pin *r)
{
	if (r->busy)
		return;
	r->line_oneshot = r->pin_oneshot && !is_msi(r);
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached && r->s[i].requested && (r->s[i].flags & UK_LINUX_IRQF_ONESHOT))
			r->line_oneshot = true;
}

static bool anyone_attached(const struct lx_pin *r)
{
	for (unsigned i = 0; i < REF_SINKS; i++)
		if (r->s[i].attached)
			return true;
	return false;
}

static unsigned owing(const struct lx_pin *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < REF_SINKS; i++)
		n += r->s[i].owes;
	return n;
}

static void note_interrupt(struct lx_pin *r, uint64_t now)
{
	bool handled = r->ret_handled || r->ret_wake;

	if (r->ret_wake && !r->ret_handled) {
		if (!r->deferred) {
			r->deferred = true;
			return;
		}
		handled = r->threads_handled != r->threads_handled_last;
		r->threads_handled_last = r->threads_handled;
	} else if (r->ret_wake) {
		r->deferred = false;
	}
	if (!handled) {
		if (now > r->last_unhandled + 100 * MS)
			r->unhandled = 1;
		else
			r->unhandled++;
		r->last_unhandled = now;
	}
	r->count++;
	if (r->count < r->window)
		return;
	r->count = 0;
	if (r->unhandled > r->threshold && !r->spurious) {
		r->spurious = true;
		if (r->depth < UK_LINUX_MAX_DEPTH)
			r->depth++;
		r->spurious_masked = true;
		r->disabled++;
		r->poll_at = now + 100 * MS;
	}
	r->unhandled = 0;
}

static void start(struct lx_pin *r, uint64_t now);

static void finish(struct lx_pin *r, uint64_t now)
{
	bool poll = r->polling;

	for (unsigned i = 0; i < REF_SINKS; i++) {
		r->s[i].owes = false;
		r->s[i].held = false;
	}
	r->busy = false;
	if (r->type == HW_PLIC)
		r->eos++;
	r->polling = false;
	recompute_oneshot(r);
	if (!poll)
		note_interrupt(r, now);
	r->ret_handled = r->ret_wake = false;
	if (!anyone_attached(r))
		r->lazy_masked = true;
	if (r->buffered) {
		r->buffered = false;
		start(r, now);
	}
}

static void start(struct lx_pin *r, uint64_t now)
{
	r->busy = true;
	r->handled = false;
	r->timeout_done = false;
	r->start_t = now;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		struct lx_sink *s = &r->s[i];
		if (!s->attached)
			continue;
		s->seq++;
		s->owes = true;
		s->answered = false;
		s->notified++;
	}
	if (!owing(r))
		finish(r, now);
}

/* One action returned; the interrupt is over when all have. */
static void returned(struct lx_pin *r, unsigned i, bool handled, uint64_t now)
{
	r->s[i].owes = false;
	r->s[i].answered = true;
	if (handled)
		r->handled = true;
	if (r->busy && !owing(r))
		finish(r, now);
}

/* Edge resend / a raise: replayed after the running interrupt. */
static void take(struct lx_pin *r, uint64_t now)
{
	if (r->busy)
		r->buffered = true;
	else
		start(r, now);
}

static void lx_raise(void *st, uint64_t now)
{
	struct lx_pin *r = st;

	if (r->type != HW_PLIC)
		r->eoi++;
	if (r->depth > 0 || !anyone_attached(r)) {
		r->pending = true;
		if (!r->busy)
			r->lazy_masked = true;
		return;
	}
	take(r, now);
}

static int64_t lx_poll(const void *st, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct lx_pin *r = st;
	const struct lx_sink *s = &r->s[i];

	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return (int64_t)s->seq;
	return s->attached ? UK_EAGAIN : UK_EINVAL;
}

static int may_return(const struct lx_pin *r, unsigned i, uint32_t rights, uint64_t seq)
{
	const struct lx_sink *s = &r->s[i];

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!s->attached)
		return UK_EINVAL;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return UK_ESTALE;
	if (!s->owes)
		return s->answered ? UK_EALREADY : UK_ESTALE;
	return s->held ? UK_EALREADY : UK_OK;
}

static int lx_ack(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct lx_pin *r = st;
	int err = may_return(r, i, rights, seq);

	if (err == UK_OK) {
		r->ret_handled = true;
		returned(r, i, true, now);
	}
	return err;
}

static int lx_nak(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now)
{
	struct lx_pin *r = st;
	int err = may_return(r, i, rights, seq);

	if (err == UK_OK)
		returned(r, i, false, now);
	return err;
}

static int lx_kick(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now)
{
	const struct lx_pin *r = st;

	(void)clear;
	(void)now;
	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	return r->s[i].attached ? UK_ENOSYS : UK_EINVAL;
}

static int lx_attach(void *st, unsigned i, uint64_t now)
{
	struct lx_pin *r = st;
	struct lx_sink *s = &r->s[i];

	(void)now;
	if (s->attached)
		return UK_EBUSY;
	for (unsigned k = 0; k < REF_SINKS; k++)
		if (r->s[k].attached && !(flags_of(r, &r->s[k]) & UK_LINUX_IRQF_SHARED))
			return UK_EBUSY;
	if (!anyone_attached(r)) { /* irq_startup */
		r->depth = 0;
		r->spurious = false;
		r->poll_at = NEVER;
		r->spurious_masked = false;
		r->lazy_masked = false;
		if (!is_edge(r))
			r->pending = false;
	}
	s->attached = true;
	s->order = ++r->stamp;
	s->owes = s->answered = false;
	s->requested = false;
	s->flags = 0;
	s->run = s->held = false;
	recompute_oneshot(r);
	return UK_OK;
}

static int lx_detach(void *st, unsigned i, uint64_t now)
{
	struct lx_pin *r = st;
	struct lx_sink *s = &r->s[i];
	bool owed = s->owes;

	if (!s->attached)
		return UK_EINVAL;
	s->attached = false;
	if (owed) {
		s->owes = false;
		s->answered = true;
	}
	recompute_oneshot(r);
	if (!anyone_attached(r) && !r->busy)
		r->lazy_masked = true; /* irq_shutdown */
	if (owed && r->busy && !owing(r))
		finish(r, now);
	return UK_OK;
}

static long request(struct lx_pin *r, unsigned i, unsigned flags, uint64_t now)
{
	struct lx_sink *s = &r->s[i];

	if (flags & ~UK_LINUX_IRQF_ALL)
		return UK_EINVAL;
	if (s->requested)
		return UK_EALREADY;
	if ((flags & UK_LINUX_IRQF_NO_PRIMARY) && !(flags & UK_LINUX_IRQF_THREAD))
		return UK_EINVAL;
	if (is_msi(r))
		flags &= ~UK_LINUX_IRQF_ONESHOT;
	else if ((flags & UK_LINUX_IRQF_NO_PRIMARY) && !(flags & UK_LINUX_IRQF_ONESHOT))
		return UK_EINVAL;
	if (s->owes)
		return UK_EBUSY;
	for (unsigned k = 0; k < REF_SINKS; k++) {
		const struct lx_sink *o = &r->s[k];
		if (k == i || !o->attached)
			continue;
		if (!(flags_of(r, o) & flags & UK_LINUX_IRQF_SHARED))
			return UK_EBUSY;
		if (o->requested && ((o->flags ^ flags) & UK_LINUX_IRQF_ONESHOT))
			return UK_EBUSY;
	}
	s->requested = true;
	s->flags = flags;
	recompute_oneshot(r);
	if (r->pending && r->depth == 0 && is_edge(r)) {
		r->pending = false;
		take(r, now);
	}
	return UK_OK;
}

static long wake_thread(struct lx_pin *r, unsigned i, uint64_t seq, uint64_t now)
{
	struct lx_sink *s = &r->s[i];

	if (!(flags_of(r, s) & UK_LINUX_IRQF_THREAD))
		return UK_EINVAL;
	if (seq > s->seq)
		return UK_EFUTURE;
	if (seq < s->seq)
		return UK_ESTALE;
	if (!s->owes || s->held)
		return s->answered || s->held ? UK_EALREADY : UK_ESTALE;
	s->run = true;
	r->ret_wake = true;
	if ((flags_of(r, s) & UK_LINUX_IRQF_ONESHOT) && !is_msi(r) && flow_masks(r)) {
		s->held = true;
		return UK_OK;
	}
	returned(r, i, true, now);
	return UK_OK;
}

static long thread_done(struct lx_pin *r, unsigned i, uint64_t ret, uint64_t now)
{
	struct lx_sink *s = &r->s[i];
	bool held = s->held;

	if (!(flags_of(r, s) & UK_LINUX_IRQF_THREAD) || ret > 1)
		return UK_EINVAL;
	if (!s->run)
		return UK_EALREADY;
	s->run = s->held = false;
	if (ret == 1)
		r->threads_handled++;
	if (held && s->owes)
		returned(r, i, true, now);
	return UK_OK;
}

static void enable_line(struct lx_pin *r, uint64_t now)
{
	bool pending = r->pending;

	r->spurious = false;
	r->pending = false;
	r->poll_at = NEVER;
	r->spurious_masked = false;
	r->lazy_masked = false;
	if (pending && is_edge(r))
		take(r, now);
}

static long lx_call(void *st, unsigned i, uint32_t rights, unsigned op, uint64_t arg, uint64_t now)
{
	struct lx_pin *r = st;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!r->s[i].attached)
		return UK_EINVAL;
	switch (op) {
	case UK_LINUX_OP_REQUEST:
		return request(r, i, (unsigned)arg, now);
	case UK_LINUX_OP_WAKE_THREAD:
		return wake_thread(r, i, arg, now);
	case UK_LINUX_OP_THREAD_DONE:
		return thread_done(r, i, arg, now);
	case UK_LINUX_OP_DISABLE:
		if (arg)
			return UK_EINVAL;
		if (r->depth >= UK_LINUX_MAX_DEPTH)
			return UK_EBUSY;
		return ++r->depth;
	case UK_LINUX_OP_ENABLE:
		if (arg || r->depth == 0)
			return UK_EINVAL;
		if (--r->depth == 0)
			enable_line(r, now);
		return r->depth;
	case UK_LINUX_OP_SYNC:
		if (arg)
			return UK_EINVAL;
		if (r->busy && owing(r))
			return 1;
		for (unsigned k = 0; k < REF_SINKS; k++)
			if (r->s[k].attached && r->s[k].run)
				return 1;
		return 0;
	default:
		return UK_ENOSYS;
	}
}

static void lx_timer(void *st, uint64_t now)
{
	struct lx_pin *r = st;

	if (r->busy && !r->timeout_done && r->timeout_ns && owing(r) &&
	    now >= r->start_t + r->timeout_ns) {
		r->timeout_done = true;
		r->timeouts += owing(r);
		if (r->nak_on_timeout) {
			for (unsigned i = 0; i < REF_SINKS; i++) {
				if (r->s[i].owes) {
					r->s[i].owes = false;
					r->s[i].answered = true;
				}
			}
			finish(r, now);
		}
	}
	if (r->poll_at != NEVER && now >= r->poll_at) {
		const struct lx_sink *first = NULL;
		r->poll_at = NEVER;
		if (!r->spurious)
			return;
		r->poll_at = now + 100 * MS;
		for (unsigned i = 0; i < REF_SINKS; i++)
			if (r->s[i].attached && (!first || r->s[i].order < first->order))
				first = &r->s[i];
		if (r->busy || !first || !(flags_of(r, first) & UK_LINUX_IRQF_SHARED))
			return;
		r->polling = true;
		start(r, now);
	}
}

static void lx_observe(const void *st, struct ref_obs *o)
{
	const struct lx_pin *r = st;

	o->has = REF_HAS_BUSY | REF_HAS_STALLED;
	o->busy = r->busy;
	o->stalled = false;
	o->masked = !is_msi(r) &&
		    ((r->busy && flow_masks(r)) || r->lazy_masked || r->spurious_masked);
	o->eoi = r->eoi;
	o->eos = r->eos;
	o->nobody = 0;
	o->timeouts = r->timeouts;
	o->disabled = r->disabled;
	for (unsigned i = 0; i < REF_SINKS; i++) {
		o->s[i].attached = r->s[i].attached;
		o->s[i].seq = r->s[i].seq;
		o->s[i].owes = r->s[i].owes;
		o->s[i].notified = r->s[i].notified;
	}
}

const struct ref_model ref_linux = {
	.name = "linux",
	.init = lx_init,
	.raise = lx_raise,
	.poll = lx_poll,
	.ack = lx_ack,
	.nak = lx_nak,
	.kick = lx_kick,
	.attach = lx_attach,
	.detach = lx_detach,
	.call = lx_call,
	.timer = lx_timer,
	.observe = lx_observe,
};
