/* SPDX-License-Identifier: MIT */
/*
 * The IRQ kernel objects (libukern/irq/irq_kobj.c) where the simulated
 * machine cannot take them: out of kernel memory, and controllers the
 * machines of hwmodel never have (a fifth controller, a per-CPU controller
 * with fewer inputs than CPUs). The core's mock arch (tests/unit/core),
 * with uk_arch_intc_info wrapped (-Wl,--wrap) to describe such controllers.
 * tests/sim/test_irq_kobj.c (suite irq-kobj) has the rest, on the real models.
 */
#include <ukern/irq_log.h>
#include <ukern/irq_model.h>
#include <ukern/irq_sys.h>

#include "harness.h"

/* ---- controllers the mock does not have ---- */

enum fake_intc { FAKE_NONE, FAKE_FIVE, FAKE_PERCPU_SHORT, FAKE_PERCPU, FAKE_MSI_SMALL };
static enum fake_intc fake;

int __real_uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info);
int __wrap_uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info);

int __wrap_uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info)
{
	switch (fake) {
	case FAKE_NONE:
		break;
	case FAKE_FIVE:
		/* Four MSI controllers, then a PLIC as the fifth. */
		if (ctrl > 4)
			return UK_ENOENT;
		*info = (struct uk_intc_info){.kind = ctrl < 4 ? UK_INTC_MSI : UK_INTC_PLIC,
					      .pins = 8};
		return 0;
	case FAKE_PERCPU_SHORT:
		/* One local input for two CPUs: none per CPU. */
		if (ctrl > 0)
			return UK_ENOENT;
		*info = (struct uk_intc_info){.kind = UK_INTC_PERCPU, .pins = 1};
		return 0;
	case FAKE_PERCPU:
		/* One local input per CPU (two CPUs). */
		if (ctrl > 0)
			return UK_ENOENT;
		*info = (struct uk_intc_info){.kind = UK_INTC_PERCPU, .pins = 2};
		return 0;
	case FAKE_MSI_SMALL:
		/* The mock's MSI controller, said to have 2 sources (it routes 4). */
		if (ctrl > 0)
			return UK_ENOENT;
		*info = (struct uk_intc_info){.kind = UK_INTC_MSI, .pins = 2};
		return 0;
	}
	return __real_uk_arch_intc_info(a, ctrl, info);
}

static struct {
	long plic, msi, percpu;
} fk;

static void fake_prog(struct uk_user *u, uint64_t arg)
{
	(void)arg;
	fk.plic = uk_irq_attach(u, UK_IRQ_SRC_PLIC, 1, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	fk.percpu = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

/* The kernel keeps four controllers; a fifth is not looked at (its kind is
 * "not there"), nothing is written past the four. */
static void test_fifth_controller_is_not_used(void **state)
{
	(void)state;
	struct uk_kernel *k = boot(1, 4 << 20, NULL);

	fake = FAKE_FIVE;
	spawn_prog(k, fake_prog, 0, 5, 0);
	mock_run(k, 0);
	fake = FAKE_NONE;
	assert_int_equal(harness_failures, 0);
	assert_int_equal(fk.plic, UK_ENOENT);
	assert_int_equal(fk.percpu, UK_ENOENT);
	shutdown();
}

/* A per-CPU controller with fewer inputs than CPUs gives each CPU none: a
 * wake setting is only kept (no line can exist), an attach is refused. */
static void test_percpu_controller_without_inputs(void **state)
{
	(void)state;
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct uk_pm_info pm;

	fake = FAKE_PERCPU_SHORT;
	assert_int_equal(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_PERCPU, 0, true), 0);
	spawn_prog(k, fake_prog, 0, 5, 0);
	mock_run(k, 0);
	fake = FAKE_NONE;
	assert_int_equal(harness_failures, 0);
	assert_int_equal(fk.percpu, UK_EINVAL);
	uk_kernel_pm_info(k, &pm);
	assert_int_equal(pm.wake_lines, 0);
	shutdown();
}

/* The kernel bounds a source by the pins its controller declares, whatever
 * the controller's route would accept; a per-CPU input by the inputs of one
 * CPU; and a per-CPU input is edge only, for a line made already too (the
 * line keeps its trigger: its next interrupt is an edge's, not masked). */
static struct {
	long msi_last, msi_past, local, local_other, local_level, local_again;
} bd;

static void bounds_prog(struct uk_user *u, uint64_t arg)
{
	if (arg == 0) {
		bd.msi_last = uk_irq_attach(u, UK_IRQ_SRC_MSI, 1, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
		bd.msi_past = uk_irq_attach(u, UK_IRQ_SRC_MSI, 2, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
		return;
	}
	bd.local = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	bd.local_other = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 1, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	bd.local_level = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 0, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long seq = uk_irq_wait(u, bd.local, 0);
	UCHECK(seq == 1);
	UCHECK(uk_irq_ack(u, bd.local, (uint64_t)seq) == 0);
}

static void test_sources_bounded_by_the_controller(void **state)
{
	(void)state;
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	static struct uk_irq_event ev[64];
	struct uk_irq_log log;

	mock_enable_msi(4);
	fake = FAKE_MSI_SMALL;
	spawn_prog(k, bounds_prog, 0, 5, 0);
	mock_run(k, 0);
	fake = FAKE_NONE;
	assert_int_equal(harness_failures, 0);
	assert_true(bd.msi_last > 0);
	assert_int_equal(bd.msi_past, UK_EINVAL);
	assert_int_equal(mock_msi_vector(2), 0);
	shutdown();

	k = boot(2, 4 << 20, NULL);
	mock_enable_msi(4); /* the mock routes any controller's pins here */
	uk_irq_log_init(&log, ev, 64);
	assert_int_equal(uk_kernel_irq_set_log(k, &log), 0);
	fake = FAKE_PERCPU;
	spawn_prog(k, bounds_prog, 1, 5, 0);
	mock_run(k, 0);
	assert_true(mock_msi_vector(0) != 0);
	mock_raise_device(0, mock_msi_vector(0));
	mock_run(k, 0);
	fake = FAKE_NONE;
	assert_int_equal(harness_failures, 0);
	assert_true(bd.local > 0);
	assert_int_equal(bd.local_other, UK_EINVAL); /* CPU 1's input */
	assert_int_equal(bd.local_level, UK_EINVAL);
	assert_int_equal(mock_msi_vector(1), 0);
	/* One episode, as an edge's: never masked. */
	unsigned begins = 0, masks = 0;
	for (size_t i = 0; i < log.len; i++) {
		begins += ev[i].kind == UK_IRQ_EV_BEGIN;
		masks += ev[i].kind == UK_IRQ_EV_MASK;
	}
	assert_int_equal(begins, 1);
	assert_int_equal(masks, 0);
	shutdown();
}

/* ---- out of kernel memory ---- */

static struct {
	long first, virt_new, msi_new, virt_old, msi_old;
} om;

static void no_state_prog(struct uk_user *u, uint64_t arg)
{
	(void)arg;
	om.first = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 1, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

/* Every page taken before the first IRQ call: the per-kernel IRQ state
 * cannot be made, and every call that needs it says UK_ENOMEM. */
static void test_no_memory_for_the_irq_state(void **state)
{
	(void)state;
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	static const uint64_t params[1] = {1};

	spawn_prog(k, no_state_prog, 0, 5, 0);
	while (kalloc(k, UK_PAGE_SIZE))
		;
	assert_int_equal(k->frames.free, 0);
	assert_int_equal(uk_kernel_irq_set_log(k, NULL), UK_ENOMEM);
	assert_int_equal(uk_kernel_irq_set_policy(k, 1000, true), UK_ENOMEM);
	assert_int_equal(uk_kernel_irq_set_model(k, NULL), UK_ENOMEM);
	assert_int_equal(uk_kernel_irq_set_line(k, UK_IRQ_SRC_MSI, 0, NULL, NULL), UK_ENOMEM);
	assert_int_equal(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_MSI, 0, true), UK_ENOMEM);
	assert_int_equal(uk_kernel_irq_set_model_params(k, params, 1), UK_ENOMEM);
	/* A route request of the platform: carried out (and dropped) in the
	 * interrupt, without a state to keep it in. */
	assert_int_equal(uk_kernel_host_request(k, UK_HOST_ROUTE, (uint64_t)UK_IRQ_SRC_MSI << 32 | 1,
						0), 0);
	mock_raise_device(0, UK_VEC_HOST);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(om.first, UK_ENOMEM);
	assert_null(k->irq);
	shutdown();
}

static void no_line_prog(struct uk_user *u, uint64_t arg)
{
	(void)arg;
	om.virt_new = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 3, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	om.msi_new = uk_irq_attach(u, UK_IRQ_SRC_MSI, 1, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	om.virt_old = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 2, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	om.msi_old = uk_irq_attach(u, UK_IRQ_SRC_MSI, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

static void make_lines_prog(struct uk_user *u, uint64_t arg)
{
	(void)arg;
	long v = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 2, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	long m = uk_irq_attach(u, UK_IRQ_SRC_MSI, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	UCHECK(v > 0 && m > 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)v) == 0);
	UCHECK(uk_sys_handle_close(u, (uint32_t)m) == 0);
}

/* With the IRQ state made but no memory left for a line or a sink object:
 * a new line (virtual or not) and a new sink are refused with UK_ENOMEM,
 * and nothing else changes (the lines made before stay; lines are never
 * freed, sinks are). */
static void test_no_memory_for_a_line_or_sink(void **state)
{
	(void)state;
	struct uk_kernel *k = boot(1, 4 << 20, NULL);

	mock_enable_msi(4);
	spawn_prog(k, make_lines_prog, 0, 5, 0);
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_non_null(k->irq);
	spawn_prog(k, no_line_prog, 0, 5, 0);
	/* Nothing left for any object of a line's or a sink's size. */
	while (kalloc(k, UK_PAGE_SIZE))
		;
	while (kalloc(k, 256))
		;
	while (kalloc(k, 512))
		;
	mock_run(k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(om.virt_new, UK_ENOMEM);
	assert_int_equal(om.msi_new, UK_ENOMEM);
	assert_int_equal(om.virt_old, UK_ENOMEM);
	assert_int_equal(om.msi_old, UK_ENOMEM);
	assert_int_equal(mock_msi_vector(1), 0); /* never routed */
	assert_int_not_equal(mock_msi_vector(0), 0);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifth_controller_is_not_used),
		cmocka_unit_test(test_percpu_controller_without_inputs),
		cmocka_unit_test(test_sources_bounded_by_the_controller),
		cmocka_unit_test(test_no_memory_for_the_irq_state),
		cmocka_unit_test(test_no_memory_for_a_line_or_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
