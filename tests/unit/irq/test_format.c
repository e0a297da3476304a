/* SPDX-License-Identifier: MIT */
/*
 * uk_irq_event_format: every kind of record in its words (the story's
 * sentences, ids as numbers), the flags each kind defines, an unknown kind
 * with every field as a number, and buffers too small (cut, NUL-terminated,
 * never written past), plus a real machine's log: no record of it falls
 * back to the unknown kind's wording.
 */
#include "irq_fake.h"

#include <stdio.h>
#include <string.h>
#include <ukern/irq_log.h>

#define N UINT32_MAX

static struct uk_irq_event rec(uint16_t kind, uint32_t sink, uint64_t arg, uint16_t flags)
{
	return (struct uk_irq_event){.t = 120400, .step = 9, .arg = arg, .pin = 3, .sink = sink,
				     .kind = kind, .flags = flags};
}

/* The record's line on CPU 1, checked against `want`; the return value is
 * the length of the whole line. */
static void line_is(struct uk_irq_event ev, const char *want)
{
	char buf[256];
	memset(buf, 'x', sizeof(buf));
	size_t n = uk_irq_event_format(&ev, 1, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_every_kind(void **state)
{
	(void)state;
	line_is(rec(UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_STARTED, 0),
		"120400 ns cpu 1 raise: a raise of pin 3 starts a service episode");
	line_is(rec(UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_BUFFERED, 0),
		"120400 ns cpu 1 raise: a raise of pin 3 is kept for when the episode ends");
	line_is(rec(UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_COALESCED, 0),
		"120400 ns cpu 1 raise: a raise of pin 3 merges into the raise already kept");
	line_is(rec(UK_IRQ_EV_RAISE, N, UK_IRQ_RAISE_DROPPED, 0),
		"120400 ns cpu 1 raise: a raise of pin 3 is lost (the line keeps no raise in service)");
	line_is(rec(UK_IRQ_EV_RAISE, N, 77, UK_IRQ_EVF_TRIGGER),
		"120400 ns cpu 1 raise: a raise of pin 3 arrives (a software trigger)");
	line_is(rec(UK_IRQ_EV_BEGIN, N, 12, 0),
		"120400 ns cpu 1 begin: pin 3 starts service episode 12");
	line_is(rec(UK_IRQ_EV_BEGIN, N, 13, UK_IRQ_EVF_REDELIVER),
		"120400 ns cpu 1 begin: pin 3 starts service episode 13 (a kept raise, re-delivered)");
	line_is(rec(UK_IRQ_EV_BEGIN, N, 14, UK_IRQ_EVF_POLL),
		"120400 ns cpu 1 begin: pin 3 starts service episode 14 (a poll of the Linux model)");
	line_is(rec(UK_IRQ_EV_SEQ, 2, 5, 0),
		"120400 ns cpu 1 seq: sink 2 takes part in the episode of pin 3: sequence 5");
	line_is(rec(UK_IRQ_EV_ACK, 2, 5, 0), "120400 ns cpu 1 ack: sink 2 ACKs sequence 5 on pin 3");
	line_is(rec(UK_IRQ_EV_ACK, 2, 5, UK_IRQ_EVF_KICK),
		"120400 ns cpu 1 ack: sink 2 ACKs sequence 5 on pin 3 (by kick|clear)");
	line_is(rec(UK_IRQ_EV_NAK, 4, 6, 0), "120400 ns cpu 1 nak: sink 4 NAKs sequence 6 on pin 3");
	line_is(rec(UK_IRQ_EV_NAK, 4, 6, UK_IRQ_EVF_BEHALF),
		"120400 ns cpu 1 nak: sink 4 NAKs sequence 6 on pin 3 (on its behalf, by the ACK "
		"timeout policy)");
	line_is(rec(UK_IRQ_EV_NAK, 4, 6, UK_IRQ_EVF_DETACH),
		"120400 ns cpu 1 nak: sink 4 NAKs sequence 6 on pin 3 (it was detached)");
	line_is(rec(UK_IRQ_EV_KICK, 2, 1, 0),
		"120400 ns cpu 1 kick: sink 2 kicks pin 3, which ends its episode");
	line_is(rec(UK_IRQ_EV_KICK, 2, 0, 0),
		"120400 ns cpu 1 kick: sink 2 kicks pin 3 (no episode to end)");
	line_is(rec(UK_IRQ_EV_END, N, UK_IRQ_END_HANDLED, 0),
		"120400 ns cpu 1 end: pin 3 ends its episode: handled, unmasked now");
	line_is(rec(UK_IRQ_EV_END, N, UK_IRQ_END_STALLED, 0),
		"120400 ns cpu 1 end: pin 3 ends its episode: every sink NAKed, the line stalls");
	line_is(rec(UK_IRQ_EV_END, N, UK_IRQ_END_RETRIED, 0),
		"120400 ns cpu 1 end: pin 3 ends its episode: the stall's retry timer ended it");
	line_is(rec(UK_IRQ_EV_END, N, UK_IRQ_END_UNHANDLED, 0),
		"120400 ns cpu 1 end: pin 3 ends its episode: unhandled, counted by the Linux statistic");
	line_is(rec(UK_IRQ_EV_END, N, 9, 0), "120400 ns cpu 1 end: pin 3 ends its episode: ended");
	line_is(rec(UK_IRQ_EV_MASK, N, 1, 0), "120400 ns cpu 1 mask: the kernel masks pin 3");
	line_is(rec(UK_IRQ_EV_MASK, N, 0, UK_IRQ_EVF_SUSPEND),
		"120400 ns cpu 1 mask: the kernel unmasks pin 3 (the machine's suspend is among the "
		"reasons)");
	line_is(rec(UK_IRQ_EV_EOI, N, 0, 0),
		"120400 ns cpu 1 eoi: the kernel signals end of interrupt for pin 3");
	line_is(rec(UK_IRQ_EV_EOS, N, 0, 0),
		"120400 ns cpu 1 eos: the kernel signals end of service for pin 3");
	line_is(rec(UK_IRQ_EV_STALL, N, 100 * MS, 1),
		"120400 ns cpu 1 stall: pin 3 stalls for 100.000 ms, then retries (backoff step 1)");
	line_is(rec(UK_IRQ_EV_STALL, N, 12800 * MS + 4321, 0),
		"120400 ns cpu 1 stall: pin 3 stalls for 12800.004 ms, then retries");
	line_is(rec(UK_IRQ_EV_NOBODY, N, 7, 0),
		"120400 ns cpu 1 nobody-cared: pin 3: nobody cared (episode 7)");
	line_is(rec(UK_IRQ_EV_TIMEOUT, 2, 7, 0),
		"120400 ns cpu 1 ack-timeout: sink 2 has not answered pin 3 in time (ACK timeout, "
		"episode 7)");
	line_is(rec(UK_IRQ_EV_ATTACH, 2, 0, 0), "120400 ns cpu 1 attach: sink 2 attaches to pin 3");
	line_is(rec(UK_IRQ_EV_ATTACH, 2, 1, 0),
		"120400 ns cpu 1 attach: sink 2 attaches to pin 3 and stands by until the next "
		"episode");
	line_is(rec(UK_IRQ_EV_DETACH, 2, 0, 0), "120400 ns cpu 1 detach: sink 2 detaches from pin 3");
	line_is(rec(UK_IRQ_EV_DETACH, 2, 1, 0),
		"120400 ns cpu 1 detach: sink 2 detaches from pin 3, which counts as its NAK");
	line_is(rec(UK_IRQ_EV_DISABLE, N, 0, 0),
		"120400 ns cpu 1 disable: pin 3 is disabled: too many unhandled interrupts (Linux "
		"model)");
	line_is(rec(UK_IRQ_EV_UNDELIVERED, 2, 8, 0),
		"120400 ns cpu 1 undelivered: an interrupt of pin 3 finds no notification bound to "
		"sink 2 (seL4: undelivered, episode 8)");
}

/* Every kind 1..17 has a name and its own sentence; 0 and 18 have none. */
static void test_kind_names(void **state)
{
	(void)state;
	for (unsigned k = UK_IRQ_EV_RAISE; k <= UK_IRQ_EV_UNDELIVERED; k++) {
		char buf[256], prefix[64];
		struct uk_irq_event ev = rec((uint16_t)k, 2, 1, 0);
		const char *name = uk_irq_event_kind_name(k);
		assert_non_null(name);
		uk_irq_event_format(&ev, 0, buf, sizeof(buf));
		snprintf(prefix, sizeof(prefix), "120400 ns cpu 0 %s: ", name);
		assert_memory_equal(buf, prefix, strlen(prefix));
		assert_null(strstr(buf, "argument"));
	}
	assert_null(uk_irq_event_kind_name(0));
	assert_null(uk_irq_event_kind_name(UK_IRQ_EV_UNDELIVERED + 1));
	assert_string_equal(uk_irq_event_kind_name(UK_IRQ_EV_NOBODY), "nobody-cared");
}

static void test_unknown_kind_and_flags(void **state)
{
	struct uk_irq_event ev = {.t = 5, .arg = 18446744073709551615ull, .pin = 4294967294u,
				  .sink = 9, .kind = 99, .flags = 0xbeef};
	char buf[256];
	(void)state;
	uk_irq_event_format(&ev, UK_IRQ_CPU_UNKNOWN, buf, sizeof(buf));
	assert_string_equal(buf, "5 ns cpu - kind-99: pin 4294967294, sink 9, argument "
				 "18446744073709551615, flags 0xbeef");
	ev.kind = 0;
	ev.sink = N;
	ev.flags = 0;
	uk_irq_event_format(&ev, 7, buf, sizeof(buf));
	assert_string_equal(buf, "5 ns cpu 7 kind-0: pin 4294967294, no sink, argument "
				 "18446744073709551615");
	/* A flag bit the kind does not define is shown, not dropped. */
	line_is(rec(UK_IRQ_EV_ACK, 2, 5, UK_IRQ_EVF_KICK | 0x100),
		"120400 ns cpu 1 ack: sink 2 ACKs sequence 5 on pin 3 (by kick|clear) (flags 0x100)");
	line_is(rec(UK_IRQ_EV_EOI, N, 0, UK_IRQ_EVF_TRIGGER),
		"120400 ns cpu 1 eoi: the kernel signals end of interrupt for pin 3 (flags 0x20)");
}

/* Too small: the line is cut at len - 1 characters and NUL-terminated, no
 * byte past len is written, and the return value is the whole length. */
static void test_small_buffers(void **state)
{
	struct uk_irq_event ev = rec(UK_IRQ_EV_TIMEOUT, 2, 7, 0);
	char full[256];
	(void)state;
	size_t whole = uk_irq_event_format(&ev, 1, full, sizeof(full));
	assert_int_equal(whole, strlen(full));
	for (size_t len = 0; len <= whole + 2; len++) {
		char buf[300];
		memset(buf, '#', sizeof(buf));
		size_t n = uk_irq_event_format(&ev, 1, buf, len);
		assert_int_equal(n, whole);
		if (len) {
			size_t kept = len - 1 < whole ? len - 1 : whole;
			assert_int_equal(strlen(buf), kept);
			assert_memory_equal(buf, full, kept);
		}
		for (size_t i = len; i < sizeof(buf); i++)
			assert_int_equal(buf[i], '#');
	}
	/* len 0: the buffer is not touched at all, NULL is fine. */
	assert_int_equal(uk_irq_event_format(&ev, 1, NULL, 0), whole);
}

/* A real machine's log (level line, two sinks, NAK by all, stall, retry,
 * a late attach and a detach): every record has its own words. */
static void test_machine_log(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink a, b, c;
	unsigned seen[UK_IRQ_EV_UNDELIVERED + 1] = {0}, detached = 0;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, 0);
	fake_sink(&pin, &a, 1);
	fake_sink(&pin, &b, 2);
	uk_irq_pin_raise(&pin, 0);
	uk_irq_sink_nak(&a, ALL, 1, 0);
	uk_irq_sink_nak(&b, ALL, 1, 0);
	fake_tick(&f, &pin, 100 * MS);
	fake_sink(&pin, &c, 3);
	uk_irq_pin_raise(&pin, 100 * MS);
	uk_irq_sink_detach(&b, 100 * MS); /* owes: counts as its NAK */
	uk_irq_sink_nak(&c, ALL, 1, 100 * MS);
	uk_irq_sink_ack(&a, ALL, 2, 100 * MS);
	assert_true(f.log.len > 8);
	for (size_t i = 0; i < f.log.len; i++) {
		char buf[256];
		size_t n = uk_irq_event_format(&f.log.ev[i], 0, buf, sizeof(buf));
		assert_true(n < sizeof(buf));
		assert_null(strstr(buf, "kind-"));
		assert_non_null(uk_irq_event_kind_name(f.log.ev[i].kind));
		seen[f.log.ev[i].kind]++;
		detached += strstr(buf, "nak: sink 2 NAKs sequence 2 on pin 1 (it was detached)") != NULL;
	}
	assert_true(seen[UK_IRQ_EV_NOBODY] == 1 && seen[UK_IRQ_EV_STALL] == 1);
	assert_true(seen[UK_IRQ_EV_ACK] == 1 && seen[UK_IRQ_EV_DETACH] == 1);
	assert_true(seen[UK_IRQ_EV_NAK] == 4 && seen[UK_IRQ_EV_END] == 3);
	assert_int_equal(detached, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_unknown_kind_and_flags),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_machine_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
