/* SPDX-License-Identifier: MIT */
/*
 * uksim explore TARGET [options]: search schedules for a violation.
 * uksim replay TARGET --token T: run one schedule exactly again.
 *
 * A TARGET is a scenario file or a built-in demonstration ("demo:race").
 */
#include "uksim.h"
#include "targets.h"
#include "faults.h"

#include <sim/export.h>
#include <sim/runtime.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STORY_CONTEXT 12
#define RUNS_DEFAULT INT64_MIN /* --runs not given */
/* Kernel trace kinds counted in replay --json (ukern/kernel.h, irq_log.h). */
#define UKSIM_TRACE_SWITCH UK_TRACE_CORE_SWITCH
#define UKSIM_TRACE_IRQ_RAISE UK_TRACE_IRQ(UK_IRQ_EV_RAISE)
#define TRACE_KEEP (1u << 20)

struct explore_opts {
	gchar *strategy;
	gint64 runs, seed, window, shrink_runs;
	gdouble time_s, shrink_time;
	gint depth, preemptions, jobs;
	gchar *shard;
	gboolean json, check_det, first, no_shrink, quiet;
	gchar *trace_json, *trace_vcd;
	gchar *token;
	gchar **sets;   /* --set KEY=VALUE */
	gchar **loads;  /* --load SO */
	char *set_args; /* the same for replay lines: " --set K=V ..." */
	const char *prog; /* the uksim that runs, as invoked (argv[0]) */
	const char *cmd;  /* the command: explore, report or replay */
	const struct uksim_explore_sink *sink; /* uksim report: gets each target */
	gdouble hang;     /* --hang-timeout S (UKSIM_HANG_UNSET: the default) */
};

/* Name a program that crashes, exits or hangs in a run of `ut`, with the
 * replay command of its schedule (faults.h). */
static void watch_faults(const struct uksim_target *ut, const struct explore_opts *o)
{
	char *args = o->window >= 0 ? g_strdup_printf("%s --window %lld",
						      o->set_args ? o->set_args : "",
						      (long long)o->window)
				    : g_strdup(o->set_args ? o->set_args : "");
	uksim_faults_begin(&ut->t, ut->name, args, o->hang);
	g_free(args);
}

static void progress(void *ctx, uint64_t done, uint64_t total, uint64_t violations, double seconds)
{
	(void)ctx;
	double rate = seconds > 0 ? (double)done / seconds : 0;
	if (total && total != UINT64_MAX && rate > 0)
		fprintf(stderr, "\r  %llu/%llu schedules  %.0f/s  %llu violations  ~%.0fs left   ",
			(unsigned long long)done, (unsigned long long)total, rate,
			(unsigned long long)violations, (double)(total - done) / rate);
	else
		fprintf(stderr, "\r  %llu schedules  %.0f/s  %llu violations   ", (unsigned long long)done,
			rate, (unsigned long long)violations);
	fflush(stderr);
}

/* Run `s` again with its trace kept, and write the exports asked for. */
static int export_traces(const struct uksim_target *ut, const struct sim_schedule *s,
			 const struct explore_opts *o, struct sim_outcome *out)
{
	if (sim_run_schedule_traced(&ut->t, s, true, TRACE_KEEP, out) != 0) {
		fprintf(stderr, "uksim: internal error: %s\n", out->message);
		return UKSIM_EXIT_INTERNAL;
	}
	return uksim_write_traces(o->cmd, &out->trace, out->names, out->ncpus, ut->name,
				  o->trace_json, o->trace_vcd);
}

static void shrink_progress(void *ctx, uint64_t runs, size_t departures)
{
	(void)ctx;
	fprintf(stderr, "\r  shrinking: %zu departure%s left after %llu runs   ", departures,
		departures == 1 ? "" : "s", (unsigned long long)runs);
	fflush(stderr);
}

/* What shrinking came to, for the output. */
struct shrink_report {
	bool done;                  /* a shrunk schedule exists */
	struct sim_schedule sched;
	struct sim_shrink_stats st;
	char *token;
};

/* Why shrinking stopped short, in words, or NULL when it did not. */
static const char *shrink_cut(const struct shrink_report *sr, const struct explore_opts *o,
			      char *buf, size_t len)
{
	if (sr->st.complete)
		return NULL;
	if (sr->st.out_of_runs)
		snprintf(buf, len, "its budget of %lld runs (--shrink-budget)", (long long)o->shrink_runs);
	else if (sr->st.out_of_time)
		snprintf(buf, len, "its budget of %g s (--shrink-time)", o->shrink_time);
	else
		snprintf(buf, len, "an unknown reason");
	return buf;
}

static void print_violation_json(const struct uksim_target *ut, const struct sim_explore_result *r,
				 const char *token, const struct shrink_report *sr,
				 const struct explore_opts *opts)
{
	const struct sim_outcome *o = &r->found_outcome;
	printf("{\"type\":\"violation\",\"target\":");
	uksim_json_string(stdout, ut->name);
	printf(",\"run\":%llu,\"id\":", (unsigned long long)r->found_index);
	uksim_json_string(stdout, o->violation_id);
	printf(",\"message\":");
	uksim_json_string(stdout, o->message);
	printf(",\"time_ns\":%llu,\"cpu\":%u,\"trace_hash\":\"%016llx\",\"token\":",
	       (unsigned long long)o->time_ns, o->cpu, (unsigned long long)o->trace_hash);
	uksim_json_string(stdout, token);
	printf(",\"replay_args\":");
	uksim_json_string(stdout, opts->set_args);
	if (sr->done) {
		printf(",\"shrunk_token\":");
		uksim_json_string(stdout, sr->token);
		printf(",\"shrunk_departures\":%zu,\"departures\":%zu,\"shrink_runs\":%llu,"
		       "\"shrink_complete\":%s",
		       sr->sched.ndev, sr->st.from, (unsigned long long)sr->st.runs,
		       sr->st.complete ? "true" : "false");
		if (sr->st.out_of_runs)
			printf(",\"shrink_budget_runs\":%lld", (long long)opts->shrink_runs);
		if (sr->st.out_of_time)
			printf(",\"shrink_budget_s\":%g", opts->shrink_time);
	}
	printf("}\n");
}

static const char *verdict(const struct uksim_target *ut, const struct sim_explore_result *r, int *code)
{
	if (r->nondeterministic) {
		*code = UKSIM_EXIT_INTERNAL;
		return "NONDETERMINISTIC: a schedule gave two different traces";
	}
	if (r->found && !strcmp(r->found_outcome.violation_id, SIM_KERNEL_INVARIANT)) {
		/* A kernel check failed: a bug in ukern or a loaded policy. */
		*code = UKSIM_EXIT_INTERNAL;
		return "KERNEL INVARIANT BROKEN (a bug in ukern or in a loaded policy)";
	}
	if (ut->expect_violation[0]) {
		bool ok = r->found && !strcmp(r->found_outcome.violation_id, ut->expect_violation);
		*code = ok ? UKSIM_EXIT_OK : UKSIM_EXIT_FAILED;
		return ok ? "expected violation found" : "expected violation NOT found";
	}
	*code = r->found ? UKSIM_EXIT_FAILED : UKSIM_EXIT_OK;
	if (r->found)
		return "VIOLATION";
	return r->exhausted ? "no violation (space exhausted)" : "no violation";
}

/* One line of the verdict table printed after several targets. */
struct verdict_row {
	char target[256];
	uint64_t schedules;
	double rate;
	char verdict[64];
	int code;
};

static int explore_one(const struct uksim_target *ut, const struct sim_explore_config *cfg,
		       const struct explore_opts *o, struct verdict_row *row)
{
	struct sim_explore_result r;
	if (!o->json && !o->quiet)
		printf("exploring %s with %s (seed %lld, %u worker%s)\n", ut->name,
		       sim_strategy_name(cfg->strategy), (long long)cfg->seed, cfg->jobs,
		       cfg->jobs == 1 ? "" : "s");
	watch_faults(ut, o);
	int rc = sim_explore(&ut->t, cfg, &r);
	if (cfg->progress)
		fputs("\r\033[K", stderr);
	if (rc != 0) {
		/* The token first, always: the run that failed can be replayed. */
		if (r.error_in_run) {
			struct sim_token_env env = sim_token_env_of(&ut->t);
			char *token = sim_token_encode_env(ut->t.hash, &env, &r.error_schedule);
			if (token)
				fprintf(stderr, "uksim explore: %s: the run below failed; replay: %s replay %s%s --token %s\n",
					ut->name, o->prog, ut->name, o->set_args, token);
			free(token);
		}
		fprintf(stderr, "uksim explore: %s: %s\n", ut->name, r.error);
		sim_explore_result_fini(&r);
		uksim_faults_end();
		return UKSIM_EXIT_INTERNAL;
	}
	int code = UKSIM_EXIT_OK;
	char *token = NULL;
	struct shrink_report sr = {.sched = {.strategy = SIM_STRAT_SCRIPT}};
	struct sim_token_env env = sim_token_env_of(&ut->t);
	if (r.found) {
		token = sim_token_encode_env(ut->t.hash, &env, &r.found_schedule);
		/* No budget unless one is asked for: the result is 1-minimal. */
		struct sim_shrink_config sc = {.max_runs = (uint64_t)o->shrink_runs,
					       .max_seconds = o->shrink_time,
					       .progress = cfg->progress ? shrink_progress : NULL};
		int src = o->no_shrink ? -1
				       : sim_shrink_budgeted(&ut->t, &r.found_schedule,
							     r.found_outcome.violation_id, &sc,
							     &sr.sched, &sr.st);
		if (sc.progress)
			fputs("\r\033[K", stderr);
		if (src == 0) {
			sr.done = true;
			sr.token = sim_token_encode_env(ut->t.hash, &env, &sr.sched);
		}
	}
	/* --first cuts the sweep short: the space was not seen to the end. */
	bool stopped_first = cfg->stop_on_first && r.found;
	bool exhausted = r.exhausted && !stopped_first;
	r.exhausted = exhausted;
	const char *v = verdict(ut, &r, &code);
	snprintf(row->target, sizeof(row->target), "%s", ut->name);
	row->schedules = r.schedules;
	row->rate = r.seconds > 0 ? (double)r.schedules / r.seconds : 0;
	snprintf(row->verdict, sizeof(row->verdict), "%s", v);
	if (o->json) {
		if (r.found)
			print_violation_json(ut, &r, token, &sr, o);
		printf("{\"type\":\"summary\",\"target\":");
		uksim_json_string(stdout, ut->name);
		printf(",\"strategy\":\"%s\",\"seed\":%lld,\"shard\":\"%u/%u\",\"schedules\":%llu,"
		       "\"violations\":%llu,\"schedules_per_s\":%.1f,\"decisions_per_schedule\":%.2f,"
		       "\"distinct_irq_interleavings\":%llu,\"exhausted\":%s,\"stopped_at_first\":%s,"
		       "\"bound\":%u,\"verdict\":",
		       sim_strategy_name(cfg->strategy), (long long)cfg->seed, cfg->shard,
		       cfg->nshards ? cfg->nshards : 1, (unsigned long long)r.schedules,
		       (unsigned long long)r.violations, r.seconds > 0 ? (double)r.schedules / r.seconds : 0,
		       r.schedules ? (double)r.decisions / (double)r.schedules : 0,
		       (unsigned long long)r.distinct_irq, exhausted ? "true" : "false",
		       stopped_first ? "true" : "false", r.bound);
		uksim_json_string(stdout, v);
		/* What uksim merge needs to add shards up exactly. */
		printf(",\"exit\":%d,\"decisions\":%llu,\"seconds\":%.3f,\"sweep\":", code,
		       (unsigned long long)r.decisions, r.seconds);
		/* The options that decide which schedules a sweep holds: shards
		 * merge only when theirs are the same. */
		char *sweep = g_strdup_printf("runs=%llu time=%g depth=%u preemptions=%u window=%lld "
					      "first=%d check-determinism=%d%s",
					      (unsigned long long)cfg->runs, cfg->time_s, cfg->depth,
					      cfg->preemptions, (long long)o->window,
					      cfg->stop_on_first, cfg->check_determinism, o->set_args);
		uksim_json_string(stdout, sweep);
		g_free(sweep);
		if (cfg->nshards > 1) {
			printf(",\"irq_signatures\":[");
			for (size_t k = 0; k < r.nirq_signatures; k++)
				printf("%s\"%016llx\"", k ? "," : "",
				       (unsigned long long)r.irq_signatures[k]);
			printf("]");
		}
		printf("}\n");
	} else {
		if (r.found) {
			const struct sim_outcome *fo = &r.found_outcome;
			char cpu[16] = "";
			if (strcmp(fo->violation_id, "expect"))
				snprintf(cpu, sizeof(cpu), " on CPU %u", fo->cpu);
			printf("  violation %s in schedule %llu at %llu ns%s: %s\n", fo->violation_id,
			       (unsigned long long)r.found_index, (unsigned long long)fo->time_ns, cpu,
			       fo->message);
			printf("  replay: %s replay %s%s --token %s\n", o->prog, ut->name, o->set_args,
			       token);
			fflush(stdout);
			if (sr.done) {
				char why[96];
				const char *cut = shrink_cut(&sr, o, why, sizeof(why));
				printf("  shrunk from %zu to %zu departure%s (%llu runs%s): %s replay %s%s "
				       "--token %s\n",
				       sr.st.from, sr.sched.ndev, sr.sched.ndev == 1 ? "" : "s",
				       (unsigned long long)sr.st.runs, cut ? "" : ", 1-minimal", o->prog,
				       ut->name, o->set_args, sr.token);
				if (cut)
					printf("  shrinking stopped by %s after %llu runs: some of the %zu "
					       "departures left may not be needed\n",
					       cut, (unsigned long long)sr.st.runs, sr.sched.ndev);
			}
		}
		if (cfg->strategy == SIM_STRAT_BOUNDED)
			printf("  %s with up to %u departure%s from virtual-time order\n",
			       stopped_first ? "stopped at the first violation"
			       : exhausted   ? "space exhausted"
					     : "search stopped",
			       r.bound, r.bound == 1 ? "" : "s");
		printf("  %llu schedules in %.2f s (%.0f/s), %.1f choices per schedule, %llu distinct IRQ "
		       "interleavings\n",
		       (unsigned long long)r.schedules, r.seconds,
		       r.seconds > 0 ? (double)r.schedules / r.seconds : 0,
		       r.schedules ? (double)r.decisions / (double)r.schedules : 0,
		       (unsigned long long)r.distinct_irq);
		printf("  verdict: %s\n", v);
	}
	/* The story and the timelines of the (shrunk) violation, or of the
	 * virtual-time schedule when nothing was found. */
	if ((r.found && !o->json && !o->quiet) || o->trace_json || o->trace_vcd || o->sink) {
		struct sim_schedule none = {.strategy = SIM_STRAT_SCRIPT};
		const struct sim_schedule *show = sr.done ? &sr.sched : r.found ? &r.found_schedule : &none;
		struct sim_outcome out;
		int erc = export_traces(ut, show, o, &out);
		if (erc != 0) {
			code = erc;
		} else {
			char *story = r.found ? sim_story(&out, STORY_CONTEXT) : NULL;
			if (story && !o->json && !o->quiet)
				fputs(story, stdout);
			if (o->sink) {
				char *replay = token ? g_strdup_printf("%s replay %s%s --token %s", o->prog,
								       ut->name, o->set_args, token)
						     : NULL;
				char *shrunk = sr.done ? g_strdup_printf("%s replay %s%s --token %s",
									 o->prog, ut->name, o->set_args,
									 sr.token)
						       : NULL;
				char why[96];
				struct uksim_explored e = {
					.ut = ut, .r = &r, .verdict = v, .code = code, .replay = replay,
					.shrunk_replay = shrunk, .shrunk = sr.done ? &sr.sched : NULL,
					.shrink = sr.done ? &sr.st : NULL,
					.shrink_cut = sr.done ? shrink_cut(&sr, o, why, sizeof(why)) : NULL,
					.shown = &out, .story = story,
				};
				int src = o->sink->target(o->sink->ctx, &e);
				if (src > code)
					code = src;
				g_free(replay);
				g_free(shrunk);
			}
			free(story);
		}
		sim_outcome_fini(&out);
	}
	free(token);
	free(sr.token);
	sim_schedule_fini(&sr.sched);
	sim_explore_result_fini(&r);
	uksim_faults_end();
	row->code = code;
	return code;
}

int uksim_cmd_explore(const struct uksim_cmd *cmd, int argc, char **argv)
{
	return uksim_explore_into(cmd, argc, argv, NULL);
}

int uksim_explore_into(const struct uksim_cmd *cmd, int argc, char **argv,
		       const struct uksim_explore_sink *sink)
{
	struct explore_opts o = {.runs = RUNS_DEFAULT, .seed = 1, .window = -1, .depth = 3,
				 .preemptions = 2, .jobs = 0, .prog = uksim_program(), .sink = sink,
				 .cmd = cmd->name, .hang = UKSIM_HANG_UNSET};
	GOptionEntry entries[] = {
		{"strategy", 0, 0, G_OPTION_ARG_STRING, &o.strategy, "random (default), pct or bounded", "S"},
		{"runs", 0, 0, G_OPTION_ARG_INT64, &o.runs, "Schedules to run (default 10000; bounded: a cap)", "N"},
		{"time", 0, 0, G_OPTION_ARG_DOUBLE, &o.time_s, "Stop after S seconds of host time", "S"},
		{"depth", 0, 0, G_OPTION_ARG_INT, &o.depth, "PCT depth D: D-1 priority change points (default 3)", "D"},
		{"preemptions", 0, 0, G_OPTION_ARG_INT, &o.preemptions, "Bounded: departures from virtual-time order, K (default 2)", "K"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Master seed (default 1)", "S"},
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "Worker threads (default: the number of cores)", "N"},
		{"shard", 0, 0, G_OPTION_ARG_STRING, &o.shard, "Run only schedules I, I+N, I+2N, ... of the sweep", "I/N"},
		{"window", 0, 0, G_OPTION_ARG_INT64, &o.window, "Race window in ns (default: the target's)", "NS"},
		{"check-determinism", 0, 0, G_OPTION_ARG_NONE, &o.check_det, "Run each schedule twice and compare trace hashes", NULL},
		{"first", 0, 0, G_OPTION_ARG_NONE, &o.first, "Stop at the first violation", NULL},
		{"no-shrink", 0, 0, G_OPTION_ARG_NONE, &o.no_shrink, "Do not shrink a violating schedule", NULL},
		{"shrink-budget", 0, 0, G_OPTION_ARG_INT64, &o.shrink_runs, "Stop shrinking after N runs (default: none, shrink until 1-minimal)", "N"},
		{"shrink-time", 0, 0, G_OPTION_ARG_DOUBLE, &o.shrink_time, "Stop shrinking after S seconds of host time (default: none)", "S"},
		{"trace", 0, 0, G_OPTION_ARG_FILENAME, &o.trace_json, "Write the violation's timeline as Chrome/Perfetto JSON", "FILE"},
		{"vcd", 0, 0, G_OPTION_ARG_FILENAME, &o.trace_vcd, "Write its IRQ lines and sequences as VCD (GTKWave)", "FILE"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "JSON lines: one per violation, then a summary", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress line and no story", NULL},
		UKSIM_SET_ENTRY(o.sets),
		UKSIM_LOAD_ENTRY(o.loads),
		UKSIM_HANG_ENTRY(o.hang),
		{0},
	};
	int code = UKSIM_EXIT_USAGE;
	if (!uksim_parse(cmd, entries, &argc, &argv))
		goto out;
	/* uksim report takes its output file before the targets. */
	if (sink && sink->begin(sink->ctx, &argc, &argv) != 0)
		goto out;
	if (argc < 2) {
		fprintf(stderr, "uksim %s: which target? (a scenario file or demo:race)\n", cmd->name);
		goto out;
	}
	struct sim_explore_config cfg = {
		.strategy = SIM_STRAT_RANDOM, .seed = (uint64_t)o.seed, .time_s = o.time_s,
		.check_determinism = o.check_det, .stop_on_first = o.first,
	};
	if (o.strategy && (sim_strategy_parse(o.strategy, &cfg.strategy) != 0)) {
		fprintf(stderr, "uksim %s: unknown strategy '%s' (random, pct, bounded)\n", cmd->name,
			o.strategy);
		goto out;
	}
	if (o.depth < 1 || o.depth > 32 || o.preemptions < 0 || o.preemptions > 16 || o.jobs < 0 ||
	    o.time_s < 0 || o.shrink_runs < 0 || o.shrink_time < 0) {
		fprintf(stderr, "uksim %s: --depth 1..32, --preemptions 0..16, others not negative\n",
			cmd->name);
		goto out;
	}
	if (uksim_hang_bad(o.hang)) {
		fprintf(stderr, "uksim %s: --hang-timeout takes seconds from 0 (never) to a year\n",
			cmd->name);
		goto out;
	}
	if (o.runs != RUNS_DEFAULT && o.runs <= 0) {
		fprintf(stderr, "uksim %s: --runs takes a number of schedules >= 1, not %lld\n",
			cmd->name, (long long)o.runs);
		goto out;
	}
	if (o.shard && uksim_parse_shard(o.shard, &cfg.shard, &cfg.nshards) != 0) {
		fprintf(stderr, "uksim %s: --shard wants I/N with 0 <= I < N\n", cmd->name);
		goto out;
	}
	/* A shard's JSON lists the IRQ orders it saw, for uksim merge. */
	cfg.keep_irq_signatures = o.json && cfg.nshards > 1;
	cfg.depth = (unsigned)o.depth;
	cfg.preemptions = (unsigned)o.preemptions;
	cfg.runs = o.runs != RUNS_DEFAULT ? (uint64_t)o.runs
			       : (cfg.strategy == SIM_STRAT_BOUNDED || o.time_s > 0 ? 0 : 10000);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.jobs = o.jobs ? (unsigned)o.jobs : (unsigned)(cores > 0 ? cores : 1);
	if (!o.json && !o.quiet && isatty(STDERR_FILENO))
		cfg.progress = progress;
	code = UKSIM_EXIT_OK;
	o.set_args = uksim_replay_args((const char *const *)o.sets, (const char *const *)o.loads);
	GPtrArray *targets = g_ptr_array_new_with_free_func(g_free);
	uksim_collect_scenarios("explore", argv + 1, argc - 1, targets);
	struct verdict_row *rows = g_new0(struct verdict_row, targets->len ? targets->len : 1);
	guint done = 0;
	for (guint i = 0; i < targets->len; i++) {
		struct uksim_target ut;
		char err[2048];
		if (uksim_target_open_set(targets->pdata[i], o.window, (const char *const *)o.sets,
					  (const char *const *)o.loads,
					  &ut, err, sizeof(err)) != 0) {
			fprintf(stderr, "uksim %s: %s\n", cmd->name, err);
			code = UKSIM_EXIT_USAGE;
			break;
		}
		/* Check -j against this target's memory before any worker starts. */
		struct sim_explore_config tcfg = cfg;
		if (uksim_jobs_fit("explore", ut.name, ut.memory, &tcfg.jobs, o.jobs != 0) !=
		    UKSIM_EXIT_OK) {
			uksim_target_close(&ut);
			code = UKSIM_EXIT_USAGE;
			break;
		}
		int c = explore_one(&ut, &tcfg, &o, &rows[done++]);
		uksim_target_close(&ut);
		if (c > code)
			code = c;
	}
	if (done > 1 && !o.json) {
		printf("\n%-52s %10s %10s  %s\n", "target", "schedules", "per s", "verdict");
		for (guint i = 0; i < done; i++)
			printf("%-52s %10llu %10.0f  %s%s\n", rows[i].target,
			       (unsigned long long)rows[i].schedules, rows[i].rate, rows[i].verdict,
			       rows[i].code ? "  <--" : "");
	}
	/* A report is written only when every target could be explored. */
	if (sink && code != UKSIM_EXIT_USAGE) {
		int rc = sink->end(sink->ctx);
		if (rc > code)
			code = rc;
	}
	g_free(rows);
	g_ptr_array_free(targets, TRUE);
out:
	g_free(o.strategy);
	g_free(o.shard);
	g_free(o.trace_json);
	g_free(o.trace_vcd);
	g_strfreev(o.sets);
	g_strfreev(o.loads);
	g_free(o.set_args);
	return code;
}

/* How a departure is named in JSON (the story says it in words). */
static const char *choice_kind(const struct sim_decision *d)
{
	switch (d->kind) {
	case SIM_CHOICE_CPU: return "cpu";
	case SIM_CHOICE_IRQ: return "interrupt";
	default: return sim_decision_value_kind(d);
	}
}

/* replay --json: the departures from virtual-time order, and statistics of
 * the run from its trace (kept whole up to TRACE_KEEP records). */
static void print_replay_json_details(const struct sim_outcome *o)
{
	size_t ndev = 0;
	printf(",\"departures\":[");
	for (size_t i = 0; i < o->dlog_len; i++) {
		const struct sim_decision *d = &o->dlog[i];
		if (d->choice == d->dflt)
			continue;
		printf("%s{\"choice\":%zu,\"time_ns\":%llu,\"kind\":\"%s\",\"cpu\":%u,"
		       "\"option\":%u,\"default\":%u,\"options\":%u",
		       ndev++ ? "," : "", i, (unsigned long long)d->time, choice_kind(d), d->cpu,
		       d->choice, d->dflt, d->n);
		if (d->kind == SIM_CHOICE_CPU)
			printf(",\"runs\":%u,\"instead_of\":%u", d->choice_cpu, d->dflt_cpu);
		/* The thread the choice was made on, by the scenario's name. */
		char who[SIM_NAME_MAX + 32];
		unsigned on = d->kind == SIM_CHOICE_CPU ? d->choice_cpu : d->cpu;
		const char *thr = sim_names_running(o->names, &o->trace, on, d->time, who, sizeof(who));
		printf(",\"thread\":");
		if (thr)
			uksim_json_string(stdout, thr);
		else
			printf("null");
		printf("}");
	}
	uint64_t end = 0, irqs = 0, switches = 0, raises = 0;
	for (size_t i = 0; i < o->trace.len; i++) {
		const struct sim_trace_rec *r = &o->trace.recs[i];
		if (r->time > end)
			end = r->time;
		irqs += r->kind == SIM_TR_IRQ_TAKE;
		switches += r->kind == UKSIM_TRACE_SWITCH;
		raises += r->kind == UKSIM_TRACE_IRQ_RAISE;
	}
	printf("],\"names\":");
	fflush(stdout);
	sim_names_print_json(stdout, o->names);
	printf(",\"statistics\":{\"end_ns\":%llu,\"steps\":%llu,\"decisions\":%llu,"
	       "\"departures\":%zu,\"interrupts_taken\":%llu,\"switches\":%llu,\"irq_raises\":%llu,"
	       "\"trace_records\":%llu,\"trace_complete\":%s}",
	       (unsigned long long)end, (unsigned long long)o->steps,
	       (unsigned long long)o->decisions, ndev, (unsigned long long)irqs,
	       (unsigned long long)switches, (unsigned long long)raises,
	       (unsigned long long)o->trace.count, o->trace.count == o->trace.len ? "true" : "false");
}

int uksim_cmd_replay(const struct uksim_cmd *cmd, int argc, char **argv)
{
	struct explore_opts o = {.window = -1, .cmd = cmd->name, .hang = UKSIM_HANG_UNSET};
	GOptionEntry entries[] = {
		{"token", 0, 0, G_OPTION_ARG_STRING, &o.token, "The replay token printed by uksim explore", "T"},
		{"window", 0, 0, G_OPTION_ARG_INT64, &o.window, "Race window in ns (must match the exploration)", "NS"},
		{"trace", 0, 0, G_OPTION_ARG_FILENAME, &o.trace_json, "Write the timeline as Chrome/Perfetto JSON", "FILE"},
		{"vcd", 0, 0, G_OPTION_ARG_FILENAME, &o.trace_vcd, "Write IRQ lines and sequences as VCD (GTKWave)", "FILE"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No story", NULL},
		UKSIM_SET_ENTRY(o.sets),
		UKSIM_LOAD_ENTRY(o.loads),
		UKSIM_HANG_ENTRY(o.hang),
		{0},
	};
	int code = UKSIM_EXIT_USAGE;
	struct uksim_target ut = {0};
	bool opened = false;
	struct sim_schedule s = {.strategy = SIM_STRAT_SCRIPT};
	char err[2048];
	if (!uksim_parse(cmd, entries, &argc, &argv))
		goto out;
	if (argc != 2 || !o.token) {
		fprintf(stderr, "uksim replay: usage: uksim replay TARGET --token T\n");
		goto out;
	}
	if (uksim_hang_bad(o.hang)) {
		fprintf(stderr, "uksim replay: --hang-timeout takes seconds from 0 (never) to a year\n");
		goto out;
	}
	if (uksim_target_open_set(argv[1], o.window, (const char *const *)o.sets,
				  (const char *const *)o.loads, &ut, err,
				  sizeof(err)) != 0) {
		fprintf(stderr, "uksim replay: %s\n", err);
		goto out;
	}
	opened = true;
	/* The token names what it needs to replay (scenario, build, checks,
	 * shared objects); a difference is bad input (exit 2), said plainly. */
	struct sim_token_env env = sim_token_env_of(&ut.t);
	if (sim_token_decode_env(o.token, ut.t.hash, &env, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "uksim replay: %s\n", err);
		goto out;
	}
	struct sim_outcome out;
	o.prog = uksim_program();
	o.set_args = uksim_replay_args((const char *const *)o.sets, (const char *const *)o.loads);
	watch_faults(&ut, &o);
	code = export_traces(&ut, &s, &o, &out);
	uksim_faults_end();
	if (code == UKSIM_EXIT_OK) {
		bool expected = ut.expect_violation[0] && out.violation &&
				!strcmp(out.violation_id, ut.expect_violation);
		code = (out.violation && !expected) || (ut.expect_violation[0] && !expected)
			       ? UKSIM_EXIT_FAILED : UKSIM_EXIT_OK;
		if (out.violation && !strcmp(out.violation_id, SIM_KERNEL_INVARIANT))
			code = UKSIM_EXIT_INTERNAL; /* a kernel check failed, as explore says */
		if (o.json) {
			printf("{\"target\":");
			uksim_json_string(stdout, ut.name);
			printf(",\"result\":\"%s\",\"violation\":", sim_result_name(out.result));
			if (out.violation)
				uksim_json_string(stdout, out.violation_id);
			else
				printf("null");
			printf(",\"message\":");
			uksim_json_string(stdout, out.message);
			printf(",\"time_ns\":");
			if (out.violation)
				printf("%llu,\"cpu\":", (unsigned long long)out.time_ns);
			else
				printf("null,\"cpu\":");
			char who[SIM_NAME_MAX + 32];
			const char *thr = NULL;
			if (out.violation && strcmp(out.violation_id, "expect")) {
				printf("%u", out.cpu);
				thr = sim_names_running(out.names, &out.trace, out.cpu, out.time_ns, who,
							sizeof(who));
			} else {
				printf("null");
			}
			printf(",\"thread\":");
			if (thr)
				uksim_json_string(stdout, thr);
			else
				printf("null");
			printf(",\"trace_hash\":\"%016llx\",\"decisions\":%llu,\"exit\":%d",
			       (unsigned long long)out.trace_hash, (unsigned long long)out.decisions, code);
			print_replay_json_details(&out);
			printf("}\n");
		} else {
			printf("replay of %s: %s\n", ut.name, sim_result_name(out.result));
			if (out.violation && !strcmp(out.violation_id, "expect"))
				printf("  violation %s at %llu ns: %s\n", out.violation_id,
				       (unsigned long long)out.time_ns, out.message);
			else if (out.violation) {
				char who[SIM_NAME_MAX + 32];
				const char *thr = sim_names_running(out.names, &out.trace, out.cpu,
								    out.time_ns, who, sizeof(who));
				printf("  violation %s at %llu ns on CPU %u%s%s%s: %s\n", out.violation_id,
				       (unsigned long long)out.time_ns, out.cpu, thr ? " (" : "",
				       thr ? thr : "", thr ? ")" : "", out.message);
			}
			else
				printf("  no violation\n");
			printf("  trace hash %016llx, %llu choices\n", (unsigned long long)out.trace_hash,
			       (unsigned long long)out.decisions);
			if (!o.quiet) {
				char *story = sim_story(&out, STORY_CONTEXT);
				fputs(story, stdout);
				free(story);
			}
		}
	}
	sim_outcome_fini(&out);
out:
	sim_schedule_fini(&s);
	if (opened)
		uksim_target_close(&ut);
	g_free(o.token);
	g_free(o.set_args);
	g_free(o.trace_json);
	g_free(o.trace_vcd);
	g_strfreev(o.sets);
	g_strfreev(o.loads);
	return code;
}
