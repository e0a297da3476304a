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
 * name through the simulator's registry; nothing else branches on which one
 * is in use.
 *
 * A strategy from elsewhere (a plug-in) says `id` 0 and is given one of
 * UK_XFER_FIRST_EXTRA.. by uk_kernel_xfer_register; it writes its copy with
 * the toolkit below (the counted walk of the remote space, the direct map,
 * the local copy through the MMU), so its faults, counts and costs are
 * those of the built-ins. A plug-in cannot be a grant strategy: grants are
 * a protocol between programs, not a copy routine.
 */
#ifndef UKERN_XFER_H
#define UKERN_XFER_H

#include <stdbool.h>
#include <stdint.h>

#include <ukern/arch.h>

struct uk_kernel;
struct uk_xfer_job;

#define UK_XFER_FIRST_EXTRA 4u /* ids of registered strategies: 4 .. UK_XFER_MAX_IDS-1 */

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

#define UK_XFER_BUILTINS 3 /* physmap, window, grant: ids 1, 2, 3 */

/* Fill the built-in tables, id i + 1 at out[i]. libukern keeps no
 * relocated data, so these are filled into storage the caller owns (each
 * kernel keeps its own set; the simulator's registry too). */
void uk_xfer_builtins_init(struct uk_xfer_ops out[UK_XFER_BUILTINS]);
/* Whether the built-in strategy with this id moves memory through grants
 * (a protocol for the programs, not a copy routine). */
bool uk_xfer_id_grants(unsigned id);
/* A built-in table, or a plug-in's (id 0, not a grant strategy). */
bool uk_xfer_ops_valid(const struct uk_xfer_ops *o);

/* Give a plug-in strategy an id of this kernel (host side, before the
 * run); the id (>= UK_XFER_FIRST_EXTRA) goes in UK_EP_STRATEGY(id). A
 * built-in's own id for a built-in; the same id again for the same table.
 * UK_EINVAL for an invalid table, UK_ENOMEM when all ids are taken. */
int uk_kernel_xfer_register(struct uk_kernel *k, const struct uk_xfer_ops *ops);

/* ---- the toolkit a copy routine uses (kernel lock held) ---- */

uk_vaddr_t uk_xfer_remote_va(const struct uk_xfer_job *x); /* start of the remote range */
uk_vaddr_t uk_xfer_local_va(const struct uk_xfer_job *x);  /* start of the local range */
uint64_t uk_xfer_len(const struct uk_xfer_job *x);
bool uk_xfer_writes(const struct uk_xfer_job *x);          /* local -> remote */
/* The frame of remote page `page` (page aligned): a counted software walk
 * of the remote page tables, faulting in a demand-zero page for its owner.
 * UK_EFAULT (the result names the remote side) when it is not there. */
int uk_xfer_remote_frame(struct uk_xfer_job *x, uk_vaddr_t page, uk_paddr_t *pa);
/* A direct-map pointer to `n` bytes at `pa` (within one frame). */
void *uk_xfer_phys(struct uk_xfer_job *x, uk_paddr_t pa, uint64_t n);
/* Copy between local `lva` and `p` in the job's direction, through the
 * MMU and the user-copy routines (charged, faults resolved or UK_EFAULT). */
int uk_xfer_local_copy(struct uk_xfer_job *x, uk_vaddr_t lva, void *p, uint64_t n);
/* Count one copy of `n` bytes done (statistics and the result). */
void uk_xfer_copied(struct uk_xfer_job *x, uint64_t n);

#endif /* UKERN_XFER_H */
