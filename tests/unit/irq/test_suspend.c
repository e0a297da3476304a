/* SPDX-License-Identifier: MIT */
/*
 * Suspend and resume on the machine (uk_irq_pin_suspend): a line that may
 * not wake the machine is masked with UK_IRQ_MASK_SUSPEND and unmasked at
 * resume; a wake line is left alone; the other mask reasons (service,
 * stall) survive both; non-maskable pins (MSI) are never masked (I7); the
 * invariants hold throughout.
 */
#include "irq_fake.h"

static void test_suspend_masks_only_non_wake(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin a, b;
	fake_init(&f);
	fake_pin(&f, &a, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_pin(&f, &b, 2, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	uk_irq_pin_set_wake(&b, true);
	uk_irq_pin_suspend(&a, true, 10);
	uk_irq_pin_suspend(&b, true, 10);
	assert_int_equal(a.mask, UK_IRQ_MASK_SUSPEND);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(b.mask, 0);
	assert_int_not_equal(f.hwmask[2], 1);
	/* Suspending twice changes nothing more. */
	unsigned calls = f.ncalls;
	uk_irq_pin_suspend(&a, true, 11);
	assert_int_equal(f.ncalls, calls);
	uk_irq_pin_suspend(&a, false, 20);
	uk_irq_pin_suspend(&b, false, 20);
	assert_int_equal(a.mask, 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(b.mask, 0);
	fake_assert_clean(&f, 30);
}

static void test_service_mask_survives_resume(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SERVICE);
	uk_irq_pin_suspend(&pin, true, 5);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_SUSPEND);
	uk_irq_pin_suspend(&pin, false, 6);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SERVICE);
	assert_int_equal(f.hwmask[1], 1); /* still in service: masked until the ACK */
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 7), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 10);
}

/* An ACK while suspended (a driver racing the suspend) ends the episode,
 * but the line stays masked for the suspend. */
static void test_ack_while_suspended_stays_masked(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_pin_suspend(&pin, true, 5);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 7), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SUSPEND);
	assert_int_equal(f.hwmask[1], 1);
	uk_irq_pin_suspend(&pin, false, 8);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 10);
}

static void test_stall_mask_survives_suspend(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_nak(&s, ALL, 1, 1), UK_OK);
	assert_true(pin.stalled);
	uk_irq_pin_suspend(&pin, true, 2);
	uk_irq_pin_suspend(&pin, false, 3);
	assert_int_equal(pin.mask, UK_IRQ_MASK_STALL);
	assert_int_equal(f.hwmask[1], 1);
	fake_tick(&f, &pin, f.timer[1]);
	assert_false(pin.stalled);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, f.timer[1] + 1);
}

/* MSI cannot be masked: suspend leaves it alone (I7), every kind else is
 * masked, and none of it breaks an invariant. */
static void test_msi_never_masked(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin m, p;
	fake_init(&f);
	fake_pin(&f, &m, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_pin(&f, &p, 2, UK_INTC_PLIC, UK_TRIGGER_LEVEL, 0);
	uk_irq_pin_suspend(&m, true, 1);
	uk_irq_pin_suspend(&p, true, 1);
	assert_int_equal(m.mask, 0);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), 0);
	assert_int_equal(p.mask, UK_IRQ_MASK_SUSPEND);
	assert_int_equal(f.hwmask[2], 1);
	uk_irq_pin_suspend(&m, false, 2);
	uk_irq_pin_suspend(&p, false, 2);
	assert_int_equal(f.hwmask[2], 0);
	fake_assert_clean(&f, 3);
}

/* The wake flag can be set and cleared; only the flag at suspend time
 * counts. */
static void test_wake_flag(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin pin;
	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	uk_irq_pin_set_wake(&pin, true);
	assert_true(pin.flags & UK_IRQ_PIN_WAKE);
	uk_irq_pin_set_wake(&pin, false);
	assert_false(pin.flags & UK_IRQ_PIN_WAKE);
	uk_irq_pin_suspend(&pin, true, 1);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SUSPEND);
	uk_irq_pin_suspend(&pin, false, 2);
	uk_irq_pin_set_wake(&pin, true);
	uk_irq_pin_suspend(&pin, true, 3);
	assert_int_equal(pin.mask, 0);
	fake_assert_clean(&f, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suspend_masks_only_non_wake),
		cmocka_unit_test(test_service_mask_survives_resume),
		cmocka_unit_test(test_ack_while_suspended_stays_masked),
		cmocka_unit_test(test_stall_mask_survives_suspend),
		cmocka_unit_test(test_msi_never_masked),
		cmocka_unit_test(test_wake_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
