/* SPDX-License-Identifier: MIT */
/* uksim demo: the engine demo, until scenarios exist the main job. */
#include "uksim.h"

#include <sim/demo.h>

int uksim_cmd_demo(const struct uksim_cmd *cmd, int argc, char **argv)
{
	gint cpus = 2, pairs = 2, rounds = 100;
	gint64 seed = 1, window = 200, tick = 5000, steps = 0;
	gchar *chooser = NULL;
	gboolean deadlock = FALSE, livelock = FALSE, json = FALSE;
	GOptionEntry entries[] = {
		{"cpus", 0, 0, G_OPTION_ARG_INT, &cpus, "Simulated CPUs (default 2)", "N"},
		{"pairs", 0, 0, G_OPTION_ARG_INT, &pairs, "Producer/consumer pairs (default 2)", "N"},
		{"rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Tokens per pair (default 100)", "N"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the run's generator (default 1)", "S"},
		{"chooser", 0, 0, G_OPTION_ARG_STRING, &chooser, "time (default) or random", "NAME"},
		{"window", 0, 0, G_OPTION_ARG_INT64, &window, "Race window of the random chooser in ns (default 200)", "NS"},
		{"tick", 0, 0, G_OPTION_ARG_INT64, &tick, "Period of the device event in ns; 0 for none (default 5000)", "NS"},
		{"step-bound", 0, 0, G_OPTION_ARG_INT64, &steps, "Decision points before a livelock is reported", "N"},
		{"deadlock", 0, 0, G_OPTION_ARG_NONE, &deadlock, "Add two tasks that wait on each other", NULL},
		{"livelock", 0, 0, G_OPTION_ARG_NONE, &livelock, "Add a task that never stops", NULL},
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL},
		{0},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	if (argc > 1) {
		fprintf(stderr, "uksim demo: unexpected argument '%s'\n", argv[1]);
		return UKSIM_EXIT_USAGE;
	}
	if (cpus < 1 || pairs < 0 || rounds < 1 || window < 0 || tick < 0 || steps < 0) {
		fprintf(stderr, "uksim demo: --cpus, --rounds must be positive; others not negative\n");
		return UKSIM_EXIT_USAGE;
	}
	struct sim_demo_config cfg = {
		.cpus = (unsigned)cpus, .pairs = (unsigned)pairs, .rounds = (unsigned)rounds,
		.seed = (uint64_t)seed, .chooser = chooser, .window_ns = (uint64_t)window,
		.tick_ns = (uint64_t)tick, .step_bound = (uint64_t)steps, .deadlock = deadlock,
		.livelock = livelock,
	};
	struct sim_demo_result r;
	int rc = sim_demo_run(&cfg, &r);
	g_free(chooser);
	if (rc != 0) {
		fprintf(stderr, "uksim demo: %s\n", r.message);
		return UKSIM_EXIT_USAGE;
	}
	gboolean ok = r.result == SIM_DONE && r.data_ok;
	if (json) {
		printf("{\"result\":");
		uksim_json_string(stdout, sim_result_name(r.result));
		printf(",\"ok\":%s,\"seed\":%lld,\"trace_hash\":\"%016llx\",\"virtual_ns\":%llu,"
		       "\"steps\":%llu,\"decisions\":%llu,\"tokens\":%llu,\"ticks_handled\":%llu,\"message\":",
		       ok ? "true" : "false", (long long)seed, (unsigned long long)r.trace_hash,
		       (unsigned long long)r.virtual_ns, (unsigned long long)r.steps,
		       (unsigned long long)r.decisions, (unsigned long long)r.tokens,
		       (unsigned long long)r.ticks_handled);
		uksim_json_string(stdout, r.message);
		printf("}\n");
	} else {
		printf("engine demo: %d CPUs, %d pairs x %d tokens, seed %lld\n", cpus, pairs, rounds,
		       (long long)seed);
		printf("  result       %s%s\n", sim_result_name(r.result), ok ? "" : "  <-- FAILED");
		printf("  %s\n", r.message);
		printf("  tokens       %llu (in order: %s)\n", (unsigned long long)r.tokens,
		       r.data_ok ? "yes" : "no");
		printf("  ticks        %llu handled\n", (unsigned long long)r.ticks_handled);
		printf("  virtual time %llu ns\n", (unsigned long long)r.virtual_ns);
		printf("  steps        %llu decision points, %llu choices\n", (unsigned long long)r.steps,
		       (unsigned long long)r.decisions);
		printf("  trace hash   %016llx (%llu records)\n", (unsigned long long)r.trace_hash,
		       (unsigned long long)r.trace_records);
	}
	return ok ? UKSIM_EXIT_OK : UKSIM_EXIT_FAILED;
}
