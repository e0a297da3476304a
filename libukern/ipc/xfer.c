/* SPDX-License-Identifier: MIT */
/*
 * xfer.c: what every transfer strategy shares: the counted software walk of
 * the remote (client or grant owner) page tables, the copy on the local
 * (calling server) side, and the statistics.
 *
 * The local side is the calling thread's own space, which is active on this
 * CPU: it is copied through the MMU with the arch's user-copy routines (they
 * charge COPY_BYTE and their own TLB misses), exactly like a syscall buffer.
 * The remote side is never active here; each strategy reaches its frames in
 * its own way (xfer_physmap.c, xfer_window.c, grant via physmap).
 *
 * Faults: a demand-zero remote page is filled for its owner (counted as a
 * fault); anything else is UK_EFAULT with res.fault_side naming whose buffer
 * it was. The kernel never dereferences an unchecked address.
 */
#include "ipc/ipc_internal.h"

int xfer_remote_frame(struct uk_xfer_job *x, uk_vaddr_t va, uk_paddr_t *pa)
{
	struct uk_kernel *k = x->k;
	struct vspace *vs = &x->remote->vs;
	uint64_t *pte;

	x->st->walks++;
	uk_arch_charge(k->a, UK_COST_PAGE_WALK_STEP, 4);
	pte = vm_pte(k, vs, va);
	if (pte && !(*pte & UK_PTE_P) && (*pte & UK_PTE_SW_LAZY) &&
	    vm_fault(k, vs, va, UK_PF_U | (x->write ? UK_PF_W : 0)) == 0) {
		x->st->faults++;
		pte = vm_pte(k, vs, va);
	}
	/* Device memory is no frame of RAM: a transfer never copies from or
	 * onto registers (the direct map would not reach them). */
	if (!pte || !(*pte & UK_PTE_P) || !(*pte & UK_PTE_U) || (*pte & UK_PTE_SW_DEV) ||
	    (x->write && !(*pte & UK_PTE_W))) {
		x->res.fault_side = UK_XFER_FAULT_REMOTE;
		x->res.fault_addr = va < x->rva ? x->rva : va;
		return UK_EFAULT;
	}
	*pa = *pte & UK_PTE_ADDR_MASK;
	return 0;
}

int xfer_local_copy(struct uk_xfer_job *x, uk_vaddr_t lva, void *p, uint64_t n)
{
	struct uk_kernel *k = x->k;
	struct uk_thread *t = this_cpu(k)->current;
	struct uk_fault f;

	for (unsigned tries = 0; tries < 4; tries++) {
		int rc = x->write ? uk_arch_copy_from_user(k->a, p, lva, n, &f)
				  : uk_arch_copy_to_user(k->a, lva, p, n, &f);
		if (rc == 0)
			return 0;
		if (vm_fault(k, &t->proc->vs, f.addr, f.code | UK_PF_U) < 0)
			break;
	}
	x->res.fault_side = UK_XFER_FAULT_LOCAL;
	x->res.fault_addr = f.addr;
	return UK_EFAULT;
}

/* Both ranges in one address space (a grant over the caller's own memory,
 * or a call to its own process), overlapping with the destination above the
 * source: a forward copy in pieces (pages, windows) would read bytes it had
 * already overwritten. Copy in blocks no longer than the distance between
 * the ranges, last block first, as memmove does; a block then cannot
 * overlap itself, however a strategy splits it. */
int xfer_in_blocks(struct uk_xfer_job *x, int (*span)(struct uk_xfer_job *x, uint64_t from,
						       uint64_t to))
{
	const struct uk_thread *self = this_cpu(x->k)->current;
	uk_vaddr_t src = x->write ? x->local : x->rva, dst = x->write ? x->rva : x->local;
	uint64_t gap, end = x->len;
	int rc;

	if (self->proc != x->remote || dst <= src || dst - src >= x->len)
		return span(x, 0, x->len);
	gap = dst - src;
	while (end > 0) {
		uint64_t start = end > gap ? end - gap : 0;
		if ((rc = span(x, start, end)) < 0)
			return rc;
		end = start;
	}
	return 0;
}

/* ---- the toolkit of ukern/xfer.h, for strategies written elsewhere ---- */

uk_vaddr_t uk_xfer_remote_va(const struct uk_xfer_job *x)
{
	return x->rva;
}

uk_vaddr_t uk_xfer_local_va(const struct uk_xfer_job *x)
{
	return x->local;
}

uint64_t uk_xfer_len(const struct uk_xfer_job *x)
{
	return x->len;
}

bool uk_xfer_writes(const struct uk_xfer_job *x)
{
	return x->write;
}

int uk_xfer_remote_frame(struct uk_xfer_job *x, uk_vaddr_t page, uk_paddr_t *pa)
{
	if (page & (UK_PAGE_SIZE - 1))
		return UK_EINVAL;
	return xfer_remote_frame(x, page, pa);
}

void *uk_xfer_phys(struct uk_xfer_job *x, uk_paddr_t pa, uint64_t n)
{
	if (n > UK_PAGE_SIZE - (pa & (UK_PAGE_SIZE - 1)))
		return NULL; /* within one frame */
	return uk_arch_phys_ptr(x->k->a, pa, (size_t)n);
}

int uk_xfer_local_copy(struct uk_xfer_job *x, uk_vaddr_t lva, void *p, uint64_t n)
{
	return xfer_local_copy(x, lva, p, n);
}

void uk_xfer_copied(struct uk_xfer_job *x, uint64_t n)
{
	x->st->copies++;
	x->res.bytes += n;
}

/* The whole transfer runs with the kernel lock held: its virtual duration
 * is the non-preemptible stretch it causes. */
int xfer_run(struct uk_xfer_job *x)
{
	struct uk_kernel *k = x->k;
	uint64_t t0 = uk_arch_now(k->a), dt;
	int rc;

	x->st = &k->stats.xfer[xfer_id_of(k, x->xfer)];
	x->st->transfers++;
	rc = x->xfer->copy(x);
	x->st->bytes += x->res.bytes;
	if (rc < 0)
		x->st->failed++;
	dt = uk_arch_now(k->a) - t0;
	if (dt > x->st->max_nopreempt_ns)
		x->st->max_nopreempt_ns = dt;
	return rc;
}
