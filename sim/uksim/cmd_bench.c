/* SPDX-License-Identifier: MIT */
/* uksim bench [--json] [--list] [NAME...] */
#include "uksim.h"

#include <sim/benchrun.h>

/* Benchmarks of code only uksim links (bench_fuzz.c). */
extern const struct sim_bench uksim_bench_fuzz[];

static const struct sim_bench *find(const char *name)
{
	const struct sim_bench *b = sim_bench_find(name);
	for (const struct sim_bench *l = uksim_bench_fuzz; !b && l->name; l++)
		if (!strcmp(l->name, name))
			b = l;
	return b;
}

struct bench_opts {
	gboolean json, list;
	int failed;
};

static void print_one(const struct sim_bench *b, const struct sim_bench_result *r, gboolean json)
{
	if (json) {
		printf("{\"bench\":");
		uksim_json_string(stdout, b->name);
		printf(",\"unit\":");
		uksim_json_string(stdout, b->unit);
		printf(",\"value\":%.4g,\"min\":%.4g,\"max\":%.4g,\"samples\":%u,\"iters\":%llu}\n",
		       r->value, r->min, r->max, r->samples, (unsigned long long)r->iters);
	} else {
		printf("%-18s %12.4g %-12s (median of %u; min %.4g, max %.4g)\n", b->name, r->value,
		       b->unit, r->samples, r->min, r->max);
	}
	fflush(stdout);
}

static void run_one(const struct sim_bench *b, void *ctx)
{
	struct bench_opts *o = ctx;
	if (o->list) {
		printf("%-18s %s\n", b->name, b->what);
		return;
	}
	struct sim_bench_result r;
	if (sim_bench_measure(b, &r) != 0) {
		fprintf(stderr, "uksim bench: %s failed\n", b->name);
		o->failed++;
		return;
	}
	print_one(b, &r, o->json);
}

int uksim_cmd_bench(const struct uksim_cmd *cmd, int argc, char **argv)
{
	struct bench_opts o = {0};
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &o.json,
		 "One JSON object per line: bench, unit, value (median), min, max, samples, iters", NULL},
		{"list", 0, 0, G_OPTION_ARG_NONE, &o.list, "List the benchmarks and exit", NULL},
		{0},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	/* On stderr, so the JSON lines stay one object each. */
	if (!o.list)
		fprintf(stderr, "uksim bench: build %s%s\n", UKSIM_BUILD,
			UKSIM_CHECKS ? " (the checks slow kernel paths several times; measure in "
					 "the README's benchmark build)"
				       : "");
	/* Check every name before measuring anything. */
	for (int i = 1; i < argc; i++) {
		if (!find(argv[i])) {
			fprintf(stderr, "uksim bench: unknown benchmark '%s' (see uksim bench --list)\n",
				argv[i]);
			return UKSIM_EXIT_USAGE;
		}
	}
	if (argc < 2) {
		sim_bench_foreach(run_one, &o);
		for (const struct sim_bench *l = uksim_bench_fuzz; l->name; l++)
			run_one(l, &o);
	} else {
		for (int i = 1; i < argc; i++)
			run_one(find(argv[i]), &o);
	}
	return o.failed ? UKSIM_EXIT_INTERNAL : UKSIM_EXIT_OK;
}
