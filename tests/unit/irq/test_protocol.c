/* SPDX-License-Identifier: MIT */
/*
 * The base protocol of docs/design.md section 3: episodes, sequences, wait,
 * ACK/NAK/kick, attach/detach, trigger modes, strategy bits, rights, and
 * every error path of the sink calls (errors change nothing).
 */
#include "irq_fake.h"

#include <string.h>

static void test_pin_init_errors(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_pin_config cfg = { .id = 1, .trigger = UK_TRIGGER_LEVEL };
	(void)state;

	fake_init(&f);
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.msi, &cfg), UK_EINVAL);
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, NULL, &cfg), UK_EINVAL);
	cfg.trigger = UK_TRIGGER_EDGE;
	/* Tables that cannot be used: another ABI version, no way to end an
	 * episode, a behaviour with unknown bits. */
	struct uk_irq_model_ops old = *fake_model(&f, "managarm"), mute = *fake_model(&f, "managarm");
	old.abi = UK_ABI_VERSION + 1;
	mute.answers = UK_IRQ_ANSWER_NAK;
	cfg.model = &old;
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.ioapic, &cfg), UK_EINVAL);
	cfg.model = &mute;
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.ioapic, &cfg), UK_EINVAL);
	cfg.model = NULL;
	struct uk_irq_behaviour odd = *fake_behaviour(&f, "no-buffer");
	odd.flags |= 1u << 30;
	cfg.behaviour = &odd;
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.ioapic, &cfg), UK_EINVAL);
	cfg.behaviour = NULL;
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &f.ioapic, &cfg), UK_OK);
	assert_ptr_equal(pin.model, fake_model(&f, "managarm"));
	assert_int_equal(f.hwmask[1], 0); /* starts from a known, unmasked chip */
}

static void test_configure(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, msi;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_pin(&f, &msi, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &s, 1);
	assert_int_equal(uk_irq_pin_configure(&msi, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH), UK_EINVAL);
	assert_int_equal(uk_irq_pin_configure(&pin, UK_TRIGGER_LEVEL, UK_POLARITY_LOW), UK_OK);
	assert_int_equal(pin.trigger, UK_TRIGGER_LEVEL);
	assert_int_equal(pin.polarity, UK_POLARITY_LOW);
	assert_int_equal(uk_irq_pin_configure(&pin, (enum uk_trigger)7, UK_POLARITY_LOW), UK_EINVAL);
	assert_int_equal(uk_irq_pin_configure(&pin, UK_TRIGGER_EDGE, (enum uk_polarity)7), UK_EINVAL);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_pin_configure(&pin, UK_TRIGGER_EDGE, UK_POLARITY_HIGH), UK_EBUSY);
	assert_int_equal(pin.trigger, UK_TRIGGER_LEVEL);
	fake_assert_clean(&f, 0);
}

static void test_default_strategies(void **state)
{
	(void)state;
	assert_true(uk_irq_default_strategy(UK_INTC_IOAPIC) & UK_INTC_MASKABLE);
	assert_true(uk_irq_default_strategy(UK_INTC_IOAPIC) & UK_INTC_SUPPRESS_MASK_IN_SERVICE);
	assert_true(uk_irq_default_strategy(UK_INTC_IOAPIC) & UK_INTC_EOI);
	assert_int_equal(uk_irq_default_strategy(UK_INTC_MSI), UK_INTC_EOI);
	assert_int_equal(uk_irq_default_strategy(UK_INTC_PLIC), UK_INTC_MASKABLE | UK_INTC_EOS);
	assert_int_equal(uk_irq_default_strategy((enum uk_intc_kind)0), 0);
}

/* The seed discussion's driver loop, written against the pure machine. */
static void test_driver_loop(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink irq;
	uint64_t seq = 0;
	bool from_my_device[4] = { true, false, true, true };
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &irq, 1);
	for (int i = 0; i < 4; i++) {
		uk_irq_pin_raise(&pin, (uint64_t)i * 200 * MS);
		int64_t r = uk_irq_sink_poll(&irq, ALL, seq); /* wait */
		assert_true(r > 0);
		seq = (uint64_t)r;
		if (from_my_device[i])
			assert_int_equal(uk_irq_sink_ack(&irq, ALL, seq, (uint64_t)i * 200 * MS), UK_OK);
		else
			assert_int_equal(uk_irq_sink_nak(&irq, ALL, seq, (uint64_t)i * 200 * MS), UK_OK);
		fake_tick(&f, &pin, (uint64_t)i * 200 * MS + 150 * MS);
	}
	assert_int_equal(seq, 4);
	assert_int_equal(irq.acks, 3);
	assert_int_equal(irq.naks, 1);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	fake_assert_clean(&f, 800 * MS);
}

static void test_episode_and_wait(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 0), UK_EAGAIN);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 1), UK_EFUTURE);
	f.ncalls = 0;
	assert_int_equal(uk_irq_pin_raise(&pin, 0), UK_IRQ_RAISE_STARTED);
	assert_true(pin.in_service);
	assert_int_equal(pin.owed, 2);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 0), 1);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 1), UK_EAGAIN);
	assert_int_equal(uk_irq_sink_poll(&a, ALL, 2), UK_EFUTURE);
	assert_int_equal(uk_irq_sink_poll(&a, UK_IRQ_RIGHT_SIGNAL, 0), UK_EPERM);
	assert_int_equal(f.notifies[1], 1);
	assert_int_equal(f.notifies[2], 1);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 1);
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), 0); /* edge stays unmasked */
	fake_assert_clean(&f, 0);
}

/* uk_irq_sink_answer, the model toolkit's plain answer: a NAK by the only
 * sink stalls the pin like uk_irq_sink_nak, and its NAK event carries no
 * flag (neither on behalf nor a detach); an ACK ends the episode. */
static unsigned count_events(const struct fake *f, uint16_t kind, uint16_t flags)
{
	unsigned n = 0;
	for (size_t i = 0; i < f->log.len; i++)
		if (f->ev[i].kind == kind && f->ev[i].flags == flags)
			n++;
	return n;
}

static void test_sink_answer(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	assert_int_equal(uk_irq_sink_answer(&a, false, 0), UK_ESTALE); /* nothing owed */
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_answer(&a, false, 10), UK_OK);
	assert_int_equal(pin.owed, 0);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	assert_int_equal(count_events(&f, UK_IRQ_EV_NAK, 0), 1);
	assert_int_equal(uk_irq_sink_answer(&a, true, 20), UK_ESTALE); /* one answer only */
	fake_tick(&f, &pin, 200000000); /* the stall's retry */
	assert_int_equal(uk_irq_pin_raise(&pin, 200000000), UK_IRQ_RAISE_STARTED);
	assert_int_equal(uk_irq_sink_answer(&a, true, 200000010), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(count_events(&f, UK_IRQ_EV_ACK, 0), 1);
	fake_assert_clean(&f, 200000010);
}

static void test_answer_errors_change_nothing(void **state)
{
	struct fake f;
	struct uk_irq_pin pin, snap;
	struct uk_irq_sink a, b, lone;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_sink_init(&lone, 3);
	/* Nothing to answer yet. */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 0, 0), UK_ESTALE);
	uk_irq_pin_raise(&pin, 0);
	memcpy(&snap, &pin, sizeof(pin));
	assert_int_equal(uk_irq_sink_ack(&a, UK_IRQ_RIGHT_WAIT, 1, 0), UK_EPERM);
	assert_int_equal(uk_irq_sink_nak(&a, UK_IRQ_RIGHT_WAIT, 1, 0), UK_EPERM);
	assert_int_equal(uk_irq_sink_kick(&a, UK_IRQ_RIGHT_WAIT, true, 0), UK_EPERM);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 0), UK_EFUTURE);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 2, 0), UK_EFUTURE);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 0, 0), UK_ESTALE);
	assert_int_equal(uk_irq_sink_ack(&lone, ALL, 0, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_kick(&lone, ALL, false, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_detach(&lone, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_poll(&lone, ALL, 0), UK_EINVAL);
	assert_memory_equal(&snap, &pin, sizeof(pin));
	/* One answer per sink per episode. */
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	memcpy(&snap, &pin, sizeof(pin));
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_EALREADY);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_EALREADY);
	assert_memory_equal(&snap, &pin, sizeof(pin));
	assert_true(pin.in_service); /* b still owes */
	fake_assert_clean(&f, 0);
}

static void test_level_masked_in_service(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	f.ncalls = 0;
	uk_irq_pin_raise(&pin, 0);
	/* Mask first, then EOI, so the still-asserted line cannot re-deliver. */
	assert_int_equal(f.ncalls, 2);
	assert_int_equal(f.calls[0].op, FAKE_MASK);
	assert_int_equal(f.calls[0].arg, 1);
	assert_int_equal(f.calls[1].op, FAKE_EOI);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	/* Unmasked in the same step that ends the handled episode. */
	assert_int_equal(f.ncalls, 3);
	assert_int_equal(f.calls[2].op, FAKE_MASK);
	assert_int_equal(f.calls[2].arg, 0);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 0);
}

static void test_edge_buffers_one_raise(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	assert_int_equal(uk_irq_pin_raise(&pin, 0), UK_IRQ_RAISE_STARTED);
	assert_int_equal(uk_irq_pin_raise(&pin, 0), UK_IRQ_RAISE_BUFFERED);
	assert_int_equal(uk_irq_pin_raise(&pin, 0), UK_IRQ_RAISE_COALESCED);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 3); /* one EOI per delivery */
	assert_int_equal(a.seq, 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	/* Re-delivered when the episode ends. */
	assert_int_equal(a.seq, 2);
	assert_true(a.indefinite);
	assert_false(pin.buffered);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 0), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 0);
}

static void test_kick(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	f.ncalls = 0;
	/* Outside an episode a kick does nothing. */
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 0), UK_OK);
	assert_int_equal(f.ncalls, 0);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 0), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.hwmask[1], 0);
	/* The episode is over: late answers are stale, the kicker did not ACK. */
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_ESTALE);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_ESTALE);
	/* kick|clear counts as the caller's own ACK. */
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, true, 0), UK_OK);
	assert_int_equal(a.acks, 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 0), UK_EALREADY);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 2, 0), UK_ESTALE);
	fake_assert_clean(&f, 0);
}

static void test_attach_detach(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&pin, &a, 1);
	assert_int_equal(uk_irq_sink_attach(&pin, &a, 0), UK_EBUSY);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_attach(&pin, &b, 0), UK_OK);
	assert_false(b.indefinite); /* stands by */
	assert_int_equal(b.seq, 0);
	assert_int_equal(pin.owed, 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(b.seq, 1);
	assert_true(b.indefinite);
	/* Detach keeps the sequence; a re-attach continues from it. */
	assert_int_equal(uk_irq_sink_detach(&b, 0), UK_OK);
	assert_int_equal(b.naks, 1); /* it owed: counts as a NAK */
	assert_int_equal(uk_irq_sink_detach(&b, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 0), UK_OK);
	assert_int_equal(uk_irq_sink_attach(&pin, &b, 0), UK_OK);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(b.seq, 2);
	assert_int_equal(uk_irq_sink_poll(&b, ALL, 1), 2);
	fake_assert_clean(&f, 0);
}

static void test_plic_and_msi_strategies(void **state)
{
	struct fake f;
	struct uk_irq_pin plic, msi;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &plic, 1, UK_INTC_PLIC, UK_TRIGGER_LEVEL, 0);
	fake_pin(&f, &msi, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, 0);
	fake_sink(&plic, &a, 1);
	fake_sink(&msi, &b, 2);
	f.ncalls = 0;
	uk_irq_pin_raise(&plic, 0);
	uk_irq_pin_raise(&msi, 0);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 0); /* claim/complete: no EOI */
	assert_int_equal(fake_count(&f, FAKE_MASK, 1), 0); /* the claim gates it */
	assert_int_equal(fake_count(&f, FAKE_EOI, 2), 1);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
	assert_int_equal(fake_count(&f, FAKE_EOS, 1), 1); /* complete per handled episode */
	assert_int_equal(fake_count(&f, FAKE_EOS, 2), 0);
	assert_int_equal(fake_count(&f, FAKE_MASK, 2), 0); /* never masks MSI */
	fake_assert_clean(&f, 0);
}

static void test_custom_strategy(void **state)
{
	struct fake f;
	struct uk_irq_chip chip;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	struct uk_irq_pin_config cfg = { .id = 1, .trigger = UK_TRIGGER_EDGE };
	(void)state;

	fake_init(&f);
	/* Without SUPPRESS_MASK_IN_SERVICE edge pins are masked in service too. */
	uk_irq_chip_init(&chip, UK_INTC_IOAPIC, UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE,
			 f.ioapic.ops, &f, 9);
	assert_int_equal(uk_irq_pin_init(&pin, &f.host, &chip, &cfg), UK_OK);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(fake_count(&f, FAKE_EOI, 1), 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	fake_assert_clean(&f, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_init_errors),
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_default_strategies),
		cmocka_unit_test(test_driver_loop),
		cmocka_unit_test(test_episode_and_wait),
		cmocka_unit_test(test_answer_errors_change_nothing),
		cmocka_unit_test(test_sink_answer),
		cmocka_unit_test(test_level_masked_in_service),
		cmocka_unit_test(test_edge_buffers_one_raise),
		cmocka_unit_test(test_kick),
		cmocka_unit_test(test_attach_detach),
		cmocka_unit_test(test_plic_and_msi_strategies),
		cmocka_unit_test(test_custom_strategy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
