/* SPDX-License-Identifier: MIT */
/*
 * The transfer strategies (ukern/xfer.h): the built-in ones, filled into a
 * kernel's own storage (libukern keeps no relocated data), and those a
 * host registered with that kernel (ids 4..15), by id.
 */
#include "ipc/ipc_internal.h"

#include <ukern/irq_model.h>

void uk_xfer_builtins_init(struct uk_xfer_ops out[UK_XFER_BUILTINS])
{
	xfer_fill_physmap(&out[0]);
	xfer_fill_window(&out[1]);
	xfer_fill_grant(&out[2]);
}

bool uk_xfer_id_grants(unsigned id)
{
	return id == UK_XFER_GRANT;
}

/* A built-in's copy routine by id, to tell a copy of a built-in table from
 * a plug-in's that claims a built-in's id. */
static int (*builtin_copy(unsigned id))(struct uk_xfer_job *)
{
	switch (id) {
	case UK_XFER_PHYSMAP: return xfer_physmap;
	case UK_XFER_WINDOW: return xfer_window;
	case UK_XFER_GRANT: return xfer_physmap;
	default: return NULL;
	}
}

bool uk_xfer_ops_valid(const struct uk_xfer_ops *o)
{
	if (!o || o->abi != UK_ABI_VERSION || !o->name || !o->name[0] || !o->copy)
		return false;
	if (o->id == UK_XFER_DEFAULT)
		return !o->grant; /* a plug-in: it gets an id when registered */
	return o->copy == builtin_copy(o->id) && o->grant == uk_xfer_id_grants(o->id);
}

const struct uk_xfer_ops *xfer_ops_of(struct uk_kernel *k, unsigned id)
{
	if (id == UK_XFER_DEFAULT)
		id = UK_XFER_PHYSMAP;
	if (id < UK_XFER_FIRST_EXTRA)
		return &k->xfer_builtin[id - 1];
	return id < UK_XFER_MAX_IDS ? k->xfer_extra[id] : NULL;
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
