/* SPDX-License-Identifier: MIT */
/*
 * The program registry: the built-in programs plus those of shared objects,
 * and the catalog the parser checks scenarios against.
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_registry_create(const char *const *so_paths, size_t nso, struct sim_registry **out,
			char *err, size_t errlen)
{
	*out = NULL;
	struct sim_registry *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rt_policies_builtin(r, err, errlen) != 0)
		goto fail;
	size_t n = 0;
	const struct sim_program *b = sim_builtin_programs(&n);
	for (size_t i = 0; i < n; i++) {
		struct sim_program p = rt_builtin_with_spec(&b[i]);
		if (rt_registry_add(r, &p, "built-in", err, errlen) != 0)
			goto fail;
	}
	for (size_t i = 0; i < nso; i++)
		if (sim_registry_load(r, so_paths[i], err, errlen) != 0)
			goto fail;
	*out = r;
	return 0;
fail:
	sim_registry_free(r);
	return -1;
}

int rt_registry_add(struct sim_registry *r, const struct sim_program *p, const char *origin,
		    char *err, size_t errlen)
{
	if (!p->name || !p->name[0] || !p->fn) {
		snprintf(err, errlen, "%s: a program without a name or a function", origin);
		return -1;
	}
	/* A loaded table is code we did not write: check what the parser and
	 * the checks will read, before anything reads it. */
	bool bad = (p->nargs && !p->args) || (p->nneeds && !p->needs) || p->nargs > 256 ||
		   p->nneeds > 64;
	for (size_t i = 0; !bad && i < p->nargs; i++)
		bad = !p->args[i].name || !p->args[i].name[0] ||
		      p->args[i].type < UKS_ARG_INT || p->args[i].type > UKS_ARG_ENDPOINT;
	for (size_t i = 0; !bad && i < p->nneeds; i++) {
		const struct uks_cap_need *n = &p->needs[i];
		bad = n->kind < UKS_NEED_IRQ || n->kind > UKS_NEED_MMIO ||
		      (!n->arg && n->kind != UKS_NEED_NOPREEMPT);
	}
	if (bad) {
		snprintf(err, errlen,
			 "%s: program '%s' has an invalid spec (arguments without a table or a "
			 "name, an unknown type, or a need that names no argument)",
			 origin, p->name);
		return -1;
	}
	const struct sim_program *old = sim_registry_find(r, p->name);
	if (old) {
		snprintf(err, errlen, "%s: program '%s' is already registered", origin, p->name);
		return -1;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct sim_program *np = realloc(r->progs, cap * sizeof(*np));
		struct uks_program_spec *ns = realloc(r->specs, cap * sizeof(*ns));
		if (np)
			r->progs = np;
		if (ns)
			r->specs = ns;
		if (!np || !ns) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->cap = cap;
	}
	r->progs[r->n] = *p;
	r->specs[r->n] = (struct uks_program_spec){p->name, p->args,  p->nargs,
						   p->doc,  p->needs, p->nneeds};
	r->n++;
	return 0;
}

void sim_registry_free(struct sim_registry *r)
{
	if (!r)
		return;
	rt_registry_unload(r);
	rt_policies_free(r);
	free(r->progs);
	free(r->specs);
	free(r);
}

const struct sim_program *sim_registry_find(const struct sim_registry *r, const char *name)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!strcmp(r->progs[i].name, name))
			return &r->progs[i];
	return NULL;
}

void sim_registry_catalog(const struct sim_registry *r, bool allow_unknown,
			  struct uks_catalog *out)
{
	*out = *uks_default_catalog();
	out->programs = r->specs;
	out->irq_models = sim_registry_policy_names(r, SIM_POLICY_IRQ_MODEL);
	out->schedulers = sim_registry_policy_names(r, SIM_POLICY_SCHEDULER);
	out->transfers = sim_registry_policy_names(r, SIM_POLICY_TRANSFER);
	out->behaviours = sim_registry_policy_names(r, SIM_POLICY_BEHAVIOUR);
	out->nprograms = r->n;
	out->allow_unknown_programs = allow_unknown;
}
