/* SPDX-License-Identifier: MIT */
/*
 * Argument blocks (ukern/progargs.h): what each scenario thread's program
 * learns of its arguments and surroundings, laid out before the run, once
 * per thread, in one allocation. Each thread's trampoline writes its block
 * into its own process (threads.c); the program reads it back (ctx.c).
 *
 * The mutex entries name the process's mutexes; their handles exist only
 * once the process's first thread has made them, so the trampoline fills
 * them in just before it writes the block.
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/irq_sys.h>
#include <ukern/progargs.h>

const char *rt_thread_mutex_name(const struct uks_thread *t)
{
	for (size_t i = 0; i < t->nargs; i++)
		if (RT_NAME_IS(t->args[i].name, "mutex") && t->args[i].str)
			return t->args[i].str;
	if (RT_NAME_IS(t->program, "mutex-holder") || RT_NAME_IS(t->program, "mutex-waiter"))
		return "m";
	return NULL;
}

/* The process's named mutexes, in the order its first thread makes them. */
static void name_mutexes(struct sim_rt *rt, struct rt_proc *rp)
{
	const struct uks_process *up = &rt->s->processes[rp->index];
	for (size_t j = 0; j < up->nthreads; j++) {
		const char *name = rt_thread_mutex_name(&up->threads[j]);
		bool known = false;
		for (unsigned i = 0; name && i < rp->nmutex; i++)
			known |= RT_NAME_IS(rp->mutex[i].name, name);
		if (!name || known || rp->nmutex == RT_MAX_MUTEXES)
			continue;
		rp->mutex[rp->nmutex].name = name;
		rp->mutex[rp->nmutex].h = 0;
		rp->nmutex++;
	}
}

uint32_t sim_progarg_kind(enum uks_value_kind k)
{
	switch (k) {
	case UKS_VAL_INT: return UK_PROGARG_INT;
	case UKS_VAL_TIME: return UK_PROGARG_TIME;
	case UKS_VAL_SIZE: return UK_PROGARG_SIZE;
	case UKS_VAL_BOOL: return UK_PROGARG_BOOL;
	case UKS_VAL_STRING: return UK_PROGARG_STRING;
	case UKS_VAL_IDENT: return UK_PROGARG_IDENT;
	case UKS_VAL_DEVICE: return UK_PROGARG_DEVICE;
	case UKS_VAL_PROCESS: return UK_PROGARG_PROCESS;
	case UKS_VAL_ENDPOINT: return UK_PROGARG_ENDPOINT;
	}
	return UK_PROGARG_IDENT;
}

int32_t sim_progarg_ref(const struct uks_scenario *s, const struct uks_arg *a)
{
	if (a->ref >= 0)
		return a->ref;
	if (a->kind != UKS_VAL_IDENT || !a->str)
		return -1;
	for (size_t i = 0; i < s->ndevices; i++)
		if (RT_NAME_IS(s->devices[i].name, a->str))
			return (int32_t)i;
	for (size_t i = 0; i < s->nendpoints; i++)
		if (RT_NAME_IS(s->endpoints[i].name, a->str))
			return (int32_t)i;
	for (size_t i = 0; i < s->nprocesses; i++)
		if (RT_NAME_IS(s->processes[i].name, a->str))
			return (int32_t)i;
	return -1;
}

static bool has_cap(const struct uks_process *p, enum uks_cap_kind kind, int ref)
{
	for (size_t i = 0; i < p->ncaps; i++)
		if (p->caps[i].kind == kind && p->caps[i].ref == ref)
			return true;
	return false;
}

/* A block under construction: tables first, strings after them. */
struct writer {
	unsigned char *b; /* NULL: only measure */
	uint32_t str_at;  /* next free byte of the string area */
};

static uint32_t put_str(struct writer *w, const char *s)
{
	if (!s)
		return 0;
	uint32_t at = w->str_at;
	size_t n = strlen(s) + 1;
	if (w->b)
		memcpy(w->b + at, s, n);
	w->str_at += (uint32_t)n;
	return at;
}

static void put(struct writer *w, uint32_t off, const void *v, size_t n)
{
	if (w->b)
		memcpy(w->b + off, v, n);
}

/* Lay out (or, with w->b NULL, measure) the block of thread c. Returns
 * its size. */
static uint64_t layout(struct sim_rt *rt, const struct rt_thread *c, struct writer *w)
{
	const struct uks_scenario *s = rt->s;
	const struct uks_process *up = &s->processes[c->proc];
	const struct rt_proc *rp = &rt->proc[c->proc];
	struct uk_progargs_hdr h = {
		.magic = UK_PROGARGS_MAGIC,
		.version = UK_PROGARGS_VERSION,
		.hdr_size = sizeof(h),
		.thread = (uint32_t)c->thread,
		.process = (uint32_t)c->proc,
		.nargs = (uint32_t)c->ut->nargs,
		.ndevices = (uint32_t)s->ndevices,
		.nendpoints = (uint32_t)s->nendpoints,
		.nmutexes = rp->nmutex,
		.nopreempt_budget_ns = rp->np_budget,
	};
	h.args_off = sizeof(h);
	h.devices_off = h.args_off + h.nargs * (uint32_t)sizeof(struct uk_progarg);
	h.endpoints_off = h.devices_off + h.ndevices * (uint32_t)sizeof(struct uk_progarg_dev);
	h.mutexes_off = h.endpoints_off + h.nendpoints * (uint32_t)sizeof(struct uk_progarg_ep);
	h.strings_off = h.mutexes_off + h.nmutexes * (uint32_t)sizeof(struct uk_progarg_mutex);
	w->str_at = h.strings_off;

	for (uint32_t i = 0; i < h.nargs; i++) {
		const struct uks_arg *a = &c->ut->args[i];
		struct uk_progarg e = {
			.kind = sim_progarg_kind(a->kind),
			.num = a->num,
			.ref = sim_progarg_ref(s, a),
		};
		e.name = put_str(w, a->name);
		e.str = put_str(w, a->str);
		put(w, h.args_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	for (uint32_t i = 0; i < h.ndevices; i++) {
		const struct uks_device *d = &s->devices[i];
		struct uk_progarg_dev e = {
			.regs = rp->dev_handle[i],
			.regs_size = (uint32_t)rt->dev[i].mmio_size,
			.src_kind = d->line_kind == UKS_LINE_MSI      ? UK_IRQ_SRC_MSI
				    : d->line_kind == UKS_LINE_PLIC   ? UK_IRQ_SRC_PLIC
				    : d->line_kind == UKS_LINE_PERCPU ? UK_IRQ_SRC_PERCPU
								    : UK_IRQ_SRC_GSI,
			.trigger = d->trigger == UKS_TRIGGER_LEVEL ? UK_TRIGGER_LEVEL : UK_TRIGGER_EDGE,
			.polarity = d->polarity == UKS_POLARITY_LOW ? UK_POLARITY_LOW
								    : UK_POLARITY_HIGH,
			.source = d->line,
		};
		e.flags = (d->status != UKS_STATUS_CLEAR_ON_READ ? UK_PROGDEV_W1C : 0) |
			  (d->line_kind != UKS_LINE_NONE ? UK_PROGDEV_HAS_LINE : 0) |
			  (has_cap(up, UKS_CAP_IRQ, (int)i) ? UK_PROGDEV_IRQ_CAP : 0);
		e.name = put_str(w, d->name);
		put(w, h.devices_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	for (uint32_t i = 0; i < h.nendpoints; i++) {
		const char *x = s->endpoints[i].transfer ? s->endpoints[i].transfer
							 : s->machine.transfer;
		struct uk_progarg_ep e = {
			.handle = rp->ep_handle[i],
			.flags = rt_xfer(rt, x)->grant ? UK_PROGEP_GRANT : 0,
		};
		put(w, h.endpoints_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	for (uint32_t i = 0; i < h.nmutexes; i++) {
		struct uk_progarg_mutex e = {.name = put_str(w, rp->mutex[i].name)};
		put(w, h.mutexes_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	h.size = (w->str_at + 7u) & ~7u;
	put(w, 0, &h, sizeof(h));
	return h.size;
}

int rt_args_build(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	if (s->ndevices > UK_PROGARGS_MAX_DEVICES || s->nendpoints > UK_PROGARGS_MAX_ENDPOINTS) {
		snprintf(rt->err, sizeof(rt->err),
			 "more devices or endpoints than an argument block holds (%u, %u)",
			 UK_PROGARGS_MAX_DEVICES, UK_PROGARGS_MAX_ENDPOINTS);
		return -1;
	}
	for (size_t p = 0; p < s->nprocesses; p++)
		name_mutexes(rt, &rt->proc[p]);
	size_t total = 0;
	for (size_t t = 0; t < rt->nthr; t++) {
		struct rt_thread *c = &rt->thr[t];
		struct writer w = {0};
		uint64_t n = layout(rt, c, &w);
		if (c->thread >= (int)UK_PROGARGS_MAX_THREADS || c->ut->nargs > UK_PROGARGS_MAX_ARGS ||
		    n > UK_PROGARGS_SLOT_SIZE) {
			snprintf(rt->err, sizeof(rt->err),
				 "%s:%u:%u: thread '%s': its arguments do not fit an argument block "
				 "(%u threads a process, %u arguments, %llu bytes)",
				 c->ut->pos.file, c->ut->pos.line, c->ut->pos.col, c->ut->name,
				 UK_PROGARGS_MAX_THREADS, UK_PROGARGS_MAX_ARGS,
				 (unsigned long long)UK_PROGARGS_SLOT_SIZE);
			rt->bad_scenario = true;
			return -1;
		}
		c->block_size = (uint32_t)n;
		total += n;
	}
	/* Blocks first, then the programs' views of them. */
	rt->blocks = malloc(2 * total + 8);
	if (!rt->blocks) {
		snprintf(rt->err, sizeof(rt->err), "out of memory");
		return -1;
	}
	unsigned char *b = rt->blocks, *v = rt->blocks + total;
	for (size_t t = 0; t < rt->nthr; t++) {
		struct rt_thread *c = &rt->thr[t];
		struct writer w = {.b = b};
		memset(b, 0, c->block_size);
		layout(rt, c, &w);
		c->block = b;
		c->cache = v;
		b += c->block_size;
		v += c->block_size;
	}
	return 0;
}
