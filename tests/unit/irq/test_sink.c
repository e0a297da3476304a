/* SPDX-License-Identifier: MIT */
/*
 * Sinks (libukern/irq/sink.c) as transitions of the machine: a sink's
 * initial state, one step per transition, the ACK deadline looked at
 * first by every answer, kick, detach and model call, the invariants
 * checked after each of them, and the log records of attach and detach.
 */
#include <string.h>

#include "irq_fake.h"

/* uk_irq_sink_init gives a known state, whatever the memory held. */
static void test_sink_init_resets_everything(void **state)
{
	(void)state;
	struct uk_irq_sink s;

	memset(&s, 0xa5, sizeof(s));
	uk_irq_sink_init(&s, 7);
	assert_null(s.pin);
	assert_int_equal(s.id, 7);
	assert_int_equal(s.seq, 0);
	assert_false(s.indefinite);
	assert_false(s.answered);
	assert_false(s.timed_out);
	assert_int_equal(s.join_episode, 0);
	assert_int_equal(s.join_seq, 0);
	assert_int_equal(s.timestamp, 0);
	assert_int_equal(s.acks, 0);
	assert_int_equal(s.naks, 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(s.model_data[i], 0);
	assert_ptr_equal(s.node.next, &s.node);
	assert_ptr_equal(s.node.prev, &s.node);
}

/* An attach clears what a model kept in the sink before. */
static void test_attach_clears_model_data(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink s;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	uk_irq_sink_init(&s, 1);
	for (unsigned i = 0; i < 4; i++)
		s.model_data[i] = 0x55;
	s.call_rights = 0x77;
	assert_int_equal(uk_irq_sink_attach(&p, &s, 0), UK_OK);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(s.model_data[i], 0);
	assert_int_equal(s.call_rights, 0x77); /* (not model data) */
	fake_assert_clean(&f, 10);
}

/* Every public transition is one step of the host (the log's clock). */
static void test_one_step_per_transition(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p, z;
	struct uk_irq_sink a, b, c;
	uint64_t s;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_pin(&f, &z, 2, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&z, &c, 3);
	uk_irq_sink_init(&a, 1);
	uk_irq_sink_init(&b, 2);
	s = f.host.step;
	assert_int_equal(uk_irq_sink_attach(&p, &a, 0), UK_OK);
	assert_int_equal(f.host.step, s + 1);
	assert_int_equal(uk_irq_sink_attach(&p, &b, 0), UK_OK);
	assert_int_equal(f.host.step, s + 2);
	uk_irq_pin_raise(&p, 10);
	assert_int_equal(f.host.step, s + 3);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 20), UK_OK);
	assert_int_equal(f.host.step, s + 4);
	(void)uk_irq_sink_nak(&b, ALL, 1, 30);
	assert_int_equal(f.host.step, s + 5);
	(void)uk_irq_sink_kick(&a, ALL, false, 40);
	assert_int_equal(f.host.step, s + 6);
	assert_int_equal(uk_irq_sink_model_call(&c, ALL, 12345, 0, 50), UK_EINVAL);
	assert_int_equal(f.host.step, s + 7);
	assert_int_equal(uk_irq_sink_detach(&b, 60), UK_OK);
	assert_int_equal(f.host.step, s + 8);
}

/* The ACK deadline is looked at first by whatever the sink does: a NAK,
 * a kick, a detach or a model call just past it comes after the timeout's
 * report (and, with NAK-on-timeout, after the kernel's NAK). */
static void test_deadline_before_anything_else(void **state)
{
	(void)state;
	enum { NAK, KICK, DETACH, CALL, N };
	for (unsigned what = 0; what < N; what++) {
		struct fake f;
		struct uk_irq_pin p;
		struct uk_irq_sink a, b;

		fake_init(&f);
		f.host.ack_timeout_ns = 10 * MS;
		/* (Zircon's model has calls; its ACK timeout is the machine's.) */
		fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE,
			 what == CALL ? fake_model(&f, "zircon") : NULL);
		fake_sink(&p, &a, 1);
		if (what != CALL) /* (one sink a line on Zircon's) */
			fake_sink(&p, &b, 2);
		uk_irq_pin_raise(&p, 0);
		uint64_t late = 10 * MS + 1; /* before the timer is taken */
		switch (what) {
		case NAK:
			assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, late), UK_OK);
			break;
		case KICK:
			assert_int_equal(uk_irq_sink_kick(&a, ALL, false, late), UK_OK);
			break;
		case DETACH:
			assert_int_equal(uk_irq_sink_detach(&a, late), UK_OK);
			break;
		case CALL:
			assert_int_equal(uk_irq_sink_model_call(&a, ALL, 12345, 0, late), UK_EINVAL);
			break;
		}
		assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], what == CALL ? 1 : 2);
		/* The first TIMEOUT record comes before the sink's own. */
		size_t to = SIZE_MAX, own = SIZE_MAX;
		uint16_t kinds[N] = {UK_IRQ_EV_NAK, UK_IRQ_EV_KICK, UK_IRQ_EV_DETACH, 0};
		for (size_t i = 0; i < f.log.len; i++) {
			if (f.ev[i].kind == UK_IRQ_EV_TIMEOUT && to == SIZE_MAX)
				to = i;
			if (kinds[what] && f.ev[i].kind == kinds[what] && own == SIZE_MAX)
				own = i;
		}
		assert_true(to != SIZE_MAX);
		if (kinds[what])
			assert_true(to < own);
		assert_true(p.timeout_reported);
	}
}

/* The invariants are checked after each transition a sink makes: the
 * controller's mask bit changed behind the machine's back (I8) is
 * reported with the transition's name. */
static void test_each_transition_is_checked(void **state)
{
	(void)state;
	static const char *const names[] = {"ack", "nak", "kick", "kick", "detach"};
	for (unsigned what = 0; what < 5; what++) {
		struct fake f;
		struct uk_irq_pin p;
		struct uk_irq_sink a, b;
		const struct uk_irq_model_ops *m = what == 3 ? fake_model(&f, "linux") : NULL;

		fake_init(&f);
		if (what == 3)
			m = fake_model(&f, "linux"); /* no kicks: a refused kick is checked too */
		fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, m);
		fake_sink(&p, &a, 1);
		fake_sink(&p, &b, 2);
		uk_irq_pin_raise(&p, 0);
		f.hwmask[1] = 1; /* masked behind its back */
		switch (what) {
		case 0:
			(void)uk_irq_sink_ack(&a, ALL, 1, 10);
			break;
		case 1:
			(void)uk_irq_sink_nak(&a, ALL, 1, 10);
			break;
		case 2:
		case 3:
			(void)uk_irq_sink_kick(&a, ALL, false, 10);
			break;
		case 4:
			(void)uk_irq_sink_detach(&a, 10);
			break;
		}
		assert_int_equal(f.violations, 1);
		assert_int_equal(f.violation.inv, 8);
		assert_string_equal(f.violation.transition, names[what]);
	}
}

/* Attach and detach records: the sink, whether it stands by (attached in
 * an episode) or owed (detached owing an answer, a NAK then). */
static void test_attach_detach_records(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a, b;
	unsigned att = 0, det = 0;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 0);
	fake_sink(&p, &b, 2); /* during the episode */
	assert_int_equal(uk_irq_sink_detach(&a, 10), UK_OK); /* owing */
	assert_int_equal(uk_irq_sink_detach(&b, 20), UK_OK);
	for (size_t i = 0; i < f.log.len; i++) {
		const struct uk_irq_event *e = &f.ev[i];
		if (e->kind == UK_IRQ_EV_ATTACH) {
			assert_int_equal(e->sink, att == 0 ? 1 : 2);
			assert_int_equal(e->arg, att == 0 ? 0 : 1);
			att++;
		} else if (e->kind == UK_IRQ_EV_DETACH) {
			assert_int_equal(e->sink, det == 0 ? 1 : 2);
			assert_int_equal(e->arg, det == 0 ? 1 : 0);
			assert_int_equal(e->t, det == 0 ? 10 : 20);
			det++;
		}
	}
	assert_int_equal(att, 2);
	assert_int_equal(det, 2);
	/* A detached sink answers nothing: UK_EINVAL, no crash. */
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 30), UK_EINVAL);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 30), UK_EINVAL);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 30), UK_EINVAL);
	assert_int_equal(uk_irq_sink_detach(&a, 30), UK_EINVAL);
}

/* The last owing sink leaves: nothing is owed, so no ACK deadline is left
 * armed. An ACK record is the sink's own (no flag); a kick|clear's says so. */
static void test_detach_disarms_and_ack_records(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a, b;

	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&p, &a, 1);
	fake_sink(&p, &b, 2);
	uk_irq_pin_raise(&p, 0);
	assert_int_equal(f.timer[1], 10 * MS);
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 1 * MS), UK_OK); /* ends it */
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
	uk_irq_pin_raise(&p, 2 * MS);
	assert_int_equal(f.timer[1], 12 * MS);
	assert_int_equal(uk_irq_sink_kick(&b, ALL, true, 3 * MS), UK_OK);
	unsigned acks = 0;
	for (size_t i = 0; i < f.log.len; i++) {
		if (f.ev[i].kind != UK_IRQ_EV_ACK)
			continue;
		assert_int_equal(f.ev[i].flags, acks == 0 ? 0 : UK_IRQ_EVF_KICK);
		acks++;
	}
	assert_int_equal(acks, 2);

	/* Linux's model waits for every answer: one sink ACKs, the other
	 * leaves owing; the episode ends then and the deadline goes. */
	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "linux"));
	fake_sink(&p, &a, 1);
	fake_sink(&p, &b, 2);
	uk_irq_pin_raise(&p, 0);
	assert_true(p.in_service);
	(void)uk_irq_sink_ack(&a, ALL, 1, 1 * MS);
	assert_int_equal(uk_irq_sink_detach(&b, 2 * MS), UK_OK);
	assert_false(p.in_service);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER);
}

/* The machine's own records carry no flags of their own: an attach, a
 * detach, a NAK, the sequence steps, a stall's nobody-cared, stall and end,
 * an episode's end, an ACK timeout. */
static void test_plain_records_have_no_flags(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;
	static const uint16_t kinds[] = {UK_IRQ_EV_ATTACH, UK_IRQ_EV_DETACH, UK_IRQ_EV_NAK,
					 UK_IRQ_EV_SEQ,	   UK_IRQ_EV_NOBODY, UK_IRQ_EV_END,
					 UK_IRQ_EV_TIMEOUT, UK_IRQ_EV_BEGIN, UK_IRQ_EV_RAISE};
	unsigned seen[sizeof(kinds) / sizeof(kinds[0])] = {0};

	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 0);
	fake_tick(&f, &p, 10 * MS);                                /* ACK timeout */
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 11 * MS), UK_OK); /* stall */
	fake_tick(&f, &p, 11 * MS + UK_IRQ_STALL_BASE_NS);          /* retried: end */
	assert_int_equal(uk_irq_sink_detach(&a, 200 * MS), UK_OK);
	for (size_t i = 0; i < f.log.len; i++)
		for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (f.ev[i].kind == kinds[k]) {
				assert_int_equal(f.ev[i].flags, 0);
				seen[k]++;
			}
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		assert_true(seen[k] > 0);
	fake_assert_clean(&f, 300 * MS);
}

/* Raises, triggers, configures, timers and suspends are transitions too:
 * one step each, and checked after each. */
static void test_pin_transitions_step_and_check(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p, v;
	struct uk_irq_sink a;
	struct uk_irq_pin_config cfg = {.id = 3, .hwpin = 3, .trigger = UK_TRIGGER_EDGE,
					.model = NULL};
	uint64_t s;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	cfg.model = fake_model(&f, "zircon"); /* takes software triggers */
	assert_int_equal(uk_irq_pin_init(&v, &f.host, NULL, &cfg), UK_OK);
	fake_sink(&v, &a, 1);
	s = f.host.step;
	uk_irq_pin_raise(&p, 0);
	assert_int_equal(f.host.step, s + 1);
	assert_int_equal(uk_irq_pin_trigger(&v, 5, 1), UK_OK);
	assert_int_equal(f.host.step, s + 2);
	assert_int_equal(uk_irq_pin_configure(&p, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH), UK_EBUSY);
	assert_int_equal(f.host.step, s + 3);
	uk_irq_pin_timer(&p, 2);
	assert_int_equal(f.host.step, s + 4);
	uk_irq_pin_suspend(&p, true, 3);
	assert_int_equal(f.host.step, s + 5);

	/* Behind the machine's back, then each transition reports it. */
	static const char *const names[] = {"raise", "configure", "timer"};
	for (unsigned what = 0; what < 3; what++) {
		fake_init(&f);
		fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
		fake_sink(&p, &a, 1); /* (an edge in service stays unmasked) */
		f.hwmask[1] = 1;
		if (what == 0)
			uk_irq_pin_raise(&p, 10);
		else if (what == 1)
			assert_int_equal(uk_irq_pin_configure(&p, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH), UK_OK);
		else
			uk_irq_pin_timer(&p, 10);
		assert_true(f.violations >= 1);
		assert_int_equal(f.violation.inv, 8);
		assert_string_equal(f.violation.transition, names[what]);
	}
	/* A trigger too (a virtual line: its invariant broken by hand). */
	fake_init(&f);
	cfg.model = fake_model(&f, "zircon");
	assert_int_equal(uk_irq_pin_init(&v, &f.host, NULL, &cfg), UK_OK);
	fake_sink(&v, &a, 1);
	v.owed = 5; /* I1 */
	assert_int_equal(uk_irq_pin_trigger(&v, 5, 1), UK_OK);
	assert_true(f.violations >= 1);
	assert_string_equal(f.violation.transition, "trigger");
}

/* A model's stall for a chosen time: at least 1 ns; the retry deadline
 * saturates just below UK_IRQ_NEVER; the timer is armed for it. */
static void test_model_stall_for(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 100);
	assert_int_equal(uk_irq_sink_nak(&a, ALL, 1, 100), UK_OK); /* a default stall */
	fake_tick(&f, &p, 100 + UK_IRQ_STALL_BASE_NS);
	uk_irq_pin_raise(&p, 200 * MS);
	a.indefinite = false, p.owed = 0; /* (as a model that stalls at once would see it) */
	uk_irq_stall_for(&p, 0, 200 * MS);
	assert_true(p.stalled);
	assert_int_equal(p.retry_ns, 200 * MS + 1);
	assert_int_equal(f.timer[1], 200 * MS + 1);
	uk_irq_pin_timer(&p, 200 * MS + 1);
	assert_false(p.stalled);
	uk_irq_pin_raise(&p, 300 * MS);
	a.indefinite = false, p.owed = 0;
	uk_irq_stall_for(&p, UK_IRQ_NEVER - 300 * MS, 300 * MS);
	assert_int_equal(p.retry_ns, UK_IRQ_NEVER - 1);
	assert_int_equal(f.timer[1], UK_IRQ_NEVER - 1);
}

/* Zircon's and seL4's "nobody answered" with a handler left: the common
 * stall (here the kernel NAKed for a sink that timed out). */
static void test_unheld_all_nak_stalls(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;

	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	f.host.flags = UK_IRQ_HOST_NAK_ON_TIMEOUT;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 0);
	fake_tick(&f, &p, 10 * MS);
	assert_true(p.stalled);
	assert_true(p.in_service);
	assert_int_equal(f.reports[UK_IRQ_REPORT_NOBODY_CARED], 1);
	assert_int_equal(f.timer[1], 10 * MS + UK_IRQ_STALL_BASE_NS);
}

/* A refused kick past the ACK deadline: the timeout is reported, and the
 * pin's timer no longer waits for it (nothing else is due). */
static void test_refused_kick_past_deadline_disarms(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;

	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "linux"));
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 0);
	assert_int_equal(f.timer[1], 10 * MS);
	assert_int_equal(uk_irq_sink_kick(&a, ALL, false, 10 * MS + 1), UK_ENOSYS); /* no kicks */
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	assert_true(f.timer[1] > 10 * MS + 1);
}

/* A model's own timer fires at its time, not with an earlier deadline of
 * the pin (the ACK timeout here). */
static unsigned early_timer_calls;
static void early_timer(struct uk_irq_pin *pin, uint64_t now)
{
	(void)pin, (void)now;
	early_timer_calls++;
}

static const struct uk_irq_model_ops timer_model = {
	.abi = UK_ABI_VERSION, .name = "timer", .answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK,
	.invariants = UK_IRQ_INV_ALL, .liveness = UK_IRQ_LIVE_ALL, .timer = early_timer};

static void test_model_timer_at_its_time(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a;

	early_timer_calls = 0;
	fake_init(&f);
	f.host.ack_timeout_ns = 10 * MS;
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, &timer_model);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 0);
	uk_irq_model_arm(&p, 50 * MS);
	fake_tick(&f, &p, 10 * MS); /* the ACK timeout */
	assert_int_equal(f.reports[UK_IRQ_REPORT_ACK_TIMEOUT], 1);
	assert_int_equal(early_timer_calls, 0);
	assert_int_equal(f.timer[1], 50 * MS);
	fake_tick(&f, &p, 50 * MS);
	assert_int_equal(early_timer_calls, 1);
}

/* A raise kept while nobody listened is re-delivered at the retry with the
 * retry's time, not with the timestamp of a raise buffered in an earlier
 * episode. */
static void test_resend_timestamp(void **state)
{
	(void)state;
	struct fake f;
	struct uk_irq_pin p;
	struct uk_irq_sink a, b;

	fake_init(&f);
	fake_pin(&f, &p, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, 0);
	fake_sink(&p, &a, 1);
	uk_irq_pin_raise(&p, 100);
	uk_irq_pin_raise(&p, 150); /* buffered */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 1, 200), UK_OK);
	assert_int_equal(a.timestamp, 150); /* re-delivered with its own time */
	assert_int_equal(uk_irq_sink_ack(&a, ALL, 2, 300), UK_OK);
	assert_int_equal(uk_irq_sink_detach(&a, 400), UK_OK);
	uk_irq_pin_raise(&p, 500); /* nobody: stalled, kept */
	assert_true(p.stalled);
	uk_irq_sink_init(&b, 2);
	assert_int_equal(uk_irq_sink_attach(&p, &b, 600), UK_OK);
	fake_tick(&f, &p, 500 + UK_IRQ_STALL_BASE_NS);
	assert_true(b.indefinite);
	assert_int_equal(b.timestamp, 500 + UK_IRQ_STALL_BASE_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink_init_resets_everything),
		cmocka_unit_test(test_attach_clears_model_data),
		cmocka_unit_test(test_one_step_per_transition),
		cmocka_unit_test(test_deadline_before_anything_else),
		cmocka_unit_test(test_each_transition_is_checked),
		cmocka_unit_test(test_attach_detach_records),
		cmocka_unit_test(test_detach_disarms_and_ack_records),
		cmocka_unit_test(test_plain_records_have_no_flags),
		cmocka_unit_test(test_pin_transitions_step_and_check),
		cmocka_unit_test(test_model_stall_for),
		cmocka_unit_test(test_unheld_all_nak_stalls),
		cmocka_unit_test(test_refused_kick_past_deadline_disarms),
		cmocka_unit_test(test_model_timer_at_its_time),
		cmocka_unit_test(test_resend_timestamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
