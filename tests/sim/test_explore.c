/* SPDX-License-Identifier: MIT */
/*
 * Check tests of the explorer on the engine demo's lost-update race: two
 * tasks on two CPUs read, compute and write a shared counter, interleaved
 * in virtual time so that the time-faithful schedule is correct and only a
 * reordering inside the race window loses an update.
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/demo.h>
#include <sim/explore.h>

static struct sim_target race_target(uint64_t window)
{
	struct sim_target t;
	sim_demo_race_target(&t);
	t.hash = 0x1234abcd5678ef90ull;
	t.race_window_ns = window;
	return t;
}

START_TEST(default_schedule_is_correct)
{
	struct sim_target t = race_target(50);
	struct sim_schedule none = {.strategy = SIM_STRAT_SCRIPT};
	struct sim_outcome o;
	ck_assert_int_eq(sim_run_schedule(&t, &none, true, &o), 0);
	ck_assert(!o.violation);
	ck_assert_uint_gt(o.dlog_len, 0);
	for (size_t i = 0; i < o.dlog_len; i++)
		ck_assert_uint_eq(o.dlog[i].choice, o.dlog[i].dflt);
	sim_outcome_fini(&o);
}
END_TEST

static void explore(enum sim_strategy s, unsigned jobs, uint64_t runs, struct sim_explore_result *res)
{
	struct sim_target t = race_target(50);
	struct sim_explore_config cfg = {.strategy = s, .seed = 7, .runs = runs, .jobs = jobs,
					 .depth = 3, .preemptions = 2};
	ck_assert_int_eq(sim_explore(&t, &cfg, res), 0);
}

START_TEST(random_finds_and_replays)
{
	struct sim_explore_result res;
	explore(SIM_STRAT_RANDOM, 1, 500, &res);
	ck_assert_uint_eq(res.schedules, 500);
	ck_assert(res.found);
	ck_assert_str_eq(res.found_outcome.violation_id, "lost-update");
	/* The token replays the very same run. */
	struct sim_target t = race_target(50);
	char *tok = sim_token_encode(t.hash, &res.found_schedule);
	ck_assert_ptr_nonnull(strstr(tok, "uk2-1234abcd5678ef90-"));
	struct sim_schedule back;
	char err[256];
	ck_assert_int_eq(sim_token_decode(tok, t.hash, &back, err, sizeof(err)), 0);
	struct sim_outcome o;
	ck_assert_int_eq(sim_run_schedule(&t, &back, false, &o), 0);
	ck_assert(o.violation);
	ck_assert_uint_eq(o.trace_hash, res.found_outcome.trace_hash);
	sim_outcome_fini(&o);
	sim_schedule_fini(&back);
	free(tok);
	sim_explore_result_fini(&res);
}
END_TEST

START_TEST(pct_finds)
{
	struct sim_explore_result res;
	explore(SIM_STRAT_PCT, 1, 2000, &res);
	ck_assert(res.found);
	ck_assert_str_eq(res.found_outcome.violation_id, "lost-update");
	ck_assert_uint_eq(res.found_schedule.strategy, SIM_STRAT_PCT);
	sim_explore_result_fini(&res);
}
END_TEST

START_TEST(bounded_finds_with_one_departure)
{
	struct sim_target t = race_target(50);
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_BOUNDED, .preemptions = 1,
					 .stop_on_first = true};
	struct sim_explore_result res;
	ck_assert_int_eq(sim_explore(&t, &cfg, &res), 0);
	ck_assert(res.found);
	ck_assert_uint_eq(res.found_schedule.ndev, 1);
	sim_explore_result_fini(&res);
}
END_TEST

START_TEST(bounded_exhausts_a_correct_target)
{
	/* With no race window nothing can be reordered: the space is the
	 * default schedule alone, and it is correct. */
	struct sim_target t = race_target(0);
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_BOUNDED, .preemptions = 3};
	struct sim_explore_result res;
	ck_assert_int_eq(sim_explore(&t, &cfg, &res), 0);
	ck_assert(!res.found);
	ck_assert(res.exhausted);
	ck_assert_uint_ge(res.schedules, 1);
	sim_explore_result_fini(&res);
}
END_TEST

START_TEST(jobs_do_not_change_results)
{
	struct sim_explore_result one, two;
	explore(SIM_STRAT_RANDOM, 1, 300, &one);
	explore(SIM_STRAT_RANDOM, 2, 300, &two);
	ck_assert_uint_eq(one.schedules, two.schedules);
	ck_assert_uint_eq(one.violations, two.violations);
	ck_assert_uint_eq(one.decisions, two.decisions);
	ck_assert_uint_eq(one.found_index, two.found_index);
	ck_assert_uint_eq(one.found_outcome.trace_hash, two.found_outcome.trace_hash);
	sim_explore_result_fini(&one);
	sim_explore_result_fini(&two);
	/* Bounded search too. */
	struct sim_target t = race_target(50);
	struct sim_explore_config c1 = {.strategy = SIM_STRAT_BOUNDED, .preemptions = 2, .jobs = 1};
	struct sim_explore_config c2 = c1;
	c2.jobs = 2;
	ck_assert_int_eq(sim_explore(&t, &c1, &one), 0);
	ck_assert_int_eq(sim_explore(&t, &c2, &two), 0);
	ck_assert_uint_eq(one.schedules, two.schedules);
	ck_assert_uint_eq(one.violations, two.violations);
	ck_assert_uint_eq(one.found_index, two.found_index);
	sim_explore_result_fini(&one);
	sim_explore_result_fini(&two);
}
END_TEST

START_TEST(shards_partition_the_runs)
{
	struct sim_target t = race_target(50);
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_RANDOM, .seed = 3, .runs = 200};
	struct sim_explore_result all, a, b;
	ck_assert_int_eq(sim_explore(&t, &cfg, &all), 0);
	cfg.nshards = 2;
	cfg.shard = 0;
	ck_assert_int_eq(sim_explore(&t, &cfg, &a), 0);
	cfg.shard = 1;
	ck_assert_int_eq(sim_explore(&t, &cfg, &b), 0);
	ck_assert_uint_eq(a.schedules + b.schedules, all.schedules);
	ck_assert_uint_eq(a.violations + b.violations, all.violations);
	uint64_t first = a.found && (!b.found || a.found_index < b.found_index) ? a.found_index : b.found_index;
	ck_assert_uint_eq(first, all.found_index);
	cfg.shard = 2;
	struct sim_explore_result bad;
	ck_assert_int_eq(sim_explore(&t, &cfg, &bad), -1);
	sim_explore_result_fini(&all);
	sim_explore_result_fini(&a);
	sim_explore_result_fini(&b);
}
END_TEST

START_TEST(shrink_keeps_the_violation)
{
	struct sim_explore_result res;
	explore(SIM_STRAT_RANDOM, 1, 500, &res);
	ck_assert(res.found);
	struct sim_target t = race_target(50);
	struct sim_schedule small;
	unsigned runs;
	ck_assert_int_eq(sim_shrink(&t, &res.found_schedule, "lost-update", 500, &small, &runs), 0);
	ck_assert_uint_ge(small.ndev, 1);
	ck_assert_uint_le(small.ndev, 2);
	struct sim_outcome o;
	ck_assert_int_eq(sim_run_schedule(&t, &small, false, &o), 0);
	ck_assert(o.violation);
	ck_assert_str_eq(o.violation_id, "lost-update");
	sim_outcome_fini(&o);
	/* A schedule that does not break the target cannot be shrunk. */
	struct sim_schedule none = {.strategy = SIM_STRAT_SCRIPT};
	struct sim_schedule out;
	ck_assert_int_eq(sim_shrink(&t, &none, "lost-update", 10, &out, &runs), -1);
	sim_schedule_fini(&small);
	sim_explore_result_fini(&res);
}
END_TEST

/* Issue 14, defect 1: no budget unless asked for, a 1-minimal result, and a
 * budget that cuts the work short is reported, never silent. */
START_TEST(shrink_is_one_minimal_and_says_its_budget)
{
	struct sim_explore_result res;
	explore(SIM_STRAT_RANDOM, 1, 500, &res);
	ck_assert(res.found);
	struct sim_target t = race_target(50);
	struct sim_schedule small;
	struct sim_shrink_stats st;
	ck_assert_int_eq(sim_shrink_budgeted(&t, &res.found_schedule, "lost-update", NULL, &small, &st),
			 0);
	ck_assert(st.complete);
	ck_assert(!st.out_of_runs && !st.out_of_time);
	ck_assert_uint_ge(st.from, small.ndev);
	/* 1-minimal: without any one departure the update is not lost. */
	for (size_t i = 0; i < small.ndev; i++) {
		struct sim_schedule less = {.strategy = SIM_STRAT_SCRIPT, .ndev = small.ndev - 1};
		less.dev = malloc((small.ndev ? small.ndev : 1) * sizeof(*less.dev));
		for (size_t j = 0, k = 0; j < small.ndev; j++)
			if (j != i)
				less.dev[k++] = small.dev[j];
		struct sim_outcome o;
		ck_assert_int_eq(sim_run_schedule(&t, &less, false, &o), 0);
		ck_assert(!o.violation || strcmp(o.violation_id, "lost-update"));
		sim_outcome_fini(&o);
		sim_schedule_fini(&less);
	}
	sim_schedule_fini(&small);
	/* One run is all a budget of 1 allows: the schedule as found. */
	struct sim_shrink_config one = {.max_runs = 1};
	ck_assert_int_eq(sim_shrink_budgeted(&t, &res.found_schedule, "lost-update", &one, &small, &st),
			 0);
	ck_assert_uint_eq(st.runs, 1);
	if (st.from > 0) {
		ck_assert(!st.complete);
		ck_assert(st.out_of_runs);
	}
	sim_schedule_fini(&small);
	sim_explore_result_fini(&res);
}
END_TEST

/* Issue 14, defect 2: bounded search lists its levels as it runs them, and
 * --runs stops it whatever the size of the level it is in. */
START_TEST(bounded_is_lazy_and_honours_runs)
{
	struct sim_target t = race_target(50);
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_BOUNDED, .preemptions = 2};
	struct sim_explore_result all, capped;
	ck_assert_int_eq(sim_explore(&t, &cfg, &all), 0);
	ck_assert(all.exhausted);
	ck_assert_uint_eq(all.bound, 2);
	/* Each parent of levels 1 and 2 was run again to list its children. */
	ck_assert_uint_gt(all.parent_runs, 0);
	ck_assert_uint_lt(all.parent_runs, all.schedules);
	cfg.runs = all.schedules / 2;
	ck_assert_int_eq(sim_explore(&t, &cfg, &capped), 0);
	ck_assert_uint_eq(capped.schedules, all.schedules / 2);
	ck_assert(!capped.exhausted);
	/* The same schedules in the same order: the first violation agrees. */
	if (all.found && all.found_index < capped.schedules) {
		ck_assert(capped.found);
		ck_assert_uint_eq(capped.found_index, all.found_index);
	}
	sim_explore_result_fini(&all);
	sim_explore_result_fini(&capped);
}
END_TEST

START_TEST(tokens_refuse_what_they_cannot_replay)
{
	struct sim_deviation dev[] = {{5, 1}, {40, 0}, {41, 2}};
	struct sim_schedule s = {.strategy = SIM_STRAT_SCRIPT, .dev = dev, .ndev = 3};
	char *tok = sim_token_encode(42, &s);
	struct sim_schedule back;
	char err[256];
	ck_assert_int_eq(sim_token_decode(tok, 42, &back, err, sizeof(err)), 0);
	ck_assert_uint_eq(back.ndev, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(back.dev[i].index, dev[i].index);
		ck_assert_uint_eq(back.dev[i].choice, dev[i].choice);
	}
	sim_schedule_fini(&back);
	ck_assert_int_eq(sim_token_decode(tok, 43, &back, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "another version of this scenario"));
	tok[3] = '9';
	ck_assert_int_eq(sim_token_decode(tok, 42, &back, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not the one this build reads"));
	free(tok);
	const char *bad[] = {"", "xyz", "uk2-", "uk2-0000000000000042-00000000-c-s1.1",
			     "uk2-000000000000002a-zzzzzzzz-c-s", "uk2-000000000000002a-00000000-c-q1"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(sim_token_decode(bad[i], 42, &back, err, sizeof(err)), -1);
	/* A token of this build with a broken schedule part. */
	struct sim_schedule empty = {.strategy = SIM_STRAT_SCRIPT};
	char *good = sim_token_encode(42, &empty);
	char *broken = malloc(strlen(good) + 8);
	strcpy(broken, good);
	strcat(broken, "1..");
	ck_assert_int_eq(sim_token_decode(broken, 42, &back, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "malformed"));
	free(broken);
	free(good);
}
END_TEST

/* Issue 12: a token binds the build's invariant checks and the shared
 * objects loaded (by content hash), and replay says which one differs. */
static const struct sim_token_object objs[] = {
	{"a.so", 0x1a2b3c4d00000001ull}, {"b.so", 0x5e6f7a8b00000002ull},
	{"c.so", 0x0badcafe00000003ull}, {"b.so", 0x9999999900000004ull}, /* b.so rebuilt */
};

static int decode_with(const char *tok, bool checking, const struct sim_token_object *o, size_t n,
		       char *err, size_t errlen)
{
	struct sim_token_env env = {.checking = checking, .objects = o, .nobjects = n};
	struct sim_schedule back;
	int rc = sim_token_decode_env(tok, 42, &env, &back, err, errlen);
	if (rc == 0)
		sim_schedule_fini(&back);
	return rc;
}

#define ASSERT_SAYS(err, text) \
	ck_assert_msg(strstr(err, text) != NULL, "'%s' does not say '%s'", err, text)

START_TEST(tokens_bind_checks_and_objects)
{
	struct sim_deviation dev[] = {{5, 1}, {40, 0}};
	struct sim_schedule s = {.strategy = SIM_STRAT_SCRIPT, .dev = dev, .ndev = 2};
	struct sim_token_env env = {.checking = true, .objects = objs, .nobjects = 2};
	char *tok = sim_token_encode_env(42, &env, &s);
	ck_assert_ptr_nonnull(strstr(tok, "-c.1a2b3c4d.5e6f7a8b-s"));
	for (const char *p = tok; *p; p++)
		ck_assert_msg(strchr("0123456789abcdefghijklmnopqrstuvwxyz.-_", *p), "'%c' in %s", *p,
			      tok);
	/* The same build and objects: the schedule comes back. */
	struct sim_schedule back;
	char err[1024];
	ck_assert_int_eq(sim_token_decode_env(tok, 42, &env, &back, err, sizeof(err)), 0);
	ck_assert_uint_eq(back.ndev, 2);
	ck_assert_uint_eq(back.dev[1].index, 40);
	sim_schedule_fini(&back);
	/* Another checking flag, either way. */
	ck_assert_int_eq(decode_with(tok, false, objs, 2, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "invariant checks on; this build has them off");
	struct sim_token_env off = {.checking = false, .objects = objs, .nobjects = 2};
	char *tok_off = sim_token_encode_env(42, &off, &s);
	ck_assert_ptr_nonnull(strstr(tok_off, "-n.1a2b3c4d.5e6f7a8b-s"));
	ck_assert_int_eq(decode_with(tok_off, true, objs, 2, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "invariant checks off; this build has them on");
	free(tok_off);
	/* b.so rebuilt: named, with both hashes. */
	const struct sim_token_object rebuilt[] = {objs[0], objs[3]};
	ck_assert_int_eq(decode_with(tok, true, rebuilt, 2, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "shared object b.so (token 5e6f7a8b, now 99999999) differs");
	/* Both rebuilt. */
	const struct sim_token_object both[] = {{"a.so", 0x0badcafe00000005ull}, objs[3]};
	ck_assert_int_eq(decode_with(tok, true, both, 2, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "shared objects a.so (token 1a2b3c4d, now 0badcafe) and b.so (token "
			 "5e6f7a8b, now 99999999) differ");
	/* One missing, one extra, none at all. */
	ck_assert_int_eq(decode_with(tok, true, objs, 1, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "made with 2 shared objects loaded, this run loads 1");
	ASSERT_SAYS(err, "the token's 5e6f7a8b is not loaded now");
	ck_assert_int_eq(decode_with(tok, true, objs, 3, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "c.so (0badcafe) was not loaded then");
	ck_assert_int_eq(decode_with(tok, true, NULL, 0, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "this run loads none");
	/* The same objects in another order. */
	const struct sim_token_object swapped[] = {objs[1], objs[0]};
	ck_assert_int_eq(decode_with(tok, true, swapped, 2, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "in another order");
	/* A token without objects, replayed with one loaded. */
	struct sim_token_env plain = {.checking = true};
	char *tok_plain = sim_token_encode_env(42, &plain, &s);
	ck_assert_ptr_nonnull(strstr(tok_plain, "-c-s"));
	ck_assert_int_eq(decode_with(tok_plain, true, objs, 1, err, sizeof(err)), -1);
	ASSERT_SAYS(err, "made with no shared objects loaded, this run loads 1: a.so (1a2b3c4d)");
	/* Malformed checks and object fields of a token of this build. */
	const char *tails[] = {"x-s", "c.1a2b3c4-s", "c.1A2B3C4D-s", "c.1a2b3c4d", "c1a2b3c4d-s", ""};
	for (unsigned i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char bad[128];
		snprintf(bad, sizeof(bad), "%.30s%s", tok_plain, tails[i]);
		ck_assert_int_eq(decode_with(bad, true, objs, 1, err, sizeof(err)), -1);
		ASSERT_SAYS(err, "malformed");
	}
	free(tok_plain);
	free(tok);
}
END_TEST

/* uk1 tokens recorded neither the checks nor the objects: refused, with
 * what to do. */
START_TEST(uk1_tokens_are_refused)
{
	char err[512];
	struct sim_schedule back;
	ck_assert_int_eq(sim_token_decode("uk1-000000000000002a-00000000-s", 42, &back, err,
					  sizeof(err)),
			 -1);
	ASSERT_SAYS(err, "'uk1' was made by an older uksim");
	ASSERT_SAYS(err, "run the explorer again");
}
END_TEST

START_TEST(determinism_check_is_quiet_on_a_deterministic_target)
{
	struct sim_target t = race_target(50);
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_RANDOM, .runs = 100,
					 .check_determinism = true};
	struct sim_explore_result res;
	ck_assert_int_eq(sim_explore(&t, &cfg, &res), 0);
	ck_assert(!res.nondeterministic);
	sim_explore_result_fini(&res);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "strategies", 120, default_schedule_is_correct, random_finds_and_replays, pct_finds,
	      bounded_finds_with_one_departure, bounded_exhausts_a_correct_target);
	SIM_SUITE(sr, "parallel", 120, jobs_do_not_change_results, shards_partition_the_runs,
	      determinism_check_is_quiet_on_a_deterministic_target);
	SIM_SUITE(sr, "replay", 120, shrink_keeps_the_violation, shrink_is_one_minimal_and_says_its_budget,
		  bounded_is_lazy_and_honours_runs, tokens_refuse_what_they_cannot_replay,
		  tokens_bind_checks_and_objects, uk1_tokens_are_refused);
	return sim_run_suites(sr);
}
