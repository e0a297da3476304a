/* SPDX-License-Identifier: MIT */
/*
 * The nine race cases of issue 5, at the state-machine level. The "device"
 * is played by the test: it decides when the line is asserted, and a level
 * line that is still asserted when unmasked raises again (as the IOAPIC).
 */
#include "irq_fake.h"

#include <string.h>

/* A level line as the controller sees it: raise again on unmask while asserted. */
static void level_redeliver(struct fake *f, struct uk_irq_pin *pin, bool asserted, uint64_t now)
{
	if (asserted && f->hwmask[pin->id] == 0 && !pin->in_service)
		uk_irq_pin_raise(pin, now);
}

/* 1. A stale ACK on a shared level line is rejected and changes nothing. */
static void test_race_stale_ack_shared_level(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, snap;
	struct uk_irq_sink a, b;
	bool dev_a = true, dev_b = true;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	dev_a = false; /* driver A clears its device and ACKs */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	level_redeliver(&f, &pin, dev_a || dev_b, 0); /* B's device still asserts */
	assert_int_equal(b.seq, 2);
	memcpy(&snap, &pin, sizeof(pin));
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_ESTALE); /* B was slow */
	assert_memory_equal(&snap, &pin, sizeof(pin));
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(uk_irq_sink_poll(&b, ALL, 1), 2);
	dev_b = false;
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 2, 0), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_false(dev_a || dev_b);
	fake_assert_clean(&f, 0);
}

/* 2. An edge that comes after the driver cleared the device but before its
 * ACK is not lost: it is re-delivered when the episode ends. */
static void test_race_edge_after_clear_before_ack(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	/* driver: read + clear status; the device raises a new edge now */
	assert_int_equal(uk_irq_pin_raise(&pin, 1), UK_IRQ_RAISE_BUFFERED);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 2), UK_OK);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 1), 2);
	assert_true(s.indefinite);
	fake_assert_clean(&f, 2);
}

/* 3. A level line ACKed before the device was cleared raises again; the
 * driver finds nothing, NAKs: one stall, one report, retry after 100 ms. */
static void test_race_level_ack_before_clear(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	bool line = true;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 0), UK_OK); /* bug in the driver */
	level_redeliver(&f, &pin, line, 0);
	line = false; /* now it clears the device */
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 1), 2);
	assert_int_equal(uk_irq_sink_nak(&s, ALL, 2, 0), UK_OK); /* nothing pending */
	assert_true(pin.stalled);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	assert_int_equal(f.timer[1], 100 * MS);
	fake_tick(&f, &pin, 99 * MS);
	assert_true(pin.stalled);
	fake_tick(&f, &pin, 100 * MS);
	assert_false(pin.stalled);
	assert_int_equal(f.hwmask[1], 0);
	level_redeliver(&f, &pin, line, 100 * MS);
	assert_false(pin.in_service);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	fake_assert_clean(&f, 100 * MS);
}

/* 4. A device reset leaves a spurious assertion the driver cannot claim;
 * the driver knows it reset the device and recovers the line with a kick. */
static void test_race_reset_spurious_recovered_by_kick(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0); /* left over from the reset */
	assert_int_equal(uk_irq_sink_nak(&s, ALL, 1, 0), UK_OK); /* "not mine" */
	assert_true(pin.stalled);
	/* Reset done, line quiet: kick instead of waiting for the retry. */
	assert_int_equal(uk_irq_sink_kick(&s, ALL, false, 1 * MS), UK_OK);
	assert_false(pin.stalled);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	/* Same with kick|clear before answering: counts as the driver's ACK. */
	uk_irq_pin_raise(&pin, 2 * MS);
	assert_int_equal(uk_irq_sink_kick(&s, ALL, true, 2 * MS), UK_OK);
	assert_int_equal(s.acks, 1);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 2 * MS);
}

/* 5. A sink attached during an episode stands by until the next one. */
static void test_race_attach_during_episode(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, late;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_PLIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_init(&late, 2);
	assert_int_equal(uk_irq_sink_attach(&pin, &late, 0), UK_OK);
	assert_int_equal(uk_irq_sink_poll(&late, ALL, 0), UK_EAGAIN);
	assert_int_equal(uk_irq_sink_ack(&late, ALL, 0, 0), UK_ESTALE);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	assert_true(pin.stalled); /* the newcomer did not count */
	fake_tick(&f, &pin, 100 * MS);
	uk_irq_pin_raise(&pin, 100 * MS);
	assert_int_equal(uk_irq_sink_poll(&late, ALL, 0), 1);
	assert_int_equal(uk_irq_sink_ack(&late, ALL, 1, 100 * MS), UK_OK);
	fake_assert_clean(&f, 100 * MS);
}

/* 6. A sink detached while it owes an answer counts as a NAK. */
static void test_race_detach_owing(void **state)
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
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_detach(&b, 0), UK_OK); /* process died */
	assert_int_equal(pin.owed, 0);
	assert_true(pin.stalled);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	fake_tick(&f, &pin, 100 * MS);
	/* With a survivor that ACKs, the dead one's NAK does not matter. */
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_attach(&pin, &b, 100 * MS), UK_OK);
	uk_irq_pin_raise(&pin, 100 * MS);
	assert_int_equal(uk_irq_sink_detach(&b, 100 * MS), UK_OK);
	assert_true(pin.in_service);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 100 * MS), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 100 * MS);
}

/* 7. MSI: every sink NAKs; real MSIs afterwards recover (no stuck vector). */
static void test_race_msi_all_nak_then_recover(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_nak(&a, ALL, 1, 0);
	uk_irq_sink_nak(&b, ALL, 1, 0);
	assert_true(pin.stalled);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), 0);
	/* A real MSI during the stall is kept... */
	assert_int_equal(uk_irq_pin_raise(&pin, 10 * MS), UK_IRQ_RAISE_BUFFERED);
	fake_tick(&f, &pin, 100 * MS);
	/* ...and delivered when the stall ends. */
	assert_int_equal(a.seq, 2);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 2, 100 * MS), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 2, 100 * MS), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(pin.backoff, 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(uk_irq_pin_raise(&pin, 200 * MS), UK_IRQ_RAISE_STARTED);
		uk_irq_sink_nak(&a, ALL, a.seq, 200 * MS);
		uk_irq_sink_ack(&b, ALL, b.seq, 200 * MS);
	}
	assert_int_equal(b.seq, 5);
	fake_assert_clean(&f, 200 * MS);
}

/* 8. wait with a sequence from the future is an error, not an assert. */
static void test_race_wait_future_seq(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 5), UK_EFUTURE);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 2), UK_EFUTURE);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, UINT64_MAX), UK_EFUTURE);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 1);
	assert_true(s.indefinite);
	fake_assert_clean(&f, 0);
}

/* 9. An asserted level line with no sink: reported, stalled, retried with
 * backoff; the driver that attaches later gets it. */
static void test_race_asserted_level_no_sink(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	bool line = true;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	uk_irq_pin_raise(&pin, 0);
	assert_true(pin.stalled);
	assert_int_equal(f.hwmask[1], 1);
	fake_tick(&f, &pin, 100 * MS);
	level_redeliver(&f, &pin, line, 100 * MS); /* still asserted, nobody again */
	assert_true(pin.stalled);
	assert_int_equal(f.timer[1], 300 * MS);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 2);
	uk_irq_sink_init(&s, 1);
	assert_int_equal(uk_irq_sink_attach(&pin, &s, 150 * MS), UK_OK);
	fake_tick(&f, &pin, 300 * MS);
	level_redeliver(&f, &pin, line, 300 * MS);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 1);
	line = false;
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 300 * MS), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(pin.backoff, 1);
	fake_assert_clean(&f, 300 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_race_stale_ack_shared_level),
		cmocka_unit_test(test_race_edge_after_clear_before_ack),
		cmocka_unit_test(test_race_level_ack_before_clear),
		cmocka_unit_test(test_race_reset_spurious_recovered_by_kick),
		cmocka_unit_test(test_race_attach_during_episode),
		cmocka_unit_test(test_race_detach_owing),
		cmocka_unit_test(test_race_msi_all_nak_then_recover),
		cmocka_unit_test(test_race_wait_future_seq),
		cmocka_unit_test(test_race_asserted_level_no_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
