/* SPDX-License-Identifier: MIT */
/* IOAPIC (82093AA): level/edge semantics, remote IRR, masks, the held edge. */
#include "hwtest.h"

#define IO 0u /* controller index of the IOAPIC */
#define VEC 0x50u

static struct hwt *with_latency(int64_t ns)
{
	return hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .irq_msg_ns = ns});
}

static void route(struct hwt *x, unsigned pin, enum hw_trigger trig, bool masked)
{
	ck_assert_int_eq(hw_intc_route(x->m, IO, pin, VEC, 0, trig, HW_POLARITY_HIGH, 0), HW_OK);
	ck_assert_int_eq(hw_intc_mask(x->m, IO, pin, masked, 0), HW_OK);
}

static void take_and_eoi(struct hwt *x, uint64_t now)
{
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, now), VEC);
	ck_assert_int_eq(hw_lapic_eoi(x->m, 0, now), (int)VEC);
}

START_TEST(level_line_still_asserted_is_delivered_again_after_eoi)
{
	struct hwt *x = hwt_new(2);
	route(x, 5, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(x->m, IO, 5, true, 10);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	ck_assert(hw_lapic_tmr(x->m, 0, VEC));
	ck_assert(hw_ioapic_remote_irr(x->m, 5));
	take_and_eoi(x, 20); /* the line is still high */
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	ck_assert(hw_ioapic_remote_irr(x->m, 5));
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 5, &st);
	ck_assert_uint_eq(st.delivered, 2);
	/* Deasserted before the EOI: not delivered a third time. */
	hw_intc_set_line(x->m, IO, 5, false, 30);
	take_and_eoi(x, 40);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	ck_assert(!hw_ioapic_remote_irr(x->m, 5));
	hw_intc_stats(x->m, IO, 5, &st);
	ck_assert_uint_eq(st.delivered, 2);
	const struct hwt_ev *bc = hwt_last(x, HW_TRACE_EOI_BCAST);
	ck_assert_ptr_nonnull(bc);
	ck_assert_uint_eq(bc->a, VEC);
	ck_assert_uint_eq(bc->b, 1);
	hwt_free(x);
}
END_TEST

START_TEST(remote_irr_blocks_redelivery_until_eoi)
{
	struct hwt *x = hwt_new(2);
	route(x, 3, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(x->m, IO, 3, true, 0);
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 1), VEC);
	/* The line drops and rises again: remote IRR holds the message back. */
	hw_intc_set_line(x->m, IO, 3, false, 2);
	hw_intc_set_line(x->m, IO, 3, true, 3);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	ck_assert(hw_ioapic_remote_irr(x->m, 3));
	ck_assert(hw_ioapic_rte(x->m, 3) & HW_RTE_REMOTE_IRR);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 3, &st);
	ck_assert_uint_eq(st.delivered, 1);
	/* The directed EOI (the kernel's intc_eoi) releases it. */
	ck_assert_int_eq(hw_intc_eoi(x->m, IO, 3, 4), HW_OK);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	hw_intc_stats(x->m, IO, 3, &st);
	ck_assert_uint_eq(st.delivered, 2);
	hwt_free(x);
}
END_TEST

START_TEST(masked_level_is_delivered_on_unmask_if_still_asserted)
{
	struct hwt *x = hwt_new(2);
	route(x, 7, HW_TRIGGER_LEVEL, true);
	hw_intc_set_line(x->m, IO, 7, true, 0);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	ck_assert(hw_intc_line(x->m, IO, 7));
	hw_intc_mask(x->m, IO, 7, false, 5);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	const struct hwt_ev *mk = hwt_last(x, HW_TRACE_MASK);
	ck_assert_uint_eq(mk->b, 7);
	ck_assert_uint_eq(mk->c, 0);
	ck_assert(!hw_intc_masked(x->m, IO, 7));
	hwt_free(x);
}
END_TEST

START_TEST(edge_on_masked_pin_is_dropped_and_counted)
{
	struct hwt *x = hwt_new(2);
	route(x, 9, HW_TRIGGER_EDGE, true);
	hw_intc_pulse(x->m, IO, 9, 10);
	hw_intc_pulse(x->m, IO, 9, 20);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 9, &st);
	ck_assert_uint_eq(st.dropped, 2);
	ck_assert_uint_eq(st.delivered, 0);
	hw_intc_stats(x->m, IO, ~0u, &st);
	ck_assert_uint_eq(st.dropped, 2);
	const struct hwt_ev *d = hwt_last(x, HW_TRACE_DROP);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->a, IO);
	ck_assert_uint_eq(d->b, 9);
	ck_assert_uint_eq(d->c, HW_DROP_MASKED);
	ck_assert_uint_eq(d->t, 20);
	/* Unmasking brings nothing back. */
	hw_intc_mask(x->m, IO, 9, false, 30);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	/* Unmasked, the next edge gets through. */
	hw_intc_pulse(x->m, IO, 9, 40);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	ck_assert(!hw_lapic_tmr(x->m, 0, VEC));
	hwt_free(x);
}
END_TEST

START_TEST(held_edge_is_delivered_on_unmask)
{
	struct hwt *x = with_latency(500);
	route(x, 4, HW_TRIGGER_EDGE, false);
	hw_intc_pulse(x->m, IO, 4, 0); /* in flight until 500 */
	ck_assert(hw_ioapic_rte(x->m, 4) & HW_RTE_DELIVS);
	hw_intc_mask(x->m, IO, 4, true, 100); /* masked inside the window: held */
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_HOLD), 1);
	hw_intc_pulse(x->m, IO, 4, 200); /* a second edge while masked: dropped */
	hw_evq_run_until(&x->q, 2000);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 4, &st);
	ck_assert_uint_eq(st.held, 1);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.delivered, 0);
	hw_intc_mask(x->m, IO, 4, false, 2000);
	hw_evq_run_until(&x->q, 2499);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	hw_evq_run_until(&x->q, 2500);
	ck_assert(hw_lapic_irr(x->m, 0, VEC)); /* exactly the held one */
	hw_intc_stats(x->m, IO, 4, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert(!(hw_ioapic_rte(x->m, 4) & HW_RTE_DELIVS));
	hwt_free(x);
}
END_TEST

/* A held edge does not survive a switch to level: a level pin's pending
 * message is withdrawn (ioapic.c's header), so the pin is not left "send
 * pending" forever with nothing on the way, and a later assertion of the
 * level line is delivered. Masked or unmasked in the same write, both. */
START_TEST(held_edge_is_withdrawn_by_a_switch_to_level)
{
	for (int unmask_too = 0; unmask_too < 2; unmask_too++) {
		struct hwt *x = with_latency(100);
		route(x, 3, HW_TRIGGER_EDGE, false);
		hw_intc_pulse(x->m, IO, 3, 0); /* in flight until 100 */
		hw_intc_mask(x->m, IO, 3, true, 10); /* held */
		ck_assert(hw_ioapic_rte(x->m, 3) & HW_RTE_DELIVS);
		uint64_t rte = hw_ioapic_rte(x->m, 3) | HW_RTE_LEVEL;
		if (unmask_too)
			rte &= ~HW_RTE_MASKED;
		ck_assert_int_eq(hw_ioapic_set_rte(x->m, 3, rte, 20), HW_OK);
		ck_assert(!(hw_ioapic_rte(x->m, 3) & HW_RTE_DELIVS));
		hw_intc_set_line(x->m, IO, 3, true, 30);
		hw_evq_run_until(&x->q, 300);
		hw_intc_mask(x->m, IO, 3, false, 300);
		hw_evq_run_until(&x->q, 1000);
		ck_assert(hw_lapic_irr(x->m, 0, VEC)); /* the level line, delivered once */
		struct hw_intc_stats st;
		hw_intc_stats(x->m, IO, 3, &st);
		ck_assert_uint_eq(st.delivered, 1);
		ck_assert(hw_ioapic_rte(x->m, 3) & HW_RTE_REMOTE_IRR);
		hwt_free(x);
	}
}
END_TEST

START_TEST(edges_in_flight_coalesce)
{
	struct hwt *x = with_latency(500);
	route(x, 4, HW_TRIGGER_EDGE, false);
	hw_intc_pulse(x->m, IO, 4, 0);
	hw_intc_pulse(x->m, IO, 4, 100);
	hw_evq_run_until(&x->q, 1000);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 4, &st);
	ck_assert_uint_eq(st.coalesced, 1);
	ck_assert_uint_eq(st.delivered, 1);
	hwt_free(x);
}
END_TEST

START_TEST(level_withdrawn_before_posting_is_not_delivered)
{
	struct hwt *x = with_latency(500);
	route(x, 2, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(x->m, IO, 2, true, 0);
	hw_intc_set_line(x->m, IO, 2, false, 100);
	hw_evq_run_until(&x->q, 1000);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	ck_assert(!hw_ioapic_remote_irr(x->m, 2));
	hwt_free(x);
}
END_TEST

START_TEST(eoi_broadcast_matches_by_vector)
{
	struct hwt *x = hwt_new(2);
	route(x, 1, HW_TRIGGER_LEVEL, false);
	route(x, 2, HW_TRIGGER_LEVEL, false); /* same vector: a kernel bug */
	hw_intc_set_line(x->m, IO, 1, true, 0);
	hw_intc_set_line(x->m, IO, 2, true, 0);
	ck_assert(hw_ioapic_remote_irr(x->m, 1) && hw_ioapic_remote_irr(x->m, 2));
	hw_intc_set_line(x->m, IO, 1, false, 1);
	hw_intc_set_line(x->m, IO, 2, false, 1);
	take_and_eoi(x, 2);
	ck_assert(!hw_ioapic_remote_irr(x->m, 1) && !hw_ioapic_remote_irr(x->m, 2));
	hwt_free(x);
}
END_TEST

START_TEST(suppressed_broadcast_needs_directed_eoi)
{
	struct hwt *x = hwt_new(2);
	uint32_t svr = hw_lapic_read(x->m, 0, 0, HW_LAPIC_SVR);
	hw_lapic_write(x->m, 0, 0, HW_LAPIC_SVR, svr | HW_LAPIC_SVR_NO_EOI_BCAST);
	route(x, 6, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(x->m, IO, 6, true, 0);
	hw_intc_set_line(x->m, IO, 6, false, 1);
	take_and_eoi(x, 2);
	ck_assert(hw_ioapic_remote_irr(x->m, 6)); /* stuck without a directed EOI */
	hw_intc_eoi(x->m, IO, 6, 3);
	ck_assert(!hw_ioapic_remote_irr(x->m, 6));
	hwt_free(x);
}
END_TEST

START_TEST(level_to_edge_clears_remote_irr)
{
	struct hwt *x = hwt_new(2);
	route(x, 8, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(x->m, IO, 8, true, 0);
	hw_intc_set_line(x->m, IO, 8, false, 1);
	ck_assert(hw_ioapic_remote_irr(x->m, 8));
	route(x, 8, HW_TRIGGER_EDGE, false);
	ck_assert(!hw_ioapic_remote_irr(x->m, 8));
	const struct hwt_ev *r = hwt_last(x, HW_TRACE_REMOTE_IRR);
	ck_assert_uint_eq(r->b, 8);
	ck_assert_uint_eq(r->c, 0);
	hwt_free(x);
}
END_TEST

START_TEST(registers_through_ioregsel_and_iowin)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	uint64_t v;
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, HW_IOAPIC_REG_VER);
	hw_mmio_read(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, &v);
	ck_assert_uint_eq(v, 0x00170011);
	/* Program pin 10: vector 0x61, level, low, masked, to CPU 1. */
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE, 4, HW_IOAPIC_REG_RTE + 21);
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, 1u << 24);
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE, 4, HW_IOAPIC_REG_RTE + 20);
	uint32_t lo = 0x61 | (uint32_t)(HW_RTE_LEVEL | HW_RTE_POLARITY_LOW | HW_RTE_MASKED |
					 HW_RTE_REMOTE_IRR); /* read-only bit: ignored */
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, lo);
	uint64_t rte = hw_ioapic_rte(m, 10);
	ck_assert_uint_eq(rte & 0xff, 0x61);
	ck_assert(rte & HW_RTE_MASKED);
	ck_assert(!(rte & HW_RTE_REMOTE_IRR));
	ck_assert_uint_eq(rte >> HW_RTE_DEST_SHIFT, 1);
	hw_mmio_read(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, &v);
	ck_assert_uint_eq(v, lo & ~(uint32_t)HW_RTE_REMOTE_IRR);
	/* Nothing drives pin 10's (active-high) wire, but the RTE says
	 * active-low: the idle line looks asserted, as with a wrong _PRT. */
	ck_assert(hw_intc_line(m, IO, 10));
	hwt_free(x);
}
END_TEST

/* The edges of the register window: pin 0's low dword is register 0x10,
 * pin 23's high dword 0x3f; 0x40 is past the table (reads 0, writes go
 * nowhere); ID and arbitration read back the ID written. */
static uint32_t ioapic_reg(struct hw_machine *m, unsigned r)
{
	uint64_t v;
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, r);
	hw_mmio_read(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, &v);
	return (uint32_t)v;
}

static void ioapic_reg_write(struct hw_machine *m, unsigned r, uint32_t v)
{
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, r);
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, v);
}

START_TEST(register_window_edges)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	const unsigned last = HW_IOAPIC_REG_RTE + 2 * HW_IOAPIC_PINS - 1;
	/* One delivery first, so the controller's counters are not all zero. */
	route(x, 4, HW_TRIGGER_EDGE, false);
	hw_intc_pulse(m, IO, 4, 0);
	hw_evq_run_until(&x->q, 1000);
	ck_assert(hw_lapic_irr(m, 0, VEC));
	ioapic_reg_write(m, HW_IOAPIC_REG_RTE, 0x41 | HW_RTE_MASKED);
	ck_assert_uint_eq(hw_ioapic_rte(m, 0) & 0xff, 0x41);
	ck_assert_uint_eq(ioapic_reg(m, HW_IOAPIC_REG_RTE), 0x41 | HW_RTE_MASKED);
	/* Each half of an RTE is written alone: the other half is kept whole. */
	ioapic_reg_write(m, HW_IOAPIC_REG_RTE + 1, 1u << 24);
	ck_assert_uint_eq(hw_ioapic_rte(m, 0), (1ull << HW_RTE_DEST_SHIFT) | 0x41 | HW_RTE_MASKED);
	ioapic_reg_write(m, HW_IOAPIC_REG_RTE, 0x40 | HW_RTE_MASKED);
	ck_assert_uint_eq(hw_ioapic_rte(m, 0), (1ull << HW_RTE_DEST_SHIFT) | 0x40 | HW_RTE_MASKED);
	/* A write elsewhere in the page does not reach the selected register. */
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + 0x20, 4, 0x77);
	ck_assert_uint_eq(hw_ioapic_rte(m, 0) & 0xff, 0x40);
	/* The version register is read-only. */
	ioapic_reg_write(m, HW_IOAPIC_REG_VER, 0);
	ck_assert_uint_eq(ioapic_reg(m, HW_IOAPIC_REG_VER), 0x00170011);
	ioapic_reg_write(m, HW_IOAPIC_REG_RTE, HW_RTE_MASKED);
	ioapic_reg_write(m, HW_IOAPIC_REG_RTE + 1, 0);
	ioapic_reg_write(m, last, 1u << 24);
	ck_assert_uint_eq(hw_ioapic_rte(m, HW_IOAPIC_PINS - 1) >> HW_RTE_DEST_SHIFT, 1);
	ck_assert_uint_eq(ioapic_reg(m, last), 1u << 24);
	ck_assert_uint_eq(ioapic_reg(m, last - 1), HW_RTE_MASKED); /* its low half untouched */
	ioapic_reg_write(m, last + 1, 0x55);
	ck_assert_uint_eq(ioapic_reg(m, last + 1), 0);
	for (unsigned p = 0; p < HW_IOAPIC_PINS - 1; p++)
		ck_assert_uint_eq(hw_ioapic_rte(m, p) >> 32, 0);
	ck_assert_uint_eq(ioapic_reg(m, HW_IOAPIC_REG_RTE - 1), 0);
	ioapic_reg_write(m, HW_IOAPIC_REG_ID, 5u << 24);
	ck_assert_uint_eq(ioapic_reg(m, HW_IOAPIC_REG_ID), 5u << 24);
	ck_assert_uint_eq(ioapic_reg(m, HW_IOAPIC_REG_ARB), 5u << 24);
	/* Reads elsewhere in the page give all-ones; REGSEL keeps 8 bits. */
	uint64_t v;
	hw_mmio_read(m, 0, 0, HW_IOAPIC_BASE + 0x20, 4, &v);
	ck_assert_uint_eq(v, 0xffffffffu);
	hw_mmio_write(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, 0x1ff);
	hw_mmio_read(m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, &v);
	ck_assert_uint_eq(v, 0xff);
	hwt_free(x);
}
END_TEST

/* An edge pin takes its interrupt on the rising edge of the line (active
 * high), not when the line falls; masking is traced as "masked" (1). */
START_TEST(edge_is_taken_on_the_rising_edge)
{
	struct hwt *x = hwt_new(2);
	route(x, 6, HW_TRIGGER_EDGE, false);
	hw_intc_set_line(x->m, IO, 6, true, 10);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	take_and_eoi(x, 20);
	hw_intc_set_line(x->m, IO, 6, false, 30);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 6, &st);
	ck_assert_uint_eq(st.delivered, 1);
	hw_intc_mask(x->m, IO, 6, true, 40);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_MASK);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->b, 6);
	ck_assert_uint_eq(ev->c, 1);
	hwt_free(x);
}
END_TEST

START_TEST(power_on_state_and_bad_destinations)
{
	struct hwt *x = hwt_new(2);
	for (unsigned p = 0; p < HW_IOAPIC_PINS; p++)
		ck_assert(hw_intc_masked(x->m, IO, p));
	/* A reset selects register 0 (the ID) again, whatever was selected. */
	uint64_t v;
	hw_mmio_write(x->m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, HW_IOAPIC_REG_VER);
	hw_machine_reset(x->m, 0);
	hw_mmio_read(x->m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4, &v);
	ck_assert_uint_eq(v, 0);
	hw_mmio_read(x->m, 0, 0, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4, &v);
	ck_assert_uint_eq(v, 0); /* ID 0 */
	/* A raw RTE naming APIC ID 7 on a 2-CPU machine: dropped, traced. */
	hw_ioapic_set_rte(x->m, 0, 0x70 | (7ull << HW_RTE_DEST_SHIFT), 0);
	hw_intc_pulse(x->m, IO, 0, 1);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_BAD_DEST);
	/* NMI delivery mode is not modelled: dropped, traced. */
	hw_ioapic_set_rte(x->m, 0, 0x70 | (4ull << HW_RTE_DELMODE_SHIFT), 2);
	hw_intc_pulse(x->m, IO, 0, 3);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_UNSUPPORTED);
	hwt_free(x);
}
END_TEST

START_TEST(trace_tells_the_story)
{
	struct hwt *x = hwt_new(2);
	route(x, 5, HW_TRIGGER_LEVEL, false);
	x->nev = 0;
	hw_intc_set_line(x->m, IO, 5, true, 100);
	/* line, send, remote IRR, deliver: in that order, at time 100 */
	uint16_t want[] = {HW_TRACE_LINE, HW_TRACE_SEND, HW_TRACE_REMOTE_IRR, HW_TRACE_DELIVER};
	ck_assert_uint_eq(x->nev, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(x->ev[i].kind, want[i]);
		ck_assert_uint_eq(x->ev[i].t, 100);
	}
	ck_assert_uint_eq(x->ev[3].cpu, 0);
	ck_assert_uint_eq(x->ev[3].a, VEC);
	ck_assert_uint_eq(x->ev[3].c, HW_SRC_IOAPIC);
	hwt_free(x);
}
END_TEST

/* The remote IRR across RTE rewrites: a level pin rewritten as level keeps
 * it (a new destination is no EOI); level to edge clears it at once, and
 * only then is it traced; an EOI of another vector leaves it. */
START_TEST(remote_irr_across_rewrites)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	route(x, 8, HW_TRIGGER_LEVEL, false);
	route(x, 9, HW_TRIGGER_LEVEL, false);
	ck_assert_int_eq(hw_intc_route(m, IO, 9, 0x30, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 HW_OK);
	hw_intc_set_line(m, IO, 8, true, 0);
	hw_intc_set_line(m, IO, 8, false, 1);
	hw_intc_set_line(m, IO, 9, true, 1);
	hw_intc_set_line(m, IO, 9, false, 1);
	ck_assert(hw_ioapic_remote_irr(m, 8) && hw_ioapic_remote_irr(m, 9));
	unsigned rirr = hwt_count(x, HW_TRACE_REMOTE_IRR);
	uint64_t rte = hw_ioapic_rte(m, 8);
	/* a new destination, still level */
	ck_assert_int_eq(hw_ioapic_set_rte(m, 8, (rte & ~(0xffull << HW_RTE_DEST_SHIFT)) |
					      (1ull << HW_RTE_DEST_SHIFT), 2), HW_OK);
	ck_assert(hw_ioapic_remote_irr(m, 8));
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_REMOTE_IRR), rirr);
	/* EOI of VEC (pin 8's) leaves pin 9 (0x30) alone */
	take_and_eoi(x, 3);
	ck_assert(!hw_ioapic_remote_irr(m, 8));
	ck_assert(hw_ioapic_remote_irr(m, 9));
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_EOI_BCAST);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, VEC);
	ck_assert_uint_eq(ev->b, 1);
	ck_assert_uint_eq(ev->c, 0);
	rirr = hwt_count(x, HW_TRACE_REMOTE_IRR);
	/* pin 0, the first, is cleared by a broadcast too */
	route(x, 0, HW_TRIGGER_LEVEL, false);
	hw_intc_set_line(m, IO, 0, true, 3);
	hw_intc_set_line(m, IO, 0, false, 3);
	ck_assert(hw_ioapic_remote_irr(m, 0));
	take_and_eoi(x, 3);
	ck_assert(!hw_ioapic_remote_irr(m, 0));
	rirr = hwt_count(x, HW_TRACE_REMOTE_IRR);
	/* level to edge: cleared by the rewrite itself */
	ck_assert_int_eq(hw_ioapic_set_rte(m, 9, hw_ioapic_rte(m, 9) & ~HW_RTE_LEVEL, 4), HW_OK);
	ck_assert(!hw_ioapic_remote_irr(m, 9));
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_REMOTE_IRR), rirr + 1);
	/* edge to edge with nothing set: nothing to trace */
	ck_assert_int_eq(hw_ioapic_set_rte(m, 9, hw_ioapic_rte(m, 9) | HW_RTE_LEVEL, 5), HW_OK);
	ck_assert_int_eq(hw_ioapic_set_rte(m, 9, hw_ioapic_rte(m, 9) & ~HW_RTE_LEVEL, 5), HW_OK);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_REMOTE_IRR), rirr + 1);
	hwt_free(x);
}
END_TEST

/* Delivery modes: fixed (0) and lowest priority (1, treated as fixed) are
 * delivered; a destination past the last CPU is dropped, not delivered. */
START_TEST(delivery_modes_and_destinations)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	route(x, 3, HW_TRIGGER_EDGE, false);
	uint64_t rte = hw_ioapic_rte(m, 3);
	hw_ioapic_set_rte(m, 3, rte | (1ull << HW_RTE_DELMODE_SHIFT), 0);
	hw_intc_pulse(m, IO, 3, 1);
	ck_assert(hw_lapic_irr(m, 0, VEC));
	hw_ioapic_set_rte(m, 3, rte | (2ull << HW_RTE_DEST_SHIFT), 2);
	hw_intc_pulse(m, IO, 3, 3);
	struct hw_intc_stats st;
	hw_intc_stats(m, IO, 3, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_BAD_DEST);
	/* a level pin dropped so stays asserted; an EOI of the pin does not resend */
	route(x, 4, HW_TRIGGER_LEVEL, false);
	hw_ioapic_set_rte(m, 4, hw_ioapic_rte(m, 4) | (2ull << HW_RTE_DEST_SHIFT), 4);
	hw_intc_set_line(m, IO, 4, true, 5);
	hw_intc_stats(m, IO, 4, &st);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_int_eq(hw_intc_eoi(m, IO, 4, 6), HW_OK);
	hw_intc_stats(m, IO, 4, &st);
	ck_assert_uint_eq(st.dropped, 1);
	hwt_free(x);
}
END_TEST

/* Traces and counts of the edge paths: an edge merged into a send in
 * flight (COALESCE: ctrl, pin, vector), an edge latched on a masked pin
 * (HOLD), and sent when unmasked; masking an idle pin holds nothing; a line
 * set to what it already is makes no edge. */
START_TEST(edge_paths_traced)
{
	struct hwt *x = with_latency(100);
	struct hw_machine *m = x->m;
	route(x, 7, HW_TRIGGER_EDGE, false);
	hw_intc_pulse(m, IO, 7, 0);
	hw_intc_pulse(m, IO, 7, 10);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_COALESCE);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->t, 10);
	ck_assert_uint_eq(ev->a, IO);
	ck_assert_uint_eq(ev->b, 7);
	ck_assert_uint_eq(ev->c, VEC);
	hw_evq_run_until(&x->q, 200);
	take_and_eoi(x, 200);
	/* a latched pin: an edge while masked is kept */
	ck_assert_int_eq(hw_intc_set_latch(m, HW_INTC_IOAPIC, 7, true), 0);
	hw_intc_mask(m, IO, 7, true, 300);
	struct hw_intc_stats st;
	hw_intc_stats(m, IO, 7, &st);
	ck_assert_uint_eq(st.held, 0); /* nothing was in flight */
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_HOLD), 0);
	hw_intc_pulse(m, IO, 7, 310);
	hw_intc_stats(m, IO, 7, &st);
	ck_assert_uint_eq(st.held, 1);
	ck_assert_uint_eq(st.dropped, 0);
	ev = hwt_last(x, HW_TRACE_HOLD);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->t, 310);
	ck_assert_uint_eq(ev->b, 7);
	ck_assert_uint_eq(ev->c, VEC);
	hw_intc_mask(m, IO, 7, false, 320);
	hw_evq_run_until(&x->q, 500);
	ck_assert(hw_lapic_irr(m, 0, VEC));
	take_and_eoi(x, 500);
	/* latch off: an edge while masked is dropped again, and a latched one
	 * is forgotten */
	hw_intc_mask(m, IO, 7, true, 600);
	hw_intc_pulse(m, IO, 7, 610);
	ck_assert_int_eq(hw_intc_set_latch(m, HW_INTC_IOAPIC, 7, false), 0);
	hw_intc_mask(m, IO, 7, false, 620);
	hw_evq_run_until(&x->q, 800);
	ck_assert(!hw_lapic_irr(m, 0, VEC));
	ck_assert_int_eq(hw_intc_set_latch(m, HW_INTC_IOAPIC, 24, true), HW_EINVAL);
	ck_assert_int_eq(hw_intc_set_latch(m, HW_INTC_MSI, 0, true), HW_EINVAL);
	ck_assert_int_eq(hw_intc_set_latch(m, HW_INTC_PLIC, 7, true), HW_EINVAL);
	/* the line held up: setting it up again is no new edge */
	unsigned sends = hwt_count(x, HW_TRACE_SEND);
	hw_intc_set_line(m, IO, 7, true, 900);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_SEND), sends + 1);
	unsigned lines = hwt_count(x, HW_TRACE_LINE), merged = hwt_count(x, HW_TRACE_COALESCE);
	hw_intc_set_line(m, IO, 7, true, 901);
	hw_ioapic_set_rte(m, 7, hw_ioapic_rte(m, 7), 902);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_SEND), sends + 1);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_LINE), lines);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_COALESCE), merged);
	hwt_free(x);
}
END_TEST

/* Pin 24 does not exist: its entry and remote IRR read as 0 whatever the
 * IOAPIC's counters (which follow the 24 pins) hold; an EOI broadcast looks
 * at the 24 pins only. 0x4040 deliveries set bit 14 (the remote IRR bit)
 * and the low byte 0x40 of the delivery count. */
START_TEST(pin_24_is_no_pin)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	struct hw_intc_stats st;
	ck_assert_int_eq(hw_intc_stats(m, 1, ~0u, &st), HW_OK); /* MSI: untouched at power-on */
	ck_assert_uint_eq(st.delivered + st.dropped + st.coalesced + st.held + st.ignored, 0);
	ck_assert_int_eq(hw_intc_route(m, IO, 2, 0x41, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	hw_intc_mask(m, IO, 2, false, 0);
	for (unsigned i = 0; i < 0x4040; i++)
		hw_intc_pulse(m, IO, 2, 1);
	hw_intc_stats(m, IO, ~0u, &st);
	ck_assert_uint_eq(st.delivered, 0x4040);
	ck_assert_uint_eq(hw_ioapic_rte(m, 24), 0);
	ck_assert(!hw_ioapic_remote_irr(m, 24));
	x->nev = 0;
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 2), 0x41);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 2), 0x41); /* edge: no broadcast */
	hw_lapic_deliver(m, 0, 2, 0x40, true, HW_SRC_IPI);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 2), 0x40);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 3), 0x40);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_EOI_BCAST);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, 0x40);
	ck_assert_uint_eq(ev->b, 0);
	hw_intc_stats(m, IO, ~0u, &st);
	ck_assert_uint_eq(st.delivered, 0x4040);
	hwt_free(x);
}
END_TEST

/* The uniform API around the controllers: find gives each kind's index and
 * -1 for one that is not there (or no kind at all); triggers and
 * polarities past the two defined are refused; a completion goes to the
 * PLIC only. */
START_TEST(uniform_api_edges)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 1, .plic_sources = 8});
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_intc_find(m, HW_INTC_IOAPIC), 0);
	ck_assert_int_eq(hw_intc_find(m, HW_INTC_MSI), 1);
	ck_assert_int_eq(hw_intc_find(m, HW_INTC_PLIC), 2);
	ck_assert_int_eq(hw_intc_find(m, HW_INTC_PERCPU), -1);
	ck_assert_int_eq(hw_intc_find(m, (enum hw_intc_kind)0), -1);
	ck_assert_int_eq(hw_intc_route(m, IO, 1, VEC, 0, (enum hw_trigger)2, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, IO, 1, VEC, 0, HW_TRIGGER_EDGE, (enum hw_polarity)2, 0),
			 HW_EINVAL);
	ck_assert_uint_eq(hw_ioapic_rte(m, 1), HW_RTE_MASKED);
	/* PLIC source 3 enabled on context 0, claimed; a "completion" through
	 * the IOAPIC's pin 3 is refused and does not reach it */
	ck_assert_int_eq(hw_intc_route(m, 2, 3, 0x70, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 HW_OK);
	hw_intc_mask(m, 2, 3, false, 0);
	hw_intc_set_line(m, 2, 3, true, 0);
	ck_assert_int_eq(hw_intc_claim(m, 2, 0, 1), 3);
	hw_intc_set_line(m, 2, 3, false, 1);
	ck_assert_int_eq(hw_intc_complete(m, IO, 0, 3, 2), HW_EINVAL);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_DONE), 0);
	ck_assert_int_eq(hw_intc_complete(m, 2, 0, 3, 3), HW_OK);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_PLIC_DONE), 1);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-ioapic");
	TCase *tc = tcase_create("ioapic");
	tcase_add_test(tc, level_line_still_asserted_is_delivered_again_after_eoi);
	tcase_add_test(tc, remote_irr_blocks_redelivery_until_eoi);
	tcase_add_test(tc, masked_level_is_delivered_on_unmask_if_still_asserted);
	tcase_add_test(tc, edge_on_masked_pin_is_dropped_and_counted);
	tcase_add_test(tc, held_edge_is_delivered_on_unmask);
	tcase_add_test(tc, held_edge_is_withdrawn_by_a_switch_to_level);
	tcase_add_test(tc, edges_in_flight_coalesce);
	tcase_add_test(tc, level_withdrawn_before_posting_is_not_delivered);
	tcase_add_test(tc, eoi_broadcast_matches_by_vector);
	tcase_add_test(tc, suppressed_broadcast_needs_directed_eoi);
	tcase_add_test(tc, level_to_edge_clears_remote_irr);
	tcase_add_test(tc, registers_through_ioregsel_and_iowin);
	tcase_add_test(tc, register_window_edges);
	tcase_add_test(tc, power_on_state_and_bad_destinations);
	tcase_add_test(tc, edge_is_taken_on_the_rising_edge);
	tcase_add_test(tc, trace_tells_the_story);
	tcase_add_test(tc, remote_irr_across_rewrites);
	tcase_add_test(tc, delivery_modes_and_destinations);
	tcase_add_test(tc, edge_paths_traced);
	tcase_add_test(tc, pin_24_is_no_pin);
	tcase_add_test(tc, uniform_api_edges);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
