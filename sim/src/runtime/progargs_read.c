/* SPDX-License-Identifier: MIT */
/*
 * The data calls of sim/programs.h: a program's arguments and surroundings,
 * read from the argument block (ukern/progargs.h) in its own user memory.
 * Portable (proglib.h): the simulator builds this file into uksim and the
 * bare-metal port compiles it unchanged into its ring-3 image, so a program
 * reads its block through the same code on both. The platform supplies the
 * block (rt_prog_block: read once into its copy with rt_progargs_load, the
 * one check of the block, here) and the user-memory accessors.
 */
#include "proglib.h"

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

int rt_progargs_load(struct uk_user *u, uk_vaddr_t va, void *copy, uint32_t cap)
{
	struct uk_progargs_hdr *h = copy;
	if (cap < sizeof(*h) || uk_user_read(u, va, h, sizeof(*h)) != 0 || !header_ok(h, cap) ||
	    uk_user_read(u, va + sizeof(*h), (unsigned char *)copy + sizeof(*h),
			 h->size - sizeof(*h)) != 0)
		return -1;
	return 0;
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
	const struct uk_progargs_hdr *h = rt_prog_block(u);
	if (!h)
		return NULL;
	const struct uk_progarg *a =
		(const struct uk_progarg *)(const void *)((const char *)h + h->args_off);
	for (uint32_t i = 0; i < h->nargs; i++) {
		const char *n = str_at(h, a[i].name);
		if (n && n[0] == name[0] && !strcmp(n, name)) { /* the first byte settles most */
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
	const struct uk_progargs_hdr *h = rt_prog_block(u);
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
	const struct uk_progargs_hdr *h = rt_prog_block(u);
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
	const struct uk_progargs_hdr *h = rt_prog_block(u);
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
	const struct uk_progargs_hdr *h = rt_prog_block(u);
	return h ? h->nopreempt_budget_ns : 0;
}
