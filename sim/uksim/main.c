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
#include "faults.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdbool.h>
#include <sim/explore.h>
#include <sim/export.h>
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
	{"export-metal", "FILE", "compile a scenario into the bare-metal image's C table (metal/)",
	 uksim_cmd_export_metal},
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
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "help", "show the options of a command: uksim help COMMAND");
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

/* One directory or file, known by device and inode: a symlink loop or a
 * second link to a directory reaches one already seen. */
struct seen_key {
	dev_t dev;
	ino_t ino;
};

static guint seen_hash(gconstpointer k)
{
	const struct seen_key *s = k;
	return g_int64_hash(&(gint64){(gint64)s->ino}) ^ (guint)s->dev;
}

static gboolean seen_equal(gconstpointer a, gconstpointer b)
{
	const struct seen_key *x = a, *y = b;
	return x->dev == y->dev && x->ino == y->ino;
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `path` is a directory whose identity is `st`: walk it once. */
static void collect_dir(const char *cmd, const char *path, const GStatBuf *st, int depth,
			GHashTable *seen, GPtrArray *out)
{
	struct seen_key key = {st->st_dev, st->st_ino};
	const char *first = g_hash_table_lookup(seen, &key);
	if (first) {
		fprintf(stderr, "uksim %s: %s: skipped, the same directory as %s (a symlink loop "
				"or a second link)\n", cmd, path, first);
		return;
	}
	if (depth > 32) {
		fprintf(stderr, "uksim %s: %s: skipped, more than 32 directories deep\n", cmd, path);
		return;
	}
	GDir *dir = g_dir_open(path, 0, NULL);
	if (!dir) {
		g_ptr_array_add(out, g_strdup(path)); /* reported as unreadable */
		return;
	}
	g_hash_table_insert(seen, g_memdup2(&key, sizeof(key)), g_strdup(path));
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	for (const char *n; (n = g_dir_read_name(dir));)
		g_ptr_array_add(names, g_build_filename(path, n, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(names, compare_paths); /* a stable order */
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		GStatBuf nst;
		if (g_stat(n, &nst) != 0)
			continue; /* a dangling symlink */
		if (S_ISDIR(nst.st_mode))
			collect_dir(cmd, n, &nst, depth + 1, seen, out);
		else if (g_str_has_suffix(n, ".uks"))
			g_ptr_array_add(out, g_strdup(n));
	}
	g_ptr_array_free(names, TRUE);
}

void uksim_collect_scenarios(const char *cmd, char **paths, int n, GPtrArray *out)
{
	GHashTable *seen = g_hash_table_new_full(seen_hash, seen_equal, g_free, g_free);
	for (int i = 0; i < n; i++) {
		GStatBuf st;
		if (g_stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			collect_dir(cmd, paths[i], &st, 0, seen, out);
		else
			g_ptr_array_add(out, g_strdup(paths[i]));
	}
	g_hash_table_destroy(seen);
}

/* ---- -j against what the host can give ---- */

/* MemAvailable of /proc/meminfo in bytes, or 0 when unknown. */
static uint64_t mem_available(void)
{
	char *text = NULL;
	uint64_t kb = 0;
	if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL))
		return 0;
	const char *m = strstr(text, "MemAvailable:");
	if (m)
		kb = g_ascii_strtoull(m + strlen("MemAvailable:"), NULL, 10);
	g_free(text);
	return kb * 1024;
}

/* Address space left to this process: RLIMIT_AS (or the 128 TiB of an
 * x86-64 or aarch64 user space) minus what is mapped now. */
static uint64_t address_space_left(void)
{
	uint64_t limit = 1ull << 47;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < limit)
		limit = rl.rlim_cur;
	char *text = NULL;
	uint64_t used = 0;
	if (g_file_get_contents("/proc/self/statm", &text, NULL, NULL)) {
		used = g_ascii_strtoull(text, NULL, 10) * (uint64_t)sysconf(_SC_PAGESIZE);
		g_free(text);
	}
	return used < limit ? limit - used : 0;
}

static void human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)b;
	unsigned i = 0;
	while (v >= 1024 && i + 1 < G_N_ELEMENTS(u)) {
		v /= 1024;
		i++;
	}
	g_snprintf(buf, len, "%.1f %s", v, u[i]);
}

int uksim_jobs_fit(const char *cmd, const char *target, uint64_t ram, unsigned *jobs,
		   gboolean given)
{
	/* Per worker: the simulated RAM is reserved (MAP_NORESERVE) and its
	 * frame-owner tags (4 bytes a page) are written as frames are handed
	 * out; fiber stacks, the engine and the trace are a few MiB. */
	uint64_t as_each = ram + ram / 1024 + (32ull << 20);
	uint64_t rss_each = ram / 1024 + (4ull << 20);
	uint64_t as_left = address_space_left(), avail = mem_available();
	uint64_t fit = UKSIM_MAX_JOBS;
	const char *why = "the limit of uksim";
	if (as_left / as_each < fit) {
		fit = as_left / as_each;
		why = "the address space left to this process (ulimit -v)";
	}
	if (avail && avail / rss_each < fit) {
		fit = avail / rss_each;
		why = "the memory available (MemAvailable)";
	}
	if (*jobs <= fit)
		return UKSIM_EXIT_OK;
	if (!given && fit >= 1) {
		*jobs = (unsigned)fit; /* the default, one per core, shrinks quietly */
		return UKSIM_EXIT_OK;
	}
	char a[32], r[32];
	human_bytes(as_each, a, sizeof(a));
	human_bytes(rss_each, r, sizeof(r));
	if (fit == 0)
		fprintf(stderr, "uksim %s: %s: not even one worker fits: each reserves %s of address "
				"space and needs about %s of memory, more than %s allows\n",
			cmd, target, a, r, why);
	else
		fprintf(stderr, "uksim %s: %s: -j %u cannot be met: each worker reserves %s of "
				"address space and needs about %s of memory; %s allows -j %llu at "
				"most\n",
			cmd, target, *jobs, a, r, why, (unsigned long long)fit);
	return UKSIM_EXIT_USAGE;
}

int uksim_parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	const char *q = end + 1;
	unsigned long b = strtoul(q, &end, 10);
	if (end == q || *end || b == 0 || a >= b || b > 1000000)
		return -1;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

int uksim_write_traces(const char *cmd, const struct sim_trace *t, const struct sim_names *names,
		       unsigned ncpus, const char *name, const char *json, const char *vcd)
{
	const char *paths[2] = {json, vcd};
	for (int k = 0; k < 2; k++) {
		if (!paths[k])
			continue;
		FILE *f = fopen(paths[k], "w");
		int rc = -1;
		if (f) {
			rc = k == 0 ? sim_export_chrome_named(t, names, ncpus, name, f)
				    : sim_export_vcd_named(t, names, name, f);
			rc |= fclose(f);
		}
		if (rc != 0) {
			fprintf(stderr, "uksim %s: cannot write %s\n", cmd, paths[k]);
			return UKSIM_EXIT_USAGE;
		}
	}
	return UKSIM_EXIT_OK;
}

void uksim_json_string(FILE *f, const char *s)
{
	sim_json_string(f, s);
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
	/* A loaded program that crashes, exits or hangs is named (faults.h). */
	uksim_faults_init();
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
