/* SPDX-License-Identifier: MIT */
/*
 * What a program sees of the scenario (sim/programs.h), the simulator's
 * part. The data calls are portable (progargs_read.c: the bare-metal image
 * builds the same file); here is where they find the thread's block: read
 * back from its user memory, once, into the runtime's copy (rt_prog_block),
 * checked before a single offset is trusted, since the program may have
 * written over its block. The services find the run through the platform
 * pointers the runtime attached to the kernel and to the thread; the
 * program never holds either.
 */
#include "rt_int.h"

#include <ukern/progargs.h>

/* ---- the block, as the program left it ---- */

/* The simulator's hook (proglib.h): the thread's copy, read at its first
 * data call; the data calls themselves are portable (progargs_read.c). */
const struct uk_progargs_hdr *rt_prog_block(struct uk_user *u)
{
	struct rt_thread *c = uk_user_platform(u);
	if (!c)
		return NULL;
	if (c->view == 0) {
		c->view = -1; /* while it is read (a fault handler may ask too) and if it fails */
		if (rt_progargs_load(u, UK_PROGARGS_SLOT(c->thread), c->cache, c->block_size) == 0)
			c->view = 1;
	}
	return c->view > 0 ? (const struct uk_progargs_hdr *)(const void *)c->cache : NULL;
}

/* ---- services ---- */

uint64_t sim_prog_now(struct uk_user *u)
{
	struct sim_rt *rt = uk_user_kernel_platform(u);
	return rt ? sim_now(rt->sm->e) : 0;
}

unsigned sim_prog_choose(struct uk_user *u, unsigned n, unsigned dflt)
{
	struct sim_rt *rt = uk_user_kernel_platform(u);
	return rt ? sim_choose_value_what(rt->sm->e, n, dflt, SIM_VALUE_PROGRAM) : dflt;
}

void sim_prog_idle(struct uk_user *u, bool idle)
{
	struct rt_thread *c = uk_user_platform(u);
	if (c)
		c->idle = idle;
}

static void note_dev(struct sim_rt *rt, enum sim_note what, int dev, uint64_t now)
{
	if (dev < 0 || (size_t)dev >= rt->s->ndevices)
		return;
	struct rt_dev *d = &rt->dev[dev];
	switch (what) {
	case SIM_NOTE_WOKEN: d->woken++; break;
	case SIM_NOTE_CLAIM:
		/* Devices that report status clears are served by them
		 * (rt_dev_take_clears); the others when a driver claims. */
		d->claims++;
		if (!rt_dev_reports_clears(d))
			rt_pending_serve(&d->lat_irq, now);
		break;
	case SIM_NOTE_ACK:
		d->acks++;
		d->handled++;
		rt_pending_serve(&d->lat_handled, now);
		rt_count_hit(rt, false, offsetof(struct rt_dev, acks));
		rt_count_hit(rt, false, offsetof(struct rt_dev, handled));
		break;
	case SIM_NOTE_NAK:
		d->naks++;
		rt_count_hit(rt, false, offsetof(struct rt_dev, naks));
		break;
	case SIM_NOTE_SERVED_LATE:
	case SIM_NOTE_KICK:
		d->kicks += what == SIM_NOTE_KICK;
		d->handled++;
		rt_pending_serve(&d->lat_handled, now);
		rt_count_hit(rt, false, offsetof(struct rt_dev, handled));
		break;
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
		rt_lat_hit(rt, RT_LAT_IPC, ep, value);
	} else {
		e->copied += value;
	}
}

void sim_prog_note(struct uk_user *u, enum sim_note what, int dev, uint64_t value)
{
	struct rt_thread *c = uk_user_platform(u);
	if (!c)
		return;
	struct sim_rt *rt = c->rt;
	struct rt_proc *rp = &rt->proc[c->proc];
	switch (what) {
	case SIM_NOTE_REJECTED:
		rp->rejected++;
		rt_count_hit(rt, true, offsetof(struct rt_proc, rejected));
		break;
	case SIM_NOTE_ATTACH_REFUSED:
		if (dev >= 0 && (size_t)dev < rt->s->ndevices && !rt->dev[dev].refused_err) {
			struct rt_dev *d = &rt->dev[dev];
			d->refused_err = -(int)value;
			d->refused_at = sim_now(rt->sm->e);
			d->refused_proc = c->proc;
			d->refused_cpu = (int)sim_current_cpu(rt->sm->e);
		}
		break;
	case SIM_NOTE_OVERRUN:
		rp->overruns++;
		rt_count_hit(rt, true, offsetof(struct rt_proc, overruns));
		break;
	case SIM_NOTE_FAULT:
		rp->faults++;
		rt_count_hit(rt, true, offsetof(struct rt_proc, faults));
		break;
	case SIM_NOTE_NOPREEMPT_NS:
		if (value > rp->nopreempt_max)
			rp->nopreempt_max = value;
		rt_lat_hit(rt, RT_LAT_NOPREEMPT, c->proc, value);
		break;
	case SIM_NOTE_WAKEUP_NS:
		if (value > rp->wakeup_max)
			rp->wakeup_max = value;
		rt_lat_hit(rt, RT_LAT_WAKEUP, c->proc, value);
		break;
	case SIM_NOTE_IPC_NS:
	case SIM_NOTE_COPIED:
		note_ep(rt, what, dev, value);
		break;
	default:
		note_dev(rt, what, dev, sim_now(rt->sm->e));
		break;
	}
}
