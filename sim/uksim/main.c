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

#include <string.h>

static const struct uksim_cmd commands[] = {
	{"run", "FILE", "run one schedule of a scenario and check its expectations", uksim_cmd_run},
	{"explore", "TARGET...", "search schedules of scenarios (or demo:race) for violations",
	 uksim_cmd_explore},
	{"replay", "TARGET --token T", "replay one schedule exactly from a replay token",
	 uksim_cmd_replay},
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
		fprintf(stderr, "uksim %s: %s\n\n%s", cmd->name, error->message, help);
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return UKSIM_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("uksim %s\n", UKSIM_VERSION);
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
	return cmd->main(cmd, argc - 1, argv + 1);
}
