/* SPDX-License-Identifier: MIT */
/*
 * What a program sees of the scenario (sim/programs.h). The data calls read
 * the thread's argument block (ukern/progargs.h) back from its user memory,
 * once, into the runtime's copy, and check it before trusting a single
 * offset: the program may have written over its block. The services find
 * the run through the platform pointers the runtime attached to the kernel
 * and to the thread; the program never holds either.
 */
#include "rt_int.h"

#include <string.h>

#include <ukern/devmem.h>
#include <ukern/progargs.h>

/* ---- the block, as the program left it ---- */

static bool table_ok(const struct uk_progargs_hdr *h, uint32_t off, uint32_t n, size_t esize)
{
	return off >= sizeof(*h) && off % 8 == 0 && off <= h->size &&
	       (uint64_t)n * esize <= h->size - off;
}

static bool header_ok(const struct uk_progargs_hdr *h, uint32_t cap)
{
	return h->magic == UK_PROGARGS_MAGIC && h->version == UK_PROGARGS_VERSION &&
	       h->hdr_size == sizeof(*h) && h->size >= sizeof(*h) && h->size <= cap &&
	       h->nargs <= UK_PROGARGS_MAX_ARGS && h->ndevices <= UK_PROGARGS_MAX_DEVICES &&
	       h->nendpoints <= UK_PROGARGS_MAX_ENDPOINTS && h->nmutexes <= UK_PROGARGS_MAX_MUTEXES &&
	       table_ok(h, h->args_off, h->nargs, sizeof(struct uk_progarg)) &&
	       table_ok(h, h->devices_off, h->ndevices, sizeof(struct uk_progarg_dev)) &&
	       table_ok(h, h->endpoints_off, h->nendpoints, sizeof(struct uk_progarg_ep)) &&
	       table_ok(h, h->mutexes_off, h->nmutexes, sizeof(struct uk_progarg_mutex)) &&
	       h->strings_off >= sizeof(*h) && h->strings_off <= h->size;
}

/* The thread's block, read from its memory at the first call; NULL when
 * the thread has none (not started by the runtime) or it is spoiled. */
static const struct uk_progargs_hdr *block(struct uk_user *u)
{
	struct rt_thread *c = uk_user_platform(u);
	if (!c)
		return NULL;
	if (c->view == 0) {
		struct uk_progargs_hdr *h = (struct uk_progargs_hdr *)(void *)c->cache;
		uk_vaddr_t va = UK_PROGARGS_SLOT(c->thread);
		c->view = -1;
		if (uk_user_read(u, va, h, sizeof(*h)) == 0 && header_ok(h, c->block_size) &&
		    uk_user_read(u, va + sizeof(*h), c->cache + sizeof(*h), h->size - sizeof(*h)) == 0)
			c->view = 1;
	}
	return c->view > 0 ? (const struct uk_progargs_hdr *)(const void *)c->cache : NULL;
}

/* A string of the block, or NULL for offset 0 or one that does not hold a
 * whole string inside it. */
static const char *str_at(const struct uk_progargs_hdr *h, uint32_t off)
{
	if (off < h->strings_off || off >= h->size)
		return NULL;
	const char *s = (const char *)h + off;
	return memchr(s, 0, h->size - off) ? s : NULL;
}

static const struct uk_progarg *find_arg(struct uk_user *u, const char *name,
					 const struct uk_progargs_hdr **hp)
{
	const struct uk_progargs_hdr *h = block(u);
	if (!h)
		return NULL;
	const struct uk_progarg *a =
		(const struct uk_progarg *)(const void *)((const char *)h + h->args_off);
	for (uint32_t i = 0; i < h->nargs; i++) {
		const char *n = str_at(h, a[i].name);
		if (n && !strcmp(n, name)) {
			*hp = h;
			return &a[i];
		}
	}
	return NULL;
}

/* ---- data ---- */

bool sim_prog_has(struct uk_user *u, const char *name)
{
	const struct uk_progargs_hdr *h;
	return find_arg(u, name, &h) != NULL;
}

uint64_t sim_prog_num(struct uk_user *u, const char *name, uint64_t dflt)
{
	const struct uk_progargs_hdr *h;
	const struct uk_progarg *a = find_arg(u, name, &h);
	if (!a)
		return dflt;
	switch (a->kind) {
	case UK_PROGARG_INT:
	case UK_PROGARG_TIME:
	case UK_PROGARG_SIZE:
	case UK_PROGARG_BOOL:
		return a->num;
	default:
		return dflt;
	}
}

const char *sim_prog_str(struct uk_user *u, const char *name, const char *dflt)
{
	const struct uk_progargs_hdr *h;
	const struct uk_progarg *a = find_arg(u, name, &h);
	const char *s = a ? str_at(h, a->str) : NULL;
	return s ? s : dflt;
}

int sim_prog_ref(struct uk_user *u, const char *name)
{
	const struct uk_progargs_hdr *h;
	const struct uk_progarg *a = find_arg(u, name, &h);
	return a && a->ref >= 0 ? a->ref : -1;
}

int sim_prog_device(struct uk_user *u, int dev, struct sim_dev_info *out)
{
	const struct uk_progargs_hdr *h = block(u);
	if (!h || dev < 0 || (uint32_t)dev >= h->ndevices)
		return -1;
	const struct uk_progarg_dev *d =
		(const struct uk_progarg_dev *)(const void *)((const char *)h + h->devices_off) + dev;
	memset(out, 0, sizeof(*out));
	out->name = str_at(h, d->name);
	out->regs_h = d->regs;
	out->regs_size = d->regs_size;
	out->w1c = d->flags & UK_PROGDEV_W1C;
	out->has_line = d->flags & UK_PROGDEV_HAS_LINE;
	out->irq_cap = d->flags & UK_PROGDEV_IRQ_CAP;
	out->src_kind = d->src_kind;
	out->source = d->source;
	out->trigger = d->trigger;
	out->polarity = d->polarity;
	return 0;
}

int sim_prog_device_map(struct uk_user *u, int dev, struct sim_dev_info *out)
{
	if (sim_prog_device(u, dev, out) != 0)
		return -1;
	if (!out->regs_h)
		return UK_EPERM;
	if (out->regs_size > UK_DEVMEM_VA_SLOT)
		return UK_ERANGE;
	uk_vaddr_t va = UK_DEVMEM_VA(dev);
	long rc = uk_devmem_map(u, out->regs_h, va, UK_PROT_READ | UK_PROT_WRITE);
	/* Another thread of the process (or an earlier call) mapped it. */
	if (rc != 0 && rc != UK_EEXIST)
		return (int)rc;
	out->regs = va;
	return 0;
}

static const struct uk_progarg_ep *endpoint(struct uk_user *u, int ep)
{
	const struct uk_progargs_hdr *h = block(u);
	if (!h || ep < 0 || (uint32_t)ep >= h->nendpoints)
		return NULL;
	return (const struct uk_progarg_ep *)(const void *)((const char *)h + h->endpoints_off) + ep;
}

uint32_t sim_prog_endpoint(struct uk_user *u, int ep)
{
	const struct uk_progarg_ep *e = endpoint(u, ep);
	return e ? e->handle : 0;
}

bool sim_prog_endpoint_grants(struct uk_user *u, int ep)
{
	const struct uk_progarg_ep *e = endpoint(u, ep);
	return e && (e->flags & UK_PROGEP_GRANT);
}

uint32_t sim_prog_mutex(struct uk_user *u, const char *name)
{
	const struct uk_progargs_hdr *h = block(u);
	if (!h)
		return 0;
	const struct uk_progarg_mutex *m =
		(const struct uk_progarg_mutex *)(const void *)((const char *)h + h->mutexes_off);
	for (uint32_t i = 0; i < h->nmutexes; i++) {
		const char *n = str_at(h, m[i].name);
		if (n && !strcmp(n, name))
			return m[i].handle;
	}
	return 0;
}

uint64_t sim_prog_nopreempt_budget(struct uk_user *u)
{
	const struct uk_progargs_hdr *h = block(u);
	return h ? h->nopreempt_budget_ns : 0;
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
