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

/* The one-pass check that runs after every transition must say exactly
 * what the ten single checks say: scramble a pin's fields at random
 * (xorshift, fixed seed) and compare, invariant by invariant. */
static uint64_t xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_one_pass_agrees(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned seen[11] = {0};
	(void)state;
	for (unsigned round = 0; round < 20000; round++) {
		struct world w;
		world_init(&w);
		struct uk_irq_pin *p = (xs(&x) & 1) ? &w.level : &w.msi;
		struct uk_irq_sink *s = p == &w.level ? ((xs(&x) & 1) ? &w.a : &w.b) : &w.m;
		uint64_t r = xs(&x);
		p->in_service = r & 1;
		p->buffered = (r >> 1 & 7) == 0;
		p->stalled = (r >> 4 & 7) == 0;
		p->handled = (r >> 7 & 3) == 0;
		p->mask = (r >> 9 & 1) ? (uint32_t)(xs(&x) & 0xff) : 0;
		p->hw_masked = (r >> 10 & 1) ? p->mask != 0 : (r >> 11 & 1);
		p->owed = (uint32_t)(r >> 12 & 3);
		p->episode = r >> 14 & 3;
		p->retry_ns = (r >> 16 & 1) ? UK_IRQ_NEVER : (r >> 17 & 255);
		p->timer_ns = r >> 25 & 255;
		p->deliveries = r >> 33 & 1;
		p->eois = r >> 34 & 1;
		p->ends = r >> 35 & 1;
		p->eoss = r >> 36 & 1;
		if ((r >> 37 & 3) == 0)
			p->nsinks++;
		s->indefinite = r >> 39 & 1;
		s->answered = (r >> 40 & 3) == 0;
		s->seq = r >> 42 & 3;
		s->join_seq = r >> 44 & 1;
		s->join_episode = r >> 45 & 1;
		uint32_t want = 0;
		for (unsigned inv = 1; inv <= 10; inv++) {
			if (irq_check_one(p, inv, NULL)) {
				want |= UK_IRQ_INV(inv);
				seen[inv]++;
			}
		}
		assert_int_equal(irq_check_broken(p), want);
		assert_int_equal(uk_irq_pin_check(p, NULL) != 0, want != 0);
	}
	/* The scrambling reached every invariant, broken and whole. */
	for (unsigned inv = 1; inv <= 10; inv++) {
		assert_true(seen[inv] > 0);
		assert_true(seen[inv] < 20000);
	}
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
		cmocka_unit_test(test_names), cmocka_unit_test(test_one_pass_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
