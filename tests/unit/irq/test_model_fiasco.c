/* SPDX-License-Identifier: MIT */
/*
 * The Fiasco.OC model (libukern/irq/models/fiasco.c): counted IRQ messages
 * per IRQ object, unmask to re-arm, the Irq_muxer of a shared line, attach
 * and detach of the target thread, and every error of its calls.
 */
#include "irq_fake.h"

#include <stdio.h>

#include <ukern/models/fiasco.h>

static const struct uk_irq_model_ops *fiasco(struct fake *f)
{
	return fake_model(f, "fiasco");
}

static long call(struct uk_irq_sink *s, unsigned op, uint64_t arg, uint64_t now)
{
	return uk_irq_sink_model_call(s, ALL, op, arg, now);
}

static uint32_t fiasco_props(void *ctx, uint32_t pin)
{
	(void)pin;
	return ((const struct uk_irq_model_ops *)ctx)->liveness;
}

/* No invariant broken, and no liveness property the model claims. */
static void clean(struct fake *f, uint64_t end_ns)
{
	struct uk_irq_live_violation v[8];
	struct uk_irq_live_params p = {.ack_timeout_ns = f->host.ack_timeout_ns,
				       .end_ns = end_ns,
				       .props = fiasco_props,
				       .ctx = (void *)fiasco(f)};
	size_t n = uk_irq_liveness_check(&f->log, &p, v, 8);
	for (size_t i = 0; i < n && i < 8; i++)
		fprintf(stderr, "  L%u: %s\n", v[i].prop, v[i].msg);
	assert_int_equal(n, 0);
	assert_int_equal(f->violations, 0);
}

/* A lone sender on a level line, attached to a thread with label 7. */
static void level_sender(struct fake *f, struct uk_irq_pin *pin, struct uk_irq_sink *s)
{
	fake_init(f);
	fake_pin(f, pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, fiasco(f));
	fake_sink(pin, s, 1);
	assert_int_equal(call(s, UK_FIASCO_IRQ_ATTACH, 7, 0), 0);
}

static void test_table(void **state)
{
	struct fake f;
	(void)state;
	fake_init(&f);
	const struct uk_irq_model_ops *m = fiasco(&f);
	assert_non_null(m);
	assert_true(uk_irq_model_valid(m));
	assert_string_equal(m->driver, "fiasco-driver");
	assert_int_equal(m->max_sinks, 0); /* shared lines: the muxer */
	assert_int_equal(m->invariants, UK_IRQ_INV_ALL);
}

/* Binding masks a fresh object; the driver's unmask opens the line. */
static void test_attach_masks_until_unmask(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	level_sender(&f, &pin, &s);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_UNMASK, 0, 1), 0);
	assert_int_equal(f.hwmask[1], 0);
	clean(&f, 1);
}

/* Level: a hit masks, queues one message and rings the doorbell; the
 * receive takes it; the unmask re-arms only once nothing is queued. */
static void test_level_hit_receive_unmask(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	level_sender(&f, &pin, &s);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 0), UK_EAGAIN);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), UK_EAGAIN);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(f.hwmask[1], 1);
	assert_false(pin.in_service); /* the doorbell's episode ended in its step */
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 1);
	assert_true(f.notifies[1] > 0);
	/* A software trigger while masked: a second message counted. */
	assert_int_equal(uk_irq_pin_trigger(&pin, 11, 11), UK_OK);
	assert_int_equal(s.model_data[0], 2);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 12), 7);
	/* One still queued: the unmask is not honoured. */
	assert_int_equal(call(&s, UK_FIASCO_IRQ_UNMASK, 0, 13), 0);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 14), 7);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 15), UK_EAGAIN);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_UNMASK, 0, 16), 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 1);
	clean(&f, 16);
}

/* Edge: the first hit leaves the line open, a hit with a message still
 * queued masks it, and the receive that takes the queue from two to one
 * unmasks it. */
static void test_edge_counts_and_masks_at_second(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	fake_init(&f);
	fake_pin(&f, &pin, 2, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fiasco(&f));
	fake_sink(&pin, &s, 1);
	call(&s, UK_FIASCO_IRQ_ATTACH, 3, 0);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(f.hwmask[2], 0);
	uk_irq_pin_raise(&pin, 2);
	assert_int_equal(f.hwmask[2], 1);
	assert_int_equal(s.model_data[0], 2);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 2);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 3), 3);
	assert_int_equal(f.hwmask[2], 0);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 4), 3);
	assert_int_equal(f.hwmask[2], 0);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 5), UK_EAGAIN);
	clean(&f, 5);
}

/* A shared line is an Irq_muxer: every hit masks every child, and the line
 * opens only when the last child unmasked; a child leaving stops holding it. */
static void test_muxer_waits_for_every_child(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b, c;
	(void)state;
	fake_init(&f);
	fake_pin(&f, &pin, 3, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fiasco(&f));
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	call(&a, UK_FIASCO_IRQ_ATTACH, 1, 0);
	call(&b, UK_FIASCO_IRQ_ATTACH, 2, 0);
	call(&a, UK_FIASCO_IRQ_UNMASK, 0, 0);
	assert_int_equal(f.hwmask[3], 1); /* b was chained masked */
	call(&b, UK_FIASCO_IRQ_UNMASK, 0, 0);
	assert_int_equal(f.hwmask[3], 0);
	/* Children of the muxer are level, even on an edge line. */
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(f.hwmask[3], 1);
	assert_int_equal(call(&a, UK_FIASCO_IRQ_RECEIVE, 0, 2), 1);
	assert_int_equal(call(&b, UK_FIASCO_IRQ_RECEIVE, 0, 2), 2);
	call(&a, UK_FIASCO_IRQ_UNMASK, 0, 3);
	assert_int_equal(f.hwmask[3], 1);
	call(&b, UK_FIASCO_IRQ_UNMASK, 0, 4);
	assert_int_equal(f.hwmask[3], 0);
	/* b never unmasks the next one; its leaving releases the line. */
	uk_irq_pin_raise(&pin, 5);
	call(&a, UK_FIASCO_IRQ_RECEIVE, 0, 6);
	call(&a, UK_FIASCO_IRQ_UNMASK, 0, 6);
	assert_int_equal(f.hwmask[3], 1);
	assert_int_equal(uk_irq_sink_detach(&b, 7), UK_OK);
	assert_int_equal(f.hwmask[3], 0);
	/* A child chained later comes masked and holds the line until it
	 * unmasks. */
	fake_sink(&pin, &c, 3);
	assert_int_equal(f.hwmask[3], 1);
	call(&c, UK_FIASCO_IRQ_UNMASK, 0, 8);
	assert_int_equal(f.hwmask[3], 0);
	clean(&f, 8);
}

/* Attaching to an IRQ attached to nobody drops what was queued;
 * re-attaching an attached one keeps it (the new thread gets it). */
static void test_attach_detach_and_the_queue(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	level_sender(&f, &pin, &s);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_ATTACH, 9, 2), 0); /* a new thread */
	assert_int_equal(s.model_data[0], 1);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 3), 9);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 4);
	uk_irq_pin_raise(&pin, 5);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_DETACH, 0, 6), 0);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_DETACH, 0, 6), UK_ENOENT);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 6), UK_ENOENT);
	assert_int_equal(s.model_data[0], 1); /* kept until the next attach */
	assert_int_equal(call(&s, UK_FIASCO_IRQ_ATTACH, 4, 7), 0);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 8), UK_EAGAIN);
	/* Detached, a hit still counts; the attach drops it again. */
	call(&s, UK_FIASCO_IRQ_DETACH, 0, 9);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 9);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(s.model_data[0], 1);
	call(&s, UK_FIASCO_IRQ_ATTACH, 4, 11);
	assert_int_equal(s.model_data[0], 0);
	clean(&f, 11);
}

static void test_errors(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s, loose;
	(void)state;
	level_sender(&f, &pin, &s);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_ATTACH, (uint64_t)INT64_MAX + 1, 0), UK_EINVAL);
	assert_int_equal(s.model_data[3], 7); /* unchanged */
	assert_int_equal(call(&s, 5, 0, 0), UK_EINVAL);
	assert_int_equal(call(&s, 0xffffffffu, 0, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_model_call(&s, UK_IRQ_RIGHT_WAIT, UK_FIASCO_IRQ_UNMASK, 0, 0),
			 UK_EPERM);
	uk_irq_sink_init(&loose, 9);
	assert_int_equal(call(&loose, UK_FIASCO_IRQ_RECEIVE, 0, 0), UK_EINVAL);
	/* No ACK, NAK or kick on Fiasco. */
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 2), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 2, 2), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_nak(&s, ALL, 1, 2), UK_ENOSYS);
	assert_int_equal(uk_irq_sink_ack(&s, UK_IRQ_RIGHT_WAIT, 1, 2), UK_EPERM);
	assert_int_equal(uk_irq_sink_kick(&s, ALL, false, 2), UK_ENOSYS);
	assert_int_equal(f.hwmask[1], 1);
	clean(&f, 2);
}

/* A hit with no object on the line is lost without a report and leaves
 * the line masked; the next object comes masked too. */
static void test_no_object(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	fake_init(&f);
	fake_pin(&f, &pin, 4, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fiasco(&f));
	uk_irq_pin_raise(&pin, 1);
	assert_int_equal(f.hwmask[4], 1);
	assert_int_equal(pin.nobody_reports, 0);
	assert_false(pin.in_service);
	fake_sink(&pin, &s, 1);
	assert_int_equal(f.hwmask[4], 1);
	call(&s, UK_FIASCO_IRQ_ATTACH, 0, 2);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 2);
	assert_int_equal(f.hwmask[4], 0);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 3), UK_EAGAIN);
	assert_int_equal(uk_irq_sink_detach(&s, 4), UK_OK);
	assert_int_equal(f.hwmask[4], 1);
	clean(&f, 4);
}

/* A line held masked for the ACK timeout is reported once, naming the
 * objects that hold it; unmasking ends the stretch. */
static void test_masked_line_report(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	level_sender(&f, &pin, &s);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(f.timer[1], 10 + f.host.ack_timeout_ns);
	fake_tick(&f, &pin, 10 + f.host.ack_timeout_ns);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	assert_int_equal(f.report_sink, 1);
	fake_tick(&f, &pin, 10 + 3 * f.host.ack_timeout_ns);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 20);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 20);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	assert_int_equal(f.violations, 0);
}

/* l4_irq_trigger hits one object only; on a line it cannot mask (MSI) the
 * counts still hold and no mask bit is set (I7). */
static void test_trigger_and_msi(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;
	fake_init(&f);
	fake_pin(&f, &pin, 5, UK_INTC_MSI, UK_TRIGGER_EDGE, fiasco(&f));
	fake_sink(&pin, &s, 1);
	call(&s, UK_FIASCO_IRQ_ATTACH, 2, 0);
	call(&s, UK_FIASCO_IRQ_UNMASK, 0, 0);
	for (unsigned i = 0; i < 3; i++)
		uk_irq_pin_raise(&pin, 1 + i);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_TRIGGER, 0, 5), 0);
	assert_int_equal(s.model_data[0], 4);
	assert_int_equal(pin.mask, 0);
	assert_int_equal(uk_irq_sink_poll(&s, ALL, 0), 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 6), 2);
	assert_int_equal(call(&s, UK_FIASCO_IRQ_RECEIVE, 0, 6), UK_EAGAIN);
	clean(&f, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_attach_masks_until_unmask),
		cmocka_unit_test(test_level_hit_receive_unmask),
		cmocka_unit_test(test_edge_counts_and_masks_at_second),
		cmocka_unit_test(test_muxer_waits_for_every_child),
		cmocka_unit_test(test_attach_detach_and_the_queue),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_object),
		cmocka_unit_test(test_masked_line_report),
		cmocka_unit_test(test_trigger_and_msi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
