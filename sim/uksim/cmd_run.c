/* SPDX-License-Identifier: MIT */
/* uksim run FILE: run one schedule of a scenario and check its expectations. */
#include "uksim.h"
#include "faults.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sim/export.h>
#include <sim/runtime.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h> /* UK_TRACE_IRQ_VIOLATION: the first IRQ trace kind that is no log record */

struct run_opts {
	gint64 seed, window, trace_limit;
	gboolean json;
	gchar **loads;
	gchar *chooser;
	gchar **sets;
	gchar *trace_json, *trace_vcd; /* --trace FILE, --vcd FILE */
	gdouble hang;                  /* --hang-timeout S */
	gchar *irq_log;                /* --irq-log ("-": into the output) or --irq-log=FILE */
};

/* Records kept when a timeline is asked for (as explore and replay keep). */
#define RUN_TRACE_KEEP (1u << 20)

/* Write the run's timelines: Chrome/Perfetto JSON and VCD, as explore and
 * replay write them. */
static int write_traces(const struct run_opts *ro, const struct uks_scenario *s,
			const struct sim_run_report *r)
{
	struct sim_trace t;
	sim_trace_init(&t, 0);
	t.recs = r->trace;
	t.len = t.cap = t.count = r->trace_len;
	t.hash = r->trace_hash;
	int rc = uksim_write_traces("run", &t, r->names, s->machine.cpus, s->name, ro->trace_json,
				    ro->trace_vcd);
	if (rc != UKSIM_EXIT_OK)
		return rc;
	if (r->stats.steps && r->trace_len >= RUN_TRACE_KEEP)
		fprintf(stderr, "uksim run: the timeline holds the first %u trace records only\n",
			RUN_TRACE_KEEP);
	return UKSIM_EXIT_OK;
}

/* ---- --irq-log: the kernel's IRQ log records, one line each ---- */

/* Every record of the kernel's IRQ log is also a trace record (uk_irq_emit
 * appends, then traces, under the kernel lock), kind UK_TRACE_IRQ(kind) with
 * (pin, sink, argument); the trace adds the CPU. The report carries a copy
 * of the log too (keep_irq_log), in the same order: the n-th IRQ trace
 * record is log record n, which has the flags and the transition step the
 * trace lacks. Without the copy (the log was full) they print as 0. */
static bool irq_record(const struct sim_run_report *r, size_t i, size_t n,
		       struct uk_irq_event *ev, uint32_t *cpu)
{
	const struct sim_trace_rec *tr = &r->trace[i];
	if (tr->kind <= UK_TRACE_IRQ_BASE || tr->kind >= UK_TRACE_IRQ_VIOLATION)
		return false;
	*ev = (struct uk_irq_event){.t = tr->time, .arg = tr->c, .pin = (uint32_t)tr->a,
				    .sink = (uint32_t)tr->b,
				    .kind = (uint16_t)(tr->kind - UK_TRACE_IRQ_BASE)};
	if (n < r->irq_log_len && r->irq_log[n].kind == ev->kind && r->irq_log[n].pin == ev->pin &&
	    r->irq_log[n].t == ev->t)
		*ev = r->irq_log[n];
	*cpu = tr->cpu == 0xffff ? UK_IRQ_CPU_UNKNOWN : tr->cpu;
	return true;
}

/* The trace stopped keeping records (at its limit: RUN_TRACE_KEEP, or a
 * larger --trace-limit): the records after it are not in the report. */
static bool irq_log_cut(const struct sim_run_report *r, size_t limit)
{
	return r->trace_len >= limit;
}

/* "irq-log: N records", the count of each kind seen, then the records, as
 * the metal image prints them over serial (metal/x86_64/scenario.c). */
static void print_irq_log(FILE *f, const struct sim_run_report *r, size_t limit)
{
	enum { KINDS = 64 };
	uint64_t n = 0, count[KINDS] = {0};
	struct uk_irq_event ev;
	uint32_t cpu;
	char line[256];

	for (size_t i = 0; i < r->trace_len; i++)
		if (irq_record(r, i, n, &ev, &cpu)) {
			n++;
			count[ev.kind < KINDS ? ev.kind : 0]++;
		}
	fprintf(f, "irq-log: %llu records%s\n", (unsigned long long)n,
		irq_log_cut(r, limit) ? " (the trace was full: later records are not shown)" : "");
	fputs("  kinds:", f);
	const char *sep = " ";
	for (unsigned k = 0; k < KINDS; k++) {
		if (!count[k])
			continue;
		const char *name = uk_irq_event_kind_name(k);
		if (name)
			fprintf(f, "%s%s %llu", sep, name, (unsigned long long)count[k]);
		else
			fprintf(f, "%sother %llu", sep, (unsigned long long)count[k]);
		sep = ", ";
	}
	fputs(n ? "\n" : " none\n", f);
	for (size_t i = 0, k = 0; i < r->trace_len; i++)
		if (irq_record(r, i, k++, &ev, &cpu)) {
			uk_irq_event_format(&ev, cpu, line, sizeof(line));
			fprintf(f, "  %s\n", line);
		} else {
			k--;
		}
}

/* The `irq_log` array of --json: one object per record. */
static void print_irq_log_json(FILE *f, const struct sim_run_report *r, size_t limit)
{
	struct uk_irq_event ev;
	uint32_t cpu;
	char line[256];
	const char *sep = "";

	fputs(", \"irq_log\": [", f);
	for (size_t i = 0, k = 0; i < r->trace_len; i++) {
		if (!irq_record(r, i, k, &ev, &cpu))
			continue;
		k++;
		const char *name = uk_irq_event_kind_name(ev.kind);
		fprintf(f, "%s{\"t\": %llu, \"cpu\": ", sep, (unsigned long long)ev.t);
		if (cpu == UK_IRQ_CPU_UNKNOWN)
			fputs("null", f);
		else
			fprintf(f, "%u", cpu);
		fprintf(f, ", \"kind\": ");
		if (name)
			sim_json_string(f, name);
		else
			fprintf(f, "%u", ev.kind);
		fprintf(f, ", \"pin\": %u, \"sink\": ", ev.pin);
		if (ev.sink == UINT32_MAX)
			fputs("null", f);
		else
			fprintf(f, "%u", ev.sink);
		fprintf(f, ", \"arg\": %llu, \"text\": ", (unsigned long long)ev.arg);
		uk_irq_event_format(&ev, cpu, line, sizeof(line));
		sim_json_string(f, line);
		fputc('}', f);
		sep = ", ";
	}
	fprintf(f, "], \"irq_log_complete\": %s", irq_log_cut(r, limit) ? "false" : "true");
}

/* The report as the runtime prints it, with the IRQ log put in: the human
 * report gets the records after the expectations, before `result:`; the
 * JSON object gets its `irq_log` array before the closing brace. */
static int print_with_irq_log(const struct run_opts *ro, const struct uks_scenario *s,
			      const struct sim_run_report *r, size_t limit)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return UKSIM_EXIT_INTERNAL;
	if (ro->json)
		sim_report_print_json(mem, s, r);
	else
		sim_report_print_human(mem, s, r);
	if (fclose(mem) != 0) {
		free(text);
		return UKSIM_EXIT_INTERNAL;
	}
	size_t cut = len;
	if (ro->json) {
		while (cut > 0 && text[cut - 1] != '}')
			cut--;
		cut = cut ? cut - 1 : len;
	} else if (r->internal_error) {
		cut = len; /* no result line: the records after the message */
	} else if (!strncmp(text, "result: ", 8)) {
		cut = 0;
	} else {
		char *at = strstr(text, "\nresult: ");
		cut = at ? (size_t)(at - text) + 1 : len;
	}
	fwrite(text, 1, cut, stdout);
	if (ro->json)
		print_irq_log_json(stdout, r, limit);
	else
		print_irq_log(stdout, r, limit);
	fwrite(text + cut, 1, len - cut, stdout);
	free(text);
	return UKSIM_EXIT_OK;
}

static int bad_scenario(struct uks_diag *d)
{
	char *text = uks_diag_format(d);
	fputs(text, stderr);
	free(text);
	uks_diag_clear(d);
	return UKSIM_EXIT_USAGE;
}

/* Parse, load the scenario's objects, check its programs. */
int uksim_scenario_open(const char *file, struct sim_registry *reg, gboolean lenient,
			const char *const *sets, struct uks_scenario **out)
{
	struct uks_catalog cat;
	struct uks_diag d;
	uks_diag_init(&d);
	sim_registry_catalog(reg, lenient, &cat);
	if (uks_parse_file_set(file, &cat, sets, sets ? g_strv_length((gchar **)sets) : 0, out,
			       &d) != 0)
		return bad_scenario(&d);
	if (sim_registry_load_scenario(reg, *out, &d) != 0 || sim_runtime_check(*out, reg, &d) != 0) {
		uks_scenario_free(*out);
		*out = NULL;
		return bad_scenario(&d);
	}
	return UKSIM_EXIT_OK;
}

static int run_one(const char *file, const struct run_opts *ro)
{
	char err[512];
	struct sim_registry *reg = NULL;
	size_t nloads = ro->loads ? g_strv_length(ro->loads) : 0;
	if (sim_registry_create((const char *const *)ro->loads, nloads, &reg, err, sizeof(err)) != 0) {
		fprintf(stderr, "uksim run: %s\n", err);
		return UKSIM_EXIT_USAGE;
	}
	struct uks_scenario *s = NULL;
	int rc = uksim_scenario_open(file, reg, nloads > 0, (const char *const *)ro->sets, &s);
	if (rc != UKSIM_EXIT_OK) {
		sim_registry_free(reg);
		return rc;
	}
	/* --irq-log=FILE: opened before the run, so a FILE that cannot be
	 * written is refused (exit 2) without running. */
	bool irq_log_inline = ro->irq_log && !strcmp(ro->irq_log, "-");
	FILE *irq_log_file = NULL;
	if (ro->irq_log && !irq_log_inline && !(irq_log_file = fopen(ro->irq_log, "w"))) {
		fprintf(stderr, "uksim run: --irq-log: cannot write %s: %s\n", ro->irq_log,
			g_strerror(errno));
		uks_scenario_free(s);
		sim_registry_free(reg);
		return UKSIM_EXIT_USAGE;
	}
	struct sim_runtime_options o = {
		.registry = reg,
		.race_window_ns = (uint64_t)ro->window,
		.trace_limit = (size_t)ro->trace_limit,
	};
	if ((ro->trace_json || ro->trace_vcd || ro->irq_log) && o.trace_limit < RUN_TRACE_KEEP)
		o.trace_limit = RUN_TRACE_KEEP;
	o.keep_irq_log = ro->irq_log != NULL;
	/* One schedule of the random strategy with this seed (the explorer's
	 * view of "seed N"), or virtual-time order with --chooser time. */
	struct sim_engine_config ec = {
		.seed = (uint64_t)ro->seed,
		.chooser = sim_chooser_find(ro->chooser ? ro->chooser : "random"),
		.race_window_ns = (uint64_t)ro->window,
	};
	/* A program that crashes, exits or hangs is named with the replay
	 * command of this schedule: the random chooser's seed as a token
	 * (what explore's schedule with that seed is). The time chooser's run
	 * is not the explorer's virtual-time schedule (the empty script
	 * places windows and races differently): no token for it. */
	struct sim_target t;
	bool watched = sim_scenario_target(s, &o, &t) == 0;
	struct sim_schedule sched = {.strategy = SIM_STRAT_RANDOM, .seed = (uint64_t)ro->seed};
	if (watched) {
		char *args = uksim_replay_args((const char *const *)ro->sets,
					       (const char *const *)ro->loads);
		char *all = ro->window > 0 ? g_strdup_printf("%s --window %lld", args,
							     (long long)ro->window)
					   : g_strdup(args);
		uksim_faults_begin(&t, file, all, ro->hang);
		g_free(all);
		g_free(args);
		uksim_faults_set_schedule(ec.chooser == &sim_chooser_random ? &sched : NULL);
		uksim_faults_arm_thread();
	}
	struct sim_run_report r;
	int runrc = sim_runtime_run(s, &o, &ec, (uint64_t)ro->seed, &r);
	if (watched) {
		uksim_faults_set_schedule(NULL);
		uksim_faults_end();
		sim_scenario_target_fini(&t);
	}
	if (runrc != 0) {
		fprintf(stderr, "uksim run: out of memory\n");
		rc = UKSIM_EXIT_INTERNAL;
	} else {
		int prc = UKSIM_EXIT_OK;
		if (irq_log_inline)
			prc = print_with_irq_log(ro, s, &r, o.trace_limit);
		else if (ro->json)
			sim_report_print_json(stdout, s, &r);
		else
			sim_report_print_human(stdout, s, &r);
		if (irq_log_file) {
			print_irq_log(irq_log_file, &r, o.trace_limit);
			if (fclose(irq_log_file) != 0) {
				fprintf(stderr, "uksim run: cannot write %s\n", ro->irq_log);
				prc = UKSIM_EXIT_USAGE;
			}
			irq_log_file = NULL;
		}
		rc = r.bad_scenario ? UKSIM_EXIT_USAGE
			: r.internal_error || r.result == SIM_ERROR ? UKSIM_EXIT_INTERNAL
			: r.all_met			       ? UKSIM_EXIT_OK
							       : UKSIM_EXIT_FAILED;
		if (prc == UKSIM_EXIT_INTERNAL || (prc != UKSIM_EXIT_OK && rc != UKSIM_EXIT_INTERNAL))
			rc = prc;
		if (!r.internal_error && (ro->trace_json || ro->trace_vcd)) {
			int trc = write_traces(ro, s, &r);
			if (trc != UKSIM_EXIT_OK)
				rc = trc;
		}
		sim_run_report_fini(&r);
	}
	if (irq_log_file)
		fclose(irq_log_file);
	uks_scenario_free(s);
	sim_registry_free(reg);
	return rc;
}

int uksim_cmd_run(const struct uksim_cmd *cmd, int argc, char **argv)
{
	struct run_opts ro = {.seed = 1, .window = 0, .trace_limit = 65536,
			      .hang = UKSIM_HANG_UNSET};
	GOptionEntry entries[] = {
		{"seed", 0, 0, G_OPTION_ARG_INT64, &ro.seed, "seed of the run (default 1)", "N"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &ro.json, "print one JSON object", NULL},
		{"window", 0, 0, G_OPTION_ARG_INT64, &ro.window,
		 "race window in ns (default 1000; used by random choosers)", "NS"},
		UKSIM_LOAD_ENTRY(ro.loads),
		{"trace-limit", 0, 0, G_OPTION_ARG_INT64, &ro.trace_limit,
		 "trace records kept for the report (default 65536)", "N"},
		{"chooser", 0, 0, G_OPTION_ARG_STRING, &ro.chooser,
		 "random (default: the seed picks the schedule) or time (virtual-time order)",
		 "C"},
		UKSIM_SET_ENTRY(ro.sets),
		{"trace", 0, 0, G_OPTION_ARG_FILENAME, &ro.trace_json,
		 "write the run's timeline as Chrome/Perfetto JSON", "FILE"},
		{"vcd", 0, 0, G_OPTION_ARG_FILENAME, &ro.trace_vcd,
		 "write its IRQ lines and sequences as VCD (GTKWave)", "FILE"},
		UKSIM_HANG_ENTRY(ro.hang),
		{"irq-log", 0, 0, G_OPTION_ARG_FILENAME, &ro.irq_log,
		 "print the kernel's IRQ log records (after the expectations; the JSON's irq_log "
		 "array), or with =FILE write them to FILE",
		 "[=FILE]"},
		{0},
	};
	/* A bare --irq-log (GOption's options take their value or none, not
	 * either) means "into the output": "-". */
	char inline_arg[] = "--irq-log=-";
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--irq-log"))
			argv[i] = inline_arg;
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	int rc;
	if (argc != 2) {
		fprintf(stderr, "uksim run: expected one scenario file (uksim help run)\n");
		rc = UKSIM_EXIT_USAGE;
	} else if (ro.seed < 0 || ro.window < 0 || ro.trace_limit < 0) {
		fprintf(stderr, "uksim run: --seed, --window and --trace-limit take numbers >= 0\n");
		rc = UKSIM_EXIT_USAGE;
	} else if (uksim_hang_bad(ro.hang)) {
		fprintf(stderr, "uksim run: --hang-timeout takes seconds from 0 (never) to a year\n");
		rc = UKSIM_EXIT_USAGE;
	} else if (ro.chooser && strcmp(ro.chooser, "random") && strcmp(ro.chooser, "time")) {
		fprintf(stderr, "uksim run: --chooser is random or time, not '%s'\n", ro.chooser);
		rc = UKSIM_EXIT_USAGE;
	} else {
		rc = run_one(argv[1], &ro);
	}
	g_strfreev(ro.loads);
	g_free(ro.chooser);
	g_strfreev(ro.sets);
	g_free(ro.trace_json);
	g_free(ro.trace_vcd);
	g_free(ro.irq_log);
	return rc;
}
