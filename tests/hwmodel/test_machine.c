/* SPDX-License-Identifier: MIT */
/* The machine as a whole: determinism, reset, instances in parallel threads. */
#include "hwtest.h"

#include <pthread.h>

/* A small scenario touching every controller and device kind; returns a
 * hash of the trace. */
static uint64_t scenario(struct hwt *x)
{
	struct hw_machine *m = x->m;
	struct hw_dev_desc devs[] = {
		{.kind = HW_DEV_SCRIPT, .name = "s", .mmio_base = 0xc0000000, .irq_pin = 5,
		 .vector = 0x50},
		{.kind = HW_DEV_SCRIPT, .name = "p", .mmio_base = 0xc0001000, .irq_ctrl = 2,
		 .irq_pin = 3, .vector = 0x51, .cpu = 1},
		{.kind = HW_DEV_HPET, .name = "hpet"},
		{.kind = HW_DEV_UART, .name = "u", .mmio_base = 0xc0002000, .irq_pin = 4,
		 .vector = 0x52},
	};
	for (unsigned i = 0; i < 4; i++)
		ck_assert_msg(hw_machine_add_device(m, &devs[i], x->err, sizeof(x->err)) == HW_OK,
			      "%s", x->err);
	hw_intc_mask(m, 0, 5, false, 0);
	hw_intc_mask(m, 2, 3, false, 0);
	hw_lapic_timer_periodic(m, 0, 0, 0xfd, 700);
	uint64_t now = 0;
	for (unsigned round = 0; round < 20; round++) {
		now += 333;
		hw_evq_run_until(&x->q, now);
		hw_dev_action_by_name(m, round & 1 ? "s" : "p", now, HW_ACT_ASSERT, round);
		hw_mmio_write(m, 0, now, 0xc0002000, 1, 'a' + round);
		for (unsigned cpu = 0; cpu < 2; cpu++) {
			while (hw_lapic_next_vector(m, cpu) >= 0) {
				unsigned v = hw_lapic_accept(m, cpu, now);
				if (v == 0x51) {
					int s = hw_intc_claim(m, 2, cpu, now);
					hw_mmio_write(m, cpu, now, 0xc0001000, 4, 1);
					if (s > 0)
						hw_intc_complete(m, 2, cpu, (unsigned)s, now);
				}
				if (v == 0x50)
					hw_mmio_write(m, cpu, now, 0xc0000000, 4, 1);
				hw_lapic_eoi(m, cpu, now);
			}
		}
	}
	uint64_t h = 1469598103934665603ull;
	for (unsigned i = 0; i < x->nev; i++) {
		const struct hwt_ev *e = &x->ev[i];
		uint64_t w[] = {e->t, e->cpu, e->kind, e->a, e->b, e->c};
		for (unsigned k = 0; k < 6; k++)
			h = (h ^ w[k]) * 1099511628211ull;
	}
	return h;
}

static struct hwt *scenario_machine(void)
{
	return hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .plic_sources = 8,
						      .irq_msg_ns = 100});
}

START_TEST(same_inputs_same_trace)
{
	struct hwt *a = scenario_machine(), *b = scenario_machine();
	uint64_t ha = scenario(a), hb = scenario(b);
	ck_assert_uint_gt(a->nev, 100);
	ck_assert_uint_eq(a->nev, b->nev);
	ck_assert_uint_eq(ha, hb);
	ck_assert_uint_ge(hwt_count(a, HW_TRACE_PLIC_DONE), 5);
	ck_assert_uint_ge(hwt_count(a, HW_TRACE_TIMER), 5);
	hwt_free(a);
	hwt_free(b);
}
END_TEST

static void *thread_main(void *arg)
{
	struct hwt *x = arg;
	return (void *)(uintptr_t)scenario(x);
}

START_TEST(two_machines_in_two_threads)
{
	struct hwt *a = scenario_machine(), *b = scenario_machine(), *c = scenario_machine();
	uint64_t want = scenario(c);
	pthread_t ta, tb;
	ck_assert_int_eq(pthread_create(&ta, NULL, thread_main, a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, thread_main, b), 0);
	void *ra, *rb;
	pthread_join(ta, &ra);
	pthread_join(tb, &rb);
	ck_assert_uint_eq((uint64_t)(uintptr_t)ra, (uint64_t)(uintptr_t)(uintptr_t)want);
	ck_assert_uint_eq((uint64_t)(uintptr_t)rb, (uint64_t)(uintptr_t)(uintptr_t)want);
	hwt_free(a);
	hwt_free(b);
	hwt_free(c);
}
END_TEST

START_TEST(reset_returns_to_power_on)
{
	struct hwt *x = scenario_machine();
	scenario(x);
	hw_lapic_deliver(x->m, 1, 0, 0x99, true, HW_SRC_IPI);
	hw_machine_reset(x->m, 10000);
	for (unsigned p = 0; p < HW_IOAPIC_PINS; p++) {
		ck_assert(hw_intc_masked(x->m, 0, p));
		ck_assert(!hw_ioapic_remote_irr(x->m, p));
	}
	ck_assert_int_eq(hw_lapic_next_vector(x->m, 1), HW_VEC_NONE);
	ck_assert_uint_eq(hw_lapic_timer_due(x->m, 0), HW_TIME_NEVER);
	ck_assert(hw_intc_masked(x->m, 2, 3));
	ck_assert_uint_eq(hw_tlb_valid_entries(x->m, 0), 0);
	uint64_t v;
	hw_mmio_read(x->m, 0, 10000, 0xc0000000 + HW_SCRIPT_COUNT, 4, &v);
	ck_assert_uint_eq(v, 0);
	/* Nothing is left on the event queue once the devices and timers are reset. */
	ck_assert_uint_eq(hw_evq_next_time(&x->q), HW_TIME_NEVER);
	hwt_free(x);
}
END_TEST

START_TEST(lapic_mmio_is_per_cpu)
{
	struct hwt *x = hwt_new(2);
	uint64_t v;
	hw_mmio_read(x->m, 1, 0, HW_LAPIC_BASE + HW_LAPIC_ID, 4, &v);
	ck_assert_uint_eq(v >> 24, 1);
	hw_mmio_write(x->m, 0, 0, HW_LAPIC_BASE + HW_LAPIC_TPR, 4, 0x30);
	ck_assert_uint_eq(hw_lapic_tpr(x->m, 0), 0x30);
	ck_assert_uint_eq(hw_lapic_tpr(x->m, 1), 0);
	hw_lapic_deliver(x->m, 1, 0, 0x70, false, HW_SRC_IPI);
	hw_mmio_read(x->m, 1, 0, HW_LAPIC_BASE + HW_LAPIC_IRR + 0x30, 4, &v);
	ck_assert_uint_eq(v, 1u << (0x70 - 96));
	hw_lapic_accept(x->m, 1, 0);
	hw_mmio_write(x->m, 1, 0, HW_LAPIC_BASE + HW_LAPIC_EOI, 4, 0);
	ck_assert(!hw_lapic_isr(x->m, 1, 0x70));
	ck_assert_int_eq(hw_mmio_read(x->m, 0, 0, 0xe0000000, 4, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xffffffffu);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-machine");
	TCase *tc = tcase_create("machine");
	tcase_add_test(tc, same_inputs_same_trace);
	tcase_add_test(tc, two_machines_in_two_threads);
	tcase_add_test(tc, reset_returns_to_power_on);
	tcase_add_test(tc, lapic_mmio_is_per_cpu);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
