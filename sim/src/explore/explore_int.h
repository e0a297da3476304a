/* SPDX-License-Identifier: MIT */
/*
 * What the explorer's files share: the worker pool that runs a batch of
 * schedules, the tally that folds their outcomes into the result in index
 * order, and a run that logs its choices compactly.
 */
#ifndef SIM_EXPLORE_INT_H
#define SIM_EXPLORE_INT_H

#include <sim/explore.h>

#include <glib.h>
#include <pthread.h>

/* One unit of work: a schedule to run, and what came of it. */
struct job {
	uint64_t index;             /* the run's global index */
	struct sim_schedule sched;
	struct sim_outcome out;
	bool done, failed;
	bool nondet;
};

struct pool {
	const struct sim_target *t;
	const struct sim_explore_config *cfg;
	struct job *jobs;
	size_t njobs;
	bool record;                /* keep decision logs */
	size_t next;                /* next job to hand out */
	size_t stop_at;             /* jobs at or past this index are skipped */
	pthread_mutex_t lock;
	uint64_t started_ns;
	bool out_of_time;
};

struct tally {
	struct sim_explore_result *res;
	GHashTable *irq_seen;
};

void explore_pool_init(struct pool *p, const struct sim_target *t,
		       const struct sim_explore_config *cfg, struct job *jobs, size_t n, bool record,
		       uint64_t started);
/* Run jobs[0 .. n) on cfg->jobs threads (the caller destroys p->lock). */
void explore_run_pool(struct pool *p);
/* Fold the finished jobs into the result, in index order; -1 on an
 * internal error (in res->error). */
int explore_tally_jobs(struct tally *ty, struct pool *p);
void explore_free_jobs(struct job *jobs, size_t n);
/* Whether cfg->time_s has passed since `started_ns`. */
bool explore_time_up(const struct sim_explore_config *cfg, uint64_t started_ns);

int explore_bounded(const struct sim_target *t, const struct sim_explore_config *cfg,
		    struct tally *ty, uint64_t started);

/* The choices of one run, two bytes each: enough to list the schedules
 * with one more departure without keeping the full decision log. */
struct choice_rec {
	uint8_t n, dflt;
};

struct choice_log {
	struct choice_rec *rec;     /* indexed by choice number */
	size_t len, cap;
	bool oom;                   /* a choice could not be logged */
};

/* Run the scripted schedule `s`, logging its choices in `log` (appended
 * from index 0; reset len first). */
int explore_run_logged(const struct sim_target *t, const struct sim_schedule *s,
		       struct sim_stack_pool *pool, struct hw_ram_cache *ram, struct choice_log *log,
		       struct sim_outcome *out);

/* PCT's horizon for `t`: the number of choices that matter in its
 * virtual-time run (choosers.c says which). */
int explore_pct_horizon(const struct sim_target *t, uint64_t *horizon, char *err, size_t errlen);

#endif /* SIM_EXPLORE_INT_H */
