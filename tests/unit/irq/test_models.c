/* SPDX-License-Identifier: MIT */
/*
 * The alternative models: seL4 (one handler, ACK unmasks, no NAK) and
 * Zircon (software triggers with timestamps), selected per pin or per
 * kernel. Linux has its own file, test_model_linux.c.
 */
#include "irq_fake.h"

#include <string.h>

static void test_sel4_single_handler_ack_unmasks(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "sel4"));
	fake_sink(&pin, &a, 1);
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_attach(&pin, &b, 0), UK_EBUSY);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[1], 1); /* masked until the ACK, edge too */
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_ENOSYS);
	assert_true(a.indefinite);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_false(pin.in_service);
	/* A dead handler cannot hold the line: as seL4's deletedIRQHandler
	 * does, the line goes inactive, masked, with no report and no retry. */
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_detach(&a, 0), UK_OK);
	assert_false(pin.in_service);
	assert_false(pin.stalled);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	/* A new handler takes the line and unmasks it. */
	fake_sink(&pin, &b, 2);
	assert_int_equal(f.hwmask[1], 0);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 2), UK_OK);
	fake_assert_clean(&f, 2);
}

/* Zircon on a vector it cannot mask (MSI): once the last handle is gone,
 * an interrupt that still arrives is dropped without a word. */
static void test_zircon_last_handle_closed(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_detach(&s, 1), UK_OK); /* owed: counts as no answer */
	uk_irq_pin_raise(&pin, 2);
	assert_false(pin.in_service);
	assert_false(pin.stalled);
	assert_int_equal(pin.nobody_reports, 0);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
	fake_assert_clean(&f, 2);
}

static void test_model_selected_per_kernel(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, other;
	(void)state;

	fake_init(&f);
	f.host.model = fake_model(&f, "zircon");
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, NULL);
	fake_pin(&f, &other, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "managarm"));
	assert_ptr_equal(pin.model, fake_model(&f, "zircon"));
	assert_ptr_equal(other.model, fake_model(&f, "managarm"));
}

static void test_zircon_virtual_interrupt(void **state)
{
	struct fake f;
	struct uk_irq_pin virt, seq;
	struct uk_irq_pin_config cfg = { .id = 1 };
	struct uk_irq_sink s, t;
	(void)state;

	fake_init(&f);
	cfg.model = fake_model(&f, "zircon");
	assert_int_equal(uk_irq_pin_init(&virt, &f.host, NULL, &cfg), UK_OK);
	fake_pin(&f, &seq, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "managarm"));
	fake_sink(&virt, &s, 1);
	uk_irq_sink_init(&t, 2);
	assert_int_equal(uk_irq_sink_attach(&virt, &t, 0), UK_EBUSY);
	assert_int_equal(uk_irq_pin_trigger(&seq, 5, 10), UK_EINVAL);
	assert_int_equal(uk_irq_pin_trigger(&virt, 1234, 2000), UK_OK);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 1);
	assert_int_equal(uk_irq_sink_timestamp(&s), 1234);
	/* Triggers during the episode coalesce; the first timestamp wins. */
	assert_int_equal(uk_irq_pin_trigger(&virt, 3000, 3000), UK_OK);
	assert_int_equal(uk_irq_pin_trigger(&virt, 4000, 4000), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&s, ALL, 1, 4000), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 5000), UK_OK);
	assert_int_equal(s.seq, 2);
	assert_int_equal(uk_irq_sink_timestamp(&s), 3000);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 2, 6000), UK_OK);
	assert_false(virt.in_service);
	fake_assert_clean(&f, 6000);
}

/* A model whose calls are none about a notification refuses a call made
 * as one (the syscall's 4th argument): the kernel would take its result
 * (a Zircon timestamp, a Fiasco label) for a binding and hide it from the
 * caller. Nothing changes. */
static void test_calls_not_about_a_notification(void **state)
{
	static const char *const models[] = {"zircon", "fiasco", "linux"};
	static const unsigned ops[] = {4 /* UK_ZX_OP_TRIGGER */, 4 /* UK_FIASCO_IRQ_TRIGGER */,
				       3 /* UK_LINUX_OP_DISABLE */};
	(void)state;

	for (unsigned m = 0; m < 3; m++) {
		struct fake f;
		struct uk_irq_pin pin;
		struct uk_irq_sink s;
		fake_init(&f);
		fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, models[m]));
		fake_sink(&pin, &s, 1);
		uint64_t eps = pin.episode, md[4];
		memcpy(md, s.model_data, sizeof(md));
		assert_int_equal(uk_irq_sink_model_call(&s, ALL, ops[m], UK_IRQ_CALL_ABOUT_NTFN, 5),
				 UK_EINVAL);
		assert_int_equal(uk_irq_sink_model_call(&s, ALL, ops[m],
							UK_IRQ_CALL_ABOUT_NTFN | UK_IRQ_CALL_NTFN,
							5),
				 UK_EINVAL);
		assert_int_equal(pin.episode, eps);
		assert_memory_equal(md, s.model_data, sizeof(md));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sel4_single_handler_ack_unmasks),
		cmocka_unit_test(test_model_selected_per_kernel),
		cmocka_unit_test(test_zircon_last_handle_closed),
		cmocka_unit_test(test_zircon_virtual_interrupt),
		cmocka_unit_test(test_calls_not_about_a_notification),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
