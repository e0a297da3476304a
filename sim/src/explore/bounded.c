/* SPDX-License-Identifier: MIT */
/*
 * Bounded search: every schedule with at most K departures from
 * virtual-time order, by iterative deepening.
 *
 * Level k holds the schedules with k departures, in a fixed order: for each
 * schedule of level k-1 in its order (its "parent"), one more departure
 * after the parent's last, at each choice the parent's run made, to each
 * option other than the default. Level 0 is the empty schedule.
 *
 * A level is never built whole: on a run of millions of choices level 1
 * alone has millions of schedules, and each of its schedules has as many
 * children. Instead each level is a generator that lists its schedules
 * one at a time and asks the level above for its next parent when the
 * current one has no child left. To list a parent's children the parent is
 * run again, logging each choice's options and default (two bytes per
 * choice). Memory is then K such logs and one batch of jobs, whatever the
 * size of the space, and --runs and --time stop the search at once.
 * The price is one more run per parent, a small part of its level when
 * parents have many children each.
 */
#include "explore_int.h"

#include <hwmodel/mem.h>
#include <sim/bench.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Schedules run per batch: the jobs of a batch are all that is kept. */
#define BOUNDED_BATCH 1024

/* The generator of level k (k >= 1): the children of its current parent. */
struct level {
	struct sim_schedule parent; /* k-1 departures */
	struct choice_log log;      /* the parent's choices */
	size_t pos;                 /* next child: a departure at choice pos ... */
	unsigned opt;               /* ... to option opt */
	bool have_parent;
	bool root_given;            /* level 1: its one parent, the empty schedule, was taken */
};

struct bsearch {
	const struct sim_target *t;
	const struct sim_explore_config *cfg;
	struct sim_explore_result *res;
	uint64_t started;
	struct level lv[17];        /* lv[1 .. K] */
	struct sim_stack_pool stacks;
	struct hw_ram_cache *ram;
	bool out_of_time;
};

static void level_reset(struct level *l)
{
	sim_schedule_fini(&l->parent);
	l->parent = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	l->have_parent = false;
	l->root_given = false;
	l->pos = 0;
	l->opt = 0;
}

/* Run `parent` again, logging its choices, and start listing its children. */
static int take_parent(struct bsearch *b, struct level *l)
{
	struct sim_outcome o;
	if (explore_time_up(b->cfg, b->started)) {
		b->out_of_time = true;
		return 0;
	}
	int rc = explore_run_logged(b->t, &l->parent, &b->stacks, b->ram, &l->log, &o);
	if (rc != 0 || l->log.oom) {
		snprintf(b->res->error, sizeof(b->res->error), "bounded search: listing children: %s",
			 rc != 0 ? o.message : "out of memory for a run's choices");
		sim_outcome_fini(&o);
		return -1;
	}
	sim_outcome_fini(&o);
	b->res->parent_runs++;
	l->pos = l->parent.ndev ? l->parent.dev[l->parent.ndev - 1].index + 1 : 0;
	l->opt = 0;
	l->have_parent = true;
	return 1;
}

/* The next schedule of level k into *out. Returns 1, 0 when the level has
 * no more (or time is up: b->out_of_time), -1 on an error. */
static int level_next(struct bsearch *b, unsigned k, struct sim_schedule *out)
{
	struct level *l = &b->lv[k];
	for (;;) {
		while (l->have_parent && l->pos < l->log.len) {
			const struct choice_rec *c = &l->log.rec[l->pos];
			if (l->opt >= c->n) {
				l->pos++;
				l->opt = 0;
				continue;
			}
			unsigned opt = l->opt++;
			if (opt == c->dflt)
				continue;
			const struct sim_schedule *p = &l->parent;
			*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
			out->dev = malloc((p->ndev + 1) * sizeof(*out->dev));
			if (!out->dev)
				return -1;
			if (p->ndev)
				memcpy(out->dev, p->dev, p->ndev * sizeof(*out->dev));
			out->dev[p->ndev] = (struct sim_deviation){(uint32_t)l->pos, (uint8_t)opt};
			out->ndev = p->ndev + 1;
			return 1;
		}
		l->have_parent = false;
		sim_schedule_fini(&l->parent);
		l->parent = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
		if (k == 1) {
			if (l->root_given)
				return 0;
			l->root_given = true;
		} else {
			int rc = level_next(b, k - 1, &l->parent);
			if (rc <= 0)
				return rc;
		}
		int rc = take_parent(b, l);
		if (rc <= 0)
			return rc;
	}
}

/* Run jobs[0 .. n) and fold them in. Returns -1 on an error. */
static int run_batch(struct bsearch *b, struct tally *ty, struct job *jobs, size_t n)
{
	struct pool p;
	explore_pool_init(&p, b->t, b->cfg, jobs, n, false, b->started);
	explore_run_pool(&p);
	int rc = explore_tally_jobs(ty, &p);
	if (p.out_of_time)
		b->out_of_time = true;
	pthread_mutex_destroy(&p.lock);
	explore_free_jobs(jobs, n);
	if (b->cfg->progress)
		b->cfg->progress(b->cfg->progress_ctx, b->res->schedules, 0, b->res->violations,
				 (double)(sim_bench_now_ns() - b->started) / 1e9);
	return rc;
}

/* Level k (0: the empty schedule alone), from global index *base on.
 * *any tells whether the level has a schedule at all; *stop, whether the
 * search ends here (runs, time, first violation, error). */
static int run_level(struct bsearch *b, struct tally *ty, unsigned k, uint64_t *base, bool *any,
		     bool *capped, bool *stop)
{
	const struct sim_explore_config *cfg = b->cfg;
	*any = false;
	bool root_done = false;
	for (;;) {
		struct job *jobs = calloc(BOUNDED_BATCH, sizeof(*jobs));
		if (!jobs)
			return -1;
		size_t n = 0;
		uint64_t idx = *base; /* global index of the next schedule listed */
		unsigned nshards = cfg->nshards ? cfg->nshards : 1;
		int rc = 1;
		while (n < BOUNDED_BATCH) {
			struct sim_schedule s = {.strategy = SIM_STRAT_SCRIPT};
			if (k == 0) {
				rc = root_done ? 0 : 1;
				root_done = true;
			} else {
				rc = level_next(b, k, &s);
			}
			if (rc <= 0)
				break;
			*any = true;
			if (cfg->runs && idx >= cfg->runs) {
				/* One schedule more than --runs allows: capped. */
				sim_schedule_fini(&s);
				*capped = true;
				break;
			}
			/* --shard I/N: every shard lists the whole space (the
			 * same order everywhere) and runs its own indices. */
			if (idx % nshards != cfg->shard) {
				sim_schedule_fini(&s);
				idx++;
				continue;
			}
			jobs[n].index = idx++;
			jobs[n].sched = s;
			n++;
		}
		if (rc < 0) {
			explore_free_jobs(jobs, n);
			return -1;
		}
		*base = idx;
		if (run_batch(b, ty, jobs, n) != 0)
			return -1;
		if (*capped || b->out_of_time || (cfg->stop_on_first && b->res->found)) {
			*stop = true;
			return 0;
		}
		if (rc == 0)
			return 0;
	}
}

int explore_bounded(const struct sim_target *t, const struct sim_explore_config *cfg,
		    struct tally *ty, uint64_t started)
{
	struct sim_explore_result *res = ty->res;
	unsigned kmax = cfg->preemptions;
	if (kmax > 16) {
		snprintf(res->error, sizeof(res->error), "bounded search: at most 16 departures");
		return -1;
	}
	struct bsearch b = {.t = t, .cfg = cfg, .res = res, .started = started};
	b.ram = hw_ram_cache_create();
	sim_stack_pool_init(&b.stacks, 256 * 1024);
	for (unsigned k = 0; k <= kmax; k++)
		b.lv[k].parent = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	uint64_t base = 0;
	int rc = 0;
	res->exhausted = false;
	for (unsigned k = 0; k <= kmax; k++) {
		/* Each level lists the ones above it afresh. */
		for (unsigned j = 1; j <= k; j++)
			level_reset(&b.lv[j]);
		bool any, capped = false, stop = false;
		rc = run_level(&b, ty, k, &base, &any, &capped, &stop);
		if (rc != 0)
			break;
		if (any)
			res->bound = k;
		/* Stopped early (runs, time, first violation): not exhausted. */
		if (stop || b.out_of_time)
			break;
		if (!any || k == kmax) {
			/* Every schedule up to K ran, or nothing departs any
			 * further (the space is smaller than K). */
			res->exhausted = true;
			break;
		}
	}
	for (unsigned k = 0; k <= kmax; k++) {
		sim_schedule_fini(&b.lv[k].parent);
		free(b.lv[k].log.rec);
	}
	sim_stack_pool_fini(&b.stacks);
	hw_ram_cache_destroy(b.ram);
	return rc;
}
