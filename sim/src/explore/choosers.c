/* SPDX-License-Identifier: MIT */
/*
 * The explorer's choosers (PCT and scripted) and running one schedule.
 */
#include "explore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/export.h>

const char *sim_strategy_name(enum sim_strategy s)
{
	switch (s) {
	case SIM_STRAT_RANDOM: return "random";
	case SIM_STRAT_PCT: return "pct";
	case SIM_STRAT_BOUNDED: return "bounded";
	case SIM_STRAT_SCRIPT: return "script";
	}
	return "?";
}

int sim_strategy_parse(const char *name, enum sim_strategy *out)
{
	for (int s = SIM_STRAT_RANDOM; s <= SIM_STRAT_BOUNDED; s++) {
		if (!strcmp(name, sim_strategy_name((enum sim_strategy)s))) {
			*out = (enum sim_strategy)s;
			return 0;
		}
	}
	return -1;
}

void sim_schedule_fini(struct sim_schedule *s)
{
	free(s->dev);
	s->dev = NULL;
	s->ndev = 0;
}

int sim_schedule_copy(struct sim_schedule *dst, const struct sim_schedule *src)
{
	*dst = *src;
	dst->dev = NULL;
	if (src->ndev) {
		dst->dev = malloc(src->ndev * sizeof(*dst->dev));
		if (!dst->dev)
			return -1;
		memcpy(dst->dev, src->dev, src->ndev * sizeof(*dst->dev));
	}
	return 0;
}

void sim_outcome_fini(struct sim_outcome *o)
{
	free(o->dlog);
	o->dlog = NULL;
	o->dlog_len = 0;
	sim_trace_fini(&o->trace);
	if (o->names) {
		sim_names_fini(o->names);
		free(o->names);
		o->names = NULL;
	}
}

int sim_schedule_from_log(const struct sim_decision *log, size_t n, struct sim_schedule *out)
{
	*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += log[i].choice != log[i].dflt;
	if (k) {
		out->dev = malloc(k * sizeof(*out->dev));
		if (!out->dev)
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (log[i].choice != log[i].dflt)
			out->dev[out->ndev++] = (struct sim_deviation){(uint32_t)i, log[i].choice};
	return 0;
}

/* The schedule each host thread runs now, for a crash or hang report made
 * by a signal handler on that thread (sim_schedule_running): one store
 * before and after a run. initial-exec: read without a call into the
 * dynamic linker. */
static __thread const struct sim_schedule *schedule_running
	__attribute__((tls_model("initial-exec")));

const struct sim_schedule *sim_schedule_running(void)
{
	return __atomic_load_n(&schedule_running, __ATOMIC_ACQUIRE);
}

static int run_noted(const struct sim_target *t, const struct sim_schedule *s,
		     const struct sim_engine_config *ec, struct sim_outcome *out)
{
	const struct sim_schedule *outer = schedule_running;
	__atomic_store_n(&schedule_running, s, __ATOMIC_RELEASE);
	int rc = t->run(t->ctx, ec, out);
	__atomic_store_n(&schedule_running, outer, __ATOMIC_RELEASE);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* PCT                                                                      */
/* ------------------------------------------------------------------------ */

#define PCT_MAX_CHANGES 32
/* CPU picks after a kernel event that still count as near it. */
#define PCT_NEAR 8

/* Entities are the CPUs (0 .. n-1) and each CPU's interrupt source
 * (n .. 2n-1). Higher priority runs first.
 *
 * Change points are numbered over the choices that matter, not over all
 * choices: on a run of millions of choices, most are CPU picks between
 * steps where nothing the bug depends on happens (a driver between two
 * syscalls, a CPU spinning), and change points spread over all of them
 * almost never land near an interrupt. A choice matters when it is an
 * interrupt placement (SIM_CHOICE_IRQ), or a CPU pick that follows a kernel
 * event the engine counts in sync_events (an IRQ transition, IPC, a thread
 * blocking, waking or boosted) since the choice before. A target without
 * the kernel glue (sync_tracked false, e.g. demo:race) has no such events:
 * there every choice matters, as in the original algorithm. */
struct sim_pct_state {
	struct sim_rng rng;
	int prio[2 * SIM_MAX_CPUS];
	uint64_t change[PCT_MAX_CHANGES];
	unsigned nchange, next;
	uint64_t matters;           /* choices that mattered so far */
	uint64_t sync_seen;         /* e->sync_events at the choice before */
	unsigned near;              /* CPU picks left that still count as near one */
};

/* Whether choice c matters (and the note of what was seen for the next). */
static inline bool pct_matters(struct sim_pct_state *p, const struct sim_engine *e,
			       const struct sim_choice *c)
{
	if (!e->sync_tracked)
		return true;
	if (e->sync_events != p->sync_seen) {
		p->sync_seen = e->sync_events;
		p->near = PCT_NEAR;
	}
	if (c->kind == SIM_CHOICE_IRQ)
		return true;
	if (c->kind != SIM_CHOICE_CPU || !p->near)
		return false;
	p->near--;
	return true;
}

static void pct_init(struct sim_pct_state *p, unsigned ncpus, const struct sim_schedule *s)
{
	unsigned depth = s->depth ? s->depth : 3;
	unsigned ent = 2 * ncpus;
	sim_rng_seed(&p->rng, s->seed ^ 0x9c7c0ffee5eedull);
	/* A random permutation of depth .. depth+ent-1: all above the values
	 * given at change points (depth-1 .. 1). */
	for (unsigned i = 0; i < ent; i++)
		p->prio[i] = (int)(depth + i);
	for (unsigned i = ent - 1; i > 0; i--) {
		unsigned j = (unsigned)sim_rng_below(&p->rng, i + 1);
		int t = p->prio[i];
		p->prio[i] = p->prio[j];
		p->prio[j] = t;
	}
	uint64_t k = s->horizon ? s->horizon : 1000;
	p->nchange = depth - 1 < PCT_MAX_CHANGES ? depth - 1 : PCT_MAX_CHANGES;
	for (unsigned i = 0; i < p->nchange; i++)
		p->change[i] = sim_rng_below(&p->rng, k);
	/* Sorted, so the change points are met in order. */
	for (unsigned i = 1; i < p->nchange; i++)
		for (unsigned j = i; j > 0 && p->change[j - 1] > p->change[j]; j--) {
			uint64_t t = p->change[j];
			p->change[j] = p->change[j - 1];
			p->change[j - 1] = t;
		}
	p->next = 0;
	p->matters = 0;
	p->sync_seen = 0;
	p->near = 0;
}

static unsigned pct_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	struct sim_pct_state *p = state;
	unsigned n = e->ncpus;
	/* At the j-th change point the CPU that is running drops below every
	 * other entity, as the thread at a PCT change point does. Without the
	 * kernel glue a choice's number is its index among all choices. */
	if (pct_matters(p, e, c)) {
		uint64_t at = e->sync_tracked ? p->matters : c->index;
		p->matters++;
		while (p->next < p->nchange && p->change[p->next] <= at) {
			int running = c->kind == SIM_CHOICE_CPU ? c->current : (int)c->cpu;
			if (running >= 0)
				p->prio[running] = (int)(p->nchange - p->next);
			p->next++;
		}
	}
	switch (c->kind) {
	case SIM_CHOICE_CPU: {
		unsigned best = 0;
		for (unsigned i = 1; i < c->n; i++)
			if (p->prio[c->cand[i]] > p->prio[c->cand[best]])
				best = i;
		return best;
	}
	case SIM_CHOICE_IRQ:
		return p->prio[n + c->cpu] > p->prio[c->cpu] ? 0 : 1;
	default:
		return (unsigned)sim_rng_below(&p->rng, c->n);
	}
}

/* Virtual-time order, counting the choices that matter to PCT: the
 * horizon its change points are spread over. */
struct pct_count_state {
	struct sim_pct_state pct;
	bool tracked;
};

static unsigned pct_count_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	struct pct_count_state *s = state;
	s->tracked = e->sync_tracked;
	s->pct.matters += pct_matters(&s->pct, e, c);
	return c->dflt;
}

static const struct sim_chooser_ops pct_count_ops = {.name = "time", .choose = pct_count_choose};

int explore_pct_horizon(const struct sim_target *t, uint64_t *horizon, char *err, size_t errlen)
{
	struct pct_count_state st = {0};
	struct sim_engine_config ec = {
		.race_window_ns = t->race_window_ns,
		.chooser = &pct_count_ops,
		.chooser_state = &st,
	};
	struct sim_outcome o;
	memset(&o, 0, sizeof(o));
	/* Every choice takes its default: the empty script, for a report. */
	const struct sim_schedule vt = {.strategy = SIM_STRAT_SCRIPT};
	if (run_noted(t, &vt, &ec, &o) != 0) {
		snprintf(err, errlen, "%s", o.message);
		sim_outcome_fini(&o);
		return -1;
	}
	/* With the kernel glue: the choices that matter. Without: all of
	 * them, at least 16 (as before there was a choice of choices). */
	if (st.tracked)
		*horizon = st.pct.matters ? st.pct.matters : 1;
	else
		*horizon = o.decisions > 16 ? o.decisions : 16;
	sim_outcome_fini(&o);
	return 0;
}

static const struct sim_chooser_ops pct_ops = {.name = "pct", .choose = pct_choose};

const struct sim_chooser_ops *sim_chooser_pct(void)
{
	return &pct_ops;
}

/* ------------------------------------------------------------------------ */
/* Scripted                                                                 */
/* ------------------------------------------------------------------------ */

struct sim_script_state {
	const struct sim_deviation *dev;
	size_t ndev, next;
};

static unsigned script_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	struct sim_script_state *s = state;
	(void)e;
	while (s->next < s->ndev && s->dev[s->next].index < c->index)
		s->next++;
	if (s->next < s->ndev && s->dev[s->next].index == c->index) {
		unsigned k = s->dev[s->next++].choice;
		return k < c->n ? k : c->dflt;
	}
	return c->dflt;
}

static const struct sim_chooser_ops script_ops = {.name = "script", .choose = script_choose};

const struct sim_chooser_ops *sim_chooser_script(void)
{
	return &script_ops;
}

/* Scripted, and logging each choice's options and default (bounded search:
 * a parent's choices, two bytes each, instead of its decision log). */
struct logged_state {
	struct sim_script_state script;
	struct choice_log *log;
};

static unsigned logged_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	struct logged_state *s = state;
	struct choice_log *l = s->log;
	if (l->len == l->cap && !l->oom) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		struct choice_rec *r = realloc(l->rec, cap * sizeof(*r));
		if (r) {
			l->rec = r;
			l->cap = cap;
		} else {
			l->oom = true;
		}
	}
	if (l->len < l->cap)
		l->rec[l->len++] = (struct choice_rec){(uint8_t)c->n, (uint8_t)c->dflt};
	return script_choose(&s->script, e, c);
}

static const struct sim_chooser_ops logged_ops = {.name = "script", .choose = logged_choose};

int explore_run_logged(const struct sim_target *t, const struct sim_schedule *s,
		       struct sim_stack_pool *pool, struct hw_ram_cache *ram, struct choice_log *log,
		       struct sim_outcome *out)
{
	struct logged_state st = {{s->dev, s->ndev, 0}, log};
	struct sim_engine_config ec = {
		.seed = s->seed,
		.race_window_ns = t->race_window_ns,
		.stack_pool = pool,
		.ram_cache = ram,
		.chooser = &logged_ops,
		.chooser_state = &st,
	};
	log->len = 0;
	log->oom = false;
	memset(out, 0, sizeof(*out));
	return run_noted(t, s, &ec, out);
}

/* ------------------------------------------------------------------------ */
/* One schedule                                                             */
/* ------------------------------------------------------------------------ */

int sim_run_schedule(const struct sim_target *t, const struct sim_schedule *s, bool record,
		     struct sim_outcome *out)
{
	return sim_run_schedule_traced(t, s, record, 0, out);
}

int sim_run_schedule_traced(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_outcome *out)
{
	return sim_run_schedule_pooled(t, s, record, trace_limit, NULL, out);
}

int sim_run_schedule_pooled(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_stack_pool *pool, struct sim_outcome *out)
{
	return sim_run_schedule_cached(t, s, record, trace_limit, pool, NULL, out);
}

static int run_schedule(const struct sim_target *t, const struct sim_schedule *s, bool record,
			size_t trace_limit, struct sim_stack_pool *pool, struct hw_ram_cache *ram,
			bool hash, struct sim_outcome *out)
{
	struct sim_engine_config ec = {
		.seed = s->seed,
		.race_window_ns = t->race_window_ns,
		.record_decisions = record,
		.trace_limit = trace_limit,
		.stack_pool = pool,
		.ram_cache = ram,
		.no_trace_hash = !hash,
	};
	struct sim_pct_state pct;
	struct sim_script_state script = {s->dev, s->ndev, 0};
	switch (s->strategy) {
	case SIM_STRAT_RANDOM:
		ec.chooser = &sim_chooser_random;
		break;
	case SIM_STRAT_PCT:
		/* The CPU count is the target's; size the state for the most. */
		pct_init(&pct, SIM_MAX_CPUS, s);
		ec.chooser = &pct_ops;
		ec.chooser_state = &pct;
		break;
	case SIM_STRAT_BOUNDED:
	case SIM_STRAT_SCRIPT:
		ec.chooser = &script_ops;
		ec.chooser_state = &script;
		break;
	}
	memset(out, 0, sizeof(*out));
	return run_noted(t, s, &ec, out);
}

int sim_run_schedule_cached(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_stack_pool *pool,
			    struct hw_ram_cache *ram, struct sim_outcome *out)
{
	return run_schedule(t, s, record, trace_limit, pool, ram, true, out);
}

int sim_run_schedule_unhashed(const struct sim_target *t, const struct sim_schedule *s,
			      bool record, struct sim_stack_pool *pool, struct hw_ram_cache *ram,
			      struct sim_outcome *out)
{
	return run_schedule(t, s, record, 0, pool, ram, false, out);
}
