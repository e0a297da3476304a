/* SPDX-License-Identifier: MIT */
/*
 * The policy half of the registry: schedulers, IRQ models, controller
 * behaviours and transfer strategies by name, the built-in ones first,
 * then those of shared objects (`ukern_policies[]`, sim/policy.h). The
 * parser's catalog lists their names, so a scenario's `irq-model NAME`
 * gets the same did-you-mean as a program name.
 *
 * This is the one place that knows which policy is which; everything
 * downstream holds a pointer to an ops table.
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/ipc.h>

static const char *const kind_names[] = {
	"", "scheduler", "IRQ model", "controller behaviour", "transfer strategy",
};

const char *sim_policy_kind_name(enum sim_policy_kind kind)
{
	return kind >= 1 && kind <= SIM_POLICY_KINDS ? kind_names[kind] : "policy";
}

static bool kind_valid(enum sim_policy_kind kind)
{
	return kind >= 1 && kind <= SIM_POLICY_KINDS;
}

/* What a table of each kind must hold before a run may use it. */
static bool ops_valid(const struct sim_policy *p)
{
	switch (p->kind) {
	case SIM_POLICY_SCHEDULER: {
		const struct uk_sched_ops *o = p->ops;
		return o->cpu_init && o->enqueue && o->dequeue && o->pick_next && o->top_prio &&
		       o->should_preempt && o->select_cpu && o->slice_ns;
	}
	case SIM_POLICY_IRQ_MODEL:
		return uk_irq_model_valid(p->ops);
	case SIM_POLICY_BEHAVIOUR:
		return uk_irq_behaviour_valid(p->ops);
	case SIM_POLICY_TRANSFER:
		return uk_xfer_ops_valid(p->ops);
	}
	return false;
}

/* Keep each kind's names as a NULL-terminated list for the catalog. */
static int names_add(struct sim_registry *r, enum sim_policy_kind kind, const char *name)
{
	size_t n = r->npolicy_names[kind];
	const char **nl = realloc(r->policy_names[kind], (n + 2) * sizeof(*nl));
	if (!nl)
		return -1;
	nl[n] = name;
	nl[n + 1] = NULL;
	r->policy_names[kind] = nl;
	r->npolicy_names[kind] = n + 1;
	return 0;
}

int rt_policy_add(struct sim_registry *r, const struct sim_policy *p, const char *origin,
		  char *err, size_t errlen)
{
	if (!p->name || !p->name[0] || !p->ops) {
		snprintf(err, errlen, "%s: a policy without a name or an ops table", origin);
		return -1;
	}
	if (!kind_valid(p->kind)) {
		snprintf(err, errlen, "%s: policy '%s' has an unknown kind %d", origin, p->name,
			 (int)p->kind);
		return -1;
	}
	if (p->abi != UK_ABI_VERSION) {
		snprintf(err, errlen,
			 "%s: policy '%s' was built for ABI version %u; this uksim has version %u "
			 "(rebuild it against the installed headers)",
			 origin, p->name, p->abi, UK_ABI_VERSION);
		return -1;
	}
	if (!ops_valid(p)) {
		snprintf(err, errlen, "%s: %s '%s' has an incomplete or invalid ops table", origin,
			 sim_policy_kind_name(p->kind), p->name);
		return -1;
	}
	if (sim_registry_policy(r, p->kind, p->name)) {
		snprintf(err, errlen, "%s: %s '%s' is already registered", origin,
			 sim_policy_kind_name(p->kind), p->name);
		return -1;
	}
	if (r->npolicies == r->cappolicies) {
		size_t cap = r->cappolicies ? r->cappolicies * 2 : 32;
		struct sim_policy *np = realloc(r->policies, cap * sizeof(*np));
		if (!np) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->policies = np;
		r->cappolicies = cap;
	}
	if (names_add(r, p->kind, p->name) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->policies[r->npolicies++] = *p;
	return 0;
}

int rt_policies_builtin(struct sim_registry *r, char *err, size_t errlen)
{
	uk_sched_fixed_ops(&r->sched_fixed);
	struct sim_policy fixed = {UK_ABI_VERSION, SIM_POLICY_SCHEDULER, "fixed", &r->sched_fixed,
				   "256 fixed priorities, round-robin slices, O(1) bitmap pick"};
	if (rt_policy_add(r, &fixed, "built-in", err, errlen) != 0)
		return -1;
	uk_irq_builtins_init(&r->irq);
	for (unsigned i = 0; i < UK_IRQ_BUILTIN_MODELS; i++) {
		const struct uk_irq_model_ops *m = &r->irq.model[i];
		struct sim_policy p = {UK_ABI_VERSION, SIM_POLICY_IRQ_MODEL, m->name, m, m->doc};
		if (rt_policy_add(r, &p, "built-in", err, errlen) != 0)
			return -1;
	}
	for (unsigned i = 0; i < UK_IRQ_BUILTIN_BEHAVIOURS; i++) {
		const struct uk_irq_behaviour *b = &r->irq.behaviour[i];
		struct sim_policy p = {UK_ABI_VERSION, SIM_POLICY_BEHAVIOUR, b->name, b, b->doc};
		if (rt_policy_add(r, &p, "built-in", err, errlen) != 0)
			return -1;
	}
	uk_xfer_builtins_init(r->xfer);
	for (unsigned i = 0; i < UK_XFER_BUILTINS; i++) {
		const struct uk_xfer_ops *x = &r->xfer[i];
		struct sim_policy p = {UK_ABI_VERSION, SIM_POLICY_TRANSFER, x->name, x, x->doc};
		if (rt_policy_add(r, &p, "built-in", err, errlen) != 0)
			return -1;
	}
	return 0;
}

int rt_policies_load(struct sim_registry *r, const struct sim_policy *tab, const char *path,
		     char *err, size_t errlen)
{
	for (size_t i = 0; tab[i].name; i++) {
		if (i >= 4096) {
			snprintf(err, errlen, "%s: '%s' has no end (a {0} entry)", path,
				 SIM_POLICIES_SYMBOL);
			return -1;
		}
		if (rt_policy_add(r, &tab[i], path, err, errlen) != 0)
			return -1;
	}
	return 0;
}

void rt_policies_free(struct sim_registry *r)
{
	free(r->policies);
	for (unsigned k = 0; k <= SIM_POLICY_KINDS; k++)
		free(r->policy_names[k]);
}

const void *sim_registry_policy(const struct sim_registry *r, enum sim_policy_kind kind,
				const char *name)
{
	for (size_t i = 0; r && name && i < r->npolicies; i++)
		if (r->policies[i].kind == kind && !strcmp(r->policies[i].name, name))
			return r->policies[i].ops;
	return NULL;
}

const char *const *sim_registry_policy_names(const struct sim_registry *r,
					     enum sim_policy_kind kind)
{
	static const char *const none[] = {NULL};
	if (!r || !kind_valid(kind) || !r->policy_names[kind])
		return none;
	return r->policy_names[kind];
}

const struct sim_policy *sim_registry_policy_at(const struct sim_registry *r, size_t i)
{
	return r && i < r->npolicies ? &r->policies[i] : NULL;
}
