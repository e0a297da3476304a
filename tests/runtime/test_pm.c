/* SPDX-License-Identifier: MIT */
/*
 * Runtime affinity, suspend and wake, and the controllers' counters, run on
 * the whole machine: the timeline's route/suspend/resume, line blocks'
 * `wake`, the syscalls' error paths (a plug-in driver, pmprobe.c), the
 * suspended-forever verdict, the trace of a line's CPU, and the
 * per-controller counts in the stats and `expect`.
 */
#include "rt_test.h"

#include <stdio.h>

#include <sim/export.h>
#include <ukern/kernel.h>

/* The report's trace through an exporter, as text (free it). */
static char *export_text(const struct sim_run_report *r, bool vcd)
{
	struct sim_trace t = {.recs = r->trace, .len = r->trace_len, .cap = r->trace_len};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(vcd ? sim_export_vcd(&t, "pm", f) : sim_export_chrome(&t, 2, "pm", f), 0);
	fclose(f);
	return buf;
}

static const struct sim_trace_rec *find_rec(const struct sim_run_report *r, uint16_t kind,
					    uint64_t c)
{
	for (size_t i = 0; i < r->trace_len; i++)
		if (r->trace[i].kind == kind && (c == ~0ull || r->trace[i].c == c))
			return &r->trace[i];
	return NULL;
}

static void all_met(const struct sim_run_report *r)
{
	for (size_t i = 0; i < r->nexpects; i++)
		ck_assert_msg(r->expects[i].met, "%s: saw %llu", r->expects[i].text,
			      (unsigned long long)r->expects[i].observed);
	ck_assert_msg(r->all_met, "run failed: %s", r->message);
}

#define TWO_DEVICES                                                                        \
	"machine { cpus 2 }\n"                                                             \
	"device kbd0 { kind scripted; irq ioapic 1 level high; status write-1-to-clear }\n" \
	"device tmr0 { kind scripted; irq ioapic 2 edge high; status write-1-to-clear }\n"  \
	"process kbd { thread main program irq-driver(device = kbd0) prio 100 cpu 0; caps irq(kbd0), mmio(kbd0) }\n" \
	"process tmr { thread main program irq-driver(device = tmr0) prio 100 cpu 0; caps irq(tmr0), mmio(tmr0) }\n"

/* No wake line, no resume: the run fails with suspended-forever. */
START_TEST(suspend_without_wake_sleeps_forever)
{
	struct uks_scenario *s = rt_parse(TWO_DEVICES
					  "timeline { at 10us suspend; at 50us assert kbd0 }\n"
					  "expect { count suspends == 1; count acks(kbd0) == 0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert(rt_shown(&r, "suspended-forever"));
	ck_assert(!r.all_met); /* a hard verdict, like a deadlock */
	for (size_t i = 0; i < r.nviolations; i++)
		if (!strcmp(r.violations[i].id, "suspended-forever"))
			ck_assert_ptr_nonnull(strstr(r.violations[i].message, "no wake line"));
	ck_assert_uint_eq(r.stats.suspends, 1);
	ck_assert_uint_eq(r.stats.resumes, 0);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A wake line that never raises: still suspended-forever, saying so. */
START_TEST(suspend_with_silent_wake_line)
{
	struct uks_scenario *s = rt_parse(TWO_DEVICES "line ioapic 1 { wake }\n"
					  "timeline { at 10us suspend }\n"
					  "expect violation suspended-forever\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	all_met(&r);
	for (size_t i = 0; i < r.nviolations; i++)
		if (!strcmp(r.violations[i].id, "suspended-forever"))
			ck_assert_ptr_nonnull(strstr(r.violations[i].message, "1 wake line"));
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* The wake line's interrupt resumes the machine and is delivered; the
 * other line's edge, masked meanwhile, is lost and counted by the IOAPIC;
 * the trace has the suspend and the resume, naming the waking pin. */
START_TEST(wake_line_resumes)
{
	struct uks_scenario *s = rt_parse(
		TWO_DEVICES "line ioapic 1 { wake }\n"
		"timeline { at 10us suspend; at 20us assert tmr0; at 30us deassert tmr0\n"
		"  at 50us assert kbd0; at 80us assert tmr0 }\n"
		"expect { invariants on; no-deadlock; count suspends == 1; count wakeups == 1\n"
		"  count resumes == 1; count acks(kbd0) == 1; count acks(tmr0) == 1\n"
		"  count ioapic-dropped(tmr0) == 1; count ioapic-dropped(kbd0) == 0\n"
		"  count ioapic-dropped == 1; end-by 1ms }\n");
	struct sim_run_report r;
	rt_run(s, 1, 65536, &r);
	all_met(&r);
	ck_assert_uint_eq(r.stats.ioapic.dropped, 1);
	ck_assert_uint_eq(r.stats.controller_dropped, 1);
	ck_assert_uint_eq(r.stats.wakeups, 1);
	const struct sim_trace_rec *sus = find_rec(&r, UK_TRACE_CORE_PM, ~0ull);
	ck_assert_ptr_nonnull(sus);
	ck_assert_uint_eq(sus->a, 1);
	/* The resume record names the pin of kbd0's line (not UINT32_MAX). */
	bool resumed = false;
	for (size_t i = 0; i < r.trace_len; i++)
		if (r.trace[i].kind == UK_TRACE_CORE_PM && r.trace[i].a == 0) {
			ck_assert_uint_ne(r.trace[i].b, UINT32_MAX);
			ck_assert_uint_ge(r.trace[i].time, 50000);
			resumed = true;
		}
	ck_assert(resumed);
	char *txt = export_text(&r, true);
	ck_assert_ptr_nonnull(strstr(txt, " suspended $end"));
	free(txt);
	txt = export_text(&r, false);
	ck_assert_ptr_nonnull(strstr(txt, "\"machine suspended\""));
	free(txt);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* While suspended no user thread runs: an interrupt of a level line that
 * may not wake is served only after the timed resume. */
START_TEST(timed_resume_serves_held_level)
{
	struct uks_scenario *s = rt_parse(
		TWO_DEVICES "timeline { at 10us suspend; at 20us assert kbd0; at 300us resume }\n"
		"expect { invariants on; no-deadlock; count resumes == 1; count wakeups == 0\n"
		"  latency irq(kbd0) >= 280us; count acks(kbd0) == 1 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	all_met(&r);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* `route` moves the line: the trace shows its CPU, and the LAPIC of the
 * new CPU takes the next interrupt. */
START_TEST(route_moves_line)
{
	struct uks_scenario *s = rt_parse(
		TWO_DEVICES "timeline { at 10us route kbd0 cpu 1; at 20us assert kbd0 }\n"
		"expect { invariants on; no-deadlock; count irq-moves == 1; count acks(kbd0) == 1 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 65536, &r);
	all_met(&r);
	const struct sim_trace_rec *mv = find_rec(&r, UK_TRACE_IRQ_ROUTE, 0);
	ck_assert_ptr_nonnull(mv);
	ck_assert_uint_eq(mv->b, 1);
	bool on_cpu1 = false;
	for (size_t i = 0; i < r.trace_len; i++)
		if (r.trace[i].kind == UK_TRACE_IRQ(UK_IRQ_EV_RAISE) && r.trace[i].time > mv->time)
			on_cpu1 |= r.trace[i].cpu == 1;
	ck_assert(on_cpu1);
	/* The exports show the line's CPU. */
	char *txt = export_text(&r, false);
	ck_assert_ptr_nonnull(strstr(txt, "\"CPU of pin 0\""));
	free(txt);
	txt = export_text(&r, true);
	ck_assert_ptr_nonnull(strstr(txt, "pin_0.cpu"));
	free(txt);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A move asked for in the middle of an episode (its driver kept off the
 * CPU by a busier thread) waits for the episode's end. */
START_TEST(route_in_service_waits)
{
	struct uks_scenario *s = rt_parse(
		"machine { cpus 2 }\n"
		"device kbd0 { kind scripted; irq ioapic 1 level high; status write-1-to-clear }\n"
		"process kbd { thread main program irq-driver(device = kbd0) prio 100 cpu 0; caps irq(kbd0), mmio(kbd0) }\n"
		"process hog { thread main program mutex-holder(start = 5us, hold = 55us) prio 200 cpu 0 }\n"
		"timeline { at 10us assert kbd0; at 30us route kbd0 cpu 1; at 200us assert kbd0 }\n"
		"expect { invariants on; count irq-moves == 1; count acks(kbd0) == 2 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 65536, &r);
	all_met(&r);
	const struct sim_trace_rec *pend = find_rec(&r, UK_TRACE_IRQ_ROUTE, 1);
	const struct sim_trace_rec *done = find_rec(&r, UK_TRACE_IRQ_ROUTE, 0);
	ck_assert_ptr_nonnull(pend);
	ck_assert_ptr_nonnull(done);
	ck_assert_uint_gt(done->time, pend->time);
	const struct sim_trace_rec *end = NULL;
	for (size_t i = 0; i < r.trace_len; i++)
		if (r.trace[i].kind == UK_TRACE_IRQ(UK_IRQ_EV_END) && !end)
			end = &r.trace[i];
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_ge(done->time, end->time); /* moved once the episode ended */
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

START_TEST(bad_timeline_actions)
{
	static const char *const bad[] = {
		"machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 1 level high }\n"
		"timeline { at 1us route d cpu 2 }\n", /* no CPU 2 */
		"machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 1 level high }\n"
		"timeline { at 1us route d }\n", /* no cpu */
		"machine { cpus 2 }\ndevice d { kind scripted }\n"
		"timeline { at 1us route d cpu 1 }\n", /* no line */
		"machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 1 level high }\n"
		"timeline { at 1us suspend d }\n", /* suspend takes nothing */
		"machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 1 level high }\n"
		"line ioapic 1 { wake on }\n", /* wake is a flag */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		ck_assert_msg(uks_parse_string("bad.uks", bad[i], strlen(bad[i]), NULL, &s, &d) != 0,
			      "accepted: %s", bad[i]);
		uks_diag_clear(&d);
	}
}
END_TEST

/* The PLIC's gateway holds a request of a masked (suspended) source; the
 * JSON stats carry every controller's counts. */
START_TEST(plic_holds_and_json)
{
	struct uks_scenario *s = rt_parse(
		"machine { cpus 1; controller plic sources 8 }\n"
		"device u0 { kind scripted; irq plic 5 edge; status write-1-to-clear }\n"
		"process p { thread main program irq-driver(device = u0) prio 100; caps irq(u0), mmio(u0) }\n"
		"timeline { at 10us suspend; at 20us assert u0; at 100us resume }\n"
		"expect { invariants on; count plic-held(u0) == 1; count plic-held == 1\n"
		"  count acks(u0) == 1; count msi-held == 0; count lapic-dropped == 0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	all_met(&r);
	ck_assert_uint_eq(r.stats.plic.held, 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sim_report_print_json(f, s, &r);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\"plic_held\": 1"));
	ck_assert_ptr_nonnull(strstr(buf, "\"suspends\": 1"));
	ck_assert_ptr_nonnull(strstr(buf, "\"lapic_held\": "));
	free(buf);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* The syscalls' error paths and their working calls, by a plug-in driver;
 * the line it marks wake resumes the machine. */
START_TEST(syscalls_by_probe)
{
	char err[512];
	struct sim_registry *reg = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &reg, err, sizeof(err)), 0);
	ck_assert_int_eq(sim_registry_load(reg, RT_PMPROBE, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(reg, false, &cat);
	static const char text[] =
		"machine { cpus 2 }\n"
		"device kbd0 { kind scripted; irq ioapic 1 level high; status write-1-to-clear }\n"
		"process p { thread main program pm-probe(device = kbd0, cpu = 1) prio 100 cpu 0; caps irq(kbd0), mmio(kbd0) }\n"
		"timeline { at 50us suspend; at 100us assert kbd0 }\n"
		"expect { invariants on; count exits(p) == 1; count wakeups == 1; count irq-moves == 1 }\n";
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_string("probe.uks", text, strlen(text), &cat, &s, &d), 0);
	ck_assert_int_eq(sim_runtime_check(s, reg, &d), 0);
	struct sim_runtime_options o = {.registry = reg, .trace_limit = 65536};
	struct sim_run_report r;
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, 1, &r), 0);
	all_met(&r);
	const struct sim_trace_rec *w = find_rec(&r, UK_TRACE_IRQ_WAKE, ~0ull);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(w->b, 1);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	sim_registry_free(reg);
}
END_TEST

/* Per-CPU lines: each CPU's driver gets its own CPU's instance; a driver
 * that attaches from the other CPU gets that CPU's instance, not the
 * device's, and the device's edges are lost on its masked input. */
START_TEST(percpu_instances)
{
	struct uks_scenario *s = rt_parse(
		"machine { cpus 2 }\n"
		"device tmr0 { kind scripted; irq percpu 0 cpu 0; status write-1-to-clear }\n"
		"device tmr1 { kind scripted; irq percpu 0 cpu 1; status write-1-to-clear }\n"
		"process t0 { thread main program irq-driver(device = tmr0) prio 100 cpu 0; caps irq(tmr0), mmio(tmr0) }\n"
		"process t1 { thread main program irq-driver(device = tmr1) prio 100 cpu 0; caps irq(tmr1), mmio(tmr1) }\n"
		"timeline { at 20us assert tmr0; at 20us assert tmr1 }\n"
		"expect { count acks(tmr0) == 1; count acks(tmr1) == 0; count lapic-dropped == 1 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 65536, &r);
	for (size_t i = 0; i < r.nexpects; i++)
		ck_assert_msg(r.expects[i].met, "%s: saw %llu", r.expects[i].text,
			      (unsigned long long)r.expects[i].observed);
	ck_assert_uint_eq(r.stats.lapic.dropped, 1);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

START_TEST(percpu_bad)
{
	static const char *const bad[] = {
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 cpu 2 }\n",
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 8 cpu 0 }\n",
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 }\n",
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 cpu 0 level }\n",
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 cpu 0 }\n"
		"device e { kind scripted; irq percpu 0 cpu 0 }\n", /* one device per input */
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 cpu 0 }\n"
		"timeline { at 1us route d cpu 1 }\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		ck_assert_msg(uks_parse_string("bad.uks", bad[i], strlen(bad[i]), NULL, &s, &d) != 0,
			      "accepted: %s", bad[i]);
		uks_diag_clear(&d);
	}
	/* Two CPUs' instances of one line number are two lines. */
	static const char good[] =
		"machine { cpus 2 }\ndevice d { kind scripted; irq percpu 0 cpu 0 }\n"
		"device e { kind scripted; irq percpu 0 cpu 1 }\nline percpu 0 { wake }\n";
	struct uks_scenario *s = rt_parse(good);
	uks_scenario_free(s);
}
END_TEST

/* The probe on a per-CPU line: affinity is EINVAL, wake works, and the
 * line's interrupt wakes the machine on its own CPU. */
START_TEST(percpu_probe)
{
	char err[512];
	struct sim_registry *reg = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &reg, err, sizeof(err)), 0);
	ck_assert_int_eq(sim_registry_load(reg, RT_PMPROBE, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(reg, false, &cat);
	static const char text[] =
		"machine { cpus 2 }\n"
		"device t1 { kind scripted; irq percpu 2 cpu 1; status write-1-to-clear }\n"
		"process p { thread main program pm-probe(device = t1) prio 100 cpu 1; caps irq(t1), mmio(t1) }\n"
		"timeline { at 50us suspend; at 100us assert t1 }\n"
		"expect { invariants on; count exits(p) == 1; count wakeups == 1; count irq-moves == 0 }\n";
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_string("probe.uks", text, strlen(text), &cat, &s, &d), 0);
	struct sim_runtime_options o = {.registry = reg};
	struct sim_run_report r;
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, 1, &r), 0);
	all_met(&r);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	sim_registry_free(reg);
}
END_TEST

static Suite *pm_suite(void)
{
	Suite *s = suite_create("pm");
	TCase *tc = tcase_create("pm");
	tcase_add_test(tc, suspend_without_wake_sleeps_forever);
	tcase_add_test(tc, suspend_with_silent_wake_line);
	tcase_add_test(tc, wake_line_resumes);
	tcase_add_test(tc, timed_resume_serves_held_level);
	tcase_add_test(tc, route_moves_line);
	tcase_add_test(tc, route_in_service_waits);
	tcase_add_test(tc, bad_timeline_actions);
	tcase_add_test(tc, plic_holds_and_json);
	tcase_add_test(tc, syscalls_by_probe);
	tcase_add_test(tc, percpu_instances);
	tcase_add_test(tc, percpu_bad);
	tcase_add_test(tc, percpu_probe);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(pm_suite)
