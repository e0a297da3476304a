/* SPDX-License-Identifier: MIT */
/*
 * explore_flagship: schedules per second of the flagship scenario
 * (scenarios/irq/flagship-shared-level.uks) under the random strategy on
 * one core, the way `uksim explore -j 1` runs them.
 */
#include <sim/bench.h>
#include <sim/runtime.h>

#include <stdio.h>
#include <string.h>

#ifndef UKSIM_SCENARIO_DIR
#define UKSIM_SCENARIO_DIR "scenarios"
#endif

static uint64_t bench_explore_flagship(uint64_t iters)
{
	char err[256];
	struct sim_registry *reg = NULL;
	struct uks_scenario *s = NULL;
	struct uks_catalog cat;
	struct uks_diag d;
	struct sim_target t;
	uint64_t ns = 0;
	uks_diag_init(&d);
	if (sim_registry_create(NULL, 0, &reg, err, sizeof(err)) != 0)
		return 0;
	sim_registry_catalog(reg, false, &cat);
	if (uks_parse_file(UKSIM_SCENARIO_DIR "/irq/flagship-shared-level.uks", &cat, &s, &d) != 0) {
		fprintf(stderr, "explore_flagship: %s:%u: %s\n", d.file ? d.file : "?", d.line,
			d.message ? d.message : "cannot read the flagship scenario");
		goto out;
	}
	struct sim_runtime_options o = {.registry = reg};
	if (sim_scenario_target(s, &o, &t) != 0)
		goto out;
	struct sim_explore_config cfg = {.strategy = SIM_STRAT_RANDOM, .seed = 1, .runs = iters,
					 .jobs = 1};
	struct sim_explore_result res;
	uint64_t t0 = sim_bench_now_ns();
	int rc = sim_explore(&t, &cfg, &res);
	uint64_t t1 = sim_bench_now_ns();
	if (rc == 0 && res.schedules == iters && !res.found)
		ns = t1 - t0 ? t1 - t0 : 1;
	sim_explore_result_fini(&res);
	sim_scenario_target_fini(&t);
out:
	uks_diag_clear(&d);
	uks_scenario_free(s);
	sim_registry_free(reg);
	return ns;
}

const struct sim_bench sim_bench_explore[] = {
	{"explore_flagship", "schedules/s", SIM_BENCH_OPS_PER_SEC, bench_explore_flagship,
	 "random schedules of scenarios/irq/flagship-shared-level.uks on one core"},
	{0},
};
