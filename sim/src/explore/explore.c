/* SPDX-License-Identifier: MIT */
/*
 * The exploration driver: random, PCT and bounded strategies over worker
 * threads, with results that do not depend on the number of workers.
 */
#include "explore_int.h"

#include <hwmodel/mem.h>
#include <sim/bench.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool explore_time_up(const struct sim_explore_config *cfg, uint64_t started_ns)
{
	if (cfg->time_s <= 0)
		return false;
	return (double)(sim_bench_now_ns() - started_ns) / 1e9 >= cfg->time_s;
}

static void run_job(struct pool *p, struct job *j, struct sim_stack_pool *stacks,
		    struct hw_ram_cache *ram)
{
	/* The trace's hash is for comparing runs: only --check-determinism
	 * compares them in the workers (a found run gets its hash at the
	 * tally). Without it a run is a few percent faster. */
	if (!p->cfg->check_determinism) {
		if (sim_run_schedule_unhashed(p->t, &j->sched, p->record, stacks, ram, &j->out) != 0)
			j->failed = true;
		return;
	}
	if (sim_run_schedule_cached(p->t, &j->sched, p->record, 0, stacks, ram, &j->out) != 0) {
		j->failed = true;
		return;
	}
	struct sim_outcome again;
	if (sim_run_schedule_cached(p->t, &j->sched, false, 0, stacks, ram, &again) != 0 ||
	    again.trace_hash != j->out.trace_hash)
		j->nondet = true;
	sim_outcome_fini(&again);
}

/* Jobs are handed out a few at a time: short runs would otherwise spend
 * their time on the lock. */
#define CLAIM 8

static void *worker(void *arg)
{
	struct pool *p = arg;
	/* Each worker keeps its fiber stacks and simulated RAM from run to run. */
	struct sim_stack_pool stacks;
	struct hw_ram_cache *ram = hw_ram_cache_create();
	sim_stack_pool_init(&stacks, 256 * 1024);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (!__atomic_load_n(&p->out_of_time, __ATOMIC_RELAXED) &&
		    explore_time_up(p->cfg, p->started_ns))
			__atomic_store_n(&p->out_of_time, true, __ATOMIC_RELAXED);
		size_t first = p->next, last = first + CLAIM;
		if (last > p->njobs)
			last = p->njobs;
		size_t stop = __atomic_load_n(&p->stop_at, __ATOMIC_RELAXED);
		if (last > stop)
			last = stop;
		if (first >= last || __atomic_load_n(&p->out_of_time, __ATOMIC_RELAXED)) {
			pthread_mutex_unlock(&p->lock);
			sim_stack_pool_fini(&stacks);
			hw_ram_cache_destroy(ram);
			return NULL;
		}
		p->next = last;
		pthread_mutex_unlock(&p->lock);

		for (size_t i = first; i < last; i++) {
			struct job *j = &p->jobs[i];
			/* A violation found meanwhile makes later jobs moot. */
			if (p->cfg->stop_on_first && i >= __atomic_load_n(&p->stop_at, __ATOMIC_RELAXED))
				break;
			/* Long runs: --time is looked at before each one, not
			 * only per claim. */
			if (p->cfg->time_s > 0 && i > first &&
			    explore_time_up(p->cfg, p->started_ns)) {
				__atomic_store_n(&p->out_of_time, true, __ATOMIC_RELAXED);
				break;
			}
			run_job(p, j, &stacks, ram);
			/* Read only after the workers are joined: no lock needed. */
			j->done = true;
			/* With stop_on_first, jobs after the earliest violation are
			 * not needed; jobs before it still run, so the earliest is
			 * found whatever the number of workers. */
			if (p->cfg->stop_on_first && j->out.violation) {
				pthread_mutex_lock(&p->lock);
				if (i < p->stop_at)
					__atomic_store_n(&p->stop_at, i + 1, __ATOMIC_RELAXED);
				pthread_mutex_unlock(&p->lock);
			}
		}
	}
}

void explore_run_pool(struct pool *p)
{
	unsigned nthreads = p->cfg->jobs ? p->cfg->jobs : 1;
	if (nthreads == 1) {
		worker(p);
		return;
	}
	pthread_t *th = calloc(nthreads, sizeof(*th));
	unsigned started = 0;
	for (unsigned i = 0; th && i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, p) == 0)
			started++;
	if (started == 0)
		worker(p);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

int explore_tally_jobs(struct tally *ty, struct pool *p)
{
	struct sim_explore_result *res = ty->res;
	for (size_t i = 0; i < p->njobs; i++) {
		struct job *j = &p->jobs[i];
		if (!j->done)
			continue;
		if (j->failed) {
			snprintf(res->error, sizeof(res->error), "run %llu: %s",
				 (unsigned long long)j->index, j->out.message);
			if (!res->error_in_run && sim_schedule_copy(&res->error_schedule, &j->sched) == 0)
				res->error_in_run = true;
			return -1;
		}
		res->schedules++;
		res->decisions += j->out.decisions;
		if (!g_hash_table_contains(ty->irq_seen, &j->out.irq_signature)) {
			uint64_t *sig = g_new(uint64_t, 1);
			*sig = j->out.irq_signature;
			g_hash_table_add(ty->irq_seen, sig);
		}
		if (j->nondet && !res->nondeterministic) {
			res->nondeterministic = true;
			res->nondet_index = j->index;
		}
		if (j->out.violation) {
			res->violations++;
			if (!res->found) {
				res->found = true;
				res->found_index = j->index;
				if (sim_schedule_copy(&res->found_schedule, &j->sched) != 0)
					return -1;
				res->found_outcome = j->out;
				res->found_outcome.dlog = NULL;
				res->found_outcome.dlog_len = 0;
				if (!p->cfg->check_determinism) {
					/* The worker ran it without the trace's hash:
					 * the same schedule again gives it. */
					struct sim_outcome again;
					if (sim_run_schedule(p->t, &j->sched, false, &again) == 0)
						res->found_outcome.trace_hash = again.trace_hash;
					sim_outcome_fini(&again);
				}
			}
		}
	}
	return 0;
}

void explore_free_jobs(struct job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sim_schedule_fini(&jobs[i].sched);
		sim_outcome_fini(&jobs[i].out);
	}
	free(jobs);
}

void explore_pool_init(struct pool *p, const struct sim_target *t,
		       const struct sim_explore_config *cfg, struct job *jobs, size_t n, bool record,
		       uint64_t started)
{
	*p = (struct pool){.t = t, .cfg = cfg, .jobs = jobs, .njobs = n, .record = record,
			   .stop_at = n, .started_ns = started};
	pthread_mutex_init(&p->lock, NULL);
}

static uint64_t run_seed(uint64_t master, uint64_t index)
{
	uint64_t x = master ^ (index * 0x9e3779b97f4a7c15ull);
	return sim_splitmix64(&x);
}

/* Batches of this many runs keep memory flat however many runs there are. */
#define BATCH 4096

static int explore_sampled(const struct sim_target *t, const struct sim_explore_config *cfg,
			   struct tally *ty, uint64_t started)
{
	struct sim_explore_result *res = ty->res;
	/* PCT needs the number of choices that matter in a run: take it from
	 * the virtual-time schedule. */
	uint64_t horizon = 0;
	if (cfg->strategy == SIM_STRAT_PCT &&
	    explore_pct_horizon(t, &horizon, res->error, sizeof(res->error)) != 0)
		return -1;
	uint64_t total = cfg->runs ? cfg->runs : (cfg->time_s > 0 ? UINT64_MAX : 1000);
	unsigned nshards = cfg->nshards ? cfg->nshards : 1;
	for (uint64_t first = 0; first < total;) {
		struct job *jobs = calloc(BATCH, sizeof(*jobs));
		if (!jobs)
			return -1;
		size_t n = 0;
		uint64_t idx = first;
		for (; idx < total && n < BATCH; idx++) {
			if (idx % nshards != cfg->shard)
				continue;
			jobs[n].index = idx;
			jobs[n].sched = (struct sim_schedule){
				.strategy = cfg->strategy,
				.seed = run_seed(cfg->seed, idx),
				.depth = cfg->depth ? cfg->depth : 3,
				.horizon = horizon,
			};
			n++;
		}
		struct pool p;
		explore_pool_init(&p, t, cfg, jobs, n, false, started);
		explore_run_pool(&p);
		int rc = explore_tally_jobs(ty, &p);
		bool stop = p.out_of_time || (cfg->stop_on_first && res->found);
		pthread_mutex_destroy(&p.lock);
		explore_free_jobs(jobs, n);
		if (rc != 0)
			return -1;
		if (cfg->progress)
			cfg->progress(cfg->progress_ctx, res->schedules, total, res->violations,
				      (double)(sim_bench_now_ns() - started) / 1e9);
		first = idx;
		if (stop)
			break;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The IRQ signatures seen, sorted (a stable order for the output). */
static int keep_signatures(GHashTable *seen, struct sim_explore_result *res)
{
	size_t n = g_hash_table_size(seen);
	res->irq_signatures = malloc((n ? n : 1) * sizeof(uint64_t));
	if (!res->irq_signatures)
		return -1;
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &key, NULL))
		res->irq_signatures[res->nirq_signatures++] = *(const uint64_t *)key;
	qsort(res->irq_signatures, n, sizeof(uint64_t), cmp_u64);
	return 0;
}

int sim_explore(const struct sim_target *t, const struct sim_explore_config *cfg,
		struct sim_explore_result *res)
{
	memset(res, 0, sizeof(*res));
	struct tally ty = {res, g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL)};
	uint64_t started = sim_bench_now_ns();
	int rc;
	if (cfg->nshards && cfg->shard >= cfg->nshards) {
		snprintf(res->error, sizeof(res->error), "shard %u is not below %u", cfg->shard,
			 cfg->nshards);
		rc = -1;
	} else if (cfg->strategy == SIM_STRAT_BOUNDED) {
		rc = explore_bounded(t, cfg, &ty, started);
	} else {
		rc = explore_sampled(t, cfg, &ty, started);
	}
	res->distinct_irq = g_hash_table_size(ty.irq_seen);
	if (cfg->keep_irq_signatures && keep_signatures(ty.irq_seen, res) != 0 && rc == 0) {
		snprintf(res->error, sizeof(res->error), "out of memory");
		rc = -1;
	}
	g_hash_table_destroy(ty.irq_seen);
	res->seconds = (double)(sim_bench_now_ns() - started) / 1e9;
	if (rc != 0 && !res->error[0])
		snprintf(res->error, sizeof(res->error), "out of memory");
	return rc;
}

void sim_explore_result_fini(struct sim_explore_result *res)
{
	sim_schedule_fini(&res->found_schedule);
	sim_outcome_fini(&res->found_outcome);
	if (res->error_in_run)
		sim_schedule_fini(&res->error_schedule);
	res->error_in_run = false;
	free(res->irq_signatures);
	res->irq_signatures = NULL;
	res->nirq_signatures = 0;
}
