/* SPDX-License-Identifier: MIT */
/*
 * Shrinking a violating schedule.
 *
 * The schedule is put in scripted form (its departures from virtual-time
 * order). Then each departure in turn, last first, is dropped (that choice
 * goes back to its default: a preemption not taken, an interrupt not
 * deferred, a windowed action at its window's default place); a drop is
 * kept when the run still breaks with the same violation. After a kept drop
 * the schedule is rewritten from the new run's own decision log, since later
 * choices may have moved. It stops when no single drop keeps the violation
 * (a 1-minimal schedule) or the budget of runs is spent.
 */
#include <sim/explore.h>

#include <stdlib.h>
#include <string.h>

/* Run `s`; if it breaks with `id`, replace *canon with its scripted form. */
static int still_breaks(const struct sim_target *t, const struct sim_schedule *s, const char *id,
			struct sim_schedule *canon, bool *breaks)
{
	struct sim_outcome o;
	*breaks = false;
	if (sim_run_schedule(t, s, true, &o) != 0) {
		sim_outcome_fini(&o);
		return -1;
	}
	if (o.violation && !strcmp(o.violation_id, id)) {
		struct sim_schedule c;
		if (sim_schedule_from_log(o.dlog, o.dlog_len, &c) != 0) {
			sim_outcome_fini(&o);
			return -1;
		}
		sim_schedule_fini(canon);
		*canon = c;
		*breaks = true;
	}
	sim_outcome_fini(&o);
	return 0;
}

int sim_shrink(const struct sim_target *t, const struct sim_schedule *in, const char *violation_id,
	       unsigned budget, struct sim_schedule *out, unsigned *runs_used)
{
	struct sim_schedule cur = {.strategy = SIM_STRAT_SCRIPT};
	bool breaks;
	unsigned runs = 1;
	*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	if (still_breaks(t, in, violation_id, &cur, &breaks) != 0 || !breaks) {
		sim_schedule_fini(&cur);
		*runs_used = runs;
		return -1;
	}
	bool progress = true;
	while (progress && runs < budget) {
		progress = false;
		for (size_t i = cur.ndev; i-- > 0 && runs < budget;) {
			struct sim_schedule trial = {.strategy = SIM_STRAT_SCRIPT};
			trial.dev = malloc((cur.ndev ? cur.ndev : 1) * sizeof(*trial.dev));
			if (!trial.dev)
				break;
			if (i)
				memcpy(trial.dev, cur.dev, i * sizeof(*trial.dev));
			if (cur.ndev - i - 1)
				memcpy(trial.dev + i, cur.dev + i + 1, (cur.ndev - i - 1) * sizeof(*trial.dev));
			trial.ndev = cur.ndev - 1;
			runs++;
			int rc = still_breaks(t, &trial, violation_id, &cur, &breaks);
			sim_schedule_fini(&trial);
			if (rc != 0)
				break;
			if (breaks) {
				progress = true;
				break; /* cur was rewritten: start over from its end */
			}
		}
	}
	*out = cur;
	*runs_used = runs;
	return 0;
}
