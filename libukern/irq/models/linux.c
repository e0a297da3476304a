/* SPDX-License-Identifier: MIT */
/*
 * The Linux genirq model: what kernel/irq/ does for a line, on the
 * controllers the machine has.
 *
 *  - Actions (manage.c, __setup_irq): a sink is one irqaction. Attaching is
 *    request_irq(IRQF_SHARED) with a primary handler; the model call
 *    REQUEST states the real flags (IRQF_SHARED, IRQF_ONESHOT, a thread,
 *    no primary handler), once. A thread with no primary handler and no
 *    IRQF_ONESHOT is refused (-EINVAL, commit 1c6c69525b40) unless the
 *    chip is IRQCHIP_ONESHOT_SAFE (MSI, whose IRQF_ONESHOT is dropped);
 *    actions of one line must all be IRQF_SHARED and agree on IRQF_ONESHOT
 *    ("Flags mismatch", -EBUSY). A sink that never requested is a plain
 *    shared primary handler and agrees with every shared action.
 *  - Handlers (handle.c): every action of the line is called for each
 *    interrupt, and the episode ends when all have returned (the machine's
 *    UK_IRQ_ANSWER_ALL): NAK = IRQ_NONE, ACK = IRQ_HANDLED, the call
 *    WAKE_THREAD = IRQ_WAKE_THREAD. A woken IRQF_ONESHOT thread on a line
 *    whose flow masks it (level; fasteoi, the PLIC) holds the episode, so
 *    the line stays masked, until THREAD_DONE (irq_finalize_oneshot unmasks
 *    when threads_oneshot is 0); any other woken thread counts as handled
 *    at once and runs with the line open.
 *  - Flows (chip.c), by controller: IOAPIC level is handle_level_irq (mask
 *    and ack, unmask after); IOAPIC edge and MSI are handle_edge_irq (the
 *    line stays open, an edge during handling is IRQS_PENDING and replayed:
 *    the machine's buffered raise); the PLIC is handle_fasteoi_irq (masked
 *    only with IRQS_ONESHOT, the completion at the end).
 *  - Lazy disable (chip.c __irq_disable, resend.c check_irq_resend,
 *    Documentation/core-api/genericirq.rst "Delayed interrupt disable"):
 *    disable_irq_nosync only counts depth; an interrupt that arrives while
 *    disabled is marked PENDING and masks the line then; enable_irq at
 *    depth 0 unmasks and resends a pending edge (a level line raises again
 *    by itself). enable_irq at depth 0 is "Unbalanced enable" (-EINVAL).
 *  - No action (manage.c __free_irq, __setup_irq): the last action's going
 *    shuts the line down (masked); an interrupt that still comes is
 *    PENDING; the first action starts it up (depth 0, a spurious
 *    disabling undone) and its request resends a pending edge.
 *  - Spurious detection (spurious.c note_interrupt): of every 100,000
 *    interrupts, more than 99,900 unhandled disable the line ("nobody
 *    cared", depth + 1) and poll it every 100 ms (poll_spurious_irqs ->
 *    try_one_irq, shared lines only); an unhandled interrupt more than
 *    100 ms after the previous one restarts the unhandled count at 1.
 *    Polled interrupts are not counted (IRQS_POLL_INPROGRESS). An
 *    interrupt answered only by IRQ_WAKE_THREAD is judged by the threads
 *    (SPURIOUS_DEFERRED, commit 1e77d0a1ed74): handled if a thread returned
 *    IRQ_HANDLED since the previous one.
 *
 * Not modelled: the trigger-type agreement of shared actions (the
 * machine's line has one trigger), IRQS_REPLAY, and the edge flow's mask
 * while an edge is pending (the machine buffers instead: the same one
 * replay). An edge buffered before disable_irq is still replayed.
 *
 * Source: Linux kernel/irq/manage.c (__setup_irq, request_threaded_irq,
 * __disable_irq, __enable_irq, irq_finalize_oneshot, synchronize_irq),
 * chip.c (handle_level_irq, handle_edge_irq, handle_fasteoi_irq,
 * cond_unmask_irq), handle.c (__handle_irq_event_percpu), resend.c
 * (check_irq_resend), spurious.c (note_interrupt, poll_spurious_irqs,
 * try_one_irq), at torvalds/linux 006ae1970a8c.
 *
 * pin->model_data: [0] interrupts in this window, [1] unhandled ones,
 * [2] LXS_* state, the disable depth (bits 16..31), threads_handled and
 * threads_handled_last (bits 32..63, see LXS_TH_SHIFT), [3] the time of the
 * last unhandled one. sink->model_data: [0] the action's flags
 * (UK_LINUX_IRQF_* and LXA_REQUESTED), [1] its thread (LXT_*), [2] thread
 * runs.
 */
#include "../irq_internal.h"
#include "lib/string.h"

#include <ukern/models/linux.h>

enum { LX_COUNT, LX_UNHANDLED, LX_STATE, LX_LAST_UNHANDLED };
enum { LXA_FLAGS, LXA_THREAD, LXA_RUNS };

#define LXS_SPURIOUS (1u << 0) /* IRQS_SPURIOUS_DISABLED */
#define LXS_PENDING (1u << 1)  /* IRQS_PENDING: arrived while disabled */
#define LXS_POLLING (1u << 2)  /* the running episode is a poll */
#define LXS_ONESHOT (1u << 3)  /* IRQS_ONESHOT: the line's actions are ONESHOT */
#define LXS_RET_HANDLED (1u << 4) /* this interrupt: an action returned IRQ_HANDLED */
#define LXS_RET_WAKE (1u << 5)    /* this interrupt: an action returned IRQ_WAKE_THREAD */
#define LXS_DEPTH_SHIFT 16
/* threads_handled (bits 32..46) and threads_handled_last (bits 48..62, and
 * SPURIOUS_DEFERRED in bit 63): only their difference matters. */
#define LXS_TH_SHIFT 32
#define LXS_THL_SHIFT 48
#define LXS_TH_MASK 0x7fffull
#define LXS_DEFERRED (1ull << 63)

#define LXA_REQUESTED (1u << 8)

#define LXT_RUN (1u << 0)  /* IRQTF_RUNTHREAD: woken, not done */
#define LXT_HELD (1u << 1) /* a ONESHOT thread holding the episode */

static uint64_t lx_depth(const struct uk_irq_pin *pin)
{
	return (pin->model_data[LX_STATE] >> LXS_DEPTH_SHIFT) & UK_LINUX_MAX_DEPTH;
}

static void lx_set_depth(struct uk_irq_pin *pin, uint64_t depth)
{
	uint64_t *st = &pin->model_data[LX_STATE];

	*st = (*st & ~((uint64_t)UK_LINUX_MAX_DEPTH << LXS_DEPTH_SHIFT)) |
	      (depth << LXS_DEPTH_SHIFT);
}

static bool lx_msi(const struct uk_irq_pin *pin)
{
	return pin->chip && pin->chip->kind == UK_INTC_MSI;
}

static bool lx_fasteoi(const struct uk_irq_pin *pin)
{
	return pin->chip && pin->chip->kind == UK_INTC_PLIC;
}

/* handle_level_irq masks every interrupt; handle_fasteoi_irq only an
 * IRQS_ONESHOT line; handle_edge_irq never. */
static bool linux_masks_in_service(const struct uk_irq_pin *pin)
{
	if (lx_fasteoi(pin))
		return pin->model_data[LX_STATE] & LXS_ONESHOT;
	return pin->trigger == UK_TRIGGER_LEVEL;
}

/* IRQS_ONESHOT follows the actions, but only between episodes, so that a
 * line never changes its flow in the middle of one (I4). */
static void lx_update_oneshot(struct uk_irq_pin *pin)
{
	struct uk_irq_sink *s;
	bool oneshot = (pin->flags & UK_IRQ_PIN_ONESHOT) && !lx_msi(pin);

	if (pin->in_service)
		return;
	irq_for_each_sink(s, pin) {
		if (s->model_data[LXA_FLAGS] & UK_LINUX_IRQF_ONESHOT)
			oneshot = true;
	}
	if (oneshot)
		pin->model_data[LX_STATE] |= LXS_ONESHOT;
	else
		pin->model_data[LX_STATE] &= ~(uint64_t)LXS_ONESHOT;
}

/* The flags an action has before it requests: request_irq(IRQF_SHARED). */
static uint64_t lx_flags(const struct uk_irq_pin *pin, const struct uk_irq_sink *s)
{
	if (s->model_data[LXA_FLAGS] & LXA_REQUESTED)
		return s->model_data[LXA_FLAGS];
	return UK_LINUX_IRQF_SHARED |
	       ((pin->flags & UK_IRQ_PIN_ONESHOT) && !lx_msi(pin) ? UK_LINUX_IRQF_ONESHOT : 0);
}

/* A woken thread of this action keeps the line masked until it is done. */
static bool lx_holds(const struct uk_irq_pin *pin, const struct uk_irq_sink *s)
{
	return (lx_flags(pin, s) & UK_LINUX_IRQF_ONESHOT) && uk_irq_pin_maskable(pin) &&
	       linux_masks_in_service(pin);
}

/* ---- spurious.c ---- */

/* The threaded handlers' part (SPURIOUS_DEFERRED): an interrupt whose only
 * answer was IRQ_WAKE_THREAD counts as handled if some thread returned
 * IRQ_HANDLED since the previous such interrupt, as unhandled if none did;
 * the first one only starts the bookkeeping and is not counted at all.
 * Returns false when the interrupt is not to be counted. */
static bool lx_deferred(struct uk_irq_pin *pin, unsigned *ret)
{
	uint64_t *st = &pin->model_data[LX_STATE];
	uint64_t last = (*st >> LXS_THL_SHIFT) & (LXS_TH_MASK | (LXS_DEFERRED >> LXS_THL_SHIFT));
	uint64_t handled = ((*st >> LXS_TH_SHIFT) & LXS_TH_MASK) | (LXS_DEFERRED >> LXS_THL_SHIFT);
	const uint64_t deferred = LXS_DEFERRED >> LXS_THL_SHIFT;

	if (!(*ret & UK_LINUX_IRQ_WAKE_THREAD))
		return true;
	if (*ret != UK_LINUX_IRQ_WAKE_THREAD) {
		last &= ~deferred; /* a primary handler handled it */
	} else if (!(last & deferred)) {
		last |= deferred;
		*st = (*st & ~(0xffffull << LXS_THL_SHIFT)) | (last << LXS_THL_SHIFT);
		return false;
	} else if (handled != last) {
		*ret = UK_LINUX_IRQ_HANDLED;
		last = handled;
	} else {
		*ret = UK_LINUX_IRQ_NONE;
	}
	*st = (*st & ~(0xffffull << LXS_THL_SHIFT)) | (last << LXS_THL_SHIFT);
	return true;
}

/* `ret`: the interrupt's irqreturn_t, the OR of its actions' returns. */
static void lx_note_interrupt(struct uk_irq_pin *pin, unsigned ret, uint64_t now)
{
	uint64_t *d = pin->model_data;
	uint64_t window = pin->host->model_param[0] ? pin->host->model_param[0]
						     : UK_IRQ_LINUX_WINDOW;
	uint64_t threshold = pin->host->model_param[1] ? pin->host->model_param[1]
							: UK_IRQ_LINUX_THRESHOLD;

	if (!lx_deferred(pin, &ret))
		return;
	if (ret == UK_LINUX_IRQ_NONE) {
		/* The odd spurious interrupt must not become a doomsday
		 * counter: after 100 ms of quiet the count starts again. */
		if (now > d[LX_LAST_UNHANDLED] + UK_IRQ_LINUX_POLL_NS)
			d[LX_UNHANDLED] = 1;
		else
			d[LX_UNHANDLED]++;
		d[LX_LAST_UNHANDLED] = now;
	}
	if (++d[LX_COUNT] < window)
		return;
	d[LX_COUNT] = 0;
	if (d[LX_UNHANDLED] > threshold && !(d[LX_STATE] & LXS_SPURIOUS)) {
		/* "irq N: nobody cared ... Disabling IRQ #N" */
		d[LX_STATE] |= LXS_SPURIOUS;
		if (lx_depth(pin) < UK_LINUX_MAX_DEPTH)
			lx_set_depth(pin, lx_depth(pin) + 1);
		pin->nobody_reports++;
		uk_irq_mask(pin, UK_IRQ_MASK_DISABLED, true, now);
		uk_irq_emit(pin, UK_IRQ_EV_DISABLE, UINT32_MAX, d[LX_UNHANDLED], 0, now);
		uk_irq_report_to_host(pin, UK_IRQ_REPORT_DISABLED, NULL);
		uk_irq_model_arm(pin, now + UK_IRQ_LINUX_POLL_NS);
	}
	d[LX_UNHANDLED] = 0;
}

/* poll_spurious_irqs: every 100 ms a disabled line's handlers are called
 * as if it had raised (try_one_irq: shared lines only; not counted). */
static void linux_poll(struct uk_irq_pin *pin, uint64_t now)
{
	const struct uk_irq_sink *first = NULL, *s;

	if (!(pin->model_data[LX_STATE] & LXS_SPURIOUS))
		return;
	uk_irq_model_arm(pin, now + UK_IRQ_LINUX_POLL_NS);
	irq_for_each_sink(s, pin) {
		if (!first)
			first = s;
	}
	if (pin->in_service || !first || !(lx_flags(pin, first) & UK_LINUX_IRQF_SHARED))
		return;
	pin->model_data[LX_STATE] |= LXS_POLLING;
	uk_irq_episode_begin(pin, now, now, UK_IRQ_EVF_POLL);
}

/* ---- the flow handlers (chip.c) ---- */

/* A disabled line (depth > 0), or one with no action, runs no handler:
 * the interrupt is kept PENDING and the line masked now (lazily, at the
 * first interrupt). During an episode the edge flow's replay does the same,
 * so nothing is buffered behind disable_irq. */
static enum uk_irq_raise linux_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				     uint64_t now)
{
	if (lx_depth(pin) == 0 && pin->nsinks)
		return uk_irq_take(pin, ts, flags, now);
	pin->model_data[LX_STATE] |= LXS_PENDING;
	if (!pin->in_service)
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
	return UK_IRQ_RAISE_BUFFERED;
}

/* Nobody handled it: counted, never stalled. */
static void linux_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	uk_irq_episode_end(pin, UK_IRQ_END_UNHANDLED, now);
}

static void linux_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	struct uk_irq_sink *s;
	uint64_t *st = &pin->model_data[LX_STATE];
	bool poll = *st & LXS_POLLING;
	unsigned ret = ((*st & LXS_RET_HANDLED) ? UK_LINUX_IRQ_HANDLED : 0) |
		       ((*st & LXS_RET_WAKE) ? UK_LINUX_IRQ_WAKE_THREAD : 0);

	(void)how; /* handled iff ret != IRQ_NONE */
	/* Nobody owes any more: threads still running hold nothing. */
	irq_for_each_sink(s, pin)
		s->model_data[LXA_THREAD] &= ~(uint64_t)LXT_HELD;
	*st &= ~(uint64_t)(LXS_POLLING | LXS_RET_HANDLED | LXS_RET_WAKE);
	lx_update_oneshot(pin);
	if (!poll)
		lx_note_interrupt(pin, ret, now);
	if (!pin->nsinks) /* the last action went during the interrupt */
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
}

/* An ACK or NAK is the hard handler's return: not again once it woke a
 * thread that holds the line. */
static int linux_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
			uint64_t seq, int verdict, uint64_t now)
{
	(void)seq;
	(void)now;
	if (verdict == UK_OK && (sink->model_data[LXA_THREAD] & LXT_HELD))
		return UK_EALREADY;
	if (verdict == UK_OK && a == UK_IRQ_ANS_ACK)
		pin->model_data[LX_STATE] |= LXS_RET_HANDLED;
	return verdict;
}

/* A shared line takes no exclusive action, and an exclusive one no
 * second action. */
static int linux_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	const struct uk_irq_sink *s;

	(void)sink;
	irq_for_each_sink(s, pin) {
		if (!(lx_flags(pin, s) & UK_LINUX_IRQF_SHARED))
			return UK_EBUSY;
	}
	if (!pin->nsinks) {
		/* The first action starts the line up (irq_startup): nested
		 * disables and a spurious disabling are undone. A pending level
		 * interrupt raises again by itself; a pending edge waits for
		 * the action's request (or enable_irq). */
		uint64_t *st = &pin->model_data[LX_STATE];
		*st &= ~(uint64_t)LXS_SPURIOUS;
		if (pin->trigger == UK_TRIGGER_LEVEL)
			*st &= ~(uint64_t)LXS_PENDING;
		lx_set_depth(pin, 0);
		uk_irq_model_arm(pin, UK_IRQ_NEVER);
		uk_irq_mask(pin, UK_IRQ_MASK_DISABLED | UK_IRQ_MASK_MODEL, false, now);
	}
	lx_update_oneshot(pin); /* a line configured UK_IRQ_PIN_ONESHOT */
	return UK_OK;
}

/* free_irq of the last action shuts the line down (irq_shutdown): masked.
 * During an interrupt that waits for its end (episode_end). */
static void linux_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed,
			 uint64_t now)
{
	(void)sink;
	(void)owed;
	lx_update_oneshot(pin);
	if (!pin->nsinks && !pin->in_service)
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
}

/* ---- the calls (manage.c) ---- */

/* __setup_irq's checks of a new action against the line's. */
static long lx_request(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t flags,
		       uint64_t now)
{
	const struct uk_irq_sink *s;

	if (flags & ~(uint64_t)UK_LINUX_IRQF_ALL)
		return UK_EINVAL;
	if (sink->model_data[LXA_FLAGS] & LXA_REQUESTED)
		return UK_EALREADY;
	/* request_threaded_irq: no handler at all is an error. */
	if ((flags & UK_LINUX_IRQF_NO_PRIMARY) && !(flags & UK_LINUX_IRQF_THREAD))
		return UK_EINVAL;
	if (lx_msi(pin)) {
		flags &= ~(uint64_t)UK_LINUX_IRQF_ONESHOT; /* IRQCHIP_ONESHOT_SAFE */
	} else if ((flags & UK_LINUX_IRQF_NO_PRIMARY) && !(flags & UK_LINUX_IRQF_ONESHOT)) {
		/* "Threaded irq requested with handler=NULL and !ONESHOT":
		 * the default primary handler only wakes the thread, the line
		 * is unmasked, a level device still asserts: a storm. */
		return UK_EINVAL;
	}
	/* The action is in the middle of an interrupt (it owes its return):
	 * it cannot change now. (It has no thread before its request.) */
	if (sink->indefinite)
		return UK_EBUSY;
	irq_for_each_sink(s, pin) {
		uint64_t old;
		if (s == sink)
			continue;
		old = lx_flags(pin, s);
		/* "Flags mismatch irq N": both shared, same ONESHOT. An action
		 * that never requested takes any shared partner's ONESHOT. */
		if (!(old & flags & UK_LINUX_IRQF_SHARED))
			return UK_EBUSY;
		if ((s->model_data[LXA_FLAGS] & LXA_REQUESTED) &&
		    ((old ^ flags) & UK_LINUX_IRQF_ONESHOT))
			return UK_EBUSY;
	}
	sink->model_data[LXA_FLAGS] = flags | LXA_REQUESTED;
	lx_update_oneshot(pin);
	/* irq_startup's check_irq_resend: an edge that came while the line
	 * had no action (or was disabled, then re-enabled) is resent. */
	if ((pin->model_data[LX_STATE] & LXS_PENDING) && lx_depth(pin) == 0 &&
	    pin->trigger == UK_TRIGGER_EDGE) {
		pin->model_data[LX_STATE] &= ~(uint64_t)LXS_PENDING;
		uk_irq_take(pin, now, 0, now);
	}
	return UK_OK;
}

/* The hard handler returned IRQ_WAKE_THREAD for episode `seq`. */
static long lx_wake_thread(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t seq,
			   uint64_t now)
{
	uint64_t *t = &sink->model_data[LXA_THREAD];

	if (!(lx_flags(pin, sink) & UK_LINUX_IRQF_THREAD))
		return UK_EINVAL; /* warn_no_thread */
	if (seq > sink->seq)
		return UK_EFUTURE;
	if (seq < sink->seq)
		return UK_ESTALE;
	if (!sink->indefinite || (*t & LXT_HELD))
		return sink->answered || (*t & LXT_HELD) ? UK_EALREADY : UK_ESTALE;
	*t |= LXT_RUN;
	pin->model_data[LX_STATE] |= LXS_RET_WAKE;
	if (lx_holds(pin, sink)) {
		*t |= LXT_HELD;
		return UK_OK;
	}
	return uk_irq_sink_answer(sink, true, now);
}

/* The thread function returned: irq_finalize_oneshot. */
static long lx_thread_done(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t ret,
			   uint64_t now)
{
	uint64_t *t = &sink->model_data[LXA_THREAD];
	bool held;

	if (!(lx_flags(pin, sink) & UK_LINUX_IRQF_THREAD) || ret > UK_LINUX_IRQ_HANDLED)
		return UK_EINVAL;
	if (!(*t & LXT_RUN))
		return UK_EALREADY;
	held = *t & LXT_HELD;
	*t = 0;
	sink->model_data[LXA_RUNS]++;
	if (ret == UK_LINUX_IRQ_HANDLED) { /* atomic_inc(&desc->threads_handled) */
		uint64_t *st = &pin->model_data[LX_STATE];
		uint64_t th = ((*st >> LXS_TH_SHIFT) + 1) & LXS_TH_MASK;
		*st = (*st & ~(LXS_TH_MASK << LXS_TH_SHIFT)) | (th << LXS_TH_SHIFT);
	}
	if (held && sink->indefinite)
		return uk_irq_sink_answer(sink, true, now);
	return UK_OK;
}

/* enable_irq at depth 0: irq_startup, check_irq_resend. */
static void lx_irq_enable(struct uk_irq_pin *pin, uint64_t now)
{
	uint64_t *st = &pin->model_data[LX_STATE];
	bool pending = *st & LXS_PENDING;

	*st &= ~(uint64_t)(LXS_SPURIOUS | LXS_PENDING);
	uk_irq_model_arm(pin, UK_IRQ_NEVER);
	uk_irq_mask(pin, UK_IRQ_MASK_DISABLED | UK_IRQ_MASK_MODEL, false, now);
	/* A level line that still asserts raises again on the unmask; an
	 * edge is gone from the wire and is resent by software. */
	if (pending && pin->trigger == UK_TRIGGER_EDGE)
		uk_irq_take(pin, now, 0, now);
}

static bool lx_in_progress(const struct uk_irq_pin *pin)
{
	const struct uk_irq_sink *s;

	if (pin->in_service && !pin->stalled && pin->owed)
		return true;
	irq_for_each_sink(s, pin) {
		if (s->model_data[LXA_THREAD] & LXT_RUN)
			return true;
	}
	return false;
}

static long linux_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op, uint64_t arg,
		       uint64_t now)
{
	uint64_t depth = lx_depth(pin);

	if (arg & UK_IRQ_CALL_ABOUT_NTFN)
		return UK_EINVAL; /* no call is about a notification (irq_model.h) */
	switch (op) {
	case UK_LINUX_OP_REQUEST:
		return lx_request(pin, sink, arg, now);
	case UK_LINUX_OP_WAKE_THREAD:
		return lx_wake_thread(pin, sink, arg, now);
	case UK_LINUX_OP_THREAD_DONE:
		return lx_thread_done(pin, sink, arg, now);
	case UK_LINUX_OP_DISABLE:
		if (arg)
			return UK_EINVAL;
		if (depth >= UK_LINUX_MAX_DEPTH)
			return UK_EBUSY;
		lx_set_depth(pin, depth + 1); /* lazy: the chip is left alone */
#ifdef UK_IRQ_PLANT_BUG_LINUX
		/* Planted bug for the fuzzing demo: an eager disable that masks
		 * the chip at once, so an IOAPIC drops the edges that come
		 * while disabled instead of keeping them PENDING. Every
		 * invariant holds (a model's own mask reason may be set at any
		 * time); the reference model sees the mask bit. */
		uk_irq_mask(pin, UK_IRQ_MASK_MODEL, true, now);
#endif
		return (long)(depth + 1);
	case UK_LINUX_OP_ENABLE:
		if (arg || depth == 0)
			return UK_EINVAL; /* "Unbalanced enable for IRQ N" */
		lx_set_depth(pin, depth - 1);
		if (depth == 1)
			lx_irq_enable(pin, now);
		return (long)(depth - 1);
	case UK_LINUX_OP_SYNC:
		if (arg)
			return UK_EINVAL;
		return lx_in_progress(pin) ? 1 : 0;
	default:
		return UK_ENOSYS;
	}
}

void irq_model_linux(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "linux";
	o->doc = "genirq: shared actions, threaded handlers and IRQF_ONESHOT, lazy disable with "
		 "resend, the unhandled statistic (99,900 of 100,000) and polling";
	o->source = "Linux kernel/irq/manage.c (__setup_irq), chip.c (flow handlers), "
		    "resend.c, spurious.c (note_interrupt)";
	o->driver = "linux-driver";
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_ALL;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
	o->masks_in_service = linux_masks_in_service;
	o->raise = linux_raise;
	o->answer = linux_answer;
	o->all_nak = linux_all_nak;
	o->episode_end = linux_episode_end;
	o->attach = linux_attach;
	o->detach = linux_detach;
	o->timer = linux_poll;
	o->call = linux_call;
}
