/* SPDX-License-Identifier: MIT */
/*
 * Building machines from small inline scenarios: devices wired to their
 * lines, programs spawned with their priorities, timeline actions fired at
 * their virtual times, windows placed by the chooser.
 */
#include "rt_test.h"

#include <hwmodel/hw.h>
#include <sim/trace.h>
#include <ukern/kernel.h>

#define ONE_DRIVER                                                                          \
	"machine { cpus 2 }\n"                                                              \
	"device d0 { kind scripted; irq ioapic 10 level high; status write-1-to-clear }\n" \
	"process p { thread t program irq-driver(device = d0) prio 150 cpu 1; caps irq(d0), mmio(d0) }\n"

/* Timeline actions leave a SIM_TR_USER record 0x7100 + kind at their time. */
static uint64_t action_time(const struct sim_run_report *r, unsigned nth)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->trace_len; i++)
		if (r->trace[i].kind == SIM_TR_USER && (r->trace[i].a & 0xff00) == 0x7100 &&
		    n++ == nth)
			return r->trace[i].time;
	ck_abort_msg("action %u not in the trace", nth);
	return 0;
}

START_TEST(timeline_fires_at_its_times)
{
	struct uks_scenario *s = rt_parse(ONE_DRIVER
					  "timeline { at 10us assert d0\n at +7us deassert d0\n"
					  " repeat 2 every 50us from 100us { assert d0 } }\n"
					  "expect { handled d0 at least 3 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 1 << 16, &r);
	ck_assert_uint_eq(action_time(&r, 0), 10000);
	ck_assert_uint_eq(action_time(&r, 1), 17000);
	ck_assert_uint_eq(action_time(&r, 2), 100000);
	ck_assert_uint_eq(action_time(&r, 3), 150000);
	ck_assert_uint_eq(r.stats.timeline_actions, 4);
	ck_assert(r.all_met);
	ck_assert_int_eq(r.result, SIM_DONE);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* The driver's line is the device's pin: its ACKs and the raises on that
 * pin are counted, and it ran at its priority on its CPU. */
START_TEST(devices_wired_and_drivers_spawned)
{
	struct uks_scenario *s = rt_parse(ONE_DRIVER
					  "timeline { at 10us assert d0 }\n"
					  "expect { count raised(d0) == 1\n count acks(d0) == 1\n"
					  " count nobody-cared == 0\n latency irq(d0) <= 10us }\n");
	struct sim_run_report r;
	rt_run(s, 1, 1 << 16, &r);
	for (size_t i = 0; i < r.nexpects; i++)
		ck_assert_msg(r.expects[i].met, "%s: saw %llu", r.expects[i].text,
			      (unsigned long long)r.expects[i].observed);
	/* The driver thread was switched to on CPU 1 only. */
	bool cpu1 = false;
	for (size_t i = 0; i < r.trace_len; i++)
		if (r.trace[i].kind == UK_TRACE_CORE_SWITCH && r.trace[i].c != 0) {
			ck_assert_uint_eq(r.trace[i].a, 1);
			cpu1 = true;
		}
	ck_assert(cpu1);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* `ipc-handoff` reaches the kernel: the same VFS open() meets its
 * expectations either way, with hand-offs counted only when on. */
#define VFS_OPEN(handoff)                                                                       \
	"machine { cpus 1; ipc-handoff " handoff " }\n"                                        \
	"endpoint vfs\nendpoint fs\n"                                                          \
	"process client { thread main program vfs-client(server = vfs, path = \"/etc/motd\", " \
	"calls = 3, size = 4KiB) prio 100; caps endpoint(vfs, send) }\n"                       \
	"process vfsd { thread main program vfs-server(endpoint = vfs, fs = fs) prio 120; "     \
	"caps endpoint(vfs, receive), endpoint(fs, send) }\n"                                  \
	"process fsd { thread main program fs-server(endpoint = fs) prio 120; "                 \
	"caps endpoint(fs, receive) }\n"                                                       \
	"expect { no-deadlock\n count copies(vfs) >= 12288\n count exits(client) == 1 }\n"

START_TEST(ipc_handoff_on_and_off)
{
	struct sim_run_report on, off;
	struct uks_scenario *s_on = rt_parse(VFS_OPEN("on")), *s_off = rt_parse(VFS_OPEN("off"));

	rt_run(s_on, 1, 0, &on);
	rt_run(s_off, 1, 0, &off);
	ck_assert(on.all_met);
	ck_assert(off.all_met);
	ck_assert_uint_eq(on.stats.ipc_calls, off.stats.ipc_calls);
	ck_assert_uint_gt(on.stats.ipc_handoffs, 0);
	ck_assert_uint_eq(off.stats.ipc_handoffs, 0);
	ck_assert_uint_ne(on.trace_hash, off.trace_hash);
	sim_run_report_fini(&on);
	sim_run_report_fini(&off);
	uks_scenario_free(s_on);
	uks_scenario_free(s_off);
}
END_TEST

/* A driver without the irq(d0) capability may not attach. */
START_TEST(no_irq_cap_no_attach)
{
	struct uks_scenario *s = rt_parse(
		"device d0 { kind scripted; irq ioapic 3 level high }\n"
		"process p { thread t program irq-driver(device = d0) }\n"
		"timeline { at 10us assert d0 }\n"
		"expect { count rejected(p) == 1\n count acks == 0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A chooser that always takes the last option. */
static unsigned last_choice(void *st, struct sim_engine *e, const struct sim_choice *c)
{
	(void)st;
	(void)e;
	return c->kind == SIM_CHOICE_VALUE ? c->n - 1 : c->dflt;
}

static const struct sim_chooser_ops last_ops = {"last", last_choice};

START_TEST(windows_placed_by_the_chooser)
{
	struct uks_scenario *s = rt_parse(ONE_DRIVER
					  "timeline { at 10us..25us assert d0\n at +5us deassert d0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 1 << 16, &r);
	/* The default is the window's start; the relative action follows it. */
	ck_assert_uint_eq(action_time(&r, 0), 10000);
	ck_assert_uint_eq(action_time(&r, 1), 15000);
	sim_run_report_fini(&r);

	struct sim_engine_config ec = {.seed = 1, .chooser = &last_ops, .record_decisions = true};
	struct sim_runtime_options o = {.trace_limit = 1 << 16};
	ck_assert_int_eq(sim_runtime_run(s, &o, &ec, 1, &r), 0);
	ck_assert_uint_eq(action_time(&r, 0), 25000);
	ck_assert_uint_eq(action_time(&r, 1), 30000);
	/* The placement is a recorded value choice of 16 options. */
	bool found = false;
	for (size_t i = 0; i < r.dlog_len; i++)
		if (r.dlog[i].kind == SIM_CHOICE_VALUE && r.dlog[i].n == SIM_RUNTIME_WINDOW_STEPS &&
		    r.dlog[i].choice == SIM_RUNTIME_WINDOW_STEPS - 1)
			found = true;
	ck_assert(found);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* Threads of one process: the first starts the others; a kill ends all. */
START_TEST(threads_and_kill)
{
	struct uks_scenario *s = rt_parse(
		"machine { cpus 2 }\n"
		"process p { thread a program spinner(iterations = 5) prio 10\n"
		"  thread b program spinner(iterations = 5) prio 20 }\n"
		"process q { thread a program load(work = 1ms) }\n"
		"timeline { at 50us kill q }\n"
		"expect { count exits(p) == 2\n count exits(q) == 0 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert_msg(r.all_met, "%s", r.message);
	ck_assert_uint_ge(r.stats.threads_killed, 1);
	ck_assert_uint_lt(r.stats.end_ns, 1000000);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A windowed kill follows its placement: the last place of 40..60us. */
START_TEST(windowed_kill)
{
	struct uks_scenario *s = rt_parse("process q { thread a program load(work = 1ms) }\n"
					  "timeline { at 40us..60us kill q }\n");
	struct sim_engine_config ec = {.seed = 1, .chooser = &last_ops};
	struct sim_runtime_options o = {0};
	struct sim_run_report r;
	ck_assert_int_eq(sim_runtime_run(s, &o, &ec, 1, &r), 0);
	ck_assert_uint_eq(r.stats.threads_killed, 1);
	ck_assert_uint_ge(r.stats.end_ns, 60000);
	ck_assert_uint_lt(r.stats.end_ns, 70000);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* A bad device configuration the machine refuses is a scenario error. */
START_TEST(machine_refuses_bad_scenario)
{
	struct uks_scenario *s = rt_parse("device m { kind scripted; irq msi 2 }\n"
					  "process p { thread t program spinner(iterations = 1) }\n");
	struct sim_run_report r;
	struct sim_runtime_options o = {0};
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, 1, &r), 0);
	ck_assert(r.internal_error);
	ck_assert(r.bad_scenario);
	ck_assert_ptr_nonnull(strstr(r.message, "inline.uks:1:"));
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* Runtime faults: `delay` postpones the device's next action, `drop-edge`
 * swallows its next raising one. */
START_TEST(delay_and_drop_edge)
{
	struct uks_scenario *s = rt_parse(ONE_DRIVER
					  "timeline { at 5us delay d0 20us\n at 10us assert d0\n"
					  " at 100us deassert d0\n at 200us drop-edge d0\n"
					  " at 210us assert d0 }\n"
					  "expect { count acks(d0) == 1\n count dropped-edges(d0) == 1 }\n");
	struct sim_run_report r;
	rt_run(s, 1, 1 << 16, &r);
	ck_assert_uint_eq(action_time(&r, 0), 5000);  /* the delay itself */
	ck_assert_uint_eq(action_time(&r, 1), 30000); /* assert: 10us + 20us */
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* `uksim check` and `uksim run` agree: every program of the default
 * catalog is built in, with the catalog's arguments. */
START_TEST(catalog_and_registry_agree)
{
	char err[256];
	struct sim_registry *r = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &r, err, sizeof(err)), 0);
	const struct uks_catalog *dc = uks_default_catalog();
	struct uks_catalog cat;
	sim_registry_catalog(r, false, &cat);
	ck_assert_uint_eq(cat.nprograms, dc->nprograms);
	for (size_t i = 0; i < dc->nprograms; i++) {
		const struct sim_program *p = sim_registry_find(r, dc->programs[i].name);
		ck_assert_msg(p && p->fn, "%s has no built-in", dc->programs[i].name);
		ck_assert_ptr_eq(p->args, dc->programs[i].args);
		ck_assert_uint_eq(p->nargs, dc->programs[i].nargs);
	}
	sim_registry_free(r);
}
END_TEST

static Suite *build_suite(void)
{
	Suite *s = suite_create("build");
	TCase *tc = tcase_create("build");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, timeline_fires_at_its_times);
	tcase_add_test(tc, devices_wired_and_drivers_spawned);
	tcase_add_test(tc, no_irq_cap_no_attach);
	tcase_add_test(tc, windows_placed_by_the_chooser);
	tcase_add_test(tc, threads_and_kill);
	tcase_add_test(tc, machine_refuses_bad_scenario);
	tcase_add_test(tc, catalog_and_registry_agree);
	tcase_add_test(tc, delay_and_drop_edge);
	tcase_add_test(tc, windowed_kill);
	tcase_add_test(tc, ipc_handoff_on_and_off);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(build_suite)
