/* SPDX-License-Identifier: MIT */
/*
 * Programs from a shared object: a driver built from tests/runtime/mydriver.c
 * as a shared module is loaded and run by a scenario; missing files, missing
 * tables and duplicate names are clear errors. A replay token binds the
 * object by content: rebuilt, it is refused by name.
 */
#include "rt_test.h"

#include <glib.h>
#include <stdio.h>
#include <unistd.h>

static char *write_scenario(const char *so, char *path, size_t len)
{
	snprintf(path, len, "%s/load-test-%d.uks", RT_BUILD_DIR, (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "load \"%s\"\n"
		   "device d0 { kind scripted; irq ioapic 6 level high; status write-1-to-clear }\n"
		   "process p { thread t program my-driver(device = d0, count = 2) prio 100; caps irq(d0), mmio(d0) }\n"
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

/* Issue 15, defect 4: a loaded program starts the runtime's trampoline
 * (program 0) and kill thread (program 1) with forged arguments, and names
 * them as its fault handler. uksim must not crash; every forged start is
 * refused, and the other process's driver serves its device as usual. A
 * program that spoils its own argument block gets the defaults. */
START_TEST(forged_starts_refused)
{
	char err[512], text[2048];
	struct sim_registry *reg = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &reg, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(reg, false, &cat);
	int n = snprintf(text, sizeof(text),
			 "load \"%s\"\n"
			 "machine { cpus 2 }\n"
			 "device d0 { kind scripted; irq ioapic 6 level high; status write-1-to-clear }\n"
			 "process f { thread t0 program forger(victim = d0)\n"
			 "            thread t1 program spoiler(count = 5) }\n"
			 "process v { thread t program irq-driver(device = d0, count = 2); caps irq(d0), mmio(d0) }\n"
			 "timeline { at 10us assert d0\n at 40us assert d0\n at 2ms kill f }\n"
			 "expect { count acks(d0) == 2\n count exits(v) == 1\n count exits(f) == 2\n"
			 "         count rejected(f) == 0\n count rejected(v) == 0\n no-deadlock }\n",
			 RT_FORGER);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_msg(uks_parse_string("forge.uks", text, (size_t)n, &cat, &s, &d) == 0, "%s",
		      d.message ? d.message : "?");
	ck_assert_int_eq(sim_registry_load_scenario(reg, s, &d), 0);
	ck_assert_int_eq(sim_runtime_check(s, reg, &d), 0);
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct sim_runtime_options o = {.registry = reg};
		struct sim_run_report r;
		ck_assert_int_eq(sim_runtime_run(s, &o, NULL, seed, &r), 0);
		for (size_t i = 0; i < r.nexpects; i++)
			ck_assert_msg(r.expects[i].met, "seed %llu: %s: saw %llu",
				      (unsigned long long)seed, r.expects[i].text,
				      (unsigned long long)r.expects[i].observed);
		ck_assert(r.all_met);
		sim_run_report_fini(&r);
	}
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
	load_fails(RT_OLDABI, "oldabi.so: built for interface version 4; this uksim has version 5");
	load_fails(RT_NOABI, "noabi.so: says no interface version (write UKERN_PLUGIN;");
	load_fails(RT_BADSPEC, "program 'my-driver' has an invalid spec");
	load_fails(RT_DUPDRIVER, "'irq-driver' is already registered");
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	gchar *buf = NULL;
	gsize len = 0;
	ck_assert(g_file_get_contents(from, &buf, &len, NULL));
	/* A new file (written aside and renamed), as a rebuild makes. */
	ck_assert(g_file_set_contents(to, buf, (gssize)len, NULL));
	g_free(buf);
}

/* What the registry should record: the first 64 bits of the SHA-256. */
static uint64_t sha256_64(const char *path)
{
	gchar *buf = NULL;
	gsize len = 0;
	ck_assert(g_file_get_contents(path, &buf, &len, NULL));
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)buf, len);
	hex[16] = '\0';
	uint64_t h = g_ascii_strtoull(hex, NULL, 16);
	g_free(hex);
	g_free(buf);
	return h;
}

/* A scenario file that loads a shared object, as an explorer target. */
struct loaded_target {
	struct sim_registry *reg;
	struct uks_scenario *s;
	struct sim_target t;
};

static void open_target(const char *path, struct loaded_target *lt)
{
	char err[512];
	ck_assert_int_eq(sim_registry_create(NULL, 0, &lt->reg, err, sizeof(err)), 0);
	struct uks_catalog cat;
	sim_registry_catalog(lt->reg, false, &cat);
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_file(path, &cat, &lt->s, &d), 0);
	ck_assert_int_eq(sim_registry_load_scenario(lt->reg, lt->s, &d), 0);
	ck_assert_int_eq(sim_runtime_check(lt->s, lt->reg, &d), 0);
	struct sim_runtime_options o = {.registry = lt->reg};
	ck_assert_int_eq(sim_scenario_target(lt->s, &o, &lt->t), 0);
}

static void close_target(struct loaded_target *lt)
{
	sim_scenario_target_fini(&lt->t);
	uks_scenario_free(lt->s);
	sim_registry_free(lt->reg);
}

/* Issue 12: a token made with one build of a shared object is refused
 * under a rebuilt one, and the message names the object. */
START_TEST(token_refuses_a_rebuilt_object)
{
	char so[512], path[512], err[1024], want[1024];
	snprintf(so, sizeof(so), "%s/token-test-%d.so", RT_BUILD_DIR, (int)getpid());
	copy_file(RT_MYDRIVER, so);
	write_scenario(so, path, sizeof(path));

	struct loaded_target a;
	open_target(path, &a);
	ck_assert_uint_eq(a.t.nobjects, 1);
	ck_assert_str_eq(a.t.objects[0].name, so);
	uint64_t first = a.t.objects[0].hash;
	ck_assert_uint_eq(first, sha256_64(so));
	struct sim_token_env env = sim_token_env_of(&a.t);
	ck_assert(env.checking == sim_build_checking());
	struct sim_schedule sched = {.strategy = SIM_STRAT_RANDOM, .seed = 5}, back;
	char *tok = sim_token_encode_env(a.t.hash, &env, &sched);
	snprintf(want, sizeof(want), ".%08x-r5", (unsigned)(first >> 32));
	ck_assert_msg(strstr(tok, want), "%s lacks %s", tok, want);
	/* The same object: the schedule replays. */
	ck_assert_int_eq(sim_token_decode_env(tok, a.t.hash, &env, &back, err, sizeof(err)), 0);
	struct sim_outcome o;
	ck_assert_int_eq(sim_run_schedule(&a.t, &back, false, &o), 0);
	sim_outcome_fini(&o);
	sim_schedule_fini(&back);
	/* A build with the other checking flag. */
	env.checking = !env.checking;
	ck_assert_int_eq(sim_token_decode_env(tok, a.t.hash, &env, &back, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "invariant checks"), "%s", err);
	close_target(&a);

	/* The object rebuilt with a change, at the same path. */
	copy_file(RT_MYDRIVER2, so);
	struct loaded_target b;
	open_target(path, &b);
	ck_assert_uint_eq(b.t.nobjects, 1);
	ck_assert_uint_ne(b.t.objects[0].hash, first);
	ck_assert_uint_eq(b.t.hash, a.t.hash); /* the scenario is the same */
	env = sim_token_env_of(&b.t);
	ck_assert_int_eq(sim_token_decode_env(tok, b.t.hash, &env, &back, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "shared object %s (token %08x, now %08x) differs", so,
		 (unsigned)(first >> 32), (unsigned)(b.t.objects[0].hash >> 32));
	ck_assert_msg(strstr(err, want), "'%s' does not say '%s'", err, want);
	close_target(&b);
	free(tok);
	remove(so);
	remove(path);
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
	tcase_add_test(tc, forged_starts_refused);
	tcase_add_test(tc, token_refuses_a_rebuilt_object);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(load_suite)
