/* SPDX-License-Identifier: MIT */
/*
 * The built-in transfer strategies, by name and by id (ukern/xfer.h).
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

bool uk_xfer_ops_valid(const struct uk_xfer_ops *o)
{
	return o && o->abi == UK_ABI_VERSION && o->name && o->name[0] && o->copy &&
	       uk_xfer_ops_by_id(o->id) != NULL;
}
