/* SPDX-License-Identifier: MIT */
/*
 * uksim compare FILE... --vary KEY=V1,V2,... : run scenarios under several
 * machine designs and put the results side by side.
 *
 * A design is one combination of the --vary values (the cartesian product,
 * the first --vary varying slowest), applied with the --set settings as
 * machine settings (uks_parse_file_set: the parser checks keys and values,
 * so every key of the machine block can be varied). Every file x design is
 * parsed before anything runs, so a bad key or value costs no run. Each
 * then runs the schedule `uksim run --seed S` runs, and with --runs N the
 * explorer also tries N schedules of it. Host time is measured here only:
 * the kernel and the runtime know virtual time alone.
 */
#include "uksim.h"
#include "faults.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sim/runtime.h>

struct compare_opts {
	gchar **vary, **sets, **loads;
	gchar *strategy;
	gint64 runs, seed, window;
	gint jobs;
	gboolean json;
};

/* One --vary KEY=V1,V2,... */
struct vary {
	char *key;
	char **values; /* NULL-terminated */
	guint n;
};

/* One file under one design, and what its run and exploration came to. */
struct row {
	const char *file;
	char *design;             /* "irq-model=sel4 cpus=1", or "as written" */
	char **sets;              /* --set settings, then the design's (NULL-terminated) */
	guint *choice;            /* the value index of each --vary */
	struct uks_scenario *s;
	struct sim_registry *reg; /* its own: --load and its file's load lines only */
	/* the run */
	int code;
	const char *verdict;      /* pass, fail, error */
	enum sim_result result;
	char message[1024];
	struct sim_run_stats st;
	uint64_t served, unserved, p50, p99, max;
	double host_ms;
	/* the exploration (--runs) */
	bool explored;
	int explore_code;
	const char *explore_verdict;
	uint64_t schedules, violations, first_run;
	bool found;
	char first_id[32], first_message[512];
	char *replay;             /* the replay command line of the first violation */
};

/* A time for the table: 850ns, 3.2us, 1.5ms, 2s. */
static void fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000ull)
		snprintf(buf, len, "%.3gs", (double)ns / 1e9);
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%.3gms", (double)ns / 1e6);
	else if (ns >= 1000ull)
		snprintf(buf, len, "%.3gus", (double)ns / 1e3);
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}

/* The nearest-rank percentile of sorted values. */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned pct)
{
	if (!n)
		return 0;
	size_t rank = (n * pct + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

static int parse_vary(const char *arg, struct vary *out)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "uksim compare: --vary wants KEY=V1,V2,... (e.g. irq-model=sel4,linux), "
				"not '%s'\n", arg);
		return -1;
	}
	out->key = g_strndup(arg, (gsize)(eq - arg));
	out->values = g_strsplit(eq + 1, ",", -1);
	out->n = g_strv_length(out->values);
	for (guint i = 0; i < out->n; i++)
		if (!out->values[i][0]) {
			fprintf(stderr, "uksim compare: --vary %s has an empty value\n", arg);
			return -1;
		}
	return 0;
}

static void free_vary(struct vary *v, guint n)
{
	for (guint i = 0; i < n; i++) {
		g_free(v[i].key);
		g_strfreev(v[i].values);
	}
	g_free(v);
}

static void free_rows(struct row *rows, guint n)
{
	for (guint i = 0; i < n; i++) {
		g_free(rows[i].design);
		g_strfreev(rows[i].sets);
		g_free(rows[i].choice);
		g_free(rows[i].replay);
		uks_scenario_free(rows[i].s);
		sim_registry_free(rows[i].reg);
	}
	g_free(rows);
}

/* The design of combination `k`: the first --vary varies slowest. */
static void make_design(struct row *r, const struct vary *vary, guint nvary, guint k,
			gchar **base)
{
	GPtrArray *sets = g_ptr_array_new();
	GString *design = g_string_new(NULL);
	for (guint i = 0; base && base[i]; i++)
		g_ptr_array_add(sets, g_strdup(base[i]));
	r->choice = g_new0(guint, nvary ? nvary : 1);
	for (guint i = nvary; i-- > 0;) {
		r->choice[i] = k % vary[i].n;
		k /= vary[i].n;
	}
	for (guint i = 0; i < nvary; i++) {
		char *kv = g_strdup_printf("%s=%s", vary[i].key, vary[i].values[r->choice[i]]);
		g_string_append_printf(design, "%s%s", i ? " " : "", kv);
		g_ptr_array_add(sets, kv);
	}
	g_ptr_array_add(sets, NULL);
	r->sets = (char **)g_ptr_array_free(sets, FALSE);
	if (!design->len)
		g_string_append(design, "as written");
	r->design = g_string_free(design, FALSE);
}

/* Run the design once; `warmup` runs say nothing. */
static int run_row(struct row *r, struct sim_registry *reg, const struct compare_opts *o,
		   bool warmup)
{
	struct sim_runtime_options ro = {
		.registry = reg,
		.race_window_ns = o->window > 0 ? (uint64_t)o->window : 0,
		.keep_latencies = true,
	};
	/* The schedule `uksim run --seed S` runs. */
	struct sim_engine_config ec = {
		.seed = (uint64_t)o->seed,
		.chooser = sim_chooser_find("random"),
		.race_window_ns = ro.race_window_ns,
	};
	struct sim_run_report rep;
	uksim_faults_arm_thread(); /* a crashing program is named (no token here) */
	gint64 t0 = g_get_monotonic_time();
	if (sim_runtime_run(r->s, &ro, &ec, (uint64_t)o->seed, &rep) != 0) {
		fprintf(stderr, "uksim compare: out of memory\n");
		return UKSIM_EXIT_INTERNAL;
	}
	r->host_ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
	r->verdict = sim_report_result(&rep);
	r->code = rep.bad_scenario ? UKSIM_EXIT_USAGE
		: rep.internal_error || rep.result == SIM_ERROR ? UKSIM_EXIT_INTERNAL
		: rep.all_met ? UKSIM_EXIT_OK : UKSIM_EXIT_FAILED;
	r->result = rep.result;
	snprintf(r->message, sizeof(r->message), "%s", rep.message);
	r->st = rep.stats;
	r->served = rep.nirq_latency;
	r->unserved = rep.irq_unserved;
	r->p50 = percentile(rep.irq_latency_ns, rep.nirq_latency, 50);
	r->p99 = percentile(rep.irq_latency_ns, rep.nirq_latency, 99);
	r->max = rep.nirq_latency ? rep.irq_latency_ns[rep.nirq_latency - 1] : 0;
	if (rep.internal_error && !warmup)
		fprintf(stderr, "uksim compare: %s [%s]: %s\n", r->file, r->design, rep.message);
	sim_run_report_fini(&rep);
	return UKSIM_EXIT_OK;
}

static const char *expected_violation(const struct uks_scenario *s)
{
	for (size_t i = 0; i < s->nexpects; i++)
		if (s->expects[i].kind == UKS_EXPECT_VIOLATION)
			return s->expects[i].name;
	return NULL;
}

/* --runs N: the explorer over the design, judged as `uksim explore` does. */
static int explore_row(struct row *r, struct sim_registry *reg, const struct compare_opts *o,
		       const struct sim_explore_config *cfg)
{
	struct sim_runtime_options ro = {.registry = reg};
	struct sim_target t;
	if (sim_scenario_target(r->s, &ro, &t) != 0) {
		fprintf(stderr, "uksim compare: out of memory\n");
		return UKSIM_EXIT_INTERNAL;
	}
	if (o->window >= 0)
		t.race_window_ns = (uint64_t)o->window;
	struct sim_explore_result res;
	int rc = UKSIM_EXIT_OK;
	struct sim_explore_config tcfg = *cfg;
	if (uksim_jobs_fit("compare", r->file, r->s->machine.memory, &tcfg.jobs, o->jobs != 0) !=
	    UKSIM_EXIT_OK) {
		sim_scenario_target_fini(&t);
		return UKSIM_EXIT_USAGE;
	}
	/* Its workers get the alternate stack for a crash report. */
	bool wrapped = uksim_faults_wrap(&t);
	int erc = sim_explore(&t, &tcfg, &res);
	if (wrapped)
		uksim_faults_unwrap(&t);
	if (erc != 0) {
		fprintf(stderr, "uksim compare: %s [%s]: %s\n", r->file, r->design, res.error);
		rc = UKSIM_EXIT_INTERNAL;
	} else {
		r->explored = true;
		r->schedules = res.schedules;
		r->violations = res.violations;
		r->found = res.found;
		const char *want = expected_violation(r->s);
		if (res.nondeterministic) {
			r->explore_code = UKSIM_EXIT_INTERNAL;
			r->explore_verdict = "nondeterministic";
		} else if (want) {
			bool ok = res.found && !strcmp(res.found_outcome.violation_id, want);
			r->explore_code = ok ? UKSIM_EXIT_OK : UKSIM_EXIT_FAILED;
			r->explore_verdict = ok ? "expected violation found" : "expected violation NOT found";
		} else {
			r->explore_code = res.found ? UKSIM_EXIT_FAILED : UKSIM_EXIT_OK;
			r->explore_verdict = res.found ? "violation" : "no violation";
		}
		if (res.found) {
			r->first_run = res.found_index;
			snprintf(r->first_id, sizeof(r->first_id), "%s", res.found_outcome.violation_id);
			snprintf(r->first_message, sizeof(r->first_message), "%s",
				 res.found_outcome.message);
			/* The token binds the objects this row loaded, as explore's. */
			struct sim_token_env env = sim_token_env_of(&t);
			char *token = sim_token_encode_env(t.hash, &env, &res.found_schedule);
			char *sets = uksim_replay_args((const char *const *)r->sets,
						       (const char *const *)o->loads);
			char *file = g_shell_quote(r->file);
			char window[48] = "";
			if (o->window >= 0)
				snprintf(window, sizeof(window), " --window %lld", (long long)o->window);
			r->replay = g_strdup_printf("%s replay %s%s%s --token %s", uksim_program(),
						    strpbrk(r->file, " '\"\\$`") ? file : r->file, sets,
						    window, token ? token : "?");
			g_free(file);
			g_free(sets);
			free(token);
		}
	}
	sim_explore_result_fini(&res);
	sim_scenario_target_fini(&t);
	return rc;
}

/* Rows are labelled by scenario too when there are several files: its
 * `scenario` name (the file's own name when it has none), since files in
 * different folders may share a name (scenarios/models/NAME/flagship.uks). */
static char *row_label(const struct row *r, bool several)
{
	if (!several)
		return g_strdup(r->design);
	if (r->s && r->s->name)
		return g_strdup_printf("%s %s", r->s->name, r->design);
	char *base = g_path_get_basename(r->file);
	char *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = 0;
	char *l = g_strdup_printf("%s %s", base, r->design);
	g_free(base);
	return l;
}

static void print_table(const struct row *rows, guint n, bool several, const struct compare_opts *o)
{
	bool runs = o->runs > 0;
	int w = 6;
	for (guint i = 0; i < n; i++) {
		char *l = row_label(&rows[i], several);
		if ((int)strlen(l) > w)
			w = (int)strlen(l);
		g_free(l);
	}
	if (!several)
		printf("scenario %s (%s), seed %lld\n", rows[0].s->name, rows[0].file,
		       (long long)o->seed);
	printf("%-*s  %-7s %8s %12s %9s %9s %9s %8s %6s %7s %9s", w, several ? "scenario design" : "design",
	       "verdict", "episodes", "nobody-cared", "irq p50", "irq p99", "irq max", "entries",
	       "IPIs", "TLB inv", "host ms");
	if (runs)
		printf(" %9s %10s  %s", "schedules", "violations", "first");
	printf("\n");
	for (guint i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		char p50[16] = "-", p99[16] = "-", max[16] = "-";
		if (r->served) {
			fmt_ns(r->p50, p50, sizeof(p50));
			fmt_ns(r->p99, p99, sizeof(p99));
			fmt_ns(r->max, max, sizeof(max));
		}
		if (r->unserved)
			snprintf(max, sizeof(max), "never");
		char *l = row_label(r, several);
		printf("%-*s  %-7s %8llu %12llu %9s %9s %9s %8llu %6llu %7llu %9.1f", w, l, r->verdict,
		       (unsigned long long)r->st.irq_episodes, (unsigned long long)r->st.nobody_cared,
		       p50, p99, max, (unsigned long long)(r->st.syscalls + r->st.interrupts),
		       (unsigned long long)r->st.ipis, (unsigned long long)r->st.tlb_flushes,
		       r->host_ms);
		g_free(l);
		if (runs && r->explored)
			printf(" %9llu %10llu  %s", (unsigned long long)r->schedules,
			       (unsigned long long)r->violations, r->found ? r->first_id : "-");
		printf("\n");
	}
	/* Notes: what the table cannot say in a column. */
	for (guint i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		char *l = row_label(r, several);
		if (r->unserved)
			printf("  %s: %llu assertion%s never served\n", l,
			       (unsigned long long)r->unserved, r->unserved == 1 ? "" : "s");
		if (r->replay)
			printf("  %s: %s in schedule %llu (%s): %s\n", l, r->first_id,
			       (unsigned long long)r->first_run, r->explore_verdict, r->replay);
		else if (r->explored && r->explore_code)
			printf("  %s: %s in %llu schedules\n", l, r->explore_verdict,
			       (unsigned long long)r->schedules);
		g_free(l);
	}
}

static void json_u64(const char *key, uint64_t v, bool comma)
{
	printf("%s\"%s\": %llu", comma ? ", " : "", key, (unsigned long long)v);
}

static void print_json(const struct row *rows, guint n, const struct vary *vary, guint nvary,
		       const struct compare_opts *o, int code)
{
	printf("{\"command\": \"compare\", \"seed\": %lld, \"runs\": %lld, \"strategy\": ",
	       (long long)o->seed, (long long)(o->runs > 0 ? o->runs : 0));
	uksim_json_string(stdout, o->strategy ? o->strategy : "random");
	printf(", \"vary\": [");
	for (guint i = 0; i < nvary; i++) {
		printf("%s{\"key\": ", i ? ", " : "");
		uksim_json_string(stdout, vary[i].key);
		printf(", \"values\": [");
		for (guint j = 0; j < vary[i].n; j++) {
			printf("%s", j ? ", " : "");
			uksim_json_string(stdout, vary[i].values[j]);
		}
		printf("]}");
	}
	printf("], \"rows\": [");
	for (guint i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		printf("%s\n  {\"file\": ", i ? "," : "");
		uksim_json_string(stdout, r->file);
		printf(", \"scenario\": ");
		uksim_json_string(stdout, r->s->name);
		printf(", \"design\": ");
		uksim_json_string(stdout, r->design);
		printf(", \"settings\": {");
		for (guint k = 0; k < nvary; k++) {
			printf("%s", k ? ", " : "");
			uksim_json_string(stdout, vary[k].key);
			printf(": ");
			uksim_json_string(stdout, vary[k].values[r->choice[k]]);
		}
		printf("}, \"sets\": [");
		for (guint k = 0; r->sets[k]; k++) {
			printf("%s", k ? ", " : "");
			uksim_json_string(stdout, r->sets[k]);
		}
		printf("], \"verdict\": \"%s\", \"exit\": %d, \"result\": \"%s\", \"message\": ",
		       r->verdict, r->code, sim_result_name(r->result));
		uksim_json_string(stdout, r->message);
		json_u64("episodes", r->st.irq_episodes, true);
		json_u64("nobody_cared", r->st.nobody_cared, true);
		printf(", \"irq_latency_ns\": {");
		json_u64("served", r->served, false);
		json_u64("unserved", r->unserved, true);
		if (r->served) {
			json_u64("p50", r->p50, true);
			json_u64("p99", r->p99, true);
			json_u64("max", r->max, true);
		} else {
			printf(", \"p50\": null, \"p99\": null, \"max\": null");
		}
		printf("}");
		json_u64("kernel_entries", r->st.syscalls + r->st.interrupts, true);
		json_u64("syscalls", r->st.syscalls, true);
		json_u64("interrupts", r->st.interrupts, true);
		json_u64("ipis", r->st.ipis, true);
		json_u64("tlb_invalidations", r->st.tlb_flushes, true);
		json_u64("tlb_shootdowns", r->st.tlb_shootdowns, true);
		json_u64("switches", r->st.switches, true);
		json_u64("end_ns", r->st.end_ns, true);
		printf(", \"host_ms\": %.3f, \"explore\": ", r->host_ms);
		if (!r->explored) {
			printf("null}");
			continue;
		}
		printf("{");
		json_u64("schedules", r->schedules, false);
		json_u64("violations", r->violations, true);
		printf(", \"verdict\": ");
		uksim_json_string(stdout, r->explore_verdict);
		printf(", \"exit\": %d, \"first\": ", r->explore_code);
		if (r->found) {
			printf("{\"id\": ");
			uksim_json_string(stdout, r->first_id);
			json_u64("run", r->first_run, true);
			printf(", \"message\": ");
			uksim_json_string(stdout, r->first_message);
			printf(", \"replay\": ");
			uksim_json_string(stdout, r->replay);
			printf("}");
		} else {
			printf("null");
		}
		printf("}}");
	}
	printf("\n], \"exit\": %d}\n", code);
}

/* Parse every file under every design; the first bad one ends it all. */
static int open_rows(struct row *rows, guint n, const struct compare_opts *o)
{
	size_t nloads = o->loads ? g_strv_length(o->loads) : 0;
	for (guint i = 0; i < n; i++) {
		struct row *r = &rows[i];
		char err[512];
		if (sim_registry_create((const char *const *)o->loads, nloads, &r->reg, err,
					sizeof(err)) != 0) {
			fprintf(stderr, "uksim compare: %s\n", err);
			return nloads ? UKSIM_EXIT_USAGE : UKSIM_EXIT_INTERNAL;
		}
		if (uksim_scenario_open(r->file, r->reg, nloads > 0, (const char *const *)r->sets,
					&r->s) !=
		    UKSIM_EXIT_OK) {
			fprintf(stderr, "uksim compare: design '%s' of %s (--set line N: the Nth of "
					"the --set settings, then the --vary values)\n",
				r->design, r->file);
			return UKSIM_EXIT_USAGE;
		}
	}
	return UKSIM_EXIT_OK;
}

static int compare(int nfiles, char **files, const struct compare_opts *o, struct vary *vary,
		   guint nvary)
{
	guint ndesigns = 1;
	for (guint i = 0; i < nvary; i++) {
		if (ndesigns > 4096 / vary[i].n) {
			fprintf(stderr, "uksim compare: more than 4096 designs\n");
			return UKSIM_EXIT_USAGE;
		}
		ndesigns *= vary[i].n;
	}
	struct sim_explore_config cfg = {
		.strategy = SIM_STRAT_RANDOM, .seed = (uint64_t)o->seed, .depth = 3, .preemptions = 2,
		.runs = (uint64_t)(o->runs > 0 ? o->runs : 0),
	};
	if (o->strategy && sim_strategy_parse(o->strategy, &cfg.strategy) != 0) {
		fprintf(stderr, "uksim compare: unknown strategy '%s' (random, pct, bounded)\n",
			o->strategy);
		return UKSIM_EXIT_USAGE;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.jobs = o->jobs ? (unsigned)o->jobs : (unsigned)(cores > 0 ? cores : 1);

	guint n = (guint)nfiles * ndesigns;
	struct row *rows = g_new0(struct row, n);
	for (guint f = 0; f < (guint)nfiles; f++)
		for (guint k = 0; k < ndesigns; k++) {
			struct row *r = &rows[f * ndesigns + k];
			r->file = files[f];
			make_design(r, vary, nvary, k, o->sets);
		}
	int code = open_rows(rows, n, o);
	/* An untimed run first: the process's first run pays for the host's
	 * first page faults, which would make the first design look slow. */
	if (code == UKSIM_EXIT_OK)
		code = run_row(&rows[0], rows[0].reg, o, true);
	for (guint i = 0; code == UKSIM_EXIT_OK && i < n; i++) {
		int rc = run_row(&rows[i], rows[i].reg, o, false);
		/* A design the machine refused, or that broke the simulator,
		 * has nothing to explore: its row says so. */
		if (rc == UKSIM_EXIT_OK && o->runs > 0 && rows[i].code <= UKSIM_EXIT_FAILED)
			rc = explore_row(&rows[i], rows[i].reg, o, &cfg);
		if (rc != UKSIM_EXIT_OK) {
			code = rc;
			break;
		}
	}
	if (code == UKSIM_EXIT_OK) {
		for (guint i = 0; i < n; i++) {
			if (rows[i].code > code)
				code = rows[i].code;
			if (rows[i].explored && rows[i].explore_code > code)
				code = rows[i].explore_code;
		}
		if (o->json)
			print_json(rows, n, vary, nvary, o, code);
		else
			print_table(rows, n, nfiles > 1, o);
	}
	free_rows(rows, n);
	return code;
}

int uksim_cmd_compare(const struct uksim_cmd *cmd, int argc, char **argv)
{
	struct compare_opts o = {.seed = 1, .window = -1};
	GOptionEntry entries[] = {
		{"vary", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.vary,
		 "a machine setting and its values, one design each (repeatable: every combination)",
		 "KEY=V1,V2,..."},
		UKSIM_SET_ENTRY(o.sets),
		UKSIM_LOAD_ENTRY(o.loads),
		{"seed", 0, 0, G_OPTION_ARG_INT64, &o.seed,
		 "seed of each design's run and the explorer's master seed (default 1)", "S"},
		{"runs", 0, 0, G_OPTION_ARG_INT64, &o.runs,
		 "also explore N schedules of each design and report its violations", "N"},
		{"strategy", 0, 0, G_OPTION_ARG_STRING, &o.strategy,
		 "the explorer's strategy with --runs: random (default), pct or bounded", "S"},
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs,
		 "explorer worker threads (default: the number of cores)", "N"},
		{"window", 0, 0, G_OPTION_ARG_INT64, &o.window,
		 "race window in ns (default: the scenario's, 1000)", "NS"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print one JSON object with an array of rows",
		 NULL},
		{0},
	};
	int code = UKSIM_EXIT_USAGE;
	guint nvary = 0;
	struct vary *vary = NULL;
	if (!uksim_parse(cmd, entries, &argc, &argv))
		goto out;
	if (argc < 2) {
		fprintf(stderr, "uksim compare: which scenario files? (uksim help compare)\n");
		goto out;
	}
	if (o.seed < 0 || o.runs < 0 || o.jobs < 0) {
		fprintf(stderr, "uksim compare: --seed, --runs and -j take numbers >= 0\n");
		goto out;
	}
	nvary = o.vary ? g_strv_length(o.vary) : 0;
	vary = g_new0(struct vary, nvary ? nvary : 1);
	for (guint i = 0; i < nvary; i++) {
		if (parse_vary(o.vary[i], &vary[i]) != 0)
			goto out;
		for (guint j = 0; j < i; j++)
			if (!strcmp(vary[j].key, vary[i].key)) {
				fprintf(stderr, "uksim compare: --vary %s is given twice\n", vary[i].key);
				goto out;
			}
	}
	code = compare(argc - 1, argv + 1, &o, vary, nvary);
out:
	free_vary(vary, nvary);
	g_strfreev(o.vary);
	g_strfreev(o.sets);
	g_strfreev(o.loads);
	g_free(o.strategy);
	return code;
}
