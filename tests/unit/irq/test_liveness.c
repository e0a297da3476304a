/* SPDX-License-Identifier: MIT */
/*
 * Liveness properties L1..L7 over event logs: the machine's own logs pass,
 * and a hand-written log that breaks each property is caught, naming it.
 */
#include "irq_fake.h"

#define N UINT32_MAX

struct mklog {
	struct uk_irq_event ev[64];
	struct uk_irq_log log;
	uint64_t step;
};

static void mk_init(struct mklog *m)
{
	uk_irq_log_init(&m->log, m->ev, 64);
	m->step = 1;
}

/* Append an event of pin 1 in the current step. */
static void ev(struct mklog *m, uint16_t kind, uint32_t sink, uint64_t arg, uint16_t flags,
	       uint64_t t)
{
	m->ev[m->log.len++] = (struct uk_irq_event){
		.t = t, .step = m->step, .arg = arg, .pin = 1, .sink = sink, .kind = kind,
		.flags = flags,
	};
}

static unsigned first_prop(const struct mklog *m, uint64_t timeout, uint64_t end)
{
	struct uk_irq_live_violation v[4];
	struct uk_irq_live_params p = { .ack_timeout_ns = timeout, .end_ns = end };
	size_t n = uk_irq_liveness_check(&m->log, &p, v, 4);

	if (!n)
		return 99;
	assert_non_null(v[0].msg);
	return v[0].prop;
}

static void attach(struct mklog *m, uint32_t sink)
{
	ev(m, UK_IRQ_EV_ATTACH, sink, 0, 0, 0);
	m->step++;
}

static void test_machine_logs_pass(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_nak(&a, ALL, 1, 0);
	uk_irq_sink_ack(&b, ALL, 1, 0);
	uk_irq_sink_detach(&a, 0);
	uk_irq_sink_nak(&b, ALL, 2, 0);
	fake_tick(&f, &pin, 100 * MS);
	assert_int_equal(fake_live(&f, 100 * MS), 0);
}

static void test_l0_overflow(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	m.log.lost = 1;
	assert_int_equal(first_prop(&m, 0, 0), 0);
	assert_string_equal(uk_irq_liveness_name(0), "L0 log cannot be judged");
	assert_string_equal(uk_irq_liveness_name(8), "L?");
}

static void test_l1_buffered_raise_dropped(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	attach(&m, 7);
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	ev(&m, UK_IRQ_EV_BEGIN, N, 1, 0, 0);
	ev(&m, UK_IRQ_EV_SEQ, 7, 1, 0, 0);
	m.step++;
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_BUFFERED, 0, 0);
	m.step++;
	ev(&m, UK_IRQ_EV_ACK, 7, 1, 0, 0);
	ev(&m, UK_IRQ_EV_END, N, UK_IRQ_END_HANDLED, 0, 0);
	m.step++; /* no re-delivery in the step that ended the episode */
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 1);
}

static void test_l1_raise_ignored(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_COALESCED, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 1);
}

static void test_l2_left_masked(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	attach(&m, 7);
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	ev(&m, UK_IRQ_EV_BEGIN, N, 1, 0, 0);
	ev(&m, UK_IRQ_EV_MASK, N, 1, 0, 0);
	ev(&m, UK_IRQ_EV_SEQ, 7, 1, 0, 0);
	m.step++;
	ev(&m, UK_IRQ_EV_ACK, 7, 1, 0, 0);
	ev(&m, UK_IRQ_EV_END, N, UK_IRQ_END_HANDLED, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 2);
}

static void stalled_episode(struct mklog *m, bool report, uint64_t delay, uint16_t step)
{
	ev(m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	ev(m, UK_IRQ_EV_BEGIN, N, 1, 0, 0);
	if (report)
		ev(m, UK_IRQ_EV_NOBODY, N, 1, 0, 0);
	ev(m, UK_IRQ_EV_STALL, N, delay, step, 0);
	ev(m, UK_IRQ_EV_END, N, UK_IRQ_END_STALLED, 0, 0);
	m->step++;
}

static void test_l3_not_reported(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	stalled_episode(&m, false, UK_IRQ_STALL_BASE_NS, 0);
	assert_int_equal(first_prop(&m, 0, 0), 3);
}

static void test_l3_never_retried(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	stalled_episode(&m, true, UK_IRQ_STALL_BASE_NS, 0);
	assert_int_equal(first_prop(&m, 0, 50 * MS), 99); /* not due yet */
	assert_int_equal(first_prop(&m, 0, 200 * MS), 3);
}

static void test_l3_retried_early(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	stalled_episode(&m, true, UK_IRQ_STALL_BASE_NS, 0);
	ev(&m, UK_IRQ_EV_END, N, UK_IRQ_END_RETRIED, 0, 10 * MS);
	assert_int_equal(first_prop(&m, 0, 10 * MS), 3);
}

static void test_l4_backoff_out_of_step(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	stalled_episode(&m, true, 2 * UK_IRQ_STALL_BASE_NS, 0);
	assert_int_equal(first_prop(&m, 0, 0), 4);
}

static void test_l4_no_shrink(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	stalled_episode(&m, true, UK_IRQ_STALL_BASE_NS, 0);
	ev(&m, UK_IRQ_EV_KICK, 7, 1, 0, 0);
	ev(&m, UK_IRQ_EV_END, N, UK_IRQ_END_HANDLED, 0, 0);
	m.step++;
	/* After one stall and one handled episode the step is back to 0. */
	stalled_episode(&m, true, 2 * UK_IRQ_STALL_BASE_NS, 1);
	assert_int_equal(first_prop(&m, 0, 0), 4);
}

static void owing_episode(struct mklog *m)
{
	attach(m, 7);
	ev(m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	ev(m, UK_IRQ_EV_BEGIN, N, 1, 0, 0);
	ev(m, UK_IRQ_EV_SEQ, 7, 1, 0, 0);
	m->step++;
}

static void test_l5_missing_report(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	assert_int_equal(first_prop(&m, 1000 * MS, 1000 * MS), 99);
	assert_int_equal(first_prop(&m, 1000 * MS, 2000 * MS), 5);
}

static void test_l5_double_report(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	ev(&m, UK_IRQ_EV_TIMEOUT, 7, 1, 0, 1000 * MS);
	m.step++;
	ev(&m, UK_IRQ_EV_TIMEOUT, 7, 1, 0, 1500 * MS);
	assert_int_equal(first_prop(&m, 1000 * MS, 1500 * MS), 5);
}

static void test_l5_wrong_sink(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	ev(&m, UK_IRQ_EV_TIMEOUT, 8, 1, 0, 1000 * MS);
	assert_int_equal(first_prop(&m, 1000 * MS, 1000 * MS), 5);
}

static void test_l6_dead_sink_holds_line(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	ev(&m, UK_IRQ_EV_DETACH, 7, 1, 0, 0); /* no NAK on its behalf */
	assert_int_equal(first_prop(&m, 0, 0), 6);
}

static void test_l6_episode_kept_open(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	ev(&m, UK_IRQ_EV_NAK, 7, 1, UK_IRQ_EVF_DETACH, 0);
	ev(&m, UK_IRQ_EV_DETACH, 7, 1, 0, 0);
	m.step++; /* the episode neither ended nor stalled */
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_BUFFERED, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 6);
}

static void test_l7_late_sink_joins_early(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	owing_episode(&m);
	attach(&m, 8);
	ev(&m, UK_IRQ_EV_SEQ, 8, 1, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 7);
}

static void test_l7_sink_left_out(void **state)
{
	struct mklog m;
	(void)state;
	mk_init(&m);
	attach(&m, 7);
	attach(&m, 8);
	ev(&m, UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0, 0);
	ev(&m, UK_IRQ_EV_BEGIN, N, 1, 0, 0);
	ev(&m, UK_IRQ_EV_SEQ, 7, 1, 0, 0);
	ev(&m, UK_IRQ_EV_EOI, N, 0, 0, 0);
	assert_int_equal(first_prop(&m, 0, 0), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machine_logs_pass),
		cmocka_unit_test(test_l0_overflow),
		cmocka_unit_test(test_l1_buffered_raise_dropped),
		cmocka_unit_test(test_l1_raise_ignored),
		cmocka_unit_test(test_l2_left_masked),
		cmocka_unit_test(test_l3_not_reported),
		cmocka_unit_test(test_l3_never_retried),
		cmocka_unit_test(test_l3_retried_early),
		cmocka_unit_test(test_l4_backoff_out_of_step),
		cmocka_unit_test(test_l4_no_shrink),
		cmocka_unit_test(test_l5_missing_report),
		cmocka_unit_test(test_l5_double_report),
		cmocka_unit_test(test_l5_wrong_sink),
		cmocka_unit_test(test_l6_dead_sink_holds_line),
		cmocka_unit_test(test_l6_episode_kept_open),
		cmocka_unit_test(test_l7_late_sink_joins_early),
		cmocka_unit_test(test_l7_sink_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
