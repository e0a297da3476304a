/* SPDX-License-Identifier: MIT */
/*
 * xfer_window.c: map the remote frames into this CPU's kernel window, copy,
 * unmap and invalidate.
 *
 * The window is XFER_WINDOW_PAGES pages per CPU at the top of the address
 * space (PML4 slot 510, supervisor-only PTEs), written into the page tables
 * of the space active on this CPU, which is the calling server's. For each
 * batch of up to XFER_WINDOW_PAGES remote pages: one software walk per page
 * to find the frame, one real PTE write per page, one copy per page through
 * the window, then the PTEs are cleared and the window pages are shot down
 * with vm_flush_range: an INVLPG per page here, and a TLB IPI to every other
 * CPU that runs (or ran) the same space and so may have cached the window.
 *
 * What is modelled: the PTEs are real and really invalidated; the copy reads
 * the frame address back from the window PTE and copies through the direct
 * map, because the simulated MMU only translates user-mode accesses.
 * Counts: walks = copies = invalidations = remote pages; shootdown IPIs =
 * other CPUs in the server space's CPU mask, per batch.
 */
#include "ipc/ipc_internal.h"
#include "lib/string.h"

#define XFER_WINDOW_BASE UK_CORE_WINDOW_BASE
#define XFER_WINDOW_PAGES 8u

static uk_vaddr_t window_va(struct uk_kernel *k)
{
	return XFER_WINDOW_BASE + (uint64_t)uk_arch_cpu_id(k->a) * XFER_WINDOW_PAGES * UK_PAGE_SIZE;
}

/* Clear `n` window PTEs and invalidate them wherever they may be cached. */
static void window_unmap(struct uk_xfer_job *x, struct vspace *vs, uk_vaddr_t win, unsigned n)
{
	struct uk_kernel *k = x->k;
	uint64_t ipis = k->stats.tlb_shootdown_ipis;

	for (unsigned i = 0; i < n; i++)
		*vm_pte(k, vs, win + i * UK_PAGE_SIZE) = 0;
	vm_flush_range(k, vs, win, n);
	x->st->tlb_invalidations += n;
	x->st->shootdown_ipis += k->stats.tlb_shootdown_ipis - ipis;
}

/* Map the remote pages of [va, va + pages) into the window. */
static int window_map(struct uk_xfer_job *x, struct vspace *vs, uk_vaddr_t win, uk_vaddr_t va,
		      unsigned pages, unsigned *mapped)
{
	for (unsigned i = 0; i < pages; i++) {
		uk_paddr_t pa;
		uint64_t *pte;
		int rc = xfer_remote_frame(x, va + i * UK_PAGE_SIZE, &pa);
		if (rc < 0)
			return rc;
		pte = vm_pte_alloc(x->k, vs, win + i * UK_PAGE_SIZE);
		if (!pte)
			return UK_ENOMEM;
		*pte = pa | UK_PTE_P | UK_PTE_W | UK_PTE_NX;
		uk_arch_charge(x->k->a, UK_COST_KERNEL_OP, 1);
		(*mapped)++;
	}
	return 0;
}

/* Copy [off, end) of the transfer through the window mapped at `win`. */
static int window_copy(struct uk_xfer_job *x, struct vspace *vs, uk_vaddr_t win, uk_vaddr_t base,
		       uint64_t off, uint64_t end)
{
	while (off < end) {
		uk_vaddr_t va = x->rva + off, wva = win + (va - base);
		uint64_t n = UK_PAGE_SIZE - (va & (UK_PAGE_SIZE - 1));
		uint64_t pte = *vm_pte(x->k, vs, wva & ~(UK_PAGE_SIZE - 1));
		void *p;
		int rc;

		if (n > end - off)
			n = end - off;
		p = uk_arch_phys_ptr(x->k->a, (pte & UK_PTE_ADDR_MASK) + (va & (UK_PAGE_SIZE - 1)),
				     (size_t)n);
		if (!p)
			uk_arch_fatal(x->k->a, "xfer: a window frame is outside RAM");
		if ((rc = xfer_local_copy(x, x->local + off, p, n)) < 0)
			return rc;
		x->st->copies++;
		x->res.bytes += n;
		off += n;
	}
	return 0;
}

/* Copy bytes [from, to) of the job, one window-full at a time. */
static int xfer_window_span(struct uk_xfer_job *x, uint64_t from, uint64_t to)
{
	struct vspace *vs = &this_cpu(x->k)->current->proc->vs;
	uk_vaddr_t win = window_va(x->k);
	uint64_t off = from;

	while (off < to) {
		uk_vaddr_t base = (x->rva + off) & ~(UK_PAGE_SIZE - 1);
		uint64_t span = XFER_WINDOW_PAGES * UK_PAGE_SIZE - ((x->rva + off) - base);
		uint64_t end = off + (span < to - off ? span : to - off);
		unsigned pages = (unsigned)((x->rva + end - base + UK_PAGE_SIZE - 1) >> UK_PAGE_SHIFT);
		unsigned mapped = 0;
		int rc = window_map(x, vs, win, base, pages, &mapped);

		if (rc == 0)
			rc = window_copy(x, vs, win, base, off, end);
		if (mapped)
			window_unmap(x, vs, win, mapped);
		if (rc < 0)
			return rc;
		off = end;
	}
	return 0;
}

/* Overlapping ranges of one space go backwards in blocks: xfer_in_blocks. */
int xfer_window(struct uk_xfer_job *x)
{
	return xfer_in_blocks(x, xfer_window_span);
}

void xfer_fill_window(struct uk_xfer_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "window";
	o->doc = "map the foreign frames into a per-CPU kernel window, copy, flush";
	o->source = "docs/design.md section 4; seL4-style temporary mappings";
	o->id = UK_XFER_WINDOW;
	o->copy = xfer_window;
}
