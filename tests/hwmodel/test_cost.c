/* SPDX-License-Identifier: MIT */
/* Cost presets. */
#include "hwtest.h"

START_TEST(presets_by_name)
{
	const struct hw_cost_preset *sky = hw_cost_lookup("skylake");
	const struct hw_cost_preset *zen = hw_cost_lookup("zen3");
	const struct hw_cost_preset *slow = hw_cost_lookup("slow-ipi");
	ck_assert_ptr_nonnull(sky);
	ck_assert_ptr_nonnull(zen);
	ck_assert_ptr_nonnull(slow);
	ck_assert_ptr_null(hw_cost_lookup("nehalem"));
	ck_assert_ptr_null(hw_cost_lookup(NULL));
	ck_assert_ptr_eq(hw_cost_preset_at(0), sky);
	ck_assert_ptr_null(hw_cost_preset_at(3));
	/* The slow-ipi preset exists to make IPIs dominate. */
	ck_assert_uint_ge(slow->ps[HW_COST_IPI_ROUND_TRIP], 5 * sky->ps[HW_COST_IPI_ROUND_TRIP]);
}
END_TEST

START_TEST(every_figure_is_set_and_sane)
{
	for (unsigned i = 0; hw_cost_preset_at(i); i++) {
		const struct hw_cost_preset *p = hw_cost_preset_at(i);
		ck_assert_ptr_nonnull(p->what);
		for (unsigned k = 0; k < HW_COST_COUNT; k++) {
			ck_assert_msg(p->ps[k] > 0, "%s: %s is 0", p->name,
				      hw_cost_kind_name((enum hw_cost)k));
			ck_assert_ptr_nonnull(hw_cost_kind_name((enum hw_cost)k));
		}
		/* Relations that hold on any real machine. */
		ck_assert_uint_lt(p->ps[HW_COST_COPY_BYTE], 1000);
		ck_assert_uint_lt(p->ps[HW_COST_PAGE_WALK_STEP], p->ps[HW_COST_SYSCALL]);
		ck_assert_uint_lt(p->ps[HW_COST_IPI], p->ps[HW_COST_IPI_ROUND_TRIP]);
		ck_assert_uint_lt(p->ps[HW_COST_KERNEL_OP], p->ps[HW_COST_CTX_SWITCH]);
	}
}
END_TEST

START_TEST(ns_conversion_and_machine_preset)
{
	const struct hw_cost_preset *sky = hw_cost_lookup("skylake");
	ck_assert_uint_eq(hw_cost_ns(sky, HW_COST_COPY_BYTE, 4096), 328); /* 80 ps * 4096 */
	ck_assert_uint_eq(hw_cost_ns(sky, HW_COST_SYSCALL, 1), 100);
	ck_assert_uint_eq(hw_cost_ns(sky, HW_COST_COUNT, 1), 0);
	ck_assert_str_eq(hw_cost_kind_name(HW_COST_TLB_MISS), "tlb_miss");
	/* The kernel's enum uk_cost order: the first nine kinds line up. */
	ck_assert_int_eq(HW_COST_SYSCALL, 0);
	ck_assert_int_eq(HW_COST_DEVICE_ACCESS, 8);
	struct hwt *x = hwt_new(1);
	ck_assert_ptr_eq(hw_machine_cost(x->m), sky); /* the default */
	hwt_free(x);
	x = hwt_new_cfg((struct hw_machine_config){.ncpus = 1, .cost_preset = "zen3",
						   .irq_msg_ns = -1});
	ck_assert_ptr_eq(hw_machine_cost(x->m), hw_cost_lookup("zen3"));
	/* irq_msg_ns < 0 takes the preset's message latency. */
	hw_intc_route(x->m, 0, 1, 0x40, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_intc_mask(x->m, 0, 1, false, 0);
	hw_intc_pulse(x->m, 0, 1, 0);
	ck_assert_uint_eq(hw_evq_next_time(&x->q), hw_cost_ns(hw_cost_lookup("zen3"),
							       HW_COST_IRQ_MSG, 1));
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-cost");
	TCase *tc = tcase_create("cost");
	tcase_add_test(tc, presets_by_name);
	tcase_add_test(tc, every_figure_is_set_and_sane);
	tcase_add_test(tc, ns_conversion_and_machine_preset);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
