/* SPDX-License-Identifier: MIT */
/*
 * Invariants I1..I10: each one broken on purpose in a pin's state must be
 * found by the on-demand check, and, in checking builds, reported by the
 * next transition with the invariant, the pin and the transition's name.
 */
#include "irq_fake.h"

#include "irq/irq_internal.h"

#include <string.h>

struct world {
	struct fake f;
	struct uk_irq_pin level, msi;
	struct uk_irq_sink a, b, m;
};

static void world_init(struct world *w)
{
	fake_init(&w->f);
	fake_pin(&w->f, &w->level, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_pin(&w->f, &w->msi, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&w->level, &w->a, 1);
	fake_sink(&w->level, &w->b, 2);
	fake_sink(&w->msi, &w->m, 3);
	for (unsigned inv = 1; inv <= 10; inv++)
		assert_false(irq_check_one(&w->level, inv, NULL));
}

static void expect(struct world *w, struct uk_irq_pin *pin, unsigned inv)
{
	struct uk_irq_violation v;

	assert_true(irq_check_one(pin, inv, &v));
	assert_int_equal(v.inv, inv);
	assert_int_equal(v.pin, pin->id);
	assert_non_null(v.what);
	assert_int_not_equal(uk_irq_pin_check(pin, NULL), 0);
#ifdef UK_CHECKING
	/* The next transition reports it, naming the pin and the transition. */
	unsigned before = w->f.violations;
	uk_irq_pin_timer(pin, 0);
	assert_true(w->f.violations > before);
	assert_string_equal(w->f.violation.transition, "timer");
	assert_int_equal(w->f.violation.pin, pin->id);
#else
	(void)w;
#endif
}

static void test_i1(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.level, 0);
	w.level.owed++;
	expect(&w, &w.level, 1);
}

static void test_i2(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	w.a.indefinite = true;
	w.level.owed = 1;
	expect(&w, &w.level, 2);
}

static void test_i3(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	w.level.buffered = true;
	expect(&w, &w.level, 3);
}

static void test_i4(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.level, 0);
	/* In service on a level pin but not masked for it (chip agrees). */
	w.level.mask = 0;
	w.level.hw_masked = false;
	w.f.hwmask[1] = 0;
	expect(&w, &w.level, 4);
}

static void test_i5(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	w.msi.buffered = true;
	expect(&w, &w.msi, 5);
}

static void test_i6(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.msi, 0);
	uk_irq_sink_nak(&w.m, ALL, 1, 0);
	assert_true(w.msi.stalled);
	w.msi.handled = true;
	expect(&w, &w.msi, 6);
}

static void test_i6_retry_not_armed(void **state)
{
	struct world w;
	struct uk_irq_violation v;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.msi, 0);
	uk_irq_sink_nak(&w.m, ALL, 1, 0);
	w.msi.retry_ns = UK_IRQ_NEVER;
	assert_true(irq_check_one(&w.msi, 6, &v));
	assert_string_equal(v.what, "stalled without a retry armed");
}

static void test_i7(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	w.msi.mask = UK_IRQ_MASK_STALL;
	expect(&w, &w.msi, 7);
}

static void test_i8(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	w.f.lie_about_mask = true; /* the controller disagrees with the kernel */
	expect(&w, &w.level, 8);
}

static void test_i9(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.level, 0);
	w.b.seq++; /* skipped a number */
	expect(&w, &w.level, 9);
}

static void test_i9_answered_and_owing(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.level, 0);
	w.a.answered = true;
	expect(&w, &w.level, 9);
}

static void test_i10(void **state)
{
	struct world w;
	(void)state;
	world_init(&w);
	uk_irq_pin_raise(&w.level, 0);
	w.level.eois--; /* a delivery without its EOI */
	expect(&w, &w.level, 10);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(uk_irq_invariant_name(0), "I?");
	assert_string_equal(uk_irq_invariant_name(11), "I?");
	for (unsigned i = 1; i <= 10; i++)
		assert_true(uk_irq_invariant_name(i)[0] == 'I');
	assert_false(irq_check_one(NULL, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i1), cmocka_unit_test(test_i2),
		cmocka_unit_test(test_i3), cmocka_unit_test(test_i4),
		cmocka_unit_test(test_i5), cmocka_unit_test(test_i6),
		cmocka_unit_test(test_i6_retry_not_armed), cmocka_unit_test(test_i7),
		cmocka_unit_test(test_i8), cmocka_unit_test(test_i9),
		cmocka_unit_test(test_i9_answered_and_owing), cmocka_unit_test(test_i10),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
