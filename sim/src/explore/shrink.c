/* SPDX-License-Identifier: MIT */
/*
 * Shrinking a violating schedule to a 1-minimal one.
 *
 * The schedule is put in scripted form: its departures from virtual-time
 * order. A trial drops some of them (those choices go back to their
 * defaults: a preemption not taken, an interrupt not deferred, a windowed
 * action at its window's default place) and keeps the drop when the run
 * still breaks with the same violation id. After a kept drop the schedule
 * is rewritten from the new run's own decision log, since later choices
 * may have moved: the rewritten form replays the same run and has no more
 * departures than the trial.
 *
 * Three stages, cheapest first:
 *   1. the empty schedule (virtual-time order), one run: many bugs need
 *      no departure at all, and a PCT schedule departs almost everywhere;
 *   2. ddmin (Zeller and Hildebrandt, "Simplifying and Isolating
 *      Failure-Inducing Input", TSE 2002) over the departures: split them
 *      into n contiguous chunks, keep a chunk alone or its complement when
 *      the violation survives, otherwise double n; it stops before the
 *      chunks are single departures, which stage 3 covers;
 *   3. single drops, last departure first, until a whole pass keeps none:
 *      then no single departure can go (1-minimal).
 * A budget (runs, host seconds) is optional; when it stops the work the
 * result still breaks the target but may not be 1-minimal, and the stats
 * say so (never silently).
 */
#include <sim/explore.h>
#include <sim/bench.h>

#include <stdlib.h>
#include <string.h>

struct shrinker {
	const struct sim_target *t;
	const char *id;
	const struct sim_shrink_config *cfg;
	struct sim_shrink_stats *st;
	uint64_t started_ns;
	struct sim_schedule cur;    /* scripted, breaks the target */
};

/* May another run be made? Sets the stats' reason when not. */
static bool budget_left(struct shrinker *s)
{
	if (s->cfg->max_runs && s->st->runs >= s->cfg->max_runs) {
		s->st->out_of_runs = true;
		return false;
	}
	if (s->cfg->max_seconds > 0 &&
	    (double)(sim_bench_now_ns() - s->started_ns) / 1e9 >= s->cfg->max_seconds) {
		s->st->out_of_time = true;
		return false;
	}
	return true;
}

/* Run `trial`; if it breaks with the same id, it (in its rewritten form)
 * becomes the current schedule. Returns 1 kept, 0 not kept, -1 error. */
static int try_schedule(struct shrinker *s, const struct sim_schedule *trial)
{
	struct sim_outcome o;
	s->st->runs++;
	if (sim_run_schedule(s->t, trial, true, &o) != 0) {
		sim_outcome_fini(&o);
		return -1;
	}
	int kept = 0;
	if (o.violation && !strcmp(o.violation_id, s->id)) {
		struct sim_schedule c;
		if (sim_schedule_from_log(o.dlog, o.dlog_len, &c) != 0) {
			sim_outcome_fini(&o);
			return -1;
		}
		sim_schedule_fini(&s->cur);
		s->cur = c;
		kept = 1;
	}
	sim_outcome_fini(&o);
	if (s->cfg->progress)
		s->cfg->progress(s->cfg->progress_ctx, s->st->runs, s->cur.ndev);
	return kept;
}

/* Try the current departures [from, to) alone (keep = true) or all the
 * others (keep = false). */
static int try_range(struct shrinker *s, size_t from, size_t to, bool keep)
{
	size_t n = keep ? to - from : s->cur.ndev - (to - from);
	struct sim_schedule trial = {.strategy = SIM_STRAT_SCRIPT, .ndev = n};
	trial.dev = malloc((n ? n : 1) * sizeof(*trial.dev));
	if (!trial.dev)
		return -1;
	if (keep) {
		memcpy(trial.dev, s->cur.dev + from, n * sizeof(*trial.dev));
	} else {
		memcpy(trial.dev, s->cur.dev, from * sizeof(*trial.dev));
		memcpy(trial.dev + from, s->cur.dev + to, (s->cur.ndev - to) * sizeof(*trial.dev));
	}
	int rc = try_schedule(s, &trial);
	sim_schedule_fini(&trial);
	return rc;
}

/* Chunk i of n over the current departures. */
static void chunk(const struct shrinker *s, size_t n, size_t i, size_t *from, size_t *to)
{
	size_t len = s->cur.ndev;
	*from = len * i / n;
	*to = len * (i + 1) / n;
}

/* Stage 2. Returns 0 when done (or out of budget), -1 on error. */
static int ddmin(struct shrinker *s)
{
	size_t n = 2;
	while (s->cur.ndev >= 2 && n < s->cur.ndev) {
		int rc = 0;
		/* Subsets first: they shrink fastest. With n = 2 a complement is
		 * the other subset, so complements only from n = 3 on. */
		for (size_t i = 0; i < n && rc == 0; i++) {
			size_t from, to;
			chunk(s, n, i, &from, &to);
			if (from == to)
				continue;
			if (!budget_left(s))
				return 0;
			rc = try_range(s, from, to, true);
		}
		if (rc < 0)
			return -1;
		if (rc > 0) {
			n = 2;
			continue;
		}
		for (size_t i = 0; n > 2 && i < n && rc == 0; i++) {
			size_t from, to;
			chunk(s, n, i, &from, &to);
			if (from == to)
				continue;
			if (!budget_left(s))
				return 0;
			rc = try_range(s, from, to, false);
		}
		if (rc < 0)
			return -1;
		if (rc > 0) {
			n = n - 1 > 2 ? n - 1 : 2;
			continue;
		}
		n *= 2;
	}
	return 0;
}

/* Stage 3. Sets st->complete when a whole pass kept nothing. */
static int single_drops(struct shrinker *s)
{
	for (;;) {
		bool kept_any = false;
		for (size_t i = s->cur.ndev; i-- > 0;) {
			if (!budget_left(s))
				return 0;
			int rc = try_range(s, i, i + 1, false);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				kept_any = true;
				/* The rewritten schedule has fewer departures:
				 * go on below the one dropped. */
				if (i > s->cur.ndev)
					i = s->cur.ndev;
			}
		}
		if (!kept_any) {
			s->st->complete = true;
			return 0;
		}
	}
}

int sim_shrink_budgeted(const struct sim_target *t, const struct sim_schedule *in,
			const char *violation_id, const struct sim_shrink_config *cfg,
			struct sim_schedule *out, struct sim_shrink_stats *st)
{
	static const struct sim_shrink_config unlimited = {0};
	struct shrinker s = {
		.t = t,
		.id = violation_id,
		.cfg = cfg ? cfg : &unlimited,
		.st = st,
		.started_ns = sim_bench_now_ns(),
		.cur = {.strategy = SIM_STRAT_SCRIPT},
	};
	*st = (struct sim_shrink_stats){0};
	*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	/* The schedule as found, in scripted form (one run, whatever the
	 * budget: without it there is nothing to shrink). */
	if (try_schedule(&s, in) != 1) {
		sim_schedule_fini(&s.cur);
		return -1;
	}
	st->from = s.cur.ndev;
	int rc = 0;
	if (s.cur.ndev > 0 && budget_left(&s)) {
		struct sim_schedule empty = {.strategy = SIM_STRAT_SCRIPT};
		rc = try_schedule(&s, &empty);
	}
	if (rc >= 0 && s.cur.ndev > 0 && rc == 0)
		rc = ddmin(&s);
	if (rc >= 0 && s.cur.ndev > 0)
		rc = single_drops(&s);
	if (rc >= 0 && s.cur.ndev == 0)
		st->complete = true;
	if (rc < 0) {
		sim_schedule_fini(&s.cur);
		return -1;
	}
	*out = s.cur;
	return 0;
}

int sim_shrink(const struct sim_target *t, const struct sim_schedule *in, const char *violation_id,
	       unsigned budget, struct sim_schedule *out, unsigned *runs_used)
{
	struct sim_shrink_config cfg = {.max_runs = budget};
	struct sim_shrink_stats st;
	int rc = sim_shrink_budgeted(t, in, violation_id, &cfg, out, &st);
	*runs_used = (unsigned)st.runs;
	return rc;
}
