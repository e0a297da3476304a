/* SPDX-License-Identifier: MIT */
/*
 * The plumbing between the machine and the world (libukern/irq/chip.c):
 * the host's initial state, the event records the log gets for the chip
 * writes (mask, EOI, EOS), and a chip or a host with no callbacks at all.
 */
#include <string.h>

#include "irq_fake.h"

/* uk_irq_host_init leaves a known state, whatever the memory held. */
static void test_host_init_resets_everything(void **state)
{
	(void)state;
	struct uk_irq_host h;
	static const struct uk_irq_host_ops ops = {0};
	int ctx;

	memset(&h, 0xa5, sizeof(h));
	uk_irq_host_init(&h, &ops, &ctx);
	assert_ptr_equal(h.ops, &ops);
	assert_ptr_equal(h.ctx, &ctx);
	assert_null(h.log);
	assert_int_equal(h.ack_timeout_ns, UK_IRQ_ACK_TIMEOUT_NS);
	assert_int_equal(h.flags, 0);
	assert_null(h.model);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(h.model_param[i], 0);
	assert_int_equal(h.step, 0);
	assert_int_equal(h.violations, 0);
}

static const struct uk_irq_event *find_ev(const struct fake *f, uint16_t kind, unsigned n)
{
	for (size_t i = 0; i < f->log.len; i++)
		if (f->ev[i].kind == kind && n-- == 0)
			return &f->ev[i];
	return NULL;
}

/* Each chip write is one log record: the pin, no sink, the time; a mask
 * record says masked or not and whether the suspend is a reason; EOI and
 * EOS records carry nothing else. */
static void test_chip_write_records(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin lvl, plic;
	struct uk_irq_sink a, b;
	const struct uk_irq_event *e;

	fake_init(&f);
	fake_pin(&f, &lvl, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_pin(&f, &plic, 2, UK_INTC_PLIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&lvl, &a, 1);
	fake_sink(&plic, &b, 2);
	f.log.len = 0, f.traces = 0; /* from here on */
	uk_irq_pin_raise(&lvl, 10);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 20), UK_OK);
	uk_irq_pin_raise(&plic, 30);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 40), UK_OK);

	e = find_ev(&f, UK_IRQ_EV_MASK, 0); /* the service mask */
	assert_non_null(e);
	assert_int_equal(e->pin, 1);
	assert_int_equal(e->sink, UINT32_MAX);
	assert_int_equal(e->arg, 1);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->t, 10);
	assert_int_equal(e->pad, 0);
	e = find_ev(&f, UK_IRQ_EV_MASK, 1); /* its end */
	assert_non_null(e);
	assert_int_equal(e->arg, 0);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->t, 20);
	e = find_ev(&f, UK_IRQ_EV_EOI, 0);
	assert_non_null(e);
	assert_int_equal(e->pin, 1);
	assert_int_equal(e->sink, UINT32_MAX);
	assert_int_equal(e->arg, 0);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->t, 10);
	assert_null(find_ev(&f, UK_IRQ_EV_EOI, 1)); /* the PLIC wants none */
	e = find_ev(&f, UK_IRQ_EV_EOS, 0);
	assert_non_null(e);
	assert_int_equal(e->pin, 2);
	assert_int_equal(e->sink, UINT32_MAX);
	assert_int_equal(e->arg, 0);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->t, 40);
	assert_null(find_ev(&f, UK_IRQ_EV_EOS, 1));
	assert_int_equal(lvl.eois, 1);
	assert_int_equal(plic.eoss, 1);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 1);
	assert_int_equal(fake_count(&f, FAKE_EOS, 2), 1);

	/* Suspended: the mask record says so. */
	f.log.len = 0, f.traces = 0; /* from here on */
	uk_irq_pin_suspend(&lvl, true, 50);
	e = find_ev(&f, UK_IRQ_EV_MASK, 0);
	assert_non_null(e);
	assert_int_equal(e->arg, 1);
	assert_int_equal(e->flags, UK_IRQ_EVF_SUSPEND);
	uk_irq_pin_suspend(&lvl, false, 60);
	e = find_ev(&f, UK_IRQ_EV_MASK, 1);
	assert_non_null(e);
	assert_int_equal(e->arg, 0);
	assert_int_equal(e->flags, 0);
	fake_assert_clean(&f, 70);
}

/* A suspend that comes or goes behind another mask reason (a level line in
 * service) writes nothing to the chip, but the log still gets a record. */
static void test_suspend_behind_service_mask_is_logged(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;
	const struct uk_irq_event *e;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 10); /* masked for service */
	unsigned masks = fake_count(&f, FAKE_MASK, 1);
	f.log.len = 0, f.traces = 0; /* from here on */
	uk_irq_pin_suspend(&p, true, 20);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), masks);
	assert_int_equal(p.mask, UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_SUSPEND);
	e = find_ev(&f, UK_IRQ_EV_MASK, 0);
	assert_non_null(e);
	assert_int_equal(e->arg, 1);
	assert_int_equal(e->flags, UK_IRQ_EVF_SUSPEND);
	assert_int_equal(e->t, 20);
	uk_irq_pin_suspend(&p, false, 30);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), masks);
	e = find_ev(&f, UK_IRQ_EV_MASK, 1);
	assert_non_null(e);
	assert_int_equal(e->arg, 1); /* still masked, for service */
	assert_int_equal(e->flags, 0);
	assert_null(find_ev(&f, UK_IRQ_EV_MASK, 2));
	/* A second suspend, nothing changes: no record. */
	uk_irq_pin_suspend(&p, false, 31);
	assert_null(find_ev(&f, UK_IRQ_EV_MASK, 2));
	fake_assert_clean(&f, 40);
}

/* The suspend and resume are transitions: a broken invariant (here the
 * controller's mask bit, changed behind the machine's back) is reported
 * with their names. */
static void test_suspend_is_checked(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	uk_irq_pin_set_wake(&p, true); /* the suspend writes nothing */
	f.hwmask[1] = 1;               /* masked behind the kernel's back */
	uk_irq_pin_suspend(&p, true, 10);
	assert_int_equal(f.violations, 1);
	assert_int_equal(f.violation.inv, 8);
	assert_string_equal(f.violation.transition, "suspend");
	uk_irq_pin_suspend(&p, false, 20);
	assert_int_equal(f.violations, 2);
	assert_string_equal(f.violation.transition, "suspend"); /* the first is kept */
}

/* A model's own timer: uk_irq_model_arm sets the pin's timer at once. */
static void test_model_arm_sets_the_timer(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	uk_irq_model_arm(&p, 7 * MS);
	assert_int_equal(p.model_ns, 7 * MS);
	assert_int_equal(f.timer[1], 7 * MS);
	uk_irq_model_arm(&p, UK_IRQ_NEVER);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
}

/* A chip and a host with no callbacks (all optional): the machine runs the
 * same, counting its EOIs and EOSs, and calls nothing. */
static void test_no_callbacks(void **state)
{
	(void)state;
	struct uk_irq_host h;
	struct uk_irq_builtins b;
	struct uk_irq_chip ioapic, plic;
	struct uk_irq_pin p, q;
	struct uk_irq_sink a, c;
	struct uk_irq_pin_config cfg = {.id = 1, .hwpin = 1, .trigger = UK_TRIGGER_LEVEL,
					.polarity = UK_POLARITY_HIGH};

	uk_irq_builtins_init(&b);
	uk_irq_host_init(&h, NULL, NULL);
	h.model = &b.model[0];
	uk_irq_chip_init(&ioapic, UK_INTC_IOAPIC, 0, NULL, NULL, 0);
	uk_irq_chip_init(&plic, UK_INTC_PLIC, 0, NULL, NULL, 1);
	assert_int_equal(uk_irq_pin_init(&p, &h, &ioapic, &cfg), UK_OK);
	cfg.id = 2;
	assert_int_equal(uk_irq_pin_init(&q, &h, &plic, &cfg), UK_OK);
	uk_irq_sink_init(&a, 1);
	uk_irq_sink_init(&c, 2);
	assert_int_equal(uk_irq_sink_attach(&p, &a, 0), UK_OK);
	assert_int_equal(uk_irq_sink_attach(&q, &c, 0), UK_OK);
	uk_irq_pin_raise(&p, 10);
	assert_true(p.hw_masked);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 20), UK_OK);
	assert_false(p.hw_masked);
	assert_int_equal(p.eois, 1);
	uk_irq_pin_raise(&q, 30);
	assert_int_equal(uk_irq_sink_ack(&c, ALL, 1, 40), UK_OK);
	assert_int_equal(q.eoss, 1);
	/* Nobody answers: reported to nobody, stalled, retried by its timer. */
	uk_irq_pin_raise(&p, 50);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 2, 60), UK_OK);
	assert_true(p.stalled);
	uk_irq_pin_timer(&p, 60 + UK_IRQ_STALL_BASE_NS);
	assert_false(p.stalled);
	assert_int_equal(h.violations, 0);
	/* A broken invariant is counted, told to nobody. */
	p.owed++;
	uk_irq_pin_timer(&p, 70 + UK_IRQ_STALL_BASE_NS);
	assert_int_equal(h.violations, 1);
	p.owed--;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_init_resets_everything),
		cmocka_unit_test(test_chip_write_records),
		cmocka_unit_test(test_suspend_behind_service_mask_is_logged),
		cmocka_unit_test(test_suspend_is_checked),
		cmocka_unit_test(test_model_arm_sets_the_timer),
		cmocka_unit_test(test_no_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
