/* SPDX-License-Identifier: MIT */
/*
 * uksim check FILE...: validate scenario files without running them.
 * Prints "FILE: ok (summary)" or the error with its source line; exits 0 if
 * every file is valid, 2 if any is not (or on bad usage).
 */
#include "uksim.h"

#include "sim/scenario.h"

static size_t count_threads(const struct uks_scenario *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nprocesses; i++)
		n += s->processes[i].nthreads;
	return n;
}

static void print_ok(const char *file, const struct uks_scenario *s, gboolean json)
{
	if (!json) {
		printf("%s: ok (%u CPU%s, %zu devices, %zu processes, %zu threads, %zu timeline "
		       "actions, %zu expectations)\n",
		       file, s->machine.cpus, s->machine.cpus == 1 ? "" : "s", s->ndevices,
		       s->nprocesses, count_threads(s), s->nactions, s->nexpects);
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

int uksim_cmd_check(const struct uksim_cmd *cmd, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object per file on stdout", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	if (argc < 2) {
		fprintf(stderr, "uksim check: no scenario file given\n"
				"Usage: uksim check [--json] FILE...\n");
		return UKSIM_EXIT_USAGE;
	}
	int rc = UKSIM_EXIT_OK;
	for (int i = 1; i < argc; i++) {
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		if (uks_parse_file(argv[i], NULL, &s, &d) == 0) {
			print_ok(argv[i], s, json);
			uks_scenario_free(s);
		} else {
			print_error(argv[i], &d, json);
			rc = UKSIM_EXIT_USAGE;
		}
		uks_diag_clear(&d);
	}
	return rc;
}
