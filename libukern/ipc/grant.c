/* SPDX-License-Identifier: MIT */
/*
 * grant.c: Minix-style memory grants. The owner names a range of its own
 * space and what a peer may do with it (read, write); whoever holds a handle
 * to the grant copies through it with UK_SYS_XFER_GRANT, checked against the
 * range and the rights on every transfer. Revoking makes every later
 * transfer fail with UK_ESTALE; the grant pins nothing (pages are walked at
 * transfer time, like the physmap strategy).
 *
 * Also where every IPC object goes when its last reference drops
 * (ipc_kobj_free, called by kobj_put).
 */
#include "ipc/ipc_internal.h"

int grant_create(struct uk_kernel *k, struct process *owner, uk_vaddr_t va, uint64_t len,
		 uint32_t rights, struct ipc_grant **out)
{
	struct ipc_grant *g;

	if (len == 0 || !rights || (rights & ~(UK_RIGHT_READ | UK_RIGHT_WRITE)))
		return UK_EINVAL;
	if (va < UK_USER_BASE || va >= UK_USER_END || len > UK_USER_END - va)
		return UK_ERANGE;
	g = kalloc(k, sizeof(*g));
	if (!g)
		return UK_ENOMEM;
	kobj_init(k, &g->o, KOBJ_GRANT);
	g->owner = owner;
	kobj_get(&owner->o);
	g->va = va;
	g->len = len;
	g->rights = rights;
	*out = g;
	return 0;
}

int grant_revoke(struct ipc_grant *g, struct process *caller)
{
	if (g->owner != caller)
		return UK_EPERM;
	if (g->revoked)
		return UK_EALREADY;
	g->revoked = true;
	return 0;
}

void ipc_kobj_free(struct uk_kernel *k, struct kobj *o)
{
	switch (o->type) {
	case KOBJ_ENDPOINT:
		kfree(k, o, sizeof(struct ipc_endpoint));
		break;
	case KOBJ_REPLY:
		kfree(k, o, sizeof(struct ipc_reply));
		break;
	case KOBJ_NTFN:
		kfree(k, o, sizeof(struct ipc_ntfn));
		break;
	case KOBJ_GRANT: {
		struct process *owner = ((struct ipc_grant *)o)->owner;
		kfree(k, o, sizeof(struct ipc_grant));
		kobj_put(k, &owner->o);
		break;
	}
	default:
		uk_arch_fatal(k->a, "ipc: freeing an object of unknown type");
	}
}
