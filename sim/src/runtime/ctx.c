/* SPDX-License-Identifier: MIT */
/*
 * What a program sees of the scenario (sim/programs.h): its arguments, the
 * devices and handles the runtime resolved, and the hooks it counts with.
 */
#include "rt_int.h"

#include <string.h>

#include <ukern/irq_sys.h>

static const struct uks_arg *find_arg(const struct sim_prog_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->ut->nargs; i++)
		if (!strcmp(c->ut->args[i].name, name))
			return &c->ut->args[i];
	return NULL;
}

bool sim_prog_has(const struct sim_prog_ctx *c, const char *name)
{
	return find_arg(c, name) != NULL;
}

uint64_t sim_prog_num(const struct sim_prog_ctx *c, const char *name, uint64_t dflt)
{
	const struct uks_arg *a = find_arg(c, name);
	if (!a)
		return dflt;
	switch (a->kind) {
	case UKS_VAL_INT:
	case UKS_VAL_TIME:
	case UKS_VAL_SIZE:
	case UKS_VAL_BOOL:
		return a->num;
	default:
		return dflt;
	}
}

const char *sim_prog_str(const struct sim_prog_ctx *c, const char *name, const char *dflt)
{
	const struct uks_arg *a = find_arg(c, name);
	return a && a->str ? a->str : dflt;
}

int sim_prog_ref(const struct sim_prog_ctx *c, const char *name)
{
	const struct uks_arg *a = find_arg(c, name);
	if (!a)
		return -1;
	if (a->ref >= 0)
		return a->ref;
	/* Unchecked arguments (a loaded program) name things by identifier. */
	const struct uks_scenario *s = c->rt->s;
	if (a->kind == UKS_VAL_IDENT && a->str) {
		for (size_t i = 0; i < s->ndevices; i++)
			if (!strcmp(s->devices[i].name, a->str))
				return (int)i;
		for (size_t i = 0; i < s->nendpoints; i++)
			if (!strcmp(s->endpoints[i].name, a->str))
				return (int)i;
		for (size_t i = 0; i < s->nprocesses; i++)
			if (!strcmp(s->processes[i].name, a->str))
				return (int)i;
	}
	return -1;
}

static bool has_cap(const struct uks_process *p, enum uks_cap_kind kind, int ref)
{
	for (size_t i = 0; i < p->ncaps; i++)
		if (p->caps[i].kind == kind && p->caps[i].ref == ref)
			return true;
	return false;
}

int sim_prog_device(const struct sim_prog_ctx *c, int dev, struct sim_dev_info *out)
{
	const struct uks_scenario *s = c->rt->s;
	if (dev < 0 || (size_t)dev >= s->ndevices)
		return -1;
	const struct uks_device *d = &s->devices[dev];
	memset(out, 0, sizeof(*out));
	out->name = d->name;
	out->mmio = c->rt->dev[dev].mmio;
	out->w1c = d->status != UKS_STATUS_CLEAR_ON_READ;
	out->has_line = d->line_kind != UKS_LINE_NONE;
	out->src_kind = d->line_kind == UKS_LINE_MSI    ? UK_IRQ_SRC_MSI
			: d->line_kind == UKS_LINE_PLIC ? UK_IRQ_SRC_PLIC
							: UK_IRQ_SRC_GSI;
	out->source = d->line;
	out->trigger = d->trigger == UKS_TRIGGER_LEVEL ? UK_TRIGGER_LEVEL : UK_TRIGGER_EDGE;
	out->polarity = d->polarity == UKS_POLARITY_LOW ? UK_POLARITY_LOW : UK_POLARITY_HIGH;
	out->irq_cap = has_cap(&s->processes[c->proc], UKS_CAP_IRQ, dev);
	return 0;
}

uint32_t sim_prog_endpoint(const struct sim_prog_ctx *c, int ep)
{
	if (ep < 0 || (size_t)ep >= c->rt->s->nendpoints)
		return 0;
	return c->rt->proc[c->proc].ep_handle[ep];
}

uint32_t sim_prog_mutex(const struct sim_prog_ctx *c, const char *name)
{
	const struct rt_proc *rp = &c->rt->proc[c->proc];
	for (unsigned i = 0; i < rp->nmutex; i++)
		if (!strcmp(rp->mutex[i].name, name))
			return rp->mutex[i].h;
	return 0;
}

uint64_t sim_prog_nopreempt_budget(const struct sim_prog_ctx *c)
{
	return c->rt->proc[c->proc].np_budget;
}

uint64_t sim_prog_now(const struct sim_prog_ctx *c)
{
	return sim_now(c->rt->sm->e);
}

unsigned sim_prog_choose(struct sim_prog_ctx *c, unsigned n, unsigned dflt)
{
	return sim_choose_value(c->rt->sm->e, n, dflt);
}

void sim_prog_idle(struct sim_prog_ctx *c, bool idle)
{
	c->idle = idle;
}

static void note_dev(struct sim_rt *rt, enum sim_note what, int dev, uint64_t now)
{
	if (dev < 0 || (size_t)dev >= rt->s->ndevices)
		return;
	struct rt_dev *d = &rt->dev[dev];
	switch (what) {
	case SIM_NOTE_WOKEN: d->woken++; break;
	case SIM_NOTE_CLAIM: d->claims++; rt_pending_serve(&d->lat_irq, now); break;
	case SIM_NOTE_ACK: d->acks++; d->handled++; rt_pending_serve(&d->lat_handled, now); break;
	case SIM_NOTE_NAK: d->naks++; break;
	case SIM_NOTE_SERVED_LATE: d->handled++; rt_pending_serve(&d->lat_handled, now); break;
	case SIM_NOTE_KICK: d->kicks++; d->handled++; rt_pending_serve(&d->lat_handled, now); break;
	default: break;
	}
}

static void note_ep(struct sim_rt *rt, enum sim_note what, int ep, uint64_t value)
{
	if (ep < 0 || (size_t)ep >= rt->s->nendpoints)
		return;
	struct rt_ep *e = &rt->ep[ep];
	if (what == SIM_NOTE_IPC_NS) {
		e->calls++;
		if (value > e->ipc_max)
			e->ipc_max = value;
	} else {
		e->copied += value;
	}
}

void sim_prog_note(struct sim_prog_ctx *c, enum sim_note what, int dev, uint64_t value)
{
	struct sim_rt *rt = c->rt;
	struct rt_proc *rp = &rt->proc[c->proc];
	switch (what) {
	case SIM_NOTE_REJECTED: rp->rejected++; break;
	case SIM_NOTE_OVERRUN: rp->overruns++; break;
	case SIM_NOTE_FAULT: rp->faults++; break;
	case SIM_NOTE_NOPREEMPT_NS:
		if (value > rp->nopreempt_max)
			rp->nopreempt_max = value;
		break;
	case SIM_NOTE_WAKEUP_NS:
		if (value > rp->wakeup_max)
			rp->wakeup_max = value;
		break;
	case SIM_NOTE_IPC_NS:
	case SIM_NOTE_COPIED:
		note_ep(rt, what, dev, value);
		break;
	default:
		note_dev(rt, what, dev, sim_prog_now(c));
		break;
	}
}
