/* SPDX-License-Identifier: MIT */
/*
 * The ACK timeout: an episode that keeps a sink indefinite longer than the
 * timeout is reported once, naming that sink; the optional policy NAKs on
 * its behalf.
 */
#include "irq_fake.h"

static void test_timeout_reported_once_naming_sink(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.timer[1], UK_IRQ_ACK_TIMEOUT_NS);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 10 * MS), UK_OK);
	fake_tick(&f, &pin, 999 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 0);
	fake_tick(&f, &pin, 1000 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	assert_int_equal(f.report_sink, 2);
	assert_true(b.timed_out);
	assert_false(a.timed_out);
	/* Once per episode: the timer is not re-armed for it. */
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	uk_irq_pin_timer(&pin, 5000 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	/* Without the policy the sink still owes and may answer late. */
	assert_true(b.indefinite);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 5000 * MS), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 5000 * MS);
}

/* Issue 15 defect 3: the deadline wins ties. An ACK at or just after the
 * deadline, before the pin's timer is taken, comes after the report, in the
 * same step; L5 (fake_assert_clean) agrees. A NAK a tick before the deadline
 * is on time. */
static void test_late_ack_comes_after_the_timeout(void **state)
{
	static const uint64_t late[] = {0, 500, 999};
	(void)state;

	for (unsigned i = 0; i < 3; i++) {
		struct fake f;
		struct uk_irq_pin pin;
		struct uk_irq_sink a, b;
		uint64_t dl = UK_IRQ_ACK_TIMEOUT_NS;

		fake_init(&f);
		fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
		fake_sink(&pin, &a, 1);
		fake_sink(&pin, &b, 2);
		uk_irq_pin_raise(&pin, 0);
		assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, dl - 1), UK_OK);
		assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 0);
		assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, dl + late[i]), UK_OK);
		assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
		assert_int_equal(f.report_sink, 2);
		assert_true(b.timed_out);
		assert_false(a.timed_out);
		assert_false(pin.in_service);
		/* The timer, taken late, finds nothing more to report. */
		uk_irq_pin_timer(&pin, dl + 1000);
		assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
		fake_assert_clean(&f, dl + 1000);
	}
}

static void test_no_timeout_when_answered(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 999 * MS), UK_OK);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	uk_irq_pin_timer(&pin, 2000 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 0);
	/* A zero timeout disables the check. */
	f.host.ack_timeout_ns = 0;
	uk_irq_pin_raise(&pin, 3000 * MS);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	uk_irq_pin_timer(&pin, 9000 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 9000 * MS), UK_OK);
	fake_assert_clean(&f, 9000 * MS);
}

static void test_nak_on_behalf_host_policy(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	f.host.flags |= UK_IRQ_HOST_NAK_ON_TIMEOUT;
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	fake_tick(&f, &pin, 1000 * MS);
	/* Both named, both NAKed by the kernel: nobody cared, stall. */
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 2);
	assert_int_equal(a.naks + b.naks, 2);
	assert_true(pin.stalled);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 1001 * MS), UK_EALREADY);
	fake_tick(&f, &pin, 1100 * MS);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 1100 * MS);
}

static void test_nak_on_behalf_pin_policy(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_pin_config cfg = { .id = 1, .trigger = UK_TRIGGER_LEVEL,
					 .flags = UK_IRQ_PIN_NAK_ON_TIMEOUT };
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.ioapic, &cfg), UK_OK);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	fake_tick(&f, &pin, 1000 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	assert_int_equal(f.report_sink, UINT32_MAX); /* the nobody-cared report came last */
	assert_int_equal(b.naks, 1);
	assert_true(pin.stalled);
	assert_int_equal(f.hwmask[1], 1);
	fake_assert_clean(&f, 1000 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_reported_once_naming_sink),
		cmocka_unit_test(test_late_ack_comes_after_the_timeout),
		cmocka_unit_test(test_no_timeout_when_answered),
		cmocka_unit_test(test_nak_on_behalf_host_policy),
		cmocka_unit_test(test_nak_on_behalf_pin_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
