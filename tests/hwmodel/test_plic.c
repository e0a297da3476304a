/* SPDX-License-Identifier: MIT */
/* The PLIC-like claim/complete controller. */
#include "hwtest.h"

#define PL 2u

static struct hwt *plic_machine(void)
{
	return hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .plic_sources = 16});
}

START_TEST(claim_complete_cycle)
{
	struct hwt *x = plic_machine();
	struct hw_intc_info info;
	ck_assert_int_eq(hw_intc_info(x->m, PL, &info), HW_OK);
	ck_assert_int_eq(info.kind, HW_INTC_PLIC);
	ck_assert_uint_eq(info.pins, 17);
	ck_assert_int_eq(hw_intc_find(x->m, HW_INTC_PLIC), 2);
	ck_assert_int_eq(hw_intc_route(x->m, PL, 5, 0x80, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 HW_OK);
	ck_assert(hw_intc_masked(x->m, PL, 5)); /* routing leaves the mask as it was */
	hw_intc_mask(x->m, PL, 5, false, 0);
	hw_intc_set_line(x->m, PL, 5, true, 1);
	ck_assert(hw_plic_pending(x->m, 5));
	ck_assert(hw_lapic_irr(x->m, 1, 0x80));
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 1, 2), 5);
	ck_assert(!hw_plic_pending(x->m, 5));
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 1, 3), HW_EAGAIN);
	/* Still asserted at completion: pending again. */
	ck_assert_int_eq(hw_intc_eoi(x->m, PL, 5, 4), HW_OK);
	ck_assert(hw_plic_pending(x->m, 5));
	hw_intc_set_line(x->m, PL, 5, false, 5);
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 1, 6), 5);
	hw_intc_eoi(x->m, PL, 5, 7);
	ck_assert(!hw_plic_pending(x->m, 5));
	hwt_free(x);
}
END_TEST

START_TEST(completion_for_disabled_source_is_ignored)
{
	struct hwt *x = plic_machine();
	hw_intc_route(x->m, PL, 3, 0x81, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(x->m, PL, 3, false, 0);
	hw_intc_set_line(x->m, PL, 3, true, 1);
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 2), 3);
	/* The kernel masks (disables) in service, handles, then completes. */
	hw_intc_mask(x->m, PL, 3, true, 3);
	hw_intc_set_line(x->m, PL, 3, false, 4);
	ck_assert_int_eq(hw_intc_eoi(x->m, PL, 3, 5), HW_OK); /* silently ignored */
	struct hw_intc_stats st;
	hw_intc_stats(x->m, PL, 3, &st);
	ck_assert_uint_eq(st.ignored, 1);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_PLIC_IGNORED);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->b, 3);
	/* The source is stuck: re-enabled and asserted, it never pends. */
	hw_intc_mask(x->m, PL, 3, false, 6);
	hw_intc_set_line(x->m, PL, 3, true, 7);
	ck_assert(!hw_plic_pending(x->m, 3));
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 8), HW_EAGAIN);
	/* A completion while enabled finally frees it. */
	hw_intc_eoi(x->m, PL, 3, 9);
	ck_assert(hw_plic_pending(x->m, 3));
	hwt_free(x);
}
END_TEST

START_TEST(priority_threshold_and_enables)
{
	struct hwt *x = plic_machine();
	hw_intc_route(x->m, PL, 1, 0x82, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_route(x->m, PL, 2, 0x82, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(x->m, PL, 1, false, 0);
	hw_intc_mask(x->m, PL, 2, false, 0);
	hw_plic_set_priority(x->m, 2, 5, 0);
	hw_intc_set_line(x->m, PL, 1, true, 0);
	hw_intc_set_line(x->m, PL, 2, true, 0);
	hw_plic_set_threshold(x->m, 0, 5, 0);
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 1), HW_EAGAIN); /* both at or below 5 */
	hw_plic_set_threshold(x->m, 0, 0, 1);
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 2), 2); /* higher priority first */
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 3), 1);
	/* Context 1 has nothing enabled. */
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 1, 4), HW_EAGAIN);
	ck_assert_int_eq(hw_plic_set_priority(x->m, 0, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(x->m, PL, 0, 0x82, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	hwt_free(x);
}
END_TEST

START_TEST(registers_claim_and_complete)
{
	struct hwt *x = plic_machine();
	struct hw_machine *m = x->m;
	uint64_t v;
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + 4 * 7, 4, 3);              /* priority */
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + HW_PLIC_ENABLE, 4, 1u << 7); /* ctx 0 */
	hw_intc_set_line(m, PL, 7, true, 0);
	hw_mmio_read(m, 0, 0, HW_PLIC_BASE + HW_PLIC_PENDING, 4, &v);
	ck_assert_uint_eq(v, 1u << 7);
	hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, &v);
	ck_assert_uint_eq(v, 7);
	hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, &v);
	ck_assert_uint_eq(v, 0);
	hw_intc_set_line(m, PL, 7, false, 2);
	hw_mmio_write(m, 0, 3, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, 7);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_DONE), 1);
	/* The threshold register: at the source's priority, nothing is claimed;
	 * below it, the source is. */
	hw_mmio_write(m, 0, 4, HW_PLIC_BASE + HW_PLIC_CONTEXT, 4, 3);
	hw_intc_set_line(m, PL, 7, true, 5);
	hw_mmio_read(m, 0, 6, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, &v);
	ck_assert_uint_eq(v, 0);
	hw_mmio_write(m, 0, 7, HW_PLIC_BASE + HW_PLIC_CONTEXT, 4, 2);
	hw_mmio_read(m, 0, 8, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, &v);
	ck_assert_uint_eq(v, 7);
	hwt_free(x);
}
END_TEST

START_TEST(edge_source_while_claimed_is_lost)
{
	struct hwt *x = plic_machine();
	hw_intc_route(x->m, PL, 4, 0x83, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_intc_mask(x->m, PL, 4, false, 0);
	hw_intc_pulse(x->m, PL, 4, 1);
	ck_assert_int_eq(hw_intc_claim(x->m, PL, 0, 2), 4);
	hw_intc_pulse(x->m, PL, 4, 3);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, PL, 4, &st);
	ck_assert_uint_eq(st.dropped, 1);
	hw_intc_eoi(x->m, PL, 4, 4);
	ck_assert(!hw_plic_pending(x->m, 4));
	hwt_free(x);
}
END_TEST

/* The highest source (16 of 16) shows in the pending register like any other. */
START_TEST(pending_register_covers_the_last_source)
{
	struct hwt *x = plic_machine();
	struct hw_machine *m = x->m;
	uint64_t v;
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + 4 * 16, 4, 1); /* priority */
	hw_intc_set_line(m, PL, 16, true, 0);
	hw_intc_set_line(m, PL, 1, true, 0);
	hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_PENDING, 4, &v);
	ck_assert_uint_eq(v, (1u << 16) | (1u << 1));
	hwt_free(x);
}
END_TEST

/* The enable registers: one 32-bit word per 32 sources, one 0x80-byte
 * window per context. Every bit of a word is its own source, and a word
 * changes nothing outside it; the last context's last word is inside the
 * window. Read back through the same registers and seen by a claim. */
static uint32_t enable_word(struct hw_machine *m, unsigned ctx, unsigned word)
{
	uint64_t v;
	hw_mmio_read(m, 0, 0, HW_PLIC_BASE + HW_PLIC_ENABLE + 0x80ull * ctx + 4 * word, 4, &v);
	return (uint32_t)v;
}

START_TEST(enable_words_cover_every_bit_and_context)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 4, .plic_sources = 1023});
	struct hw_machine *m = x->m;
	const uint64_t en = HW_PLIC_BASE + HW_PLIC_ENABLE;
	uint64_t v;

	/* Bits 0 and 31 of a word: sources 32 and 63 (word 1), and source 31. */
	hw_mmio_write(m, 0, 0, en + 4, 4, 1u | (1u << 31));
	ck_assert_uint_eq(enable_word(m, 0, 1), 1u | (1u << 31));
	hw_mmio_write(m, 0, 0, en, 4, 1u << 31);
	ck_assert_uint_eq(enable_word(m, 0, 0), 1u << 31);
	/* Writing word 0 leaves word 1 alone, whatever its bit 0 says. */
	hw_mmio_write(m, 0, 0, en, 4, 0);
	ck_assert_uint_eq(enable_word(m, 0, 1), 1u | (1u << 31));
	hw_mmio_write(m, 0, 0, en, 4, 0xffffffffu);
	ck_assert_uint_eq(enable_word(m, 0, 0), 0xfffffffeu); /* source 0 does not exist */
	ck_assert_uint_eq(enable_word(m, 0, 1), 1u | (1u << 31));
	hw_mmio_write(m, 0, 0, en + 4, 4, 0);
	ck_assert_uint_eq(enable_word(m, 0, 1), 0);
	ck_assert_uint_eq(enable_word(m, 0, 0), 0xfffffffeu);

	/* The pending registers: source 32 is bit 0 of word 1, nothing of word 0 */
	uint64_t pend;
	hw_intc_set_line(m, PL, 32, true, 1);
	hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_PENDING, 4, &pend);
	ck_assert_uint_eq(pend, 0);
	hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_PENDING + 4, 4, &pend);
	ck_assert_uint_eq(pend, 1);

	/* The last word of the last context: sources 992..1023 of context 3. */
	hw_mmio_write(m, 0, 0, en + 0x80 * 3 + 0x7c, 4, (1u << 8) | (1u << 31));
	ck_assert_uint_eq(enable_word(m, 3, 31), (1u << 8) | (1u << 31)); /* 1000 and 1023 */
	ck_assert_uint_eq(enable_word(m, 2, 31), 0);
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + 4 * 1000, 4, 5); /* priority */
	hw_intc_set_line(m, PL, 1000, true, 1);
	hw_mmio_read(m, 0, 2, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 * 3 + 4, 4, &v);
	ck_assert_uint_eq(v, 1000);
	/* the last byte of the pending window: sources 1016..1023 */
	hw_intc_set_line(m, PL, 1020, true, 3);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_PENDING + 0x7c, 4, 3), 1u << 28);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_PENDING + 0x7f, 1, 3), 1u << 4);
	hwt_free(x);
}
END_TEST

/* Every entry point refuses a source, context, priority or threshold that
 * does not exist, and changes nothing; source 1, the first that does, works. */
START_TEST(argument_checks)
{
	struct hwt *x = plic_machine(); /* 2 contexts, 16 sources */
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_plic_set_priority(m, 0, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_priority(m, 17, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_priority(m, 1, 8, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_priority(m, 16, 7, 0), HW_OK);
	ck_assert_int_eq(hw_plic_set_priority(m, 1, 7, 0), HW_OK);
	ck_assert_int_eq(hw_plic_set_enable(m, 2, 1, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_enable(m, 0, 0, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_enable(m, 0, 17, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_threshold(m, 2, 0, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_threshold(m, 0, 8, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_threshold(m, 1, 7, 0), HW_OK);
	ck_assert_int_eq(hw_plic_set_threshold(m, 1, 0, 0), HW_OK);
	ck_assert_int_eq(hw_intc_complete(m, PL, 2, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 0, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 17, 0), HW_EINVAL);
	/* the completion register: source 0 or 17 is no completion at all */
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, 0);
	hw_mmio_write(m, 0, 0, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, 17);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_IGNORED), 0);
	/* source 1: pending, claimed on context 1, completed */
	ck_assert_int_eq(hw_plic_set_enable(m, 1, 1, true, 0), HW_OK);
	hw_intc_set_line(m, PL, 1, true, 1);
	ck_assert(hw_plic_pending(m, 1));
	ck_assert(!hw_plic_pending(m, 0));
	ck_assert(!hw_plic_pending(m, 17));
	uint64_t claimed;
	hw_mmio_read(m, 0, 2, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 + 4, 4, &claimed);
	ck_assert_uint_eq(claimed, 1); /* claimed through context 1's register */
	hw_intc_set_line(m, PL, 1, false, 3);
	ck_assert_int_eq(hw_intc_complete(m, PL, 1, 1, 4), HW_OK);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_DONE), 1);
	/* a pending source of priority 0 is never delivered; giving it a
	 * priority delivers it at once */
	hw_intc_route(m, PL, 5, 0x80, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 5);
	hw_intc_mask(m, PL, 5, false, 5);
	ck_assert_int_eq(hw_plic_set_priority(m, 5, 0, 5), HW_OK);
	hw_intc_set_line(m, PL, 5, true, 5);
	ck_assert(hw_plic_pending(m, 5));
	ck_assert(!hw_lapic_irr(m, 1, 0x80));
	ck_assert_int_eq(hw_plic_set_priority(m, 5, 3, 5), HW_OK);
	ck_assert(hw_lapic_irr(m, 1, 0x80));
	ck_assert_int_eq(hw_intc_claim(m, PL, 1, 5), 5);
	hw_intc_set_line(m, PL, 5, false, 5);
	ck_assert_int_eq(hw_intc_complete(m, PL, 1, 5, 5), HW_OK);
	/* source 16, the last: the same, on context 0 */
	ck_assert_int_eq(hw_plic_set_enable(m, 0, 16, true, 5), HW_OK);
	hw_intc_set_line(m, PL, 16, true, 5);
	ck_assert(hw_plic_pending(m, 16));
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 6), 16);
	hw_intc_set_line(m, PL, 16, false, 7);
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 16, 8), HW_OK);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_DONE), 3);
	hwt_free(x);
}
END_TEST

/* The LAPIC takes a vector and finishes with it (accept and EOI): its IRR
 * bit is free to show the next delivery. */
static void lapic_take(struct hw_machine *m, unsigned cpu, unsigned vector)
{
	ck_assert_uint_eq(hw_lapic_accept(m, cpu, 0), vector);
	ck_assert_int_eq(hw_lapic_eoi(m, cpu, 0), (int)vector);
}

static uint64_t plic_delivered(struct hw_machine *m)
{
	struct hw_intc_stats st;
	ck_assert_int_eq(hw_intc_stats(m, PL, ~0u, &st), HW_OK);
	return st.delivered;
}

/* A context sends its CPU one vector per claim: nothing while nothing is
 * claimable, the best source's vector when one becomes claimable (a line,
 * a claim that leaves another, a completion that pends again, a lower
 * threshold, a route to another CPU), and nothing more until the next
 * claim. */
START_TEST(one_vector_per_claim)
{
	struct hwt *x = plic_machine();
	struct hw_machine *m = x->m;
	hw_intc_route(m, PL, 3, 0x83, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_route(m, PL, 4, 0x44, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(m, PL, 3, false, 0);
	hw_intc_mask(m, PL, 4, false, 0);
	hw_plic_set_priority(m, 3, 2, 0);
	hw_plic_set_priority(m, 4, 1, 0);
	ck_assert_uint_eq(plic_delivered(m), 0); /* nothing claimable yet */
	hw_intc_set_line(m, PL, 3, true, 1);
	ck_assert(hw_lapic_irr(m, 0, 0x83));
	ck_assert_uint_eq(plic_delivered(m), 1);
	lapic_take(m, 0, 0x83);
	hw_intc_set_line(m, PL, 4, true, 2); /* already notified for this claim */
	ck_assert(!hw_lapic_irr(m, 0, 0x44));
	ck_assert_uint_eq(plic_delivered(m), 1);
	/* the claim of 3 leaves 4: its vector goes out */
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 3), 3);
	ck_assert(hw_lapic_irr(m, 0, 0x44));
	ck_assert_uint_eq(plic_delivered(m), 2);
	lapic_take(m, 0, 0x44);
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 4), 4);
	ck_assert_uint_eq(plic_delivered(m), 2);
	/* 3 completed with its line still up: pending again, and sent */
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 3, 5), HW_OK);
	ck_assert(hw_plic_pending(m, 3));
	ck_assert(hw_lapic_irr(m, 0, 0x83));
	ck_assert_uint_eq(plic_delivered(m), 3);
	lapic_take(m, 0, 0x83);
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 6), 3);
	hw_intc_set_line(m, PL, 3, false, 6);
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 3, 6), HW_OK);
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 6), HW_EAGAIN);

	/* a threshold above the source holds it; lowering it sends it */
	ck_assert_int_eq(hw_plic_set_threshold(m, 0, 7, 7), HW_OK);
	hw_intc_set_line(m, PL, 3, true, 7);
	ck_assert(hw_plic_pending(m, 3));
	ck_assert(!hw_lapic_irr(m, 0, 0x83));
	ck_assert_int_eq(hw_plic_set_threshold(m, 0, 0, 8), HW_OK);
	ck_assert(hw_lapic_irr(m, 0, 0x83));
	lapic_take(m, 0, 0x83);

	/* a pending source routed to CPU 1 is sent there */
	ck_assert_int_eq(hw_intc_route(m, PL, 3, 0x93, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 9),
			 HW_OK);
	ck_assert(!hw_intc_masked(m, PL, 3)); /* the enable moved with it */
	ck_assert(hw_lapic_irr(m, 1, 0x93));
	ck_assert(!hw_lapic_irr(m, 0, 0x93));
	ck_assert_int_eq(hw_intc_claim(m, PL, 1, 10), 3);
	hwt_free(x);
}
END_TEST

/* The gateway holds a request for a source enabled nowhere (counted and
 * traced, with the vector) and not one enabled in any context, the first
 * included; lines are traced when they change, not when they stay. */
START_TEST(gateway_hold_and_traces)
{
	struct hwt *x = plic_machine();
	struct hw_machine *m = x->m;
	hw_intc_route(m, PL, 6, 0x86, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0); /* masked */
	hw_intc_route(m, PL, 7, 0x87, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(m, PL, 7, false, 0);
	unsigned lines = hwt_count(x, HW_TRACE_LINE);
	hw_intc_set_line(m, PL, 7, true, 1);
	struct hw_intc_stats st;
	hw_intc_stats(m, PL, ~0u, &st);
	ck_assert_uint_eq(st.held, 0);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_HOLD), 0);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_LINE), lines + 1);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_LINE);
	ck_assert_uint_eq(ev->t, 1);
	ck_assert_uint_eq(ev->a, 2);
	ck_assert_uint_eq(ev->b, 7);
	ck_assert_uint_eq(ev->c, 1);
	hw_intc_set_line(m, PL, 7, true, 2); /* no change: no trace */
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_LINE), lines + 1);
	hw_intc_set_line(m, PL, 6, true, 3);
	hw_intc_stats(m, PL, ~0u, &st);
	ck_assert_uint_eq(st.held, 1);
	hw_intc_stats(m, PL, 6, &st);
	ck_assert_uint_eq(st.held, 1);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_HOLD), 1);
	ev = hwt_last(x, HW_TRACE_HOLD);
	ck_assert_uint_eq(ev->t, 3);
	ck_assert_uint_eq(ev->a, 2);
	ck_assert_uint_eq(ev->b, 6);
	ck_assert_uint_eq(ev->c, 0x86);

	/* the claim (ctrl, source, context, on the CPU of the context) */
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 4), 7);
	ev = hwt_last(x, HW_TRACE_PLIC_CLAIM);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->cpu, 0);
	ck_assert_uint_eq(ev->a, 2);
	ck_assert_uint_eq(ev->b, 7);
	ck_assert_uint_eq(ev->c, 0);
	ck_assert_int_eq(hw_intc_claim(m, PL, 1, 5), HW_EAGAIN);
	ev = hwt_last(x, HW_TRACE_PLIC_CLAIM);
	ck_assert_uint_eq(ev->cpu, 1);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 1);
	/* the uniform mask (ctrl, source, masked) */
	hw_intc_mask(m, PL, 6, false, 6);
	ev = hwt_last(x, HW_TRACE_MASK);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, 2);
	ck_assert_uint_eq(ev->b, 6);
	ck_assert_uint_eq(ev->c, 0);
	hw_intc_mask(m, PL, 6, true, 7);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_MASK)->c, 1);
	/* an edge lost in flight (ctrl, source, HW_DROP_IN_FLIGHT) */
	hw_intc_route(m, PL, 9, 0x89, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 8);
	hw_intc_mask(m, PL, 9, false, 8);
	hw_intc_pulse(m, PL, 9, 8);
	hw_intc_pulse(m, PL, 9, 9);
	ev = hwt_last(x, HW_TRACE_DROP);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->t, 9);
	ck_assert_uint_eq(ev->a, 2);
	ck_assert_uint_eq(ev->b, 9);
	ck_assert_uint_eq(ev->c, HW_DROP_IN_FLIGHT);
	hwt_free(x);
}
END_TEST

/* Routing moves the enable bit to the new context (the old one loses it)
 * and samples a level line that is already up. */
START_TEST(route_moves_the_enable_and_samples_the_line)
{
	struct hwt *x = plic_machine();
	struct hw_machine *m = x->m;
	hw_intc_route(m, PL, 5, 0x85, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(m, PL, 5, false, 0);
	ck_assert_uint_eq(enable_word(m, 0, 0), 1u << 5);
	hw_intc_route(m, PL, 5, 0x85, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 1);
	ck_assert_uint_eq(enable_word(m, 0, 0), 0);
	ck_assert_uint_eq(enable_word(m, 1, 0), 1u << 5);
	ck_assert(!hw_intc_masked(m, PL, 5));
	/* masked, it stays masked in its new context */
	hw_intc_mask(m, PL, 5, true, 2);
	hw_intc_route(m, PL, 5, 0x85, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 2);
	ck_assert_uint_eq(enable_word(m, 0, 0) | enable_word(m, 1, 0), 0);

	/* an edge source left with its line up, then made level: pending */
	hw_intc_route(m, PL, 8, 0x88, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 3);
	hw_intc_mask(m, PL, 8, false, 3);
	hw_intc_set_line(m, PL, 8, true, 3);
	ck_assert_int_eq(hw_intc_claim(m, PL, 0, 4), 8);
	ck_assert_int_eq(hw_intc_complete(m, PL, 0, 8, 5), HW_OK);
	ck_assert(!hw_plic_pending(m, 8)); /* an edge: no new request */
	hw_intc_route(m, PL, 8, 0x88, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 6);
	ck_assert(hw_plic_pending(m, 8));
	hwt_free(x);
}
END_TEST

/* A machine reset zeroes every source (the last one too) and every
 * context (the first one too): priorities, pending, vector, routed CPU,
 * thresholds and enables. */
START_TEST(reset_clears_sources_and_contexts)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .plic_sources = 4});
	struct hw_machine *m = x->m;
	uint64_t v;
	hw_intc_route(m, PL, 2, 0x82, 1, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_route(m, PL, 4, 0x84, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0);
	hw_intc_mask(m, PL, 4, false, 0);
	hw_plic_set_priority(m, 4, 5, 0);
	hw_plic_set_threshold(m, 0, 3, 0);
	hw_plic_set_enable(m, 1, 1, true, 0);
	hw_intc_set_line(m, PL, 4, true, 0);
	ck_assert(hw_plic_pending(m, 4));
	hw_machine_reset(m, 1);
	for (unsigned s = 0; s <= 4; s++) {
		hw_mmio_read(m, 0, 1, HW_PLIC_BASE + 4 * s, 4, &v);
		ck_assert_uint_eq(v, 0);
		ck_assert(!hw_plic_pending(m, s));
	}
	for (unsigned c = 0; c < 2; c++) {
		hw_mmio_read(m, 0, 1, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 * c, 4, &v);
		ck_assert_uint_eq(v, 0);
		ck_assert_uint_eq(enable_word(m, c, 0), 0);
	}
	/* every source is routed to context 0 again */
	hw_plic_set_enable(m, 0, 2, true, 2);
	ck_assert(!hw_intc_masked(m, PL, 2));
	/* and has no vector: a hold traces vector 0 */
	hw_intc_set_line(m, PL, 3, true, 3);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_HOLD);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->b, 3);
	ck_assert_uint_eq(ev->c, 0);
	hwt_free(x);
}
END_TEST

/* Register reads and writes at the edges: the priority of source 1, of the
 * last source and the word before source 1 (0); bit 31 of a pending word;
 * context 0's threshold at the first context offset, context 1's through
 * its own page; a hole between the windows reads 0. */
START_TEST(register_edges)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .plic_sources = 40});
	struct hw_machine *m = x->m;
	uint64_t v;
	hwt_wr(x, HW_PLIC_BASE + 4 * 1, 4, 1, 0);
	hwt_wr(x, HW_PLIC_BASE + 4 * 31, 4, 3, 0);
	hwt_wr(x, HW_PLIC_BASE + 4 * 40, 4, 7, 0);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + 0, 4, 0), 0);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + 4 * 1, 4, 0), 1);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + 4 * 31, 4, 0), 3);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + 4 * 40, 4, 0), 7);
	hw_intc_set_line(m, PL, 31, true, 1);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_PENDING, 4, 1), 1u << 31);
	hwt_wr(x, HW_PLIC_BASE + HW_PLIC_CONTEXT, 4, 3, 2);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_CONTEXT, 4, 2), 3);
	hwt_wr(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000, 4, 5, 2);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000, 4, 2), 5);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_CONTEXT, 4, 2), 3);
	ck_assert_int_eq(hw_mmio_read(m, 0, 3, HW_PLIC_BASE + 0x1800, 4, &v), HW_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(hw_mmio_read(m, 0, 3, HW_PLIC_BASE + HW_PLIC_CONTEXT - 4, 4, &v), HW_OK);
	ck_assert_uint_eq(v, 0);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-plic");
	TCase *tc = tcase_create("plic");
	tcase_add_test(tc, claim_complete_cycle);
	tcase_add_test(tc, completion_for_disabled_source_is_ignored);
	tcase_add_test(tc, priority_threshold_and_enables);
	tcase_add_test(tc, pending_register_covers_the_last_source);
	tcase_add_test(tc, registers_claim_and_complete);
	tcase_add_test(tc, edge_source_while_claimed_is_lost);
	tcase_add_test(tc, enable_words_cover_every_bit_and_context);
	tcase_add_test(tc, argument_checks);
	tcase_add_test(tc, one_vector_per_claim);
	tcase_add_test(tc, gateway_hold_and_traces);
	tcase_add_test(tc, route_moves_the_enable_and_samples_the_line);
	tcase_add_test(tc, reset_clears_sources_and_contexts);
	tcase_add_test(tc, register_edges);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
