/* SPDX-License-Identifier: MIT */
/*
 * xfer.h: memory transfer strategies as ops tables (the seed's VFS open()
 * problem: how a server copies a client's buffer).
 *
 * A strategy is one copy routine over a transfer job: the remote range
 * (client or grant owner, never the active space) and the local range (the
 * calling server's own, active space). The built-in ones live in
 * libukern/ipc/transfer/, one file each:
 *
 *   physmap  walk the remote page tables, copy through the direct map
 *   window   map the remote frames into a per-CPU kernel window, copy, flush
 *   grant    the owner grants a range; the peer copies through the grant
 *            (physmap underneath; the grant is the protocol)
 *
 * Each has a small number (`id`, UK_XFER_* of ipc.h) that endpoints carry
 * in their flags and statistics are kept under. Strategies are chosen by
 * name through the registry (uk_xfer_ops_find); nothing else in the kernel
 * branches on which one is in use. Loading a strategy from a shared object
 * is not supported yet: the id space is the endpoints' 2-bit field.
 */
#ifndef UKERN_XFER_H
#define UKERN_XFER_H

#include <stdbool.h>
#include <stdint.h>

struct uk_xfer_job;

struct uk_xfer_ops {
	unsigned abi;       /* UK_ABI_VERSION (ukern/irq_model.h) */
	const char *name;   /* the scenario's `transfer NAME` */
	const char *doc;
	const char *source;
	unsigned id;        /* UK_XFER_PHYSMAP, _WINDOW or _GRANT */
	bool grant;         /* clients pass a grant and servers copy through it */
	/* Copy the job's bytes; 0 or a negative error with the result's
	 * fault side and address set. */
	int (*copy)(struct uk_xfer_job *x);
};

const struct uk_xfer_ops *uk_xfer_ops_find(const char *name);
/* By id (UK_XFER_*; UK_XFER_DEFAULT is physmap); NULL for an unknown id. */
const struct uk_xfer_ops *uk_xfer_ops_by_id(unsigned id);
/* The i-th built-in strategy, or NULL past the end. */
const struct uk_xfer_ops *uk_xfer_ops_at(unsigned i);
bool uk_xfer_ops_valid(const struct uk_xfer_ops *o);

#endif /* UKERN_XFER_H */
