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

int main(void)
{
	Suite *s = suite_create("hwmodel-msi");
	TCase *tc = tcase_create("msi");
	tcase_add_test(tc, message_goes_straight_to_the_vector);
	tcase_add_test(tc, msi_cannot_be_masked);
	tcase_add_test(tc, msi_is_edge_only_and_checked);
	tcase_add_test(tc, every_message_arrives_while_in_service);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
