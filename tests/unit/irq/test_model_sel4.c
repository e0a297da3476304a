/* SPDX-License-Identifier: MIT */
/*
 * The seL4 model (libukern/irq/models/sel4.c): every rule and every error
 * of its calls, on the machine alone (the kernel's part, the notification
 * itself, is tests/sim/test_model_sel4.c).
 */
#include "irq_fake.h"

#include <ukern/models/sel4.h>

#define ABOUT UK_IRQ_CALL_ABOUT_NTFN
#define NTFN (UK_IRQ_CALL_NTFN | ABOUT)
#define SET UK_SEL4_OP_SET_NOTIFICATION
#define CLEAR UK_SEL4_OP_CLEAR

static unsigned events(const struct fake *f, uint16_t kind)
{
	unsigned n = 0;
	for (size_t i = 0; i < f->log.len; i++)
		n += f->log.ev[i].kind == kind;
	return n;
}

static void sel4_pin(struct fake *f, struct uk_irq_pin *pin, enum uk_intc_kind kind,
		     enum uk_trigger trig, bool at_bind)
{
	fake_init(f);
	f->host.model_param[UK_SEL4_PARAM_UNMASK_AT] = at_bind ? UK_SEL4_UNMASK_AT_BIND : 0;
	fake_pin(f, pin, 1, kind, trig, fake_model(f, "sel4"));
}

/* The table: one handler, the native driver, Ack and kick but no NAK. */
static void test_table(void **state)
{
	struct fake f;
	const struct uk_irq_model_ops *m;
	(void)state;

	fake_init(&f);
	m = fake_model(&f, "sel4");
	assert_non_null(m);
	assert_true(uk_irq_model_valid(m));
	assert_int_equal(m->max_sinks, 1);
	assert_string_equal(m->driver, "sel4-driver");
	assert_int_equal(m->answers, UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK);
	assert_non_null(m->call);
}

/* IRQControl: issue unmasks (setIRQState(IRQSignal)); a second issue is
 * RevokeFirst (UK_EBUSY) and changes nothing. */
static void test_issue(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, false);
	fake_sink(&pin, &a, 1);
	assert_int_equal(f.hwmask[1], 0);
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_attach(&pin, &b, 0), UK_EBUSY);
	assert_null(b.pin);
	assert_int_equal(pin.nsinks, 1);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BOUND], 0);
	fake_assert_clean(&f, 0);
}

/* SetNotification: its errors change nothing; success records the badge,
 * asks the kernel to bind, and touches no mask; a second one replaces it. */
static void test_set_notification(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, false);
	fake_sink(&pin, &a, 1);
	unsigned masks = fake_count(&f, FAKE_MASK, 1);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, 4, 0), UK_EBADH); /* no cap */
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, ABOUT | 4, 0), UK_EBADH);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 0, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | (UK_SEL4_BADGE_MAX + 1ull), 0),
			 UK_EINVAL);
	assert_int_equal(uk_irq_sink_model_call(&a, UK_IRQ_RIGHT_WAIT, SET, NTFN | 4, 0), UK_EPERM);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BOUND], 0);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 4, 0), UK_IRQ_CALL_BIND | 4);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BOUND], 1);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BADGE], 4);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | UK_SEL4_BADGE_MAX, 0),
			 UK_IRQ_CALL_BIND | (long)UK_SEL4_BADGE_MAX);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BADGE], UK_SEL4_BADGE_MAX);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), masks);
	fake_assert_clean(&f, 0);
}

/* Clear unbinds, with no error when unbound; unknown ops are
 * IllegalOperation (UK_ENOSYS); a detached handler is UK_EINVAL. */
static void test_clear_and_bad_ops(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, false);
	fake_sink(&pin, &a, 1);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, ABOUT, 0), UK_IRQ_CALL_UNBIND);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 1, 0), UK_IRQ_CALL_BIND | 1);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, ABOUT | 3, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, 0, 0), UK_EINVAL); /* not through the wrapper */
	assert_int_equal(a.model_data[UK_SEL4_SINK_BOUND], 1);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, NTFN, 0), UK_IRQ_CALL_UNBIND);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BOUND], 0);
	assert_int_equal(a.model_data[UK_SEL4_SINK_BADGE], 0);
	assert_int_equal(uk_irq_sink_model_call(&a, UK_IRQ_RIGHT_WAIT, CLEAR, ABOUT, 0), UK_EPERM);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, 0, 0, 0), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, 3, 0, 0), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, 0xffffffffu, 0, 0), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_detach(&a, 0), UK_OK);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 1, 0), UK_EINVAL);
	fake_assert_clean(&f, 0);
}

/* handleInterrupt: masks every trigger mode at delivery; a handler with no
 * notification is "Undelivered IRQ" (reported, counted), a bound one is
 * signalled (the host's notify). No NAK; Ack (kick|clear) unmasks, with or
 * without an interrupt pending; the sequence ACK is accepted too. */
static void test_delivery_and_ack(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, false);
	fake_sink(&pin, &a, 1);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 0), UK_OK); /* nothing pending */
	assert_false(pin.in_service);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(f.hwmask[1], 1); /* edge too */
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 1);
	assert_int_equal(a.model_data[UK_SEL4_SINK_UNDELIVERED], 1);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 20), UK_ENOSYS);
	assert_true(pin.in_service);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 30), UK_OK); /* IRQHandler_Ack */
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(a.acks, 1);
	/* Bound: signalled, not reported. */
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 2, 40), UK_IRQ_CALL_BIND | 2);
	unsigned notified = f.notifies[1];
	uk_irq_pin_raise(&pin, 50);
	assert_int_equal(f.notifies[1], notified + 1);
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, a.seq, 60), UK_OK); /* the sequence ACK */
	assert_int_equal(f.hwmask[1], 0);
	/* Cleared again: undelivered again, and the line stays masked without Ack. */
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, ABOUT, 70), UK_IRQ_CALL_UNBIND);
	uk_irq_pin_raise(&pin, 80);
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 2);
	assert_int_equal(f.hwmask[1], 1);
	assert_true(a.indefinite);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 90), UK_OK);
	fake_assert_clean(&f, 90);
}

/* Binding neither masks nor unmasks: a line masked by an interrupt that
 * came before the bind stays masked until the Ack. */
static void test_bind_keeps_the_mask(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, false);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 1, 1), UK_IRQ_CALL_BIND | 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_true(pin.in_service);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 2), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 2);
}

/* sel4-unmask-at bind: masked from issue until a notification is bound,
 * masked again by Clear; the service mask and this one are kept apart. */
static void test_unmask_at_bind(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, true);
	fake_sink(&pin, &a, 1);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(pin.mask, UK_IRQ_MASK_MODEL);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, 4, 0), UK_EBADH);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 4, 0), UK_IRQ_CALL_BIND | 4);
	assert_int_equal(f.hwmask[1], 0);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, ABOUT, 20), UK_IRQ_CALL_UNBIND);
	assert_int_equal(pin.mask, UK_IRQ_MASK_MODEL | UK_IRQ_MASK_SERVICE);
	/* Unbound, the Ack could not unmask: refused, nothing changes. */
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 30), UK_EINVAL);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, a.seq, 30), UK_EINVAL);
	assert_true(a.indefinite);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 4, 40), UK_IRQ_CALL_BIND | 4);
	assert_int_equal(pin.mask, UK_IRQ_MASK_SERVICE);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 45), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 46), UK_OK); /* none pending: fine */
	/* Deleting the handler: inactive (DISABLED), not the model's mask. */
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, CLEAR, ABOUT, 50), UK_IRQ_CALL_UNBIND);
	assert_int_equal(uk_irq_sink_detach(&a, 60), UK_OK);
	assert_int_equal(pin.mask, UK_IRQ_MASK_DISABLED);
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 0);
	fake_assert_clean(&f, 60);
}

/* deletedIRQHandler: IRQInactive, masked, no report, no retry, even in
 * service; an interrupt that still comes (MSI) is dropped without a word;
 * the next issue unmasks. */
static void test_delete(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, false);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_detach(&a, 1), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(pin.mask, UK_IRQ_MASK_DISABLED);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	assert_int_equal(uk_irq_sink_detach(&a, 2), UK_EINVAL);
	fake_sink(&pin, &b, 2);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(b.model_data[UK_SEL4_SINK_BOUND], 0); /* a new handler starts unbound */
	fake_assert_clean(&f, 2);

	struct fake g;
	struct uk_irq_pin msi;
	struct uk_irq_sink c;
	sel4_pin(&g, &msi, UK_INTC_MSI, UK_TRIGGER_EDGE, false);
	fake_sink(&msi, &c, 1);
	assert_int_equal(uk_irq_sink_detach(&c, 0), UK_OK);
	uk_irq_pin_raise(&msi, 1);
	assert_false(msi.in_service);
	assert_int_equal(g.reports[UK_IRQ_REPORT_NOBODY_CARED], 0);
	assert_int_equal(events(&g, UK_IRQ_EV_UNDELIVERED), 0);
	fake_assert_clean(&g, 1);
}

/* An MSI cannot be masked: a second message during service is kept and
 * delivered after the Ack; with no notification bound it is undelivered
 * too. */
static void test_msi_redelivery(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	sel4_pin(&f, &pin, UK_INTC_MSI, UK_TRIGGER_EDGE, false);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 1);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 2), UK_OK);
	assert_true(pin.in_service); /* the kept message */
	assert_int_equal(a.seq, 2);
	assert_int_equal(events(&f, UK_IRQ_EV_UNDELIVERED), 2);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, SET, NTFN | 1, 3), UK_IRQ_CALL_BIND | 1);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 4), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_issue),
		cmocka_unit_test(test_set_notification),
		cmocka_unit_test(test_clear_and_bad_ops),
		cmocka_unit_test(test_delivery_and_ack),
		cmocka_unit_test(test_bind_keeps_the_mask),
		cmocka_unit_test(test_unmask_at_bind),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_msi_redelivery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
