/* SPDX-License-Identifier: MIT */
/*
 * xfer_physmap.c: walk the remote page tables in software, one walk per
 * remote page (4 PAGE_WALK_STEP charges), and copy each piece through the
 * kernel's direct map of physical memory (uk_arch_phys_ptr). No page-table
 * writes, hence no TLB invalidation and no shootdown. Counts per transfer:
 * walks = copies = remote pages touched; invalidations = IPIs = 0.
 * Also the copy engine of grants (strategy UK_XFER_GRANT).
 */
#include "ipc/ipc_internal.h"
#include "lib/string.h"

/* Copy bytes [from, to) of the job, remote page by remote page. */
static int xfer_physmap_span(struct uk_xfer_job *x, uint64_t from, uint64_t to)
{
	uint64_t off = from;

	while (off < to) {
		uk_vaddr_t va = x->rva + off, page = va & ~(UK_PAGE_SIZE - 1);
		uint64_t n = UK_PAGE_SIZE - (va - page);
		uk_paddr_t pa;
		void *p;
		int rc;

		if (n > to - off)
			n = to - off;
		if ((rc = xfer_remote_frame(x, page, &pa)) < 0)
			return rc;
		p = uk_arch_phys_ptr(x->k->a, pa + (va - page), (size_t)n);
		if (!p)
			uk_arch_fatal(x->k->a, "xfer: a mapped frame is outside RAM");
		if ((rc = xfer_local_copy(x, x->local + off, p, n)) < 0)
			return rc;
		x->st->copies++;
		x->res.bytes += n;
		off += n;
	}
	return 0;
}

/* Both ranges in one address space (a grant over the caller's own memory,
 * or a call to its own process), overlapping with the destination above the
 * source: a forward copy in pieces would read bytes it had already
 * overwritten. Copy in blocks no longer than the distance between the
 * ranges, last block first, as memmove does; each block then cannot overlap
 * itself, however the pieces split it. The gap, or 0 for a plain copy. */
static uint64_t xfer_backward_gap(const struct uk_xfer_job *x)
{
	const struct uk_thread *self = this_cpu(x->k)->current;
	uk_vaddr_t src = x->write ? x->local : x->rva, dst = x->write ? x->rva : x->local;

	if (self->proc != x->remote || dst <= src || dst - src >= x->len)
		return 0;
	return dst - src;
}

int xfer_physmap(struct uk_xfer_job *x)
{
	uint64_t gap = xfer_backward_gap(x), end = x->len;
	int rc;

	if (!gap)
		return xfer_physmap_span(x, 0, x->len);
	while (end > 0) {
		uint64_t start = end > gap ? end - gap : 0;
		if ((rc = xfer_physmap_span(x, start, end)) < 0)
			return rc;
		end = start;
	}
	return 0;
}

void xfer_fill_physmap(struct uk_xfer_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "physmap";
	o->doc = "walk the foreign page tables, copy through a direct map of physical memory";
	o->source = "docs/design.md section 4; Linux's copy through the direct map";
	o->id = UK_XFER_PHYSMAP;
	o->copy = xfer_physmap;
}
