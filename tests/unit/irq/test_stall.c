/* SPDX-License-Identifier: MIT */
/*
 * The NAK stall: reported once, masked where maskable, retried after
 * 100 ms doubling to 12.8 s, shortened by handled episodes, cleared by a
 * kick, and the same on every pin type, MSI included.
 */
#include "irq_fake.h"

struct kind_case {
	enum uk_intc_kind kind;
	enum uk_trigger trig;
	bool maskable;
	bool eos;
};

static const struct kind_case kinds[] = {
	{ UK_INTC_IOAPIC, UK_TRIGGER_EDGE, true, false },
	{ UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, true, false },
	{ UK_INTC_MSI, UK_TRIGGER_EDGE, false, false },
	{ UK_INTC_PLIC, UK_TRIGGER_LEVEL, true, true },
};

static void test_all_nak_stalls_and_retries_every_type(void **state)
{
	(void)state;
	for (unsigned k = 0; k < 4; k++) {
		struct fake f;
		struct uk_irq_pin pin;
		struct uk_irq_sink a, b;

		fake_init(&f);
		fake_pin(&f, &pin, 1, kinds[k].kind, kinds[k].trig, 0);
		fake_sink(&pin, &a, 1);
		fake_sink(&pin, &b, 2);
		uk_irq_pin_raise(&pin, 0);
		assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 10), UK_OK);
		assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
		assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 10), UK_OK);
		assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
		assert_int_equal(f.report_sink, UINT32_MAX);
		assert_true(pin.stalled);
		assert_true(pin.in_service);
		assert_int_equal(f.hwmask[1], kinds[k].maskable ? 1 : -1);
		assert_int_equal(f.timer[1], 10 + 100 * MS);
		/* Early timer calls change nothing. */
		uk_irq_pin_timer(&pin, 50 * MS);
		assert_true(pin.stalled);
		fake_tick(&f, &pin, 10 + 100 * MS);
		assert_false(pin.stalled);
		assert_false(pin.in_service);
		assert_int_equal(f.hwmask[1], kinds[k].maskable ? 0 : -1);
		assert_int_equal(fake_count(&f, FAKE_EOS, 1), kinds[k].eos ? 1 : 0);
		assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
		assert_int_equal(f.timer[1], UK_IRQ_NEVER);
		fake_assert_clean(&f, 200 * MS);
	}
}

static void stall_once(struct fake *f, struct uk_irq_pin *pin, struct uk_irq_sink *s,
		       uint64_t *now)
{
	uk_irq_pin_raise(pin, *now);
	assert_int_equal(uk_irq_sink_nak(s, ALL, s->seq, *now), UK_OK);
	assert_true(pin->stalled);
	*now = f->timer[pin->id];
	fake_tick(f, pin, *now);
	assert_false(pin->stalled);
}

static void test_backoff_doubles_and_shrinks(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	uint64_t now = 0, last = 0;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	for (unsigned i = 0; i < 10; i++) {
		uint64_t start = now;
		stall_once(&f, &pin, &s, &now);
		uint64_t want = 100 * MS << (i < 7 ? i : 7);
		assert_int_equal(now - start, want);
		last = want;
	}
	assert_int_equal(last, 12800 * MS);
	assert_int_equal(pin.backoff, UK_IRQ_STALL_MAX_STEP);
	/* Each handled episode shortens the backoff one step. */
	for (unsigned i = 0; i < 2; i++) {
		uk_irq_pin_raise(&pin, now);
		assert_int_equal(uk_irq_sink_ack(&s, ALL, s.seq, now), UK_OK);
	}
	uint64_t start = now;
	stall_once(&f, &pin, &s, &now);
	assert_int_equal(now - start, 3200 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 11);
	fake_assert_clean(&f, now);
}

static void test_kick_clears_stall(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_nak(&s, ALL, 1, 0);
	assert_true(pin.stalled);
	assert_int_equal(uk_irq_sink_kick(&s, ALL, false, 5 * MS), UK_OK);
	assert_false(pin.stalled);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(pin.backoff, 0); /* 1 after the stall, shortened by the kick */
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	fake_assert_clean(&f, 500 * MS);
}

static void test_msi_raise_during_stall_is_redelivered(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_nak(&s, ALL, 1, 0);
	assert_int_equal(uk_irq_pin_raise(&pin, 1 * MS), UK_IRQ_RAISE_BUFFERED);
	assert_int_equal(s.seq, 1);
	fake_tick(&f, &pin, 100 * MS);
	/* The stall ended and the buffered message started a new episode. */
	assert_int_equal(s.seq, 2);
	assert_true(s.indefinite);
	assert_false(pin.stalled);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 2, 100 * MS), UK_OK);
	fake_assert_clean(&f, 100 * MS);
}

static void test_no_sink_raise_not_lost(void **state)
{
	struct fake f;
	struct uk_irq_pin edge, level;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &edge, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_pin(&f, &level, 2, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	uk_irq_pin_raise(&edge, 0);
	uk_irq_pin_raise(&level, 0);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 2);
	assert_true(edge.stalled);
	/* The driver shows up late. */
	fake_sink(&edge, &a, 1);
	fake_sink(&level, &b, 2);
	fake_tick(&f, &edge, 100 * MS);
	fake_tick(&f, &level, 100 * MS);
	/* Edge: the kernel re-delivers the raise it kept. */
	assert_int_equal(a.seq, 1);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 0), 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 100 * MS), UK_OK);
	/* Level: unmasked; the still-asserted line raises again by itself. */
	assert_int_equal(f.hwmask[2], 0);
	assert_int_equal(b.seq, 0);
	uk_irq_pin_raise(&level, 100 * MS);
	assert_int_equal(uk_irq_sink_poll(&b, ALL, 0), 1);
	fake_assert_clean(&f, 100 * MS);
}

static void test_retry_that_fails_again_backs_off(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	uk_irq_pin_raise(&pin, 0);
	/* Nobody ever attaches: the kept raise is re-delivered and stalls again,
	 * each time reported once and retried later. */
	fake_tick(&f, &pin, 100 * MS);
	assert_true(pin.stalled);
	assert_int_equal(f.timer[1], 300 * MS);
	fake_tick(&f, &pin, 300 * MS);
	assert_int_equal(f.timer[1], 700 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 3);
	fake_assert_clean(&f, 700 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_nak_stalls_and_retries_every_type),
		cmocka_unit_test(test_backoff_doubles_and_shrinks),
		cmocka_unit_test(test_kick_clears_stall),
		cmocka_unit_test(test_msi_raise_during_stall_is_redelivered),
		cmocka_unit_test(test_no_sink_raise_not_lost),
		cmocka_unit_test(test_retry_that_fails_again_backs_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
