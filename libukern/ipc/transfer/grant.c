/* SPDX-License-Identifier: MIT */
/*
 * The grant strategy (Minix 3 safecopies): the owner of a buffer grants a
 * range of it with rights, passes the grant's handle in its call, and the
 * server copies through the grant (UK_SYS_XFER_GRANT, checked against the
 * range and rights on every transfer; ipc/grant.c). The copy itself walks
 * the owner's page tables and goes through the direct map, as physmap does;
 * what differs is the protocol, which `grant` tells the programs.
 */
#include "ipc/ipc_internal.h"
#include "lib/string.h"

void xfer_fill_grant(struct uk_xfer_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "grant";
	o->doc = "the owner grants a range; the peer copies through the grant (Minix-style)";
	o->source = "Minix 3 safecopies (sys_safecopyfrom); docs/design.md section 4";
	o->id = UK_XFER_GRANT;
	o->grant = true;
	o->copy = xfer_physmap;
}
