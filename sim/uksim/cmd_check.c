/* SPDX-License-Identifier: MIT */
/*
 * uksim check FILE...: validate scenario files without running them.
 * Prints "FILE: ok (summary)" or the error with its source line; exits 0 if
 * every file is valid, 2 if any is not (or on bad usage). A directory stands
 * for every *.uks file below it, in name order (fragments, *.uksi, are only
 * checked through the files that include them).
 *
 * Checking goes as far as a run would before it starts: the scenario's
 * `load` lines (and --load) are loaded, and every program and policy it
 * names must be known, with the arguments they take.
 */
#include "uksim.h"

#include "sim/runtime.h"
#include "sim/scenario.h"

#include <string.h>

static size_t count_threads(const struct uks_scenario *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nprocesses; i++)
		n += s->processes[i].nthreads;
	return n;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_ok(const char *file, const struct uks_scenario *s, gboolean json)
{
	if (!json) {
		size_t threads = count_threads(s);
		printf("%s: ok (%u %s, %zu %s, %zu %s, %zu %s, %zu timeline %s, %zu %s)\n", file,
		       s->machine.cpus, plural(s->machine.cpus, "CPU", "CPUs"), s->ndevices,
		       plural(s->ndevices, "device", "devices"), s->nprocesses,
		       plural(s->nprocesses, "process", "processes"), threads,
		       plural(threads, "thread", "threads"), s->nactions,
		       plural(s->nactions, "action", "actions"), s->nexpects,
		       plural(s->nexpects, "expectation", "expectations"));
		return;
	}
	printf("{\"file\": ");
	uksim_json_string(stdout, file);
	printf(", \"ok\": true, \"scenario\": ");
	uksim_json_string(stdout, s->name);
	printf(", \"hash\": \"%016" G_GINT64_MODIFIER "x\", \"cpus\": %u, \"devices\": %zu, "
	       "\"processes\": %zu, \"threads\": %zu, \"actions\": %zu, \"expectations\": %zu}\n",
	       (guint64)uks_scenario_hash(s), s->machine.cpus, s->ndevices, s->nprocesses,
	       count_threads(s), s->nactions, s->nexpects);
}

static void print_error(const char *file, const struct uks_diag *d, gboolean json)
{
	if (!json) {
		char *text = uks_diag_format(d);
		fputs(text, stderr);
		g_free(text);
		return;
	}
	printf("{\"file\": ");
	uksim_json_string(stdout, file);
	printf(", \"ok\": false, \"error\": {\"file\": ");
	uksim_json_string(stdout, d->file ? d->file : file);
	printf(", \"line\": %u, \"column\": %u, \"message\": ", d->line, d->col);
	uksim_json_string(stdout, d->message ? d->message : "");
	if (d->expected) {
		printf(", \"expected\": ");
		uksim_json_string(stdout, d->expected);
	}
	if (d->hint) {
		printf(", \"hint\": ");
		uksim_json_string(stdout, d->hint);
	}
	printf("}}\n");
}

static int check_one(const char *file, gboolean json, gchar **sets, gchar **loads)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	struct uks_catalog cat;
	struct sim_registry *reg = NULL;
	char err[512];
	uks_diag_init(&d);
	/* A registry per file: one file's `load` lines do not reach the next. */
	if (sim_registry_create((const char *const *)loads, loads ? g_strv_length(loads) : 0, &reg,
				err, sizeof(err)) != 0) {
		fprintf(stderr, "uksim check: %s\n", err);
		return UKSIM_EXIT_USAGE;
	}
	sim_registry_catalog(reg, loads && loads[0], &cat);
	int rc = UKSIM_EXIT_OK;
	if (uks_parse_file_set(file, &cat, (const char *const *)sets,
			       sets ? g_strv_length(sets) : 0, &s, &d) == 0 &&
	    sim_registry_load_scenario(reg, s, &d) == 0 && sim_runtime_check(s, reg, &d) == 0) {
		print_ok(file, s, json);
	} else {
		print_error(file, &d, json);
		rc = UKSIM_EXIT_USAGE;
	}
	uks_scenario_free(s);
	sim_registry_free(reg);
	uks_diag_clear(&d);
	fflush(stdout);
	return rc;
}

int uksim_cmd_check(const struct uksim_cmd *cmd, int argc, char **argv)
{
	gboolean json = FALSE;
	gchar **sets = NULL, **loads = NULL;
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object per file on stdout", NULL},
		UKSIM_SET_ENTRY(sets),
		UKSIM_LOAD_ENTRY(loads),
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	if (argc < 2) {
		fprintf(stderr, "uksim check: no scenario file given\n"
				"Usage: uksim check [--json] [--set KEY=VALUE] [--load SO] FILE...\n");
		g_strfreev(sets);
		g_strfreev(loads);
		return UKSIM_EXIT_USAGE;
	}
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	uksim_collect_scenarios("check", argv + 1, argc - 1, files);
	int rc = UKSIM_EXIT_OK;
	for (guint i = 0; i < files->len; i++)
		if (check_one(g_ptr_array_index(files, i), json, sets, loads) != UKSIM_EXIT_OK)
			rc = UKSIM_EXIT_USAGE;
	if (!files->len) {
		fprintf(stderr, "uksim check: no .uks files found\n");
		rc = UKSIM_EXIT_USAGE;
	}
	g_ptr_array_free(files, TRUE);
	g_strfreev(sets);
	g_strfreev(loads);
	return rc;
}
