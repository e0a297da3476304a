/* SPDX-License-Identifier: MIT */
/*
 * The explorer's target for a scenario: each `run` builds, runs and judges
 * one simulation with the engine configuration the explorer hands it, and
 * turns the report into a struct sim_outcome. The context is read-only
 * after creation, so runs may go on in several threads at once.
 */
#include "rt_int.h"

#include <stdlib.h>
#include <string.h>

struct scenario_target {
	const struct uks_scenario *s;
	struct sim_runtime_options o;
	struct sim_registry *own; /* built-ins, when the options name no registry */
	const char *expected;     /* the `expect violation` id, or NULL */
	struct sim_token_object *objects; /* the registry's, for replay tokens */
};

static const char *expected_violation(const struct uks_scenario *s)
{
	for (size_t i = 0; i < s->nexpects; i++)
		if (s->expects[i].kind == UKS_EXPECT_VIOLATION)
			return s->expects[i].name;
	return NULL;
}

static bool hard(const char *id, bool invariants)
{
	if (id[0] == 'I' || id[0] == 'L')
		return invariants;
	return !strcmp(id, "deadlock") || !strcmp(id, "livelock") || !strcmp(id, "attach-refused") ||
	       !strcmp(id, "suspended-forever") || !strcmp(id, SIM_KERNEL_INVARIANT);
}

static void set_violation(struct sim_outcome *out, const struct sim_violation *v, const char *id)
{
	out->violation = true;
	snprintf(out->violation_id, sizeof(out->violation_id), "%s", id);
	snprintf(out->message, sizeof(out->message), "%s", v ? v->message : "");
	out->time_ns = v ? v->time_ns : 0;
	out->cpu = v && v->cpu >= 0 ? (unsigned)v->cpu : 0;
}

/* The expectation broken first, at the time it broke, worded as `uksim
 * run` words it. */
static void first_failed(const struct sim_run_report *r, struct sim_outcome *out)
{
	const struct sim_expect_verdict *first = NULL;
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct sim_expect_verdict *v = &r->expects[i];
		if (v->met || v->e->kind == UKS_EXPECT_VIOLATION)
			continue;
		if (!first || v->broken_ns < first->broken_ns)
			first = v;
	}
	if (!first)
		return;
	char obs[96];
	sim_expect_observed(first, obs, sizeof(obs));
	out->violation = true;
	snprintf(out->violation_id, sizeof(out->violation_id), "expect");
	snprintf(out->message, sizeof(out->message), "%s:%u:%u: %s not met (%s)%s%.160s",
		 first->e->pos.file, first->e->pos.line, first->e->pos.col, first->text, obs,
		 first->why[0] ? ": " : "", first->why);
	out->time_ns = first->broken_ns;
}

static void outcome(const struct scenario_target *t, const struct sim_run_report *r,
		    struct sim_outcome *out)
{
	out->result = r->result;
	out->trace_hash = r->trace_hash;
	out->decisions = r->stats.decisions;
	out->steps = r->stats.steps;
	out->irq_signature = r->irq_signature;
	/* A kernel check that stopped the run outranks everything. */
	if (r->result == SIM_ERROR && r->nviolations &&
	    !strcmp(r->violations[r->nviolations - 1].id, SIM_KERNEL_INVARIANT)) {
		set_violation(out, &r->violations[r->nviolations - 1], SIM_KERNEL_INVARIANT);
		return;
	}
	if (t->expected)
		for (size_t i = 0; i < r->nviolations; i++)
			if (!strcmp(r->violations[i].id, t->expected)) {
				set_violation(out, &r->violations[i], t->expected);
				return;
			}
	for (size_t i = 0; i < r->nviolations; i++)
		if (hard(r->violations[i].id, t->s->invariants)) {
			set_violation(out, &r->violations[i], r->violations[i].id);
			return;
		}
	first_failed(r, out);
}

static int target_run(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out)
{
	const struct scenario_target *t = ctx;
	struct sim_run_report r;
	/* Exploration keeps the hash only; a replay for a story or a timeline
	 * asks for records through ecfg->trace_limit. */
	struct sim_runtime_options o = t->o;
	o.trace_limit = ecfg->trace_limit;
	memset(out, 0, sizeof(*out));
	if (sim_runtime_run(t->s, &o, ecfg, ecfg->seed, &r) != 0) {
		snprintf(out->message, sizeof(out->message), "out of memory");
		return -1;
	}
	/* A kernel check that stopped the run is a violation to report with
	 * its schedule (judge.c); any other error ends the exploration. */
	bool kernel_check = r.result == SIM_ERROR && r.nviolations &&
			    !strcmp(r.violations[r.nviolations - 1].id, SIM_KERNEL_INVARIANT);
	if (r.internal_error || (r.result == SIM_ERROR && !kernel_check)) {
		snprintf(out->message, sizeof(out->message), "%.500s", r.message);
		out->result = SIM_ERROR;
		sim_run_report_fini(&r);
		return -1;
	}
	outcome(t, &r, out);
	out->dlog = r.dlog;
	out->dlog_len = r.dlog_len;
	r.dlog = NULL;
	out->ncpus = t->s->machine.cpus;
	if (r.trace_len) {
		/* Hand the records over as a trace the exporters can read. */
		sim_trace_init(&out->trace, r.trace_len);
		out->trace.recs = r.trace;
		out->trace.len = out->trace.cap = r.trace_len;
		out->trace.count = r.trace_len;
		out->trace.hash = r.trace_hash;
		r.trace = NULL;
		out->names = r.names;
		r.names = NULL;
	}
	sim_run_report_fini(&r);
	return 0;
}

int sim_scenario_target(const struct uks_scenario *s, const struct sim_runtime_options *o,
			struct sim_target *out)
{
	memset(out, 0, sizeof(*out));
	struct scenario_target *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->s = s;
	if (o)
		t->o = *o;
	t->o.trace_limit = 0; /* exploration keeps the hash only */
	if (!t->o.registry) {
		char err[256];
		if (sim_registry_create(NULL, 0, &t->own, err, sizeof(err)) != 0) {
			free(t);
			return -1;
		}
		t->o.registry = t->own;
	}
	t->expected = expected_violation(s);
	size_t nobj = sim_registry_objects(t->o.registry, NULL, 0);
	if (nobj) {
		t->objects = calloc(nobj, sizeof(*t->objects));
		if (!t->objects) {
			sim_registry_free(t->own);
			free(t);
			return -1;
		}
		sim_registry_objects(t->o.registry, t->objects, nobj);
	}
	out->objects = t->objects;
	out->nobjects = nobj;
	out->name = s->name;
	out->hash = uks_scenario_hash(s);
	out->race_window_ns = t->o.race_window_ns ? t->o.race_window_ns
						  : SIM_RUNTIME_DEFAULT_WINDOW_NS;
	out->ctx = t;
	out->run = target_run;
	return 0;
}

void sim_scenario_target_fini(struct sim_target *t)
{
	struct scenario_target *st = t ? t->ctx : NULL;
	if (!st)
		return;
	sim_registry_free(st->own);
	free(st->objects);
	free(st);
	t->ctx = NULL;
}
