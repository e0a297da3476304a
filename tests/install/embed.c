/* SPDX-License-Identifier: MIT */
/*
 * A program that embeds the simulator: linked with `pkg-config --libs
 * ukern-sim` (shared, or --static), it parses a scenario, loads the shared
 * objects named after it and in its `load` lines, runs one schedule in
 * virtual-time order and prints the report. Exit 0 when every expectation
 * is met, 1 when one failed, 2 for a bad scenario or object.
 *
 * Usage: embed SCENARIO [SO...]
 */
#include <stdio.h>
#include <stdlib.h>

#include <sim/runtime.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: embed SCENARIO [SO...]\n");
		return 2;
	}
	char err[512];
	struct sim_registry *reg = NULL;
	if (sim_registry_create((const char *const *)argv + 2, (size_t)(argc - 2), &reg, err,
				sizeof(err)) != 0) {
		fprintf(stderr, "embed: %s\n", err);
		return 2;
	}
	struct uks_catalog cat;
	struct uks_diag d;
	struct uks_scenario *s = NULL;
	uks_diag_init(&d);
	sim_registry_catalog(reg, argc > 2, &cat);
	if (uks_parse_file(argv[1], &cat, &s, &d) != 0 || sim_registry_load_scenario(reg, s, &d) != 0 ||
	    sim_runtime_check(s, reg, &d) != 0) {
		char *text = uks_diag_format(&d);
		fputs(text, stderr);
		free(text);
		uks_diag_clear(&d);
		uks_scenario_free(s);
		sim_registry_free(reg);
		return 2;
	}
	struct sim_runtime_options o = {.registry = reg};
	struct sim_run_report r;
	int rc = 2;
	if (sim_runtime_run(s, &o, NULL, 1, &r) == 0) {
		sim_report_print_human(stdout, s, &r);
		rc = r.all_met && !r.internal_error && !r.bad_scenario ? 0 : 1;
		sim_run_report_fini(&r);
	}
	uks_scenario_free(s);
	sim_registry_free(reg);
	return rc;
}
