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

/* Overlapping ranges of one space go backwards in blocks: xfer_in_blocks. */
int xfer_physmap(struct uk_xfer_job *x)
{
	return xfer_in_blocks(x, xfer_physmap_span);
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
