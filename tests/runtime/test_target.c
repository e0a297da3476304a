/* SPDX-License-Identifier: MIT */
/*
 * The explorer's target for a scenario: deterministic (same seed, same
 * trace hash), usable from several threads at once, and good enough for
 * the strategies to find the library's expected violations.
 */
#include "rt_test.h"

#include <glib.h>
#include <pthread.h>

static struct uks_scenario *load_file(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", RT_SCENARIO_DIR, rel);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	if (uks_parse_file(path, NULL, &s, &d) != 0)
		ck_abort_msg("%s", uks_diag_format(&d));
	return s;
}

static void run_random(const struct sim_target *t, uint64_t seed, struct sim_outcome *o)
{
	struct sim_schedule sch = {.strategy = SIM_STRAT_RANDOM, .seed = seed};
	ck_assert_int_eq(sim_run_schedule(t, &sch, false, o), 0);
}

START_TEST(same_seed_same_trace)
{
	struct uks_scenario *s = load_file("irq/flagship-shared-level.uks");
	struct sim_target t;
	ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
	bool differ = false;
	uint64_t first = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct sim_outcome a, b;
		run_random(&t, seed, &a);
		run_random(&t, seed, &b);
		ck_assert_uint_eq(a.trace_hash, b.trace_hash);
		ck_assert_uint_eq(a.irq_signature, b.irq_signature);
		ck_assert_msg(!a.violation, "seed %llu: %s %s", (unsigned long long)seed,
			      a.violation_id, a.message);
		if (seed == 1)
			first = a.trace_hash;
		else
			differ |= a.trace_hash != first;
		sim_outcome_fini(&a);
		sim_outcome_fini(&b);
	}
	ck_assert(differ); /* the seeds do explore different schedules */
	sim_scenario_target_fini(&t);
	uks_scenario_free(s);
}
END_TEST

struct worker {
	const struct sim_target *t;
	uint64_t hashes[64];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (uint64_t i = 0; i < 64; i++) {
		struct sim_outcome o;
		struct sim_schedule sch = {.strategy = SIM_STRAT_RANDOM, .seed = 100 + i};
		if (sim_run_schedule(w->t, &sch, false, &o) != 0)
			return NULL;
		w->hashes[i] = o.trace_hash;
		sim_outcome_fini(&o);
	}
	return NULL;
}

START_TEST(two_threads_at_once)
{
	struct uks_scenario *s = load_file("irq/flagship-shared-level.uks");
	struct sim_target t;
	ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
	struct worker w[2] = {{.t = &t}, {.t = &t}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (uint64_t i = 0; i < 64; i++) {
		struct sim_outcome o;
		run_random(&t, 100 + i, &o);
		ck_assert_uint_eq(w[0].hashes[i], o.trace_hash);
		ck_assert_uint_eq(w[1].hashes[i], o.trace_hash);
		sim_outcome_fini(&o);
	}
	sim_scenario_target_fini(&t);
	uks_scenario_free(s);
}
END_TEST

/* The explorer itself: the lowest run index that shows `id`. */
static bool explore_finds(const struct sim_target *t, enum sim_strategy st, const char *id)
{
	struct sim_explore_config cfg = {.strategy = st, .seed = 1, .runs = 10000, .depth = 3,
					 .preemptions = 3, .jobs = 1, .nshards = 1,
					 .stop_on_first = true};
	struct sim_explore_result res;
	ck_assert_int_eq(sim_explore(t, &cfg, &res), 0);
	bool hit = res.found && !strcmp(res.found_outcome.violation_id, id);
	sim_explore_result_fini(&res);
	return hit;
}

START_TEST(strategies_find_expected_violations)
{
	static const struct { const char *file, *id; } v[] = {
		{"irq/ack-before-clear.uks", "nobody-cared"},
		{"irq/stale-seq.uks", "ack-timeout"},
		{"sched/nopreempt-overrun.uks", "budget-overrun"},
		{"irq/flagship-reset-window.uks", "nobody-cared"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct uks_scenario *s = load_file(v[i].file);
		struct sim_target t;
		ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
		ck_assert_msg(explore_finds(&t, SIM_STRAT_PCT, v[i].id), "%s: pct misses %s",
			      v[i].file, v[i].id);
		ck_assert_msg(explore_finds(&t, SIM_STRAT_BOUNDED, v[i].id),
			      "%s: bounded (K <= 3) misses %s", v[i].file, v[i].id);
		sim_scenario_target_fini(&t);
		uks_scenario_free(s);
	}
}
END_TEST

/* Scenarios whose expectations hold on every schedule: random runs find
 * nothing. */
START_TEST(random_schedules_pass)
{
	static const char *const files[] = {"irq/flagship-shared-level.uks",
					     "irq/shared-level-ack-nak.uks",
					     "irq/mask-unmask-race.uks"};
	for (size_t f = 0; f < 3; f++) {
		struct uks_scenario *s = load_file(files[f]);
		struct sim_target t;
		ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
		for (uint64_t seed = 1; seed <= 300; seed++) {
			struct sim_outcome o;
			run_random(&t, seed, &o);
			ck_assert_msg(!o.violation, "%s seed %llu: %s: %s", files[f],
				      (unsigned long long)seed, o.violation_id, o.message);
			sim_outcome_fini(&o);
		}
		sim_scenario_target_fini(&t);
		uks_scenario_free(s);
	}
}
END_TEST

/* The schedule that found the stale-ACK race (docs/running.md, section 8):
 * with a driver that NAKs the re-raised episode it ended "nobody cared". */
START_TEST(stale_ack_race_regression)
{
	struct uks_scenario *s = load_file("irq/flagship-shared-level.uks");
	struct sim_target t;
	ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
	struct sim_outcome o;
	run_random(&t, 5226, &o);
	ck_assert_msg(!o.violation, "%s: %s", o.violation_id, o.message);
	sim_outcome_fini(&o);
	sim_scenario_target_fini(&t);
	uks_scenario_free(s);
}
END_TEST

static bool expects_violation(const struct uks_scenario *s)
{
	for (size_t i = 0; i < s->nexpects; i++)
		if (s->expects[i].kind == UKS_EXPECT_VIOLATION)
			return true;
	return false;
}

/* Every non-violation scenario of the library under RT_SCHEDULES random
 * schedules (default 30; issue 8 asks for 10,000). */
START_TEST(library_under_random_schedules)
{
	const char *env = getenv("RT_SCHEDULES");
	uint64_t n = env ? strtoull(env, NULL, 10) : 30;
	static const char *const dirs[] = {"irq", "ipc", "sched", "xfer"};
	for (size_t d = 0; d < 4; d++) {
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/%s", RT_SCENARIO_DIR, dirs[d]);
		GDir *gd = g_dir_open(dir, 0, NULL);
		ck_assert_ptr_nonnull(gd);
		const char *name;
		while ((name = g_dir_read_name(gd))) {
			if (!g_str_has_suffix(name, ".uks"))
				continue;
			char rel[512];
			snprintf(rel, sizeof(rel), "%s/%s", dirs[d], name);
			struct uks_scenario *s = load_file(rel);
			struct sim_target t;
			ck_assert_int_eq(sim_scenario_target(s, NULL, &t), 0);
			uint64_t bad = 0;
			char first[600] = "";
			for (uint64_t seed = 1; !expects_violation(s) && seed <= n; seed++) {
				struct sim_outcome o;
				run_random(&t, seed, &o);
				if (o.violation && !bad++)
					snprintf(first, sizeof(first), "seed %llu: %s: %.500s",
						 (unsigned long long)seed, o.violation_id, o.message);
				sim_outcome_fini(&o);
			}
			if (bad)
				fprintf(stderr, "%s: %llu of %llu schedules fail; first %s\n", rel,
					(unsigned long long)bad, (unsigned long long)n, first);
			ck_assert_msg(!bad, "%s: %s", rel, first);
			sim_scenario_target_fini(&t);
			uks_scenario_free(s);
		}
		g_dir_close(gd);
	}
}
END_TEST

static Suite *target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("target");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, same_seed_same_trace);
	tcase_add_test(tc, two_threads_at_once);
	tcase_add_test(tc, strategies_find_expected_violations);
	tcase_add_test(tc, random_schedules_pass);
	tcase_add_test(tc, library_under_random_schedules);
	tcase_add_test(tc, stale_ack_race_regression);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(target_suite)
