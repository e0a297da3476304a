/* SPDX-License-Identifier: MIT */
/*
 * vm.c: address spaces as real x86-64 4-level page tables in simulated
 * physical memory, reached through the direct map (uk_arch_phys_ptr).
 *
 * Leaf PTEs of user pages: P | U | W? | NX unless executable | frame.
 * Intermediate entries are P | W | U: permissions are decided at the leaf.
 * A demand-zero page is a non-present leaf with UK_PTE_SW_LAZY and the W/NX
 * bits it will get; the first touch allocates a zeroed frame (vm_fault).
 *
 * TLB: each space has a PCID and a mask of CPUs that may cache its entries
 * (set when a CPU loads the space, cleared when a CPU not running it flushes
 * the whole PCID). Changing or removing a present leaf shoots down exactly
 * those CPUs: the local one flushes directly, the others get UK_VEC_TLB and
 * the initiator waits until each has flushed.
 */
#include "core/kern.h"
#include "lib/string.h"

#define PT_ENTRIES 512
#define SHOOTDOWN_MAX_PAGES 32 /* above this, flush the whole PCID */

static unsigned pt_index(uk_vaddr_t va, int level)
{
	return (unsigned)(va >> (UK_PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

static uint64_t *pt_table(struct uk_kernel *k, uk_paddr_t pa)
{
	return frame_ptr(k, pa & UK_PTE_ADDR_MASK);
}

/* Entry `i` of the table at `pa`, through the direct map of that entry
 * only (walks touch one entry per level; a platform may track the lines
 * the kernel touches, as the simulator does for its scrub). */
static uint64_t *pt_entry(struct uk_kernel *k, uk_paddr_t pa, unsigned i)
{
	uint64_t *e = uk_arch_phys_ptr(k->a, (pa & UK_PTE_ADDR_MASK) + (uk_paddr_t)i * 8, 8);
	if (!e)
		uk_arch_fatal(k->a, "vm: no direct map for a page table");
	return e;
}

int vm_check_range(uk_vaddr_t va, uint64_t len)
{
	if (len == 0 || (va & (UK_PAGE_SIZE - 1)) || (len & (UK_PAGE_SIZE - 1)))
		return UK_EINVAL;
	if (va < UK_USER_BASE || va >= UK_USER_END || len > UK_USER_END - va)
		return UK_ERANGE;
	return 0;
}

/* Walk to the leaf PTE of `va`, creating missing tables when `create`.
 * Returns NULL when a table is missing (and not created) or out of frames. */
static uint64_t *pt_walk(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, bool create)
{
	uk_paddr_t table = vs->root;

	for (int level = 3; level > 0; level--) {
		uint64_t *e = pt_entry(k, table, pt_index(va, level));
		if (!(*e & UK_PTE_P)) {
			uk_paddr_t pa;
			if (!create || frame_alloc(k, &pa) < 0)
				return NULL;
			vs->pt_pages++;
			*e = pa | UK_PTE_P | UK_PTE_W | UK_PTE_U;
		}
		table = *e;
	}
	return pt_entry(k, table, pt_index(va, 0));
}

/* Like pt_walk without creating, but when a table is missing also say where
 * the next possibly mapped page starts, so loops over large sparse ranges
 * take time in proportion to what is mapped, not to the range. */
static uint64_t *pt_lookup(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uk_vaddr_t *next)
{
	uk_paddr_t table = vs->root;

	for (int level = 3; level > 0; level--) {
		uint64_t e = *pt_entry(k, table, pt_index(va, level));
		if (!(e & UK_PTE_P)) {
			uint64_t span = 1ull << (UK_PAGE_SHIFT + 9 * level);
			*next = (va & ~(span - 1)) + span;
			return NULL;
		}
		table = e;
	}
	*next = va + UK_PAGE_SIZE;
	return pt_entry(k, table, pt_index(va, 0));
}

uint64_t *vm_pte_alloc(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va)
{
	return pt_walk(k, vs, va, true);
}

uint64_t *vm_pte(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va)
{
	return pt_walk(k, vs, va, false);
}

static bool pte_mapped(uint64_t pte)
{
	return (pte & (UK_PTE_P | UK_PTE_SW_LAZY)) != 0;
}

static uint64_t prot_bits(unsigned prot)
{
	uint64_t b = UK_PTE_U;
	if (prot & UK_PROT_WRITE)
		b |= UK_PTE_W;
	if (!(prot & UK_PROT_EXEC))
		b |= UK_PTE_NX;
	return b;
}

static int prot_check(unsigned prot)
{
	if (!(prot & UK_PROT_READ) || (prot & ~(UK_PROT_READ | UK_PROT_WRITE | UK_PROT_EXEC)))
		return UK_EINVAL;
	return 0;
}

/* ---- PCIDs ---- */

static int pcid_alloc(struct uk_kernel *k, uint16_t *out)
{
	for (unsigned w = 0; w < 64; w++) {
		uint64_t freebits = ~k->pcid_used[w];
		if (w == 0)
			freebits &= ~1ull; /* PCID 0 is the empty space's */
		if (freebits) {
			unsigned b = (unsigned)__builtin_ctzll(freebits);
			k->pcid_used[w] |= bit64(b);
			*out = (uint16_t)(w * 64 + b);
			return 0;
		}
	}
	return UK_ENOMEM;
}

static void pcid_free(struct uk_kernel *k, uint16_t pcid)
{
	k->pcid_used[pcid / 64] &= ~bit64(pcid % 64);
}

/* ---- shootdown ---- */

static void tlb_flush_local(struct uk_kernel *k, uint16_t pcid, uk_vaddr_t va, uint64_t pages)
{
	if (pages == 0) {
		uk_arch_tlb_flush_pcid(k->a, pcid);
		uk_arch_charge(k->a, UK_COST_TLB_INVALIDATE, 1);
	} else {
		for (uint64_t i = 0; i < pages; i++)
			uk_arch_tlb_flush_page(k->a, pcid, va + (i << UK_PAGE_SHIFT));
		uk_arch_charge(k->a, UK_COST_TLB_INVALIDATE, pages);
	}
	k->stats.tlb_flushes++;
}

static void cpu_mask_clear(struct uk_kernel *k, volatile uint64_t *mask, unsigned cpu)
{
	uint64_t old = uk_arch_atomic_load(k->a, mask);
	while (!uk_arch_atomic_cas(k->a, mask, &old, old & ~bit64(cpu)))
		;
}

/* Flush what the shootdown in flight asks of this CPU, if anything. Runs
 * without the kernel lock (the initiator holds it and waits for us). */
void vm_tlb_service(struct uk_kernel *k)
{
	struct shootdown *sd = &k->sd;
	unsigned me = uk_arch_cpu_id(k->a);
	struct cpu *c = &k->cpus[me];

	if (!(uk_arch_atomic_load(k->a, &sd->targets) & bit64(me)))
		return;
	if (c->active_vs != sd->vs) {
		/* Not running the space: drop all of it, so this CPU leaves the mask. */
		tlb_flush_local(k, (uint16_t)sd->pcid, 0, 0);
		sd->vs->cpu_mask &= ~bit64(me);
	} else if (sd->drop) {
		vm_activate(k, c, &k->empty_vs);
		tlb_flush_local(k, (uint16_t)sd->pcid, 0, 0);
	} else {
		tlb_flush_local(k, (uint16_t)sd->pcid, sd->va, sd->pages);
	}
	cpu_mask_clear(k, &sd->targets, me);
}

static void vm_shootdown(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t pages,
			 bool drop)
{
	struct shootdown *sd = &k->sd;
	unsigned me;
	uint64_t others;

	if (!vs->cpu_mask)
		return;
	me = uk_arch_cpu_id(k->a);
	others = vs->cpu_mask & ~bit64(me);
	if (pages > SHOOTDOWN_MAX_PAGES)
		pages = 0;
	k->stats.tlb_shootdowns++;
	uk_arch_trace(k->a, UK_TRACE_CORE_SHOOTDOWN, vs->pcid, vs->cpu_mask, pages);
	if (vs->cpu_mask & bit64(me)) {
		struct cpu *c = &k->cpus[me];
		if (drop && c->active_vs == vs)
			vm_activate(k, c, &k->empty_vs);
		tlb_flush_local(k, vs->pcid, va, drop ? 0 : pages);
	}
	if (!others)
		return;
	sd->vs = vs;
	sd->drop = drop;
	sd->pcid = vs->pcid;
	sd->va = va;
	sd->pages = drop ? 0 : pages;
	uk_arch_atomic_store(k->a, &sd->targets, others);
	for (unsigned cpu = 0; cpu < k->ncpus; cpu++) {
		if (!(others & bit64(cpu)))
			continue;
		uk_arch_ipi_send(k->a, cpu, UK_VEC_TLB);
		uk_arch_charge(k->a, UK_COST_IPI, 1);
		k->stats.ipis_sent++;
		k->stats.tlb_shootdown_ipis++;
	}
	while (uk_arch_atomic_load(k->a, &sd->targets) != 0)
		uk_arch_spin_pause(k->a);
	sd->vs = NULL;
}

/* Invalidate `pages` pages at `va` of `vs` here and on every other CPU that
 * may cache them (the transfer window of ipc/xfer_window.c). */
void vm_flush_range(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t pages)
{
	vm_shootdown(k, vs, va, pages, false);
}

void vm_activate(struct uk_kernel *k, struct cpu *c, struct vspace *vs)
{
	bool first;

	if (c->active_vs == vs)
		return;
	first = !(vs->cpu_mask & bit64(c->id));
	vs->cpu_mask |= bit64(c->id);
	uk_arch_set_root(k->a, vs->root, vs->pcid, first);
	c->active_vs = vs;
}

/* ---- spaces ---- */

int vm_space_init(struct uk_kernel *k, struct vspace *vs)
{
	int rc;

	uk_memset(vs, 0, sizeof(*vs));
	if (vs != &k->empty_vs && (rc = pcid_alloc(k, &vs->pcid)) < 0)
		return rc;
	if ((rc = frame_alloc(k, &vs->root)) < 0) {
		if (vs->pcid)
			pcid_free(k, vs->pcid);
		return rc;
	}
	vs->pt_pages = 1;
	return 0;
}

static void pt_free_level(struct uk_kernel *k, uk_paddr_t table_pa, int level)
{
	uint64_t *t = pt_table(k, table_pa);
	/* A root's entries from UK_USER_END up are the platform's (the kernel
	 * half a port puts into every root, arch.h uk_arch_set_root): never ours
	 * to free, except the core's own window slot (UK_CORE_WINDOW_BASE). */
	unsigned user_end = pt_index(UK_USER_END, 3), window = pt_index(UK_CORE_WINDOW_BASE, 3);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];
		if (level == 4 && i >= user_end && i != window)
			continue;
		if (!(e & UK_PTE_P))
			continue;
		if (level > 1)
			pt_free_level(k, e & UK_PTE_ADDR_MASK, level - 1);
		else if (!(e & UK_PTE_SW_DEV))
			frame_free(k, e & UK_PTE_ADDR_MASK); /* a user page */
	}
	frame_free(k, table_pa);
}

void vm_space_destroy(struct uk_kernel *k, struct vspace *vs)
{
	vm_shootdown(k, vs, 0, 0, true);
	for (unsigned c = 0; c < k->ncpus; c++)
		if (k->cpus[c].active_vs == vs)
			uk_arch_fatal(k->a, "vm: destroying a space a CPU still runs");
	pt_free_level(k, vs->root, 4);
	pcid_free(k, vs->pcid);
	vs->root = 0;
	vs->cpu_mask = 0;
}

/* ---- map, unmap, protect, fault ---- */

/* Unmap [va, end): clear the leaves, and every SHOOTDOWN_MAX_PAGES present
 * pages shoot the span down on every CPU that may cache it and only then
 * free the frames, so a stale TLB entry elsewhere can never write into a
 * frame that was handed out again. Returns how many leaves were mapped. */
static uint64_t vm_unmap_range(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uk_vaddr_t end,
			       bool shootdown)
{
	uk_paddr_t frames[SHOOTDOWN_MAX_PAGES];
	unsigned nframes = 0;
	uk_vaddr_t span_start = va, next;
	uint64_t cleared = 0;

	for (; va < end; va = next) {
		uint64_t *pte = pt_lookup(k, vs, va, &next);
		if (!pte || !pte_mapped(*pte))
			continue;
		if ((*pte & UK_PTE_P) && !(*pte & UK_PTE_SW_DEV))
			frames[nframes++] = *pte & UK_PTE_ADDR_MASK;
		else if (*pte & UK_PTE_P)
			frames[nframes++] = 0; /* device memory: shot down, not freed */
		*pte = 0;
		vs->pages--;
		cleared++;
		if (nframes == SHOOTDOWN_MAX_PAGES || next >= end) {
			uint64_t span = (next - span_start) >> UK_PAGE_SHIFT;
			if (nframes && shootdown)
				vm_shootdown(k, vs, span_start, span, false);
			for (unsigned i = 0; i < nframes; i++)
				if (frames[i])
					frame_free(k, frames[i]);
			nframes = 0;
			span_start = next;
		}
	}
	if (nframes && shootdown)
		vm_shootdown(k, vs, span_start, (end - span_start) >> UK_PAGE_SHIFT, false);
	for (unsigned i = 0; i < nframes; i++)
		if (frames[i])
			frame_free(k, frames[i]);
	return cleared;
}

/* 0 when nothing in [va, va + len) is mapped (lazily or not), else EEXIST. */
static int range_unmapped(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len)
{
	for (uk_vaddr_t a = va, next; a < va + len; a = next) {
		uint64_t *pte = pt_lookup(k, vs, a, &next);
		if (pte && pte_mapped(*pte))
			return UK_EEXIST;
	}
	return 0;
}

int vm_map(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len, unsigned prot,
	   unsigned flags)
{
	uint64_t pages = len >> UK_PAGE_SHIFT, done;
	uint64_t bits = prot_bits(prot);
	int rc;

	if ((rc = vm_check_range(va, len)) < 0)
		return rc;
	if ((rc = prot_check(prot)) < 0 || (flags & ~UK_VM_LAZY))
		return UK_EINVAL;
	if ((rc = range_unmapped(k, vs, va, len)) < 0)
		return rc;
	for (done = 0; done < pages; done++) {
		uint64_t *pte = pt_walk(k, vs, va + (done << UK_PAGE_SHIFT), true);
		uk_paddr_t pa;
		if (!pte)
			break;
		if (flags & UK_VM_LAZY) {
			*pte = UK_PTE_SW_LAZY | bits;
		} else {
			if (frame_alloc(k, &pa) < 0)
				break;
			*pte = pa | UK_PTE_P | bits;
		}
		vs->pages++;
		uk_arch_charge(k->a, UK_COST_KERNEL_OP, 1);
	}
	if (done < pages) {
		/* Out of frames: undo this call's pages (they were never visible
		 * in a TLB: the entries were not present before). */
		vm_unmap_range(k, vs, va, va + (done << UK_PAGE_SHIFT), false);
		return UK_ENOMEM;
	}
	return 0;
}

/* Map `pages` pages of device memory at `pa` (core/devmem.c): present,
 * user, never executable, uncached (PCD | PWT, as the hardware must not
 * cache or combine register accesses), marked UK_PTE_SW_DEV. */
int vm_map_device(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uk_paddr_t pa,
		  uint64_t pages, bool writable)
{
	uint64_t len = pages << UK_PAGE_SHIFT, done;
	uint64_t bits = UK_PTE_P | UK_PTE_U | UK_PTE_NX | UK_PTE_PCD | UK_PTE_PWT | UK_PTE_SW_DEV |
			(writable ? UK_PTE_W : 0);
	int rc;

	if (pages == 0 || pages > (UK_USER_END >> UK_PAGE_SHIFT))
		return UK_EINVAL;
	if ((rc = vm_check_range(va, len)) < 0)
		return rc;
	if ((rc = range_unmapped(k, vs, va, len)) < 0)
		return rc;
	for (done = 0; done < pages; done++) {
		uint64_t *pte = pt_walk(k, vs, va + (done << UK_PAGE_SHIFT), true);
		if (!pte)
			break;
		*pte = (pa + (done << UK_PAGE_SHIFT)) | bits;
		vs->pages++;
		uk_arch_charge(k->a, UK_COST_KERNEL_OP, 1);
	}
	if (done < pages) {
		vm_unmap_range(k, vs, va, va + (done << UK_PAGE_SHIFT), false);
		return UK_ENOMEM;
	}
	return 0;
}

int vm_unmap(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len)
{
	int rc;

	if ((rc = vm_check_range(va, len)) < 0)
		return rc;
	return vm_unmap_range(k, vs, va, va + len, true) ? 0 : UK_ENOENT;
}

int vm_protect(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len, unsigned prot)
{
	uint64_t pages = len >> UK_PAGE_SHIFT, bits = prot_bits(prot);
	bool flush = false;
	int rc;

	if ((rc = vm_check_range(va, len)) < 0)
		return rc;
	if ((rc = prot_check(prot)) < 0)
		return rc;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *pte = pt_walk(k, vs, va + (i << UK_PAGE_SHIFT), false);
		if (!pte || !pte_mapped(*pte))
			return UK_ENOENT;
		if (*pte & UK_PTE_SW_DEV)
			return UK_EPERM; /* its rights came with the device memory handle */
	}
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *pte = pt_walk(k, vs, va + (i << UK_PAGE_SHIFT), false);
		uint64_t keep = *pte & ~(UK_PTE_W | UK_PTE_NX | UK_PTE_U);
		if (*pte & UK_PTE_P)
			flush = true;
		*pte = keep | bits;
	}
	if (flush)
		vm_shootdown(k, vs, va, pages, false);
	return 0;
}

/* Whether a present leaf `pte` allows the access described by `code`. */
static bool pte_allows(uint64_t pte, uint32_t code)
{
	if (!(pte & UK_PTE_U))
		return false;
	if ((code & UK_PF_W) && !(pte & UK_PTE_W))
		return false;
	if ((code & UK_PF_I) && (pte & UK_PTE_NX))
		return false;
	return true;
}

/* Resolve a user page fault: 0 when the access can be retried (demand-zero
 * page filled, or a stale TLB entry dropped), UK_EFAULT when it is a real
 * fault, UK_ENOMEM when a demand-zero page could not get a frame. */
int vm_fault(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint32_t code)
{
	uint64_t *pte;
	uk_paddr_t pa;

	k->stats.page_faults++;
	if (va < UK_USER_BASE || va >= UK_USER_END)
		return UK_EFAULT;
	pte = pt_walk(k, vs, va & ~(UK_PAGE_SIZE - 1), false);
	uk_arch_charge(k->a, UK_COST_PAGE_WALK_STEP, 4);
	if (!pte || !pte_mapped(*pte))
		return UK_EFAULT;
	if (*pte & UK_PTE_P) {
		if (!pte_allows(*pte, code))
			return UK_EFAULT;
		/* Device memory the tables allow faulted in the device: an
		 * address its window does not decode, a width it does not take
		 * (a bus error; device pages are never reprotected, so no stale
		 * entry). */
		if (*pte & UK_PTE_SW_DEV)
			return UK_EFAULT;
		/* The tables allow it: the fault came from a stale TLB entry. */
		tlb_flush_local(k, vs->pcid, va & ~(UK_PAGE_SIZE - 1), 1);
		return 0;
	}
	if (!pte_allows(*pte, code))
		return UK_EFAULT;
	if (frame_alloc(k, &pa) < 0)
		return UK_ENOMEM;
	*pte = pa | UK_PTE_P | (*pte & (UK_PTE_U | UK_PTE_W | UK_PTE_NX));
	k->stats.demand_zero_fills++;
	return 0;
}
