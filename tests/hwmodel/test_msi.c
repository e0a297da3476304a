/* SPDX-License-Identifier: MIT */
/* MSI: message to a vector, no mask. */
#include "hwtest.h"

#define MSI 1u

START_TEST(message_goes_straight_to_the_vector)
{
	struct hwt *x = hwt_new(4);
	struct hw_intc_info info;
	ck_assert_int_eq(hw_intc_info(x->m, MSI, &info), HW_OK);
	ck_assert_int_eq(info.kind, HW_INTC_MSI);
	ck_assert_uint_eq(info.pins, 32);
	ck_assert_uint_eq(info.strategy & HW_INTC_MASKABLE, 0);
	ck_assert_int_eq(hw_intc_route(x->m, MSI, 3, 0x70, 2, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	uint64_t addr;
	uint32_t data;
	bool en;
	ck_assert_int_eq(hw_msi_message(x->m, 3, &addr, &data, &en), HW_OK);
	ck_assert_uint_eq(addr, 0xfee02000ull);
	ck_assert_uint_eq(data, 0x70);
	ck_assert(en);
	ck_assert_int_eq(hw_intc_pulse(x->m, MSI, 3, 5), HW_OK);
	ck_assert(hw_lapic_irr(x->m, 2, 0x70));
	ck_assert(!hw_lapic_tmr(x->m, 2, 0x70));
	ck_assert_uint_eq(x->wakes[2], 1);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_MSI);
	ck_assert_uint_eq(ev->a, 3);
	ck_assert_uint_eq(ev->b, 0x70);
	ck_assert_uint_eq(ev->c, 2);
	hwt_free(x);
}
END_TEST

START_TEST(msi_cannot_be_masked)
{
	struct hwt *x = hwt_new(1);
	hw_intc_route(x->m, MSI, 0, 0x71, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	ck_assert_int_eq(hw_intc_mask(x->m, MSI, 0, true, 0), HW_EINVAL);
	ck_assert(!hw_intc_masked(x->m, MSI, 0));
	hw_intc_pulse(x->m, MSI, 0, 1);
	ck_assert(hw_lapic_irr(x->m, 0, 0x71)); /* the mask attempt changed nothing */
	struct hw_intc_stats st;
	hw_intc_stats(x->m, MSI, 0, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.dropped, 0);
	hwt_free(x);
}
END_TEST

START_TEST(msi_is_edge_only_and_checked)
{
	struct hwt *x = hwt_new(1);
	ck_assert_int_eq(hw_intc_route(x->m, MSI, 0, 0x71, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(x->m, MSI, 32, 0x71, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(x->m, MSI, 0, 0x1f, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_eoi(x->m, MSI, 0, 0), HW_OK);
	ck_assert_int_eq(hw_intc_claim(x->m, MSI, 0, 0), HW_EINVAL);
	/* An unrouted source is not enabled: its message is dropped. */
	hw_intc_pulse(x->m, MSI, 1, 0);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_DISABLED);
	hwt_free(x);
}
END_TEST

START_TEST(every_message_arrives_while_in_service)
{
	struct hwt *x = hwt_new(1);
	hw_intc_route(x->m, MSI, 0, 0x72, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_intc_pulse(x->m, MSI, 0, 0);
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 1), 0x72);
	hw_intc_pulse(x->m, MSI, 0, 2); /* in service: pends in IRR */
	ck_assert(hw_lapic_irr(x->m, 0, 0x72));
	ck_assert_int_eq(hw_lapic_next_vector(x->m, 0), HW_VEC_NONE);
	hw_lapic_eoi(x->m, 0, 3);
	ck_assert_int_eq(hw_lapic_next_vector(x->m, 0), 0x72);
	hwt_free(x);
}
END_TEST

/* A line driven from outside sends on each rising edge only. */
START_TEST(set_line_sends_on_rising_edges)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_intc_route(m, MSI, 2, 0x73, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	struct hw_intc_stats st;
	ck_assert_int_eq(hw_intc_set_line(m, MSI, 2, false, 1), HW_OK);
	ck_assert_int_eq(hw_intc_set_line(m, MSI, 2, true, 2), HW_OK);
	ck_assert(hw_intc_line(m, MSI, 2));
	ck_assert_int_eq(hw_intc_set_line(m, MSI, 2, true, 3), HW_OK); /* still up */
	hw_intc_stats(m, MSI, 2, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_int_eq(hw_intc_set_line(m, MSI, 2, false, 4), HW_OK);
	ck_assert(!hw_intc_line(m, MSI, 2));
	hw_intc_stats(m, MSI, 2, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_int_eq(hw_intc_set_line(m, MSI, 2, true, 5), HW_OK);
	hw_intc_stats(m, MSI, 2, &st);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert_uint_eq(st.dropped, 0);
	hwt_free(x);
}
END_TEST

/* A reset forgets every source's message, the first one's too. */
START_TEST(reset_clears_every_message)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	for (unsigned s = 0; s < 32; s += 31)
		hw_intc_route(m, MSI, s, 0x74, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_machine_reset(m, 1);
	for (unsigned s = 0; s < 32; s += 31) {
		uint64_t addr = 1;
		uint32_t data = 1;
		bool en = true;
		ck_assert_int_eq(hw_msi_message(m, s, &addr, &data, &en), HW_OK);
		ck_assert_uint_eq(addr, 0);
		ck_assert_uint_eq(data, 0);
		ck_assert(!en);
	}
	hwt_free(x);
}
END_TEST

/* A device's message as its driver programs it in the MSI capability: an
 * address outside 0xfeexxxxx, or a destination CPU that does not exist, is
 * dropped (counted and traced with its reason); a good one arrives. */
START_TEST(bad_messages_are_dropped)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_SCRIPT, .name = "s", .pci = true,
					.slot = 3, .mmio_base = 0xc0000000,
					.mmio_size = 0x1000, .irq_mode = HW_IRQ_MSI,
					.irq_pin = 5});
	/* address low, data, then enable */
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP + 4, 4, 0xfed00000), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP + 12, 4, 0x75), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP, 4,
					  HW_PCI_MSI_ENABLE << 16), HW_OK);
	ck_assert_int_eq(hw_intc_pulse(m, MSI, 5, 1), HW_OK);
	struct hw_intc_stats st;
	hw_intc_stats(m, MSI, 5, &st);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.delivered, 0);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_DROP);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, MSI);
	ck_assert_uint_eq(ev->b, 5);
	ck_assert_uint_eq(ev->c, HW_DROP_UNSUPPORTED);
	/* CPU 2 of 2 */
	hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP + 4, 4, 0xfee00000 | (2u << 12));
	ck_assert_int_eq(hw_intc_pulse(m, MSI, 5, 2), HW_OK);
	hw_intc_stats(m, MSI, 5, &st);
	ck_assert_uint_eq(st.dropped, 2);
	ck_assert_uint_eq(st.delivered, 0);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_BAD_DEST);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_MSI), 0);
	/* CPU 1, lowest-priority delivery (mode 1, treated as fixed): arrives */
	hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP + 4, 4, 0xfee00000 | (1u << 12));
	hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_MSI_CAP + 12, 4, (1u << 8) | 0x75);
	ck_assert_int_eq(hw_intc_pulse(m, MSI, 5, 3), HW_OK);
	ck_assert(hw_lapic_irr(m, 1, 0x75));
	hw_intc_stats(m, MSI, ~0u, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.dropped, 2);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-msi");
	TCase *tc = tcase_create("msi");
	tcase_add_test(tc, message_goes_straight_to_the_vector);
	tcase_add_test(tc, msi_cannot_be_masked);
	tcase_add_test(tc, msi_is_edge_only_and_checked);
	tcase_add_test(tc, every_message_arrives_while_in_service);
	tcase_add_test(tc, set_line_sends_on_rising_edges);
	tcase_add_test(tc, reset_clears_every_message);
	tcase_add_test(tc, bad_messages_are_dropped);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
