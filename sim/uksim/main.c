/* SPDX-License-Identifier: MIT */
/*
 * uksim: the ukern simulator's command line.
 *
 *   uksim COMMAND [OPTIONS] [ARGS]
 *
 * Each command parses its own options with GOption. Exit codes are the same
 * everywhere: 0 expectations met, 1 an expectation failed, 2 bad usage or
 * bad input, 3 internal error.
 */
#include "uksim.h"

#include <locale.h>
#include <stdbool.h>
#include <sim/explore.h>
#include <stdlib.h>
#include <string.h>

static const struct uksim_cmd commands[] = {
	{"run", "FILE", "run one schedule of a scenario and check its expectations", uksim_cmd_run},
	{"explore", "TARGET...", "search schedules of scenarios (or demo:race) for violations",
	 uksim_cmd_explore},
	{"report", "OUT.html TARGET...",
	 "explore like explore and write one self-contained HTML report (verdicts, stories, timelines)",
	 uksim_cmd_report},
	{"replay", "TARGET --token T", "replay one schedule exactly from a replay token",
	 uksim_cmd_replay},
	{"merge", "FILE...",
	 "merge the JSON lines of sharded explore runs into what one machine would print",
	 uksim_cmd_merge},
	{"check", "FILE...", "validate scenario files without running them", uksim_cmd_check},
	{"compare", "FILE... --vary KEY=V1,V2,...",
	 "run a scenario under several machine designs and tabulate the results",
	 uksim_cmd_compare},
	{"bench", "[NAME...]", "measure the speed of the engine, machine model and kernel",
	 uksim_cmd_bench},
	{"demo", "", "run the engine demo (producer/consumer tasks on simulated CPUs)",
	 uksim_cmd_demo},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: uksim COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help", "show the options of a command: uksim help COMMAND");
	fprintf(f, "\nOptions:\n  --version  print the version and exit\n  --help     print this help\n");
	fprintf(f, "\nExit codes: 0 expectations met, 1 an expectation failed, 2 bad usage or input,\n"
		   "3 internal error.\n");
}

static const struct uksim_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

const char *uksim_program(void)
{
	const char *name = g_get_application_name();
	return name && *name ? name : "uksim";
}

/* Edit distance (with swapped neighbours as one edit) of two short strings,
 * for did-you-mean; capped at 9. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 9;
	unsigned d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			unsigned del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			/* Two letters swapped count as one mistake. */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb] < 9 ? d[la][lb] : 9;
}

/* The option among `entries` nearest to the mistyped `--word` (without
 * dashes and any "=value"), or NULL when none is close. */
static const char *nearest_option(const GOptionEntry *entries, const char *word)
{
	char w[64];
	snprintf(w, sizeof(w), "%s", word);
	w[strcspn(w, "=")] = 0;
	const char *best = NULL;
	unsigned bestd = 9;
	for (const GOptionEntry *e = entries; e->long_name; e++) {
		unsigned d = edit_distance(w, e->long_name);
		/* A prefix of a longer name also counts as near. */
		if (d > 1 && strlen(w) >= 3 && !strncmp(e->long_name, w, strlen(w)))
			d = 1;
		if (d < bestd) {
			bestd = d;
			best = e->long_name;
		}
	}
	size_t len = strlen(w);
	return best && bestd <= (len <= 4 ? 1u : len <= 8 ? 2u : 3u) ? best : NULL;
}

gboolean uksim_parse(const struct uksim_cmd *cmd, GOptionEntry *entries, int *argc, char ***argv)
{
	char *params = g_strdup_printf("%s", cmd->params);
	GOptionContext *ctx = g_option_context_new(params);
	g_free(params);
	g_option_context_set_summary(ctx, cmd->summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	char *prgname = g_strdup_printf("uksim %s", cmd->name);
	g_set_prgname(prgname);
	g_free(prgname);
	GError *error = NULL;
	gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
	if (!ok) {
		char *help = g_option_context_get_help(ctx, TRUE, NULL);
		fprintf(stderr, "uksim %s: %s\n", cmd->name, error->message);
		if (error->domain == G_OPTION_ERROR && error->code == G_OPTION_ERROR_UNKNOWN_OPTION) {
			/* "Unknown option --foo": suggest the nearest real one. */
			const char *bad = strstr(error->message, "--");
			const char *near = bad ? nearest_option(entries, bad + 2) : NULL;
			if (near)
				fprintf(stderr, "did you mean '--%s'?\n", near);
		}
		fprintf(stderr, "\n%s", help);
		g_free(help);
		g_error_free(error);
	}
	g_option_context_free(ctx);
	return ok;
}

static void append_opts(GString *out, const char *opt, const char *const *vals)
{
	for (size_t i = 0; vals && vals[i]; i++) {
		gboolean plain = vals[i][0] != 0;
		for (const char *c = vals[i]; *c; c++)
			plain &= g_ascii_isalnum(*c) || strchr("=-_.,:/+", *c) != NULL;
		char *q = plain ? g_strdup(vals[i]) : g_shell_quote(vals[i]);
		g_string_append_printf(out, " %s %s", opt, q);
		g_free(q);
	}
}

char *uksim_set_args(const char *const *sets)
{
	return uksim_replay_args(sets, NULL);
}

char *uksim_replay_args(const char *const *sets, const char *const *loads)
{
	GString *out = g_string_new(NULL);
	append_opts(out, "--set", sets);
	append_opts(out, "--load", loads);
	return g_string_free(out, FALSE);
}

void uksim_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Short options that take a value, in any command. */
static const char short_with_value[] = "j";

/* GOption reads "-j1" as the options -j and -1: write an attached value of
 * a short option that takes one as a separate argument ("-j1" is "-j 1").
 * Returns a new NULL-terminated vector (g_strfreev) and its length. */
static char **split_short_values(int argc, char **argv, int *out_argc)
{
	char **out = g_new0(char *, (size_t)argc * 2 + 1);
	int n = 0;
	bool rest = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		rest |= !strcmp(a, "--");
		if (!rest && i > 0 && a[0] == '-' && a[1] && strchr(short_with_value, a[1]) &&
		    a[2]) {
			out[n++] = g_strndup(a, 2);
			out[n++] = g_strdup(a + 2);
		} else {
			out[n++] = g_strdup(a);
		}
	}
	*out_argc = n;
	return out;
}

int main(int argc, char **argv)
{
	/* Only the character set: numbers and JSON stay in the C locale. */
	setlocale(LC_CTYPE, "");
	/* Replay lines name the uksim that was run (./build/sim/uksim, ...). */
	g_set_application_name(argc > 0 && argv[0] ? argv[0] : "uksim");
	if (argc < 2) {
		usage(stderr);
		return UKSIM_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		/* The build id is the one replay tokens carry (uk2-HASH-BUILD-...). */
		printf("uksim %s, build %08llx, invariant checks %s\n", UKSIM_VERSION,
		       (unsigned long long)(sim_build_id() & 0xffffffffull),
		       sim_build_checking() ? "on (c)" : "off (n)");
		return UKSIM_EXIT_OK;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return UKSIM_EXIT_OK;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return UKSIM_EXIT_OK;
		}
		const struct uksim_cmd *cmd = find_command(argv[2]);
		if (!cmd) {
			fprintf(stderr, "uksim help: unknown command '%s'\n\n", argv[2]);
			usage(stderr);
			return UKSIM_EXIT_USAGE;
		}
		char *hargv[] = {(char *)cmd->name, (char *)"--help", NULL};
		return cmd->main(cmd, 2, hargv);
	}
	const struct uksim_cmd *cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "uksim: unknown command '%s'\n\n", name);
		usage(stderr);
		return UKSIM_EXIT_USAGE;
	}
	int nargs;
	char **args = split_short_values(argc - 1, argv + 1, &nargs);
	/* GOption removes what it parsed from the vector: keep it to free. */
	char **keep = g_memdup2(args, sizeof(char *) * ((size_t)nargs + 1));
	int rc = cmd->main(cmd, nargs, args);
	g_free(args);
	g_strfreev(keep);
	return rc;
}
