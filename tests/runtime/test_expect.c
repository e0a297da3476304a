/* SPDX-License-Identifier: MIT */
/*
 * Each kind of expectation, met and failed: counts, latencies, no-deadlock
 * (with idle servers told apart from a real deadlock), invariants, end-by
 * and expected violations.
 */
#include "rt_test.h"

#define LINE                                                                                 \
	"machine { cpus 2 }\n"                                                               \
	"device d0 { kind scripted; irq ioapic 10 level high; status write-1-to-clear }\n"

static void expect_verdicts(const char *text, const bool *want, size_t n)
{
	struct uks_scenario *s = rt_parse(text);
	struct sim_run_report r;
	rt_run(s, 1, 1 << 16, &r);
	ck_assert_uint_eq(r.nexpects, n);
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(r.expects[i].met == want[i], "%s: met %d (saw %llu)", r.expects[i].text,
			      r.expects[i].met, (unsigned long long)r.expects[i].observed);
		/* An unmet expectation is worded in the report; a met one is
		 * worded on demand (sim_expect_text), and both agree. */
		char words[sizeof(r.expects[i].text)];
		sim_expect_text(r.expects[i].e, words, sizeof(words));
		ck_assert(words[0]);
		if (!r.expects[i].met)
			ck_assert_str_eq(r.expects[i].text, words);
		all &= want[i];
	}
	ck_assert_int_eq(r.all_met, all);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}

START_TEST(counts)
{
	static const bool want[] = {true, false, true, false, true, false, true};
	expect_verdicts(LINE "process p { thread t program irq-driver(device = d0) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0\n at 50us assert d0 }\n"
			     "expect { count acks(d0) == 2\n count acks(d0) != 2\n"
			     " handled d0 at least 2\n count naks > 0\n count nobody-cared < 1\n"
			     " count raised(d0) <= 1\n count switches >= 1 }\n",
			want, 7);
}
END_TEST

START_TEST(latencies)
{
	static const bool want[] = {true, false, true, false};
	expect_verdicts(LINE "process p { thread t program irq-driver(device = d0, work = 30us) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0 }\n"
			     "expect { latency irq(d0) <= 20us\n latency irq(d0) < 1us\n"
			     " latency handled(d0) <= 20us\n latency handled(d0) > 1ms }\n",
			want, 4);
}
END_TEST

/* An assertion never served fails any latency bound, however loose. */
START_TEST(latency_never_served)
{
	static const bool want[] = {false, true};
	expect_verdicts(LINE "process p { thread t program irq-driver(device = d0, mistake = nak-all) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0 }\n"
			     "expect { latency irq(d0) <= 1s\n count nobody-cared(d0) == 1\n end-by 1ms }\n",
			want, 2);
}
END_TEST

/* A driver waiting for interrupts after the timeline is not deadlocked; a
 * client whose call nobody will ever receive is. */
START_TEST(deadlock_vs_quiet)
{
	static const bool quiet[] = {true};
	expect_verdicts(LINE "process p { thread t program irq-driver(device = d0) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0 }\nexpect no-deadlock\n",
			quiet, 1);
	static const bool stuck[] = {false};
	/* A client calls an endpoint nobody serves: it waits for ever. */
	expect_verdicts("endpoint e\n"
			"process c { thread t program vfs-client(server = e); caps endpoint(e, send) }\n"
			"expect no-deadlock\n",
			stuck, 1);

	/* The words: a quiet end says so; a deadlock beside an idle driver
	 * is still one, and its description lists every blocked thread. */
	struct uks_scenario *s = rt_parse(LINE "process p { thread t program irq-driver(device = d0) prio 100; caps irq(d0), mmio(d0) }\n"
					       "timeline { at 10us assert d0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert_int_eq(r.result, SIM_DONE);
	ck_assert_msg(strstr(r.message, "quiet at") && strstr(r.message, "waits for input"), "%s",
		      r.message);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	s = rt_parse(LINE "endpoint e\n"
			  "process p { thread t program irq-driver(device = d0) prio 100; caps irq(d0), mmio(d0) }\n"
			  "process c { thread t program vfs-client(server = e); caps endpoint(e, send) }\n"
			  "timeline { at 10us assert d0 }\n");
	rt_run(s, 1, 0, &r);
	ck_assert_int_eq(r.result, SIM_DEADLOCK);
	ck_assert_msg(strstr(r.message, "deadlock at") && strstr(r.message, "thread p (") &&
			      strstr(r.message, "thread c ("),
		      "%s", r.message);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

START_TEST(expected_violation)
{
	static const bool shown[] = {true};
	expect_verdicts(LINE "machine { ack-timeout 100us }\n"
			     "process p { thread t program irq-driver(device = d0, mistake = never-answer) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0 }\nexpect violation ack-timeout\n",
			shown, 1);
	static const bool not_shown[] = {false};
	expect_verdicts(LINE "process p { thread t program irq-driver(device = d0) prio 100; caps irq(d0), mmio(d0) }\n"
			     "timeline { at 10us assert d0 }\nexpect violation nobody-cared\n",
			not_shown, 1);
}
END_TEST

/* end-by stops the run: a burner that would go on for a second is cut. */
START_TEST(end_by_stops)
{
	struct uks_scenario *s = rt_parse("process p { thread t program load(work = 1s) }\n"
					  "expect end-by 200us\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert_int_eq(r.result, SIM_DONE);
	ck_assert_uint_le(r.stats.end_ns, 200000);
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* Deadlock: the engine's verdict, reported as the violation "deadlock". */
START_TEST(deadlock_is_a_violation)
{
	struct uks_scenario *s = rt_parse(
		"process p { thread a program mutex-holder(mutex = \"m\", hold = 10us)\n"
		" thread b program mutex-waiter(mutex = \"m\") }\n"
		"process q { thread t program irq-driver(device = d0) ; caps irq(d0), mmio(d0) }\n"
		"device d0 { kind scripted; irq ioapic 4 level high }\n"
		"expect no-deadlock\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert(r.all_met); /* everything finished or idles: quiet */
	ck_assert(!rt_shown(&r, "deadlock"));
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* Per-line counters name the right line, also on MSI and the PLIC. */
START_TEST(line_counters_per_device)
{
	static const bool want[] = {true, true, true, true, true};
	expect_verdicts("machine { cpus 2; controller plic sources 8 }\n"
			"device u0 { kind scripted; irq plic 5 level; status write-1-to-clear }\n"
			"device n0 { kind scripted; irq ioapic 3 level high; status write-1-to-clear }\n"
			"device m0 { kind scripted; irq msi 2; status write-1-to-clear; pci 0:2.0 }\n"
			"process p { thread t program irq-driver(device = u0, mistake = nak-all); caps irq(u0), mmio(u0) }\n"
			"process q { thread t program irq-driver(device = n0); caps irq(n0), mmio(n0) }\n"
			"process r { thread t program irq-driver(device = m0); caps irq(m0), mmio(m0) }\n"
			"timeline { at 10us assert u0\n at 12us assert n0\n at 14us assert m0 }\n"
			"expect { count nobody-cared(u0) == 1\n count nobody-cared(n0) == 0\n"
			" count raised(u0) == 1\n count raised(m0) == 1\n count stalls(m0) == 0\n"
			" end-by 1ms }\n",
			want, 5);
}
END_TEST

static Suite *expect_suite(void)
{
	Suite *s = suite_create("expect");
	TCase *tc = tcase_create("expect");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counts);
	tcase_add_test(tc, latencies);
	tcase_add_test(tc, latency_never_served);
	tcase_add_test(tc, deadlock_vs_quiet);
	tcase_add_test(tc, expected_violation);
	tcase_add_test(tc, end_by_stops);
	tcase_add_test(tc, deadlock_is_a_violation);
	tcase_add_test(tc, line_counters_per_device);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(expect_suite)
