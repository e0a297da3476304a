/* SPDX-License-Identifier: MIT */
/*
 * IRQ models and controller behaviours as tables (ukern/irq_model.h): the
 * registry, the validity checks, what each built-in behaviour changes in
 * the order and set of controller writes, the known-bad models, and every
 * hook of a model table reached from the machine.
 */
#include "irq_fake.h"

#include <string.h>

/* The index in f->calls of the first call `op` on `pin` at or after `from`,
 * or -1. */
static int call_at(const struct fake *f, enum fake_op op, uint32_t pin, unsigned from)
{
	for (unsigned i = from; i < f->ncalls; i++)
		if (f->calls[i].op == op && f->calls[i].pin == pin)
			return (int)i;
	return -1;
}

static void pin_with(struct fake *f, struct uk_irq_pin *pin, uint32_t id,
		     const struct uk_irq_chip *chip, enum uk_trigger trig,
		     const struct uk_irq_model_ops *model, const char *behaviour)
{
	const struct uk_irq_behaviour *b =
		behaviour ? uk_irq_behaviour_find(&f->builtins, behaviour) : NULL;
	struct uk_irq_pin_config cfg = {.id = id, .hwpin = id, .trigger = trig, .model = model,
					.behaviour = b};
	if (behaviour)
		assert_non_null(b);
	assert_int_equal(uk_irq_pin_init(pin, &f->host, chip, &cfg), UK_OK);
}

static void test_registry(void **state)
{
	struct uk_irq_builtins bt;
	(void)state;
	uk_irq_builtins_init(&bt);
	const char *models[] = {"managarm", "sel4", "linux", "zircon", "managarm-2020",
				"msi-no-retry", "fiasco"};
	assert_int_equal(UK_IRQ_BUILTIN_MODELS, sizeof(models) / sizeof(models[0]));
	for (unsigned i = 0; i < UK_IRQ_BUILTIN_MODELS; i++) {
		const struct uk_irq_model_ops *m = uk_irq_model_find(&bt, models[i]);
		assert_ptr_equal(m, &bt.model[i]); /* found, and in the listed order */
		assert_string_equal(m->name, models[i]);
		assert_true(uk_irq_model_valid(m));
		assert_non_null(m->doc);
		assert_non_null(m->source);
	}
	assert_null(uk_irq_model_find(&bt, "sel5"));
	assert_null(uk_irq_model_find(&bt, NULL));
	for (unsigned i = 0; i < UK_IRQ_BUILTIN_BEHAVIOURS; i++) {
		const struct uk_irq_behaviour *b = &bt.behaviour[i];
		assert_true(uk_irq_behaviour_valid(b));
		assert_ptr_equal(uk_irq_behaviour_find(&bt, b->name), b);
	}
	assert_null(uk_irq_behaviour_find(&bt, "mask-in-servic"));
	/* The controller's own behaviour changes nothing. */
	assert_int_equal(uk_irq_behaviour_strategy(uk_irq_behaviour_find(&bt, "controller"), 0x1b),
			 0x1b);
	assert_int_equal(uk_irq_behaviour_strategy(NULL, 0x1b), 0x1b);
	/* A host starts with no model: its owner gives it one. */
	struct uk_irq_host h;
	uk_irq_host_init(&h, NULL, NULL);
	assert_null(h.model);
}

static void test_invalid_tables(void **state)
{
	struct fake f;
	(void)state;
	fake_init(&f);
	struct uk_irq_model_ops m = *fake_model(&f, "managarm");
	assert_false(uk_irq_model_valid(NULL));
	m.name = "";
	assert_false(uk_irq_model_valid(&m));
	m = *fake_model(&f, "managarm");
	m.answers |= 1u << 9; /* an answer nobody knows */
	assert_false(uk_irq_model_valid(&m));
	m = *fake_model(&f, "managarm");
	m.invariants |= 1u << 11; /* there is no I11 */
	assert_false(uk_irq_model_valid(&m));
	struct uk_irq_behaviour b = *fake_behaviour(&f, "controller");
	b.set = b.clear = UK_INTC_EOI; /* both ways at once */
	assert_false(uk_irq_behaviour_valid(&b));
	b = *fake_behaviour(&f, "controller");
	b.abi = 1;
	assert_false(uk_irq_behaviour_valid(&b));
	/* No mask bit for a line whose controller has none (MSI). */
	b = *fake_behaviour(&f, "controller");
	b.set = UK_INTC_MASKABLE;
	assert_false(uk_irq_behaviour_valid(&b));
}

/* The default order on a level line: mask for service, then EOI, so the
 * still-asserted line cannot be delivered again. eoi-before-mask swaps it. */
static void test_eoi_before_mask(void **state)
{
	struct fake f;
	struct uk_irq_pin ok, bad;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	pin_with(&f, &ok, 1, &f.ioapic, UK_TRIGGER_LEVEL, NULL, NULL);
	pin_with(&f, &bad, 2, &f.ioapic, UK_TRIGGER_LEVEL, NULL, "eoi-before-mask");
	fake_sink(&ok, &a, 1);
	fake_sink(&bad, &b, 2);
	unsigned from = f.ncalls;
	uk_irq_pin_raise(&ok, 0);
	uk_irq_pin_raise(&bad, 0);
	int m1 = call_at(&f, FAKE_MASK, 1, from), e1 = call_at(&f, FAKE_EOI, 1, from);
	int m2 = call_at(&f, FAKE_MASK, 2, from), e2 = call_at(&f, FAKE_EOI, 2, from);
	assert_true(m1 >= 0 && e1 >= 0 && m1 < e1);
	assert_true(m2 >= 0 && e2 >= 0 && e2 < m2);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
	fake_assert_clean(&f, 0);
}

/* A PLIC line ends its episode with unmask-then-complete by default. */
static void test_eos_before_unmask(void **state)
{
	struct fake f;
	struct uk_irq_pin ok, bad;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	pin_with(&f, &ok, 1, &f.plic, UK_TRIGGER_LEVEL, NULL, "claim-masked");
	pin_with(&f, &bad, 2, &f.plic, UK_TRIGGER_LEVEL, NULL, "eos-before-unmask");
	fake_sink(&ok, &a, 1);
	fake_sink(&bad, &b, 2);
	uk_irq_pin_raise(&ok, 0);
	assert_int_equal(f.hwmask[1], 1); /* claim-masked: the PLIC source masked in service */
	uk_irq_pin_raise(&bad, 0);
	assert_int_equal(f.hwmask[2], 0); /* the PLIC's own behaviour: not masked */
	unsigned from = f.ncalls;
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	int u1 = call_at(&f, FAKE_MASK, 1, from), s1 = call_at(&f, FAKE_EOS, 1, from);
	assert_true(u1 >= 0 && s1 > u1);
	/* The stall masks the other line; its retry ends the episode with
	 * the completion first, then the unmask. */
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 0), UK_OK);
	assert_int_equal(f.hwmask[2], 1);
	from = f.ncalls;
	fake_tick(&f, &bad, 100 * MS);
	int s2 = call_at(&f, FAKE_EOS, 2, from), u2 = call_at(&f, FAKE_MASK, 2, from);
	assert_true(s2 >= 0 && u2 > s2);
	assert_int_equal(f.hwmask[2], 0);
	fake_assert_clean(&f, 100 * MS);
}

/* mask-in-service masks an edge line for the whole episode (an IOAPIC
 * drops what arrives meanwhile); the default keeps it open and buffers. */
static void test_mask_in_service_on_edge(void **state)
{
	struct fake f;
	struct uk_irq_pin open, shut;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	pin_with(&f, &open, 1, &f.ioapic, UK_TRIGGER_EDGE, NULL, NULL);
	pin_with(&f, &shut, 2, &f.ioapic, UK_TRIGGER_EDGE, NULL, "mask-in-service");
	fake_sink(&open, &a, 1);
	fake_sink(&shut, &b, 2);
	uk_irq_pin_raise(&open, 0);
	uk_irq_pin_raise(&shut, 0);
	assert_int_equal(f.hwmask[1], 0);
	assert_int_equal(f.hwmask[2], 1);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
	assert_int_equal(f.hwmask[2], 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	fake_assert_clean(&f, 0);
}

/* no-buffer drops a raise in service; the liveness checker calls that a
 * lost edge (L1), which the default design never shows. */
static void test_no_buffer_loses_an_edge(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	pin_with(&f, &pin, 1, &f.msi, UK_TRIGGER_EDGE, NULL, "no-buffer");
	fake_sink(&pin, &s, 1);
	assert_int_equal(uk_irq_pin_raise(&pin, 0), UK_IRQ_RAISE_STARTED);
	assert_int_equal(uk_irq_pin_raise(&pin, 1), UK_IRQ_RAISE_DROPPED);
	assert_int_equal(uk_irq_sink_ack(&s, ALL, 1, 2), UK_OK);
	assert_false(pin.in_service); /* nothing was kept to re-deliver */
	assert_int_equal(f.violations, 0);
	assert_true(fake_live(&f, 2) >= 1);
}

/* managarm-2020 takes a stale ACK for the running episode; the sequence
 * protocol rejects it and changes nothing. */
static void test_managarm_2020_stale_ack(void **state)
{
	struct fake f;
	struct uk_irq_pin now, old;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &now, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "managarm"));
	fake_pin(&f, &old, 2, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "managarm-2020"));
	fake_sink(&now, &a, 1);
	fake_sink(&old, &b, 2);
	for (int round = 0; round < 2; round++) {
		uk_irq_pin_raise(&now, 0);
		uk_irq_pin_raise(&old, 0);
		if (round == 0) {
			assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
			assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
		}
	}
	/* Episode 2 runs on both; each driver answers episode 1 again. */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_ESTALE);
	assert_true(now.in_service);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_OK);
	assert_false(old.in_service);
	/* Once taken, it is not taken twice. */
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 1, 0), UK_ESTALE);
	assert_int_equal(uk_irq_sink_ack(&b, ALL, 2, 0), UK_EALREADY);
	assert_int_equal(f.violations, 0);
}

/* A kick ends the episode whoever sends it, under a model with an answer
 * hook too (found in review: managarm-2020 refused it from a sink that
 * owed nothing). */
static void test_kick_under_answer_hook(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, fake_model(&f, "managarm-2020"));
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 0), UK_OK);
	assert_false(pin.in_service);
	assert_int_equal(f.violations, 0);
}

/* msi-no-retry never leaves the stall of a pin it cannot mask: the
 * checking build reports I6 at the retry. A maskable pin still retries. */
static void test_msi_no_retry(void **state)
{
	struct fake f;
	struct uk_irq_pin msi, io;
	struct uk_irq_sink a, b;
	const struct uk_irq_model_ops *m = fake_model(&f, "msi-no-retry");
	(void)state;

	fake_init(&f);
	fake_pin(&f, &msi, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, m);
	fake_pin(&f, &io, 2, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, m);
	fake_sink(&msi, &a, 1);
	fake_sink(&io, &b, 2);
	uk_irq_pin_raise(&msi, 0);
	uk_irq_pin_raise(&io, 0);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 0), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 0), UK_OK);
	assert_true(msi.stalled && io.stalled);
	fake_tick(&f, &io, 100 * MS);
	assert_false(io.stalled);
	assert_int_equal(f.violations, 0);
	fake_tick(&f, &msi, 100 * MS);
	assert_true(msi.stalled);
#ifdef UK_CHECKING
	assert_true(f.violations >= 1);
	assert_int_equal(f.violation.inv, 6);
#endif
}

/* ---- a model of the test's own, to reach every hook ---- */

struct probe {
	unsigned attach, detach, answer, raise, all_nak, ends, retry, timeout, timer, call;
};
static struct probe *probe_of(const struct uk_irq_pin *pin)
{
	return (struct probe *)(uintptr_t)pin->model_data[0];
}

static int p_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	(void)now;
	probe_of(pin)->attach++;
	return sink->id == 99 ? UK_EPERM : UK_OK;
}
static void p_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed, uint64_t now)
{
	(void)sink, (void)owed, (void)now;
	probe_of(pin)->detach++;
}
static int p_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
		    uint64_t seq, int verdict, uint64_t now)
{
	(void)sink, (void)seq, (void)now;
	probe_of(pin)->answer++;
	/* Refuses kicks outright, passes everything else through. */
	return a == UK_IRQ_ANS_KICK ? UK_EBUSY : verdict;
}
static enum uk_irq_raise p_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags, uint64_t now)
{
	probe_of(pin)->raise++;
	return uk_irq_take(pin, ts, flags, now);
}
static void p_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	probe_of(pin)->all_nak++;
	uk_irq_stall(pin, now);
}
static void p_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now)
{
	(void)how, (void)now;
	probe_of(pin)->ends++;
}
static void p_retry(struct uk_irq_pin *pin, uint64_t now)
{
	probe_of(pin)->retry++;
	uk_irq_episode_end(pin, UK_IRQ_END_RETRIED, now);
	uk_irq_model_arm(pin, now + 5 * MS);
}
static void p_timeout(struct uk_irq_pin *pin, uint64_t now)
{
	probe_of(pin)->timeout++;
	uk_irq_ack_timeout(pin, now);
}
static void p_timer(struct uk_irq_pin *pin, uint64_t now)
{
	(void)now;
	probe_of(pin)->timer++;
}
static long p_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op, uint64_t arg,
		   uint64_t now)
{
	(void)sink, (void)now;
	probe_of(pin)->call++;
	return op == 7 ? (long)(arg * 2) : UK_EINVAL;
}

static const struct uk_irq_model_ops probe_model = {
	.abi = UK_ABI_VERSION,
	.name = "probe",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK,
	.max_sinks = 2,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL,
	.raise = p_raise,
	.answer = p_answer,
	.all_nak = p_all_nak,
	.episode_end = p_end,
	.retry = p_retry,
	.timeout = p_timeout,
	.attach = p_attach,
	.detach = p_detach,
	.timer = p_timer,
	.call = p_call,
};

static void test_every_hook(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b, c, refused;
	struct probe pr = {0};
	(void)state;

	fake_init(&f);
	f.host.ack_timeout_ns = 50 * MS;
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, &probe_model);
	pin.model_data[0] = (uint64_t)(uintptr_t)&pr;
	fake_sink(&pin, &a, 1);
	uk_irq_sink_init(&refused, 99);
	assert_int_equal(uk_irq_sink_attach(&pin, &refused, 0), UK_EPERM);
	fake_sink(&pin, &b, 2);
	uk_irq_sink_init(&c, 3);
	assert_int_equal(uk_irq_sink_attach(&pin, &c, 0), UK_EBUSY); /* max_sinks 2 */
	assert_int_equal(pr.attach, 3); /* a, the refused one, b; not c */

	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(pr.raise, 1);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 0), UK_EBUSY);
	assert_true(pin.in_service);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, 7, 21, 0), 42);
	assert_int_equal(uk_irq_sink_model_call(&a, ALL, 8, 0, 0), UK_EINVAL);
	assert_int_equal(uk_irq_sink_model_call(&a, UK_IRQ_RIGHT_WAIT, 7, 1, 0), UK_EPERM);
	assert_int_equal(pr.call, 2);
	/* Nobody answers: the timeout hook reports once. */
	fake_tick(&f, &pin, 50 * MS);
	assert_int_equal(pr.timeout, 1);
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 2);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 60 * MS), UK_OK);
	assert_int_equal(uk_irq_sink_nak(&b, ALL, 1, 60 * MS), UK_OK);
	assert_int_equal(pr.all_nak, 1);
	assert_true(pin.stalled);
	fake_tick(&f, &pin, 160 * MS);
	assert_int_equal(pr.retry, 1);
	assert_int_equal(pr.ends, 1);
	fake_tick(&f, &pin, 165 * MS);
	assert_int_equal(pr.timer, 1);
	assert_int_equal(uk_irq_sink_detach(&b, 170 * MS), UK_OK);
	assert_int_equal(pr.detach, 1);
	assert_true(pr.answer >= 3);
	fake_assert_clean(&f, 170 * MS);
}

/* A model whose answer hook takes every answer (stale ones too) still
 * cannot apply one for a sink that owes none: the caller gets the common
 * checks' verdict (UK_ESTALE for an older sequence, UK_EALREADY for the
 * current one answered already), and nothing changes. */
static int lenient_answer(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
			  uint64_t seq, int verdict, uint64_t now)
{
	(void)pin, (void)sink, (void)a, (void)seq, (void)verdict, (void)now;
	return UK_OK;
}

static const struct uk_irq_model_ops lenient_model = {
	.abi = UK_ABI_VERSION,
	.name = "lenient",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL,
	.answer = lenient_answer,
};

static void test_lenient_model_answer_without_debt(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, &lenient_model);
	fake_sink(&pin, &a, 1);
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 0), UK_OK);
	uk_irq_pin_raise(&pin, 1 * MS);
	/* Stale, but the model takes it: the ACK of episode 2, which is owed. */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 1 * MS), UK_OK);
	assert_int_equal(a.acks, 2);
	assert_false(pin.in_service);
	/* Nothing owed now. */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 2 * MS), UK_ESTALE);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 2 * MS), UK_ESTALE);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 2 * MS), UK_EALREADY);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 2, 2 * MS), UK_EALREADY);
	assert_int_equal(a.acks, 2);
	assert_int_equal(a.naks, 0);
	fake_assert_clean(&f, 3 * MS);
}

/* A model that does not claim an invariant is not checked for it. */
static void test_declared_invariants(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	struct uk_irq_model_ops m;
	(void)state;

	fake_init(&f);
	m = *fake_model(&f, "managarm");
	m.name = "no-i8";
	m.invariants = UK_IRQ_INV_ALL & ~UK_IRQ_INV(8);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, &m);
	fake_sink(&pin, &s, 1);
	f.lie_about_mask = true; /* breaks I8 only */
	uk_irq_pin_raise(&pin, 0);
	assert_int_equal(f.violations, 0);
	assert_int_equal(uk_irq_pin_check(&pin, NULL), 8); /* it is broken all the same */
}

/* The liveness checker skips the properties a pin's model does not claim. */
static uint32_t no_l1(void *ctx, uint32_t pin)
{
	(void)ctx, (void)pin;
	return UK_IRQ_LIVE_ALL & ~UK_IRQ_LIVE(1);
}

static void test_declared_liveness(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	struct uk_irq_live_violation v[4];
	(void)state;

	fake_init(&f);
	pin_with(&f, &pin, 1, &f.msi, UK_TRIGGER_EDGE, NULL, "no-buffer");
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_pin_raise(&pin, 1);
	uk_irq_sink_ack(&s, ALL, 1, 2);
	struct uk_irq_live_params all = {.end_ns = 2};
	struct uk_irq_live_params some = {.end_ns = 2, .props = no_l1};
	assert_true(uk_irq_liveness_check(&f.log, &all, v, 4) >= 1);
	assert_int_equal(v[0].prop, 1);
	assert_int_equal(uk_irq_liveness_check(&f.log, &some, v, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_invalid_tables),
		cmocka_unit_test(test_eoi_before_mask),
		cmocka_unit_test(test_eos_before_unmask),
		cmocka_unit_test(test_mask_in_service_on_edge),
		cmocka_unit_test(test_no_buffer_loses_an_edge),
		cmocka_unit_test(test_managarm_2020_stale_ack),
		cmocka_unit_test(test_msi_no_retry),
		cmocka_unit_test(test_kick_under_answer_hook),
		cmocka_unit_test(test_every_hook),
		cmocka_unit_test(test_lenient_model_answer_without_debt),
		cmocka_unit_test(test_declared_invariants),
		cmocka_unit_test(test_declared_liveness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
