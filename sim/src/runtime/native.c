/* SPDX-License-Identifier: MIT */
/*
 * `native-driver`: the driver the IRQ model of a device's line names
 * (struct uk_irq_model_ops.driver). A scenario written once with
 * `program native-driver(device = D)` runs, under each model, a driver
 * written the way that kernel's drivers are: seL4's notification loop,
 * Zircon's port loop, a Linux threaded handler ... Which driver belongs to
 * which model is the model's own statement; nothing here knows any model.
 */
#include "rt_int.h"

#include <stdio.h>
#include <string.h>

#define NATIVE "native-driver"

static const struct uks_line *line_of(const struct uks_scenario *s, const struct uks_device *d)
{
	for (size_t i = 0; i < s->nlines; i++)
		if (s->lines[i].kind == d->line_kind && s->lines[i].line == d->line)
			return &s->lines[i];
	return NULL;
}

static int device_named(const struct uks_scenario *s, const struct uks_thread *t)
{
	for (size_t i = 0; i < t->nargs; i++) {
		const struct uks_arg *a = &t->args[i];
		if (strcmp(a->name, "device"))
			continue;
		if (a->ref >= 0)
			return a->ref;
		for (size_t d = 0; a->str && d < s->ndevices; d++)
			if (!strcmp(s->devices[d].name, a->str))
				return (int)d;
	}
	return -1;
}

const struct sim_program *rt_thread_program(const struct uks_scenario *s,
					    const struct sim_registry *r,
					    const struct uks_thread *t, char *why, size_t whylen)
{
	if (strcmp(t->program, NATIVE)) {
		const struct sim_program *p = sim_registry_find(r, t->program);
		if (!p)
			snprintf(why, whylen, "program '%s' is not built in and no loaded object has it",
				 t->program);
		return p;
	}
	int d = device_named(s, t);
	if (d < 0) {
		snprintf(why, whylen, NATIVE " needs device = D, a device of the scenario");
		return NULL;
	}
	const struct uks_device *dev = &s->devices[d];
	if (dev->line_kind == UKS_LINE_NONE) {
		snprintf(why, whylen, NATIVE ": device '%s' has no interrupt line", dev->name);
		return NULL;
	}
	const struct uks_line *l = line_of(s, dev);
	const char *model = l && l->model ? l->model
			  : s->machine.irq_model ? s->machine.irq_model : "managarm";
	const struct uk_irq_model_ops *ops = sim_registry_policy(r, SIM_POLICY_IRQ_MODEL, model);
	if (!ops) {
		snprintf(why, whylen, NATIVE ": no IRQ model '%s'", model);
		return NULL;
	}
	if (!ops->driver) {
		snprintf(why, whylen, NATIVE ": IRQ model '%s' names no native driver", model);
		return NULL;
	}
	const struct sim_program *p = sim_registry_find(r, ops->driver);
	if (!p)
		snprintf(why, whylen,
			 NATIVE ": IRQ model '%s' names driver '%s', which is not built in and no "
			 "loaded object has",
			 model, ops->driver);
	return p;
}

/* A scenario's thread never runs this: rt_thread_program puts the model's
 * driver in its place before the run. It is registered so that the parser
 * knows the name and its arguments; spawned by hand, it exits at once. */
void rt_prog_native_driver(struct uk_user *u)
{
	(void)u;
}
