/* SPDX-License-Identifier: MIT */
/*
 * The Linux genirq model (libukern/irq/models/linux.c): every rule and
 * every error of its calls (ukern/models/linux.h), on the fake controller.
 */
#include "irq_fake.h"

#include <ukern/models/linux.h>

#define LX(f) fake_model(f, "linux")
#define REQ(s, fl) uk_irq_sink_model_call(s, ALL, UK_LINUX_OP_REQUEST, fl, 0)
#define CALL(s, op, arg, now) uk_irq_sink_model_call(s, ALL, op, arg, now)
#define SH UK_LINUX_IRQF_SHARED
#define OS UK_LINUX_IRQF_ONESHOT
#define TH UK_LINUX_IRQF_THREAD
#define NP UK_LINUX_IRQF_NO_PRIMARY

static void setup(struct fake *f, struct uk_irq_pin *pin, enum uk_intc_kind kind,
		  enum uk_trigger trig)
{
	fake_init(f);
	fake_pin(f, pin, 1, kind, trig, LX(f));
}

/* ---- __setup_irq ---- */

static void test_request_rules(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, msi;
	struct uk_irq_sink a, b, c, m;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	assert_int_equal(REQ(&a, 0x10), UK_EINVAL);          /* unknown flag */
	assert_int_equal(REQ(&a, SH | NP), UK_EINVAL);       /* no handler at all */
	assert_int_equal(REQ(&a, SH | TH | NP), UK_EINVAL);  /* handler=NULL and !ONESHOT */
	assert_int_equal(REQ(&a, SH | TH | NP | OS), UK_OK);
	assert_int_equal(REQ(&a, SH), UK_EALREADY);           /* once per action */
	/* A shared partner must agree on ONESHOT... */
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&b, SH | TH), UK_EBUSY);
	/* ... and on IRQF_SHARED. */
	assert_int_equal(REQ(&b, OS | TH), UK_EBUSY);
	assert_int_equal(REQ(&b, SH | OS), UK_OK);            /* ONESHOT, primary only */
	/* An exclusive action takes the line alone. */
	assert_int_equal(uk_irq_sink_detach(&b, 0), UK_OK);
	assert_int_equal(uk_irq_sink_detach(&a, 0), UK_OK);
	uk_irq_sink_init(&a, 1);
	fake_sink(&pin, &a, 1);
	assert_int_equal(REQ(&a, 0), UK_OK);
	uk_irq_sink_init(&c, 3);
	assert_int_equal(uk_irq_sink_attach(&pin, &c, 0), UK_EBUSY);
	/* No request while the action owes its return; one that joined
	 * during the interrupt may. */
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_detach(&a, 0), UK_OK);
	uk_irq_sink_init(&a, 1);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(REQ(&a, SH), UK_EBUSY);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&b, SH | OS | TH), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(REQ(&a, SH), UK_EBUSY); /* b is ONESHOT now */
	assert_int_equal(REQ(&a, SH | OS), UK_OK);
	/* MSI is IRQCHIP_ONESHOT_SAFE: a bare thread is fine, ONESHOT dropped. */
	fake_pin(&f, &msi, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, LX(&f));
	fake_sink(&msi, &m, 4);
	assert_int_equal(REQ(&m, SH | TH | NP), UK_OK);
	assert_int_equal(m.model_data[0] & OS, 0);
	/* Rights and detached sinks, and an op the model does not have. */
	assert_int_equal(uk_irq_sink_model_call(&m, UK_IRQ_RIGHT_WAIT, UK_LINUX_OP_SYNC, 0, 0),
			 UK_EPERM);
	assert_int_equal(CALL(&m, 6, 0, 0), UK_ENOSYS);
	assert_int_equal(CALL(&c, UK_LINUX_OP_SYNC, 0, 0), UK_EINVAL);
	fake_assert_clean(&f, 0);
}

/* A sink that never requested is request_irq(IRQF_SHARED): it shares with
 * any shared action, ONESHOT or not; UK_IRQ_PIN_ONESHOT makes it ONESHOT. */
static void test_unrequested_is_shared(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&a, SH | OS | TH), UK_OK);
	assert_int_equal(REQ(&b, SH | OS | TH), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 0, 0), UK_ESTALE);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 0), UK_ENOSYS); /* Linux has no kick */
	fake_assert_clean(&f, 0);
}

/* ---- handlers and threads ---- */

static void test_all_actions_answer(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[1], 1); /* handle_level_irq: mask_ack_irq */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_true(pin.in_service);      /* b's handler is called too */
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 0), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(pin.model_data[1], 0); /* handled: not counted as unhandled */
	/* All IRQ_NONE: counted, not stalled, no report. */
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 2, 1), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 2, 1), UK_OK);
	assert_false(pin.in_service);
	assert_false(pin.stalled);
	assert_int_equal(pin.model_data[1], 1);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
	fake_assert_clean(&f, 1);
}

static void test_oneshot_thread_holds_level_line(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&a, SH | OS | TH), UK_OK);
	assert_int_equal(REQ(&b, SH | OS | TH | NP), UK_OK);
	/* Errors before anything was woken. */
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, 1, 0), UK_EALREADY);
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, 2, 0), UK_EINVAL);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 0, 0), UK_ESTALE);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 2, 0), UK_EFUTURE);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_EALREADY);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_EALREADY); /* returned already */
	assert_int_equal(CALL(&b, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_int_equal(CALL(&a, UK_LINUX_OP_SYNC, 0, 0), 1);
	/* irq_finalize_oneshot: masked until every woken thread is done. */
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, UK_LINUX_IRQ_HANDLED, 1), UK_OK);
	assert_true(pin.in_service);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(CALL(&b, UK_LINUX_OP_THREAD_DONE, UK_LINUX_IRQ_NONE, 2), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_SYNC, 0, 0), 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_SYNC, 1, 0), UK_EINVAL);
	assert_int_equal(a.model_data[2], 1); /* one thread run */
	fake_assert_clean(&f, 2);
}

/* Without ONESHOT (a primary handler given) the line opens when the hard
 * handlers returned; the thread runs with it open. */
static void test_thread_without_oneshot(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&a, SH | TH), UK_OK);
	assert_int_equal(CALL(&b, UK_LINUX_OP_WAKE_THREAD, 0, 0), UK_EINVAL); /* no thread */
	assert_int_equal(CALL(&b, UK_LINUX_OP_THREAD_DONE, 1, 0), UK_EINVAL);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(CALL(&b, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_EINVAL);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_false(a.indefinite);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 0), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_SYNC, 0, 0), 1); /* the thread still runs */
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, 1, 1), UK_OK);
	assert_int_equal(CALL(&a, UK_LINUX_OP_SYNC, 0, 0), 0);
	fake_assert_clean(&f, 1);
}

/* handle_edge_irq never masks, ONESHOT or not: an edge during handling is
 * replayed when the handlers are done. */
static void test_edge_flow(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_EDGE);
	fake_sink(&pin, &a, 1);
	assert_int_equal(REQ(&a, SH | OS | TH), UK_OK);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_false(pin.in_service); /* not held: the edge flow does not mask */
	uk_irq_pin_raise(&pin, 1);
	uk_irq_pin_raise(&pin, 2); /* IRQS_PENDING during handling */
	assert_true(pin.buffered);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 3), UK_OK);
	assert_int_equal(a.seq, 3); /* replayed */
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 3);
}

/* handle_fasteoi_irq (PLIC): masked only with IRQS_ONESHOT; completion at
 * the end. */
static void test_fasteoi_flow(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	setup(&f, &pin, UK_INTC_PLIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(fake_count(&f, FAKE_EOS, 1), 1);
	assert_int_equal(REQ(&a, SH | OS | TH | NP), UK_OK);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 2, 1), UK_OK);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(fake_count(&f, FAKE_EOS, 1), 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, 1, 2), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(fake_count(&f, FAKE_EOS, 1), 2);
	fake_assert_clean(&f, 2);
}

/* A configured UK_IRQ_PIN_ONESHOT line: actions default to ONESHOT, and
 * an action without it cannot join. */
static void test_pin_oneshot(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_pin_config cfg = { .id = 2, .trigger = UK_TRIGGER_LEVEL,
					 .flags = UK_IRQ_PIN_ONESHOT };
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	cfg.model = LX(&f);
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.plic, &cfg), UK_OK);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&a, SH | OS | TH), UK_OK);
	assert_int_equal(REQ(&b, SH), UK_EBUSY);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[2], 1); /* IRQS_ONESHOT on fasteoi */
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 0), UK_OK);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_int_equal(CALL(&a, UK_LINUX_OP_THREAD_DONE, 1, 0), UK_OK);
	assert_int_equal(f.hwmask[2], 0);
	fake_assert_clean(&f, 0);
}

/* A held thread whose sink dies: the line is not held by the dead. */
static void test_held_sink_detached(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(REQ(&a, SH | OS | TH), UK_OK);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(CALL(&a, UK_LINUX_OP_WAKE_THREAD, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
	assert_true(pin.in_service);
	assert_int_equal(uk_irq_sink_detach(&a, 1), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 1);
}

/* ---- lazy disable, resend ---- */

static void test_lazy_disable_edge_resend(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_EDGE);
	fake_sink(&pin, &a, 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 0, 0), UK_EINVAL); /* unbalanced */
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 1, 0), UK_EINVAL);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 1, 0), UK_EINVAL);
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), 2);
	assert_int_equal(f.hwmask[1], 0); /* lazy: the chip is left alone */
	uk_irq_pin_raise(&pin, 1);
	assert_false(pin.in_service);     /* no handler runs */
	assert_int_equal(a.seq, 0);
	assert_int_equal(f.hwmask[1], 1); /* masked now, PENDING */
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 0, 2), 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 0, 3), 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_true(pin.in_service);      /* the edge is resent */
	assert_int_equal(a.seq, 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 4), UK_OK);
	/* Nothing pending: enable resends nothing. */
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 5), 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 0, 6), 0);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 6);
}

static void test_lazy_disable_level_and_in_service(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, edge;
	struct uk_irq_sink a, e;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), 1);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_ENABLE, 0, 2), 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_false(pin.in_service); /* level: the hardware raises again itself */
	/* Disabled during an episode: the edge that comes then is PENDING,
	 * not replayed at the end; enable_irq resends it. */
	fake_pin(&f, &edge, 2, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, LX(&f));
	fake_sink(&edge, &e, 2);
	uk_irq_pin_raise(&edge, 3);
	assert_int_equal(CALL(&e, UK_LINUX_OP_DISABLE, 0, 3), 1);
	uk_irq_pin_raise(&edge, 4);
	assert_false(edge.buffered);
	assert_int_equal(uk_irq_sink_ack(&e, ALL, 1, 5), UK_OK);
	assert_false(edge.in_service);
	assert_int_equal(f.hwmask[2], 0);
	assert_int_equal(CALL(&e, UK_LINUX_OP_ENABLE, 0, 6), 0);
	assert_int_equal(e.seq, 2);
	/* enable_irq while in service: the resend waits for the episode. */
	assert_int_equal(CALL(&e, UK_LINUX_OP_DISABLE, 0, 7), 1);
	uk_irq_pin_raise(&edge, 7);
	assert_int_equal(CALL(&e, UK_LINUX_OP_ENABLE, 0, 8), 0);
	assert_true(edge.buffered);
	assert_int_equal(uk_irq_sink_ack(&e, ALL, 2, 9), UK_OK);
	assert_int_equal(e.seq, 3);
	fake_assert_clean(&f, 9);
}

static void test_depth_limit(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	setup(&f, &pin, UK_INTC_MSI, UK_TRIGGER_EDGE);
	fake_sink(&pin, &a, 1);
	for (unsigned i = 1; i <= UK_LINUX_MAX_DEPTH; i++)
		assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), i);
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), UK_EBUSY);
	uk_irq_pin_raise(&pin, 0); /* MSI: no mask bit, kept PENDING */
	assert_false(pin.in_service);
	fake_assert_clean(&f, 0);
}

/* No action: free_irq of the last one shuts the line down (masked); an
 * interrupt then is PENDING; the first action starts it up again, undoing
 * disables; its request resends a pending edge. */
static void test_no_action(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, msi;
	struct uk_irq_sink a, b, m;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &a, 1);
	assert_int_equal(CALL(&a, UK_LINUX_OP_DISABLE, 0, 0), 1);
	assert_int_equal(uk_irq_sink_detach(&a, 0), UK_OK);
	assert_int_equal(f.hwmask[1], 1);
	uk_irq_pin_raise(&pin, 1);
	assert_false(pin.in_service);
	assert_int_equal(pin.model_data[0], 0); /* not counted */
	fake_sink(&pin, &b, 2);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(CALL(&b, UK_LINUX_OP_ENABLE, 0, 2), UK_EINVAL); /* depth 0 again */
	/* The last action going during an interrupt: masked when it ends. */
	uk_irq_pin_raise(&pin, 3);
	assert_int_equal(uk_irq_sink_detach(&b, 4), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 1);
	/* MSI cannot be masked: the message is kept and resent by a request. */
	fake_pin(&f, &msi, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, LX(&f));
	uk_irq_pin_raise(&msi, 5);
	fake_sink(&msi, &m, 3);
	assert_int_equal(m.seq, 0);
	assert_int_equal(REQ(&m, SH | TH | NP), UK_OK);
	assert_int_equal(m.seq, 1);
	assert_true(msi.in_service);
	fake_assert_clean(&f, 5);
}

/* ---- spurious.c ---- */

static void run_window(struct uk_irq_pin *pin, struct uk_irq_sink *s, unsigned unhandled)
{
	for (unsigned i = 0; i < UK_IRQ_LINUX_WINDOW; i++) {
		uk_irq_pin_raise(pin, 0);
		if (i < unhandled)
			assert_int_equal(uk_irq_sink_nak(s, ALL, s->seq, 0), UK_OK);
		else
			assert_int_equal(uk_irq_sink_ack(s, ALL, s->seq, 0), UK_OK);
		assert_false(pin->in_service); /* Linux counts, never stalls */
	}
}

/* The real numbers: 99,900 of 100,000 is tolerated, 99,901 disables. */
static void test_unhandled_statistic(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	fake_sink(&pin, &s, 1);
	run_window(&pin, &s, UK_IRQ_LINUX_THRESHOLD);
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 0);
	assert_int_equal(f.hwmask[1], 0);
	run_window(&pin, &s, UK_IRQ_LINUX_THRESHOLD + 1);
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 1);
	assert_int_equal(pin.nobody_reports, 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(f.timer[1], 100 * MS);
	/* Polled every 100 ms: the handlers are asked, not counted. */
	uint64_t seq = s.seq;
	fake_tick(&f, &pin, 100 * MS);
	assert_int_equal(s.seq, seq + 1);
	assert_int_equal(uk_irq_sink_nak(&s, ALL, s.seq, 100 * MS), UK_OK);
	assert_int_equal(pin.model_data[0], 0);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(f.timer[1], 200 * MS);
	fake_tick(&f, &pin, 200 * MS);
	assert_int_equal(s.seq, seq + 2);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, s.seq, 200 * MS), UK_OK);
	/* enable_irq undoes the disabling depth: the line is back, no poll. */
	assert_int_equal(CALL(&s, UK_LINUX_OP_ENABLE, 0, 250 * MS), 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	assert_int_equal(f.violations, 0);
}

/* An exclusive line is not polled (try_one_irq: shared lines only). */
static void test_exclusive_not_polled(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	f.host.model_param[0] = 10;
	f.host.model_param[1] = 9;
	fake_sink(&pin, &s, 1);
	assert_int_equal(REQ(&s, 0), UK_OK);
	for (unsigned i = 0; i < 10; i++) {
		uk_irq_pin_raise(&pin, 0);
		assert_int_equal(uk_irq_sink_nak(&s, ALL, s.seq, 0), UK_OK);
	}
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 1);
	uint64_t seq = s.seq;
	fake_tick(&f, &pin, 100 * MS);
	assert_int_equal(s.seq, seq);
	assert_int_equal(f.timer[1], 200 * MS); /* the poll timer runs on */
	fake_assert_clean(&f, 100 * MS);
}

/* "The odd spurious interrupt": after 100 ms of quiet, the count starts
 * again at 1 (a scaled window of 10, threshold 5). */
static void test_unhandled_count_restarts(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	uint64_t t = 0;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	f.host.model_param[0] = 10;
	f.host.model_param[1] = 5;
	fake_sink(&pin, &s, 1);
	for (unsigned i = 0; i < 10; i++, t += 150 * MS) {
		uk_irq_pin_raise(&pin, t);
		assert_int_equal(uk_irq_sink_nak(&s, ALL, s.seq, t), UK_OK);
		assert_int_equal(pin.model_data[1], i == 9 ? 0 : 1);
	}
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 0);
	for (unsigned i = 0; i < 10; i++) {
		uk_irq_pin_raise(&pin, t);
		assert_int_equal(uk_irq_sink_nak(&s, ALL, s.seq, t), UK_OK);
	}
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 1);
	fake_assert_clean(&f, t);
}

/* SPURIOUS_DEFERRED: an interrupt only IRQ_WAKE_THREAD answered is judged
 * by its thread at the next one (a scaled window of 10, threshold 8). */
static void run_threaded(struct uk_irq_pin *pin, struct uk_irq_sink *s, unsigned n,
			 unsigned thread_ret)
{
	for (unsigned i = 0; i < n; i++) {
		uk_irq_pin_raise(pin, 0);
		assert_int_equal(CALL(s, UK_LINUX_OP_WAKE_THREAD, s->seq, 0), UK_OK);
		assert_int_equal(CALL(s, UK_LINUX_OP_THREAD_DONE, thread_ret, 0), UK_OK);
		assert_false(pin->in_service);
	}
}

static void test_threaded_spurious_deferred(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	setup(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL);
	f.host.model_param[0] = 10;
	f.host.model_param[1] = 8;
	fake_sink(&pin, &s, 1);
	assert_int_equal(REQ(&s, SH | OS | TH | NP), UK_OK);
	/* Threads that handle: never disabled. */
	run_threaded(&pin, &s, 30, UK_LINUX_IRQ_HANDLED);
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 0);
	assert_int_equal(pin.model_data[1], 0);
	/* Threads that return IRQ_NONE: each interrupt is unhandled once the
	 * next one comes. */
	run_threaded(&pin, &s, 1, UK_LINUX_IRQ_NONE);
	assert_int_equal(pin.model_data[1], 0); /* the previous thread handled */
	run_threaded(&pin, &s, 1, UK_LINUX_IRQ_NONE);
	assert_int_equal(pin.model_data[1], 1);
	run_threaded(&pin, &s, 8, UK_LINUX_IRQ_NONE);
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 0);
	run_threaded(&pin, &s, 1, UK_LINUX_IRQ_NONE); /* 10 of 10 unhandled */
	assert_int_equal(f.reports[UK_IRQ_REPORT_DISABLED], 1);
	/* A plain IRQ_HANDLED leaves the deferral as it is (only IRQ_HANDLED
	 * with IRQ_WAKE_THREAD in one interrupt ends it): the next
	 * thread-only interrupt is counted. */
	assert_int_equal(CALL(&s, UK_LINUX_OP_ENABLE, 0, 0), 0);
	uint64_t count = pin.model_data[0];
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, s.seq, 0), UK_OK);
	assert_int_equal(pin.model_data[0], count + 1);
	run_threaded(&pin, &s, 1, UK_LINUX_IRQ_NONE);
	assert_int_equal(pin.model_data[0], count + 2);
	/* IRQ_HANDLED and IRQ_WAKE_THREAD in one interrupt end it. */
	struct uk_irq_sink b;
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(CALL(&s, UK_LINUX_OP_WAKE_THREAD, s.seq, 0), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, b.seq, 0), UK_OK);
	assert_int_equal(CALL(&s, UK_LINUX_OP_THREAD_DONE, 0, 0), UK_OK);
	assert_int_equal(pin.model_data[0], count + 3);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(CALL(&s, UK_LINUX_OP_WAKE_THREAD, s.seq, 0), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, b.seq, 0), UK_OK);
	assert_int_equal(CALL(&s, UK_LINUX_OP_THREAD_DONE, 0, 0), UK_OK);
	assert_int_equal(pin.model_data[0], count + 3); /* deferred again, uncounted */
	fake_assert_clean(&f, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_rules),
		cmocka_unit_test(test_unrequested_is_shared),
		cmocka_unit_test(test_all_actions_answer),
		cmocka_unit_test(test_oneshot_thread_holds_level_line),
		cmocka_unit_test(test_thread_without_oneshot),
		cmocka_unit_test(test_edge_flow),
		cmocka_unit_test(test_fasteoi_flow),
		cmocka_unit_test(test_pin_oneshot),
		cmocka_unit_test(test_held_sink_detached),
		cmocka_unit_test(test_lazy_disable_edge_resend),
		cmocka_unit_test(test_lazy_disable_level_and_in_service),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_no_action),
		cmocka_unit_test(test_unhandled_statistic),
		cmocka_unit_test(test_exclusive_not_polled),
		cmocka_unit_test(test_unhandled_count_restarts),
		cmocka_unit_test(test_threaded_spurious_deferred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
