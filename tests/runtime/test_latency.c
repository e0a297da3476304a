/* SPDX-License-Identifier: MIT */
/*
 * What `uksim compare` reads from a run: every served IRQ latency
 * (options.keep_latencies), the assertions never claimed, the interrupts
 * and TLB invalidations in the statistics, and that machine settings given
 * with uks_parse_string_set change what a run does.
 */
#include "rt_test.h"

#define LINE                                                                                 \
	"machine { cpus 2 }\n"                                                               \
	"device d0 { kind scripted; irq ioapic 10 level high; status write-1-to-clear }\n"

static void run_kept(const struct uks_scenario *s, struct sim_run_report *r)
{
	struct sim_runtime_options o = {.keep_latencies = true};
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, 1, r), 0);
	ck_assert_msg(!r->internal_error, "internal error: %s", r->message);
}

/* Three assertions served: three waits, sorted, the longest the one the
 * `latency irq` expectation judges. */
START_TEST(latencies_kept)
{
	struct uks_scenario *s =
		rt_parse(LINE "process p { thread t program irq-driver(device = d0, work = 30us) "
			      "prio 100; caps irq(d0), mmio(d0) }\n"
			      "process q { thread t program load(work = 5us, period = 0ns, until = 300us) "
			      "prio 150 cpu 0 }\n"
			      "timeline { at 10us assert d0\n at 100us assert d0\n at 200us assert d0 }\n"
			      "expect { latency irq(d0) <= 1s }\n");
	struct sim_run_report r;
	run_kept(s, &r);
	ck_assert_uint_eq(r.nirq_latency, 3);
	ck_assert_uint_eq(r.irq_unserved, 0);
	ck_assert_ptr_nonnull(r.irq_latency_ns);
	for (size_t i = 1; i < r.nirq_latency; i++)
		ck_assert_uint_le(r.irq_latency_ns[i - 1], r.irq_latency_ns[i]);
	ck_assert_uint_gt(r.irq_latency_ns[0], 0);
	ck_assert_uint_eq(r.irq_latency_ns[2], r.expects[0].observed);
	ck_assert_uint_gt(r.stats.interrupts, 0);
	sim_run_report_fini(&r);

	/* Off by default: nothing kept. */
	rt_run(s, 1, 0, &r);
	ck_assert_ptr_null(r.irq_latency_ns);
	ck_assert_uint_eq(r.nirq_latency, 0);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A driver that never claims: its assertions are unserved, except the one
 * a device reset dropped. */
START_TEST(latencies_unserved)
{
	struct uks_scenario *s =
		rt_parse(LINE "process p { thread t program irq-driver(device = d0, mistake = nak-all) "
			      "prio 100; caps irq(d0), mmio(d0) }\n"
			      "timeline { at 10us assert d0\n at 20us reset d0\n at 30us assert d0\n"
			      " at 40us assert d0 }\n"
			      "expect { end-by 1ms }\n");
	struct sim_run_report r;
	run_kept(s, &r);
	ck_assert_uint_eq(r.nirq_latency, 0);
	ck_assert_uint_eq(r.irq_unserved, 2);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* --set through the parser changes the run: one CPU cannot send IPIs,
 * and the IRQ model is the kernel's. */
START_TEST(settings_change_runs)
{
	static const char text[] =
		"machine { cpus 1; timeslice 100us }\n"
		"endpoint pci { queue priority }\n"
		"process srv { thread t program pci-server(endpoint = pci, work = 40us) prio 20; "
		"caps endpoint(pci, receive) }\n"
		"process lo { thread t program pci-driver(server = pci, calls = 5, period = 300us) "
		"prio 10; caps endpoint(pci, send) }\n"
		"process hi { thread t program pci-driver(server = pci, calls = 5, period = 300us) "
		"prio 200; caps endpoint(pci, send) }\n"
		"process media { thread t program load(work = 200us, period = 250us, until = 2ms) "
		"prio 100 }\n"
		"expect { end-by 20ms }\n";
	struct sim_run_report r1, r2;
	for (int k = 0; k < 2; k++) {
		const char *set = k ? "cpus=2" : "cpus=1";
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		ck_assert_int_eq(uks_parse_string_set("x.uks", text, strlen(text), NULL, &set, 1, &s, &d),
				 0);
		ck_assert_uint_eq(s->machine.cpus, (unsigned)k + 1);
		rt_run(s, 1, 0, k ? &r2 : &r1);
		uks_scenario_free(s);
	}
	ck_assert_uint_eq(r1.stats.ipis, 0);
	ck_assert_uint_gt(r2.stats.ipis, 0);
	sim_run_report_fini(&r1);
	sim_run_report_fini(&r2);
}
END_TEST

static Suite *latency_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("latency");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, latencies_kept);
	tcase_add_test(tc, latencies_unserved);
	tcase_add_test(tc, settings_change_runs);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(latency_suite)
