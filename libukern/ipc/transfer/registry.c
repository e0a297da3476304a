/* SPDX-License-Identifier: MIT */
/*
 * The transfer strategies, by name and by id (ukern/xfer.h): the built-in
 * ones, and those a host registered with one kernel (ids 4..15).
 */
#include "ipc/ipc_internal.h"

#include <ukern/irq_model.h>

extern const struct uk_xfer_ops uk_xfer_ops_physmap;
extern const struct uk_xfer_ops uk_xfer_ops_window;
extern const struct uk_xfer_ops uk_xfer_ops_grant;

static const struct uk_xfer_ops *const strategies[] = {
	&uk_xfer_ops_physmap,
	&uk_xfer_ops_window,
	&uk_xfer_ops_grant,
};

#define NSTRATEGIES (sizeof(strategies) / sizeof(strategies[0]))

const struct uk_xfer_ops *uk_xfer_ops_at(unsigned i)
{
	return i < NSTRATEGIES ? strategies[i] : NULL;
}

const struct uk_xfer_ops *uk_xfer_ops_by_id(unsigned id)
{
	if (id == UK_XFER_DEFAULT)
		id = UK_XFER_PHYSMAP;
	for (unsigned i = 0; i < NSTRATEGIES; i++)
		if (strategies[i]->id == id)
			return strategies[i];
	return NULL;
}

const struct uk_xfer_ops *uk_xfer_ops_find(const char *name)
{
	for (unsigned i = 0; name && i < NSTRATEGIES; i++) {
		const char *a = strategies[i]->name, *b = name;
		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return strategies[i];
	}
	return NULL;
}

static bool builtin(const struct uk_xfer_ops *o)
{
	for (unsigned i = 0; i < NSTRATEGIES; i++)
		if (strategies[i] == o)
			return true;
	return false;
}

bool uk_xfer_ops_valid(const struct uk_xfer_ops *o)
{
	if (!o || o->abi != UK_ABI_VERSION || !o->name || !o->name[0] || !o->copy)
		return false;
	return builtin(o) || (o->id == 0 && !o->grant);
}

const struct uk_xfer_ops *xfer_ops_of(struct uk_kernel *k, unsigned id)
{
	if (id >= UK_XFER_FIRST_EXTRA && id < UK_XFER_MAX_IDS)
		return k->xfer_extra[id];
	return uk_xfer_ops_by_id(id);
}

unsigned xfer_id_of(struct uk_kernel *k, const struct uk_xfer_ops *o)
{
	if (o->id)
		return o->id;
	for (unsigned id = UK_XFER_FIRST_EXTRA; id < UK_XFER_MAX_IDS; id++)
		if (k->xfer_extra[id] == o)
			return id;
	return 0; /* not registered: counted with the default slot */
}

int uk_kernel_xfer_register(struct uk_kernel *k, const struct uk_xfer_ops *ops)
{
	unsigned id;

	if (!uk_xfer_ops_valid(ops))
		return UK_EINVAL;
	if ((id = xfer_id_of(k, ops)))
		return (int)id;
	for (id = UK_XFER_FIRST_EXTRA; id < UK_XFER_MAX_IDS; id++) {
		if (!k->xfer_extra[id]) {
			k->xfer_extra[id] = ops;
			return (int)id;
		}
	}
	return UK_ENOMEM;
}
