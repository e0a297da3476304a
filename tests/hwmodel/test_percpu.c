/* SPDX-License-Identifier: MIT */
/*
 * The hardware behind affinity, suspend and per-CPU lines: an IOAPIC
 * message in flight keeps its destination when the entry is rewritten; the
 * LAPIC counts what it refuses and holds; the PLIC gateway holds a masked
 * source's request; the per-CPU local inputs interrupt their own CPU only.
 */
#include "hwtest.h"

#include <hwmodel/lapic.h>

#define VEC 0x50u

START_TEST(ioapic_message_in_flight_keeps_destination)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .irq_msg_ns = 500});
	ck_assert_int_eq(hw_intc_route(x->m, 0, 4, VEC, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	hw_intc_mask(x->m, 0, 4, false, 0);
	hw_intc_pulse(x->m, 0, 4, 0); /* in flight to CPU 0 until 500 */
	ck_assert_int_eq(hw_intc_route(x->m, 0, 4, VEC, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 100),
			 HW_OK);
	hw_evq_run_until(&x->q, 600);
	ck_assert(hw_lapic_irr(x->m, 0, VEC));  /* where it was sent */
	ck_assert(!hw_lapic_irr(x->m, 1, VEC));
	hw_intc_pulse(x->m, 0, 4, 700);          /* the next one goes to CPU 1 */
	hw_evq_run_until(&x->q, 1300);
	ck_assert(hw_lapic_irr(x->m, 1, VEC));
	hwt_free(x);
}
END_TEST

START_TEST(lapic_counts_held_and_dropped)
{
	struct hwt *x = hwt_new(1);
	struct hw_lapic_stats ls;
	hw_lapic_deliver(x->m, 0, 0, 0x60, false, HW_SRC_IPI);
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 1), 0x60); /* 0x60 in service */
	hw_lapic_deliver(x->m, 0, 2, 0x61, false, HW_SRC_IPI); /* same class: held */
	hw_lapic_deliver(x->m, 0, 3, 0x90, false, HW_SRC_IPI); /* higher class: not held */
	hw_lapic_stats(x->m, 0, &ls);
	ck_assert_uint_eq(ls.held, 1);
	ck_assert_uint_eq(ls.dropped, 0);
	hwt_free(x);
}
END_TEST

START_TEST(plic_holds_request_of_masked_source)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 1, .plic_sources = 8});
	int plic = hw_intc_find(x->m, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	ck_assert_int_eq(hw_intc_route(x->m, (unsigned)plic, 3, VEC, 0, HW_TRIGGER_EDGE,
				       HW_POLARITY_HIGH, 0), HW_OK);
	hw_intc_mask(x->m, (unsigned)plic, 3, true, 0);
	hw_intc_pulse(x->m, (unsigned)plic, 3, 10);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, (unsigned)plic, 3, &st);
	ck_assert_uint_eq(st.held, 1);
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	hw_intc_mask(x->m, (unsigned)plic, 3, false, 20);
	ck_assert(hw_lapic_irr(x->m, 0, VEC)); /* the held request goes out */
	hwt_free(x);
}
END_TEST

START_TEST(percpu_inputs_are_private)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .percpu_lines = 4});
	int pc = hw_intc_find(x->m, HW_INTC_PERCPU);
	struct hw_intc_info info;
	ck_assert_int_eq(pc, 2); /* no PLIC: right after MSI */
	ck_assert_int_eq(hw_intc_info(x->m, (unsigned)pc, &info), HW_OK);
	ck_assert_uint_eq(info.pins, 8);
	ck_assert(info.strategy & HW_INTC_MASKABLE);
	/* Pin 5 is CPU 1's line 1: it goes to CPU 1 only, and edge only. */
	ck_assert_int_eq(hw_intc_route(x->m, (unsigned)pc, 5, VEC, 0, HW_TRIGGER_EDGE,
				       HW_POLARITY_HIGH, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(x->m, (unsigned)pc, 5, VEC, 1, HW_TRIGGER_LEVEL,
				       HW_POLARITY_HIGH, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(x->m, (unsigned)pc, 5, VEC, 1, HW_TRIGGER_EDGE,
				       HW_POLARITY_HIGH, 0), HW_OK);
	ck_assert_uint_eq(hw_percpu_vector(x->m, 5), VEC);
	/* Masked at reset: the edge is lost and counted. */
	ck_assert(hw_intc_masked(x->m, (unsigned)pc, 5));
	hw_intc_pulse(x->m, (unsigned)pc, 5, 10);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, (unsigned)pc, 5, &st);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert(!hw_lapic_irr(x->m, 1, VEC));
	hw_intc_mask(x->m, (unsigned)pc, 5, false, 20);
	hw_intc_pulse(x->m, (unsigned)pc, 5, 30);
	ck_assert(hw_lapic_irr(x->m, 1, VEC));
	ck_assert(!hw_lapic_irr(x->m, 0, VEC));
	hw_intc_stats(x->m, (unsigned)pc, ~0u, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_int_eq(hw_intc_eoi(x->m, (unsigned)pc, 5, 40), HW_OK); /* nothing of its own */
	/* Too many lines per CPU is a configuration error. */
	struct hw_machine *m = NULL;
	struct hw_evq q;
	char err[128];
	ck_assert_int_eq(hw_evq_init(&q, 8), 0);
	struct hw_machine_config bad = {.ncpus = 1, .ram_bytes = 1 << 20, .evq = &q,
					.percpu_lines = HW_PERCPU_MAX_LINES + 1};
	ck_assert_int_ne(hw_machine_create(&bad, &m, err, sizeof(err)), HW_OK);
	hw_evq_fini(&q);
	hwt_free(x);
}
END_TEST

/* A device on a per-CPU line: each pulse is one edge on the line, so each
 * reaches the CPU (the wire's count goes up and back down each time). */
START_TEST(percpu_device_pulses_reach_the_cpu)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .percpu_lines = 2});
	int pc = hw_intc_find(x->m, HW_INTC_PERCPU);
	ck_assert_int_ge(pc, 0);
	struct hw_dev *d = hwt_add(x, (struct hw_dev_desc){
		.kind = HW_DEV_SCRIPT, .name = "s", .mmio_base = 0xc0000000, .mmio_size = 0x1000,
		.irq_mode = HW_IRQ_EDGE, .irq_ctrl = (unsigned)pc, .irq_pin = 3, .vector = VEC,
		.cpu = 1});
	hw_intc_mask(x->m, (unsigned)pc, 3, false, 0);
	ck_assert_int_eq(hw_dev_action(x->m, d, 1, HW_ACT_PULSE, 0), HW_OK);
	ck_assert(hw_lapic_irr(x->m, 1, VEC));
	ck_assert(!hw_intc_line(x->m, (unsigned)pc, 3)); /* the pulse is over */
	ck_assert_uint_eq(hw_lapic_accept(x->m, 1, 2), VEC);
	hw_lapic_eoi(x->m, 1, 2);
	ck_assert_int_eq(hw_dev_action(x->m, d, 3, HW_ACT_PULSE, 0), HW_OK);
	ck_assert(hw_lapic_irr(x->m, 1, VEC));
	struct hw_intc_stats st;
	hw_intc_stats(x->m, (unsigned)pc, 3, &st);
	ck_assert_uint_eq(st.delivered, 2);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-percpu");
	TCase *tc = tcase_create("percpu");
	tcase_add_test(tc, ioapic_message_in_flight_keeps_destination);
	tcase_add_test(tc, lapic_counts_held_and_dropped);
	tcase_add_test(tc, plic_holds_request_of_masked_source);
	tcase_add_test(tc, percpu_inputs_are_private);
	tcase_add_test(tc, percpu_device_pulses_reach_the_cpu);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
