/* SPDX-License-Identifier: MIT */
/*
 * Programs from a shared object: a driver built from tests/runtime/mydriver.c
 * as a shared module is loaded and run by a scenario; missing files, missing
 * tables and duplicate names are clear errors.
 */
#include "rt_test.h"

#include <stdio.h>
#include <unistd.h>

static char *write_scenario(const char *so, char *path, size_t len)
{
	snprintf(path, len, "%s/load-test-%d.uks", RT_BUILD_DIR, (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "load \"%s\"\n"
		   "device d0 { kind scripted; irq ioapic 6 level high; status write-1-to-clear }\n"
		   "process p { thread t program my-driver(device = d0, count = 2) prio 100; caps irq(d0) }\n"
		   "timeline { at 10us assert d0\n at 40us assert d0 }\n"
		   "expect { count acks(d0) == 2\n count exits(p) == 1\n latency irq(d0) <= 20us }\n",
		so);
	fclose(f);
	return path;
}

START_TEST(scenario_runs_a_loaded_driver)
{
	char err[512], path[512];
	struct sim_registry *reg = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &reg, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(reg, false, &cat);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	write_scenario(RT_MYDRIVER, path, sizeof(path));
	ck_assert_int_eq(uks_parse_file(path, &cat, &s, &d), 0);
	ck_assert_int_eq(sim_registry_load_scenario(reg, s, &d), 0);
	ck_assert_ptr_nonnull(sim_registry_find(reg, "my-driver"));
	ck_assert_int_eq(sim_runtime_check(s, reg, &d), 0);
	struct sim_runtime_options o = {.registry = reg};
	struct sim_run_report r;
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, 1, &r), 0);
	for (size_t i = 0; i < r.nexpects; i++)
		ck_assert_msg(r.expects[i].met, "%s: saw %llu", r.expects[i].text,
			      (unsigned long long)r.expects[i].observed);
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	sim_registry_free(reg);
	remove(path);
}
END_TEST

/* A `load` line makes the parser lenient; the loaded program's own
 * argument spec is then checked before the run. */
START_TEST(loaded_arguments_checked)
{
	char err[512], text[1024];
	struct sim_registry *reg = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &reg, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(reg, false, &cat);
	int n = snprintf(text, sizeof(text),
			 "load \"%s\"\ndevice d0 { kind scripted; irq ioapic 6 level high }\n"
			 "process p { thread t program my-driver(device = d0, speed = 3) }\n",
			 RT_MYDRIVER);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_string("x.uks", text, (size_t)n, &cat, &s, &d), 0);
	ck_assert_int_eq(sim_registry_load_scenario(reg, s, &d), 0);
	ck_assert_int_ne(sim_runtime_check(s, reg, &d), 0);
	ck_assert_ptr_nonnull(strstr(d.message, "no argument 'speed'"));
	ck_assert_uint_eq(d.line, 3);
	uks_diag_clear(&d);
	uks_scenario_free(s);
	sim_registry_free(reg);
}
END_TEST

static void load_fails(const char *so, const char *what)
{
	char err[512];
	struct sim_registry *reg = NULL;
	ck_assert_int_ne(sim_registry_create(&so, 1, &reg, err, sizeof(err)), 0);
	ck_assert_ptr_null(reg);
	ck_assert_msg(strstr(err, what) != NULL, "'%s' does not say '%s'", err, what);
}

START_TEST(load_errors)
{
	load_fails("/nonexistent/x.so", "no such file");
	load_fails(RT_NODRIVER, "no 'ukern_programs' or 'ukern_policies' table");
	load_fails(RT_DUPDRIVER, "'irq-driver' is already registered");
}
END_TEST

static Suite *load_suite(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, scenario_runs_a_loaded_driver);
	tcase_add_test(tc, loaded_arguments_checked);
	tcase_add_test(tc, load_errors);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(load_suite)
