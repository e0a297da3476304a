/* SPDX-License-Identifier: MIT */
/* Page tables: map, unmap, protect, demand-zero, exact PTE bits, TLB shootdown. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define VA 0x400000ull
#define PG UK_PAGE_SIZE
#define FLAGS(pte) ((pte) & ~UK_PTE_ADDR_MASK)

static struct process *new_process(struct uk_kernel *k)
{
	struct process *p;
	assert_int_equal(process_create(k, 255, "p", &p), 0);
	return p;
}

static void test_map_exact_bits(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct process *p = new_process(k);
	struct vspace *vs = &p->vs;
	uint64_t free0 = k->frames.free, pml4e;

	assert_int_equal(vm_map(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA)), UK_PTE_P | UK_PTE_W | UK_PTE_U | UK_PTE_NX);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA + PG)), UK_PTE_P | UK_PTE_W | UK_PTE_U | UK_PTE_NX);
	assert_int_equal(mock_pte(vs->root, VA + 2 * PG), 0);
	assert_int_equal(vm_map(k, vs, VA + 4 * PG, PG, UK_PROT_READ, 0), 0);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA + 4 * PG)), UK_PTE_P | UK_PTE_U | UK_PTE_NX);
	assert_int_equal(vm_map(k, vs, VA + 5 * PG, PG, UK_PROT_READ | UK_PROT_EXEC, 0), 0);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA + 5 * PG)), UK_PTE_P | UK_PTE_U);
	/* Intermediate entries grant everything; the leaf decides. */
	pml4e = ((uint64_t *)frame_ptr(k, vs->root))[0];
	assert_int_equal(FLAGS(pml4e), UK_PTE_P | UK_PTE_W | UK_PTE_U);
	/* 4 leaf frames + PDPT + PD + PT. */
	assert_int_equal(free0 - k->frames.free, 4 + 3);
	assert_int_equal(vs->pages, 4);
	shutdown();
}

static void test_map_errors(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	unsigned rw = UK_PROT_READ | UK_PROT_WRITE;

	assert_int_equal(vm_map(k, vs, VA + 1, PG, rw, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, PG + 1, rw, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, 0, rw, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, PG, 0, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_WRITE, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, PG, rw | 8, 0), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, VA, PG, rw, 2), UK_EINVAL);
	assert_int_equal(vm_map(k, vs, 0, PG, rw, 0), UK_ERANGE);
	assert_int_equal(vm_map(k, vs, UK_USER_END, PG, rw, 0), UK_ERANGE);
	assert_int_equal(vm_map(k, vs, UK_USER_END - PG, 2 * PG, rw, 0), UK_ERANGE);
	assert_int_equal(vm_map(k, vs, PG, 0xfffffffffffff000ull, rw, 0), UK_ERANGE);
	assert_int_equal(vm_map(k, vs, VA, 2 * PG, rw, 0), 0);
	assert_int_equal(vm_map(k, vs, VA + PG, PG, rw, 0), UK_EEXIST);
	assert_int_equal(vm_map(k, vs, VA - PG, 2 * PG, rw, UK_VM_LAZY), UK_EEXIST);
	assert_int_equal(vm_unmap(k, vs, VA + 8 * PG, PG), UK_ENOENT);
	assert_int_equal(vm_protect(k, vs, VA, 3 * PG, UK_PROT_READ), UK_ENOENT);
	assert_int_equal(vm_protect(k, vs, VA, PG, 0), UK_EINVAL);
	shutdown();
}

static void test_map_out_of_memory_rolls_back(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t free0 = k->frames.free;

	assert_int_equal(vm_map(k, vs, VA, (free0 + 10) * PG, UK_PROT_READ, 0), UK_ENOMEM);
	assert_int_equal(vs->pages, 0);
	assert_int_equal(mock_pte(vs->root, VA), 0);
	/* Only the page tables built on the way stay (freed with the space). */
	assert_true(free0 - k->frames.free <= 4);
	shutdown();
}

/* A process whose page-table root cannot be allocated is refused with
 * UK_ENOMEM and leaves nothing behind: no kernel object, and the PCID it
 * had taken is free again. */
static void test_space_without_a_root_frame_frees_its_pcid(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	uk_paddr_t own[64], pa;
	unsigned nown = 0;
	while (frame_alloc(k, &pa) == 0)
		if (nown < 64)
			own[nown++] = pa;
	/* One free frame at a time: a creation takes it for its root (it
	 * succeeds) until the process slab is full and takes it for a new
	 * slab page; then the root is what is missing. */
	for (unsigned i = 0;; i++) {
		assert_true(i < nown);
		frame_free(k, own[i]);
		uint64_t pcids[64];
		memcpy(pcids, k->pcid_used, sizeof(pcids));
		uint64_t kobjs = k->kalloc.kobjs;
		struct process *p = NULL;
		int rc = process_create(k, 255, "p", &p);
		if (rc == 0)
			continue;
		assert_int_equal(rc, UK_ENOMEM);
		assert_int_equal(k->kalloc.kobjs, kobjs);
		assert_memory_equal(k->pcid_used, pcids, sizeof(pcids));
		break;
	}
	shutdown();
}

static void test_lazy_and_demand_zero(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t pte, free0;

	assert_int_equal(vm_map(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	assert_int_equal(mock_pte(vs->root, VA), UK_PTE_SW_LAZY | UK_PTE_W | UK_PTE_U | UK_PTE_NX);
	assert_int_equal(vm_map(k, vs, VA + 2 * PG, PG, UK_PROT_READ, UK_VM_LAZY), 0);
	free0 = k->frames.free;
	assert_int_equal(vm_fault(k, vs, VA + 0x123, UK_PF_U | UK_PF_W), 0);
	pte = mock_pte(vs->root, VA);
	assert_int_equal(FLAGS(pte), UK_PTE_P | UK_PTE_W | UK_PTE_U | UK_PTE_NX);
	assert_int_equal(free0 - k->frames.free, 1);
	assert_int_equal(((uint8_t *)frame_ptr(k, pte & UK_PTE_ADDR_MASK))[0x123], 0);
	assert_int_equal(k->stats.demand_zero_fills, 1);
	/* A write to a read-only demand-zero page is a real fault. */
	assert_int_equal(vm_fault(k, vs, VA + 2 * PG, UK_PF_U | UK_PF_W), UK_EFAULT);
	assert_int_equal(vm_fault(k, vs, VA + 2 * PG, UK_PF_U), 0);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA + 2 * PG)), UK_PTE_P | UK_PTE_U | UK_PTE_NX);
	/* Unmapped, kernel half, and write to read-only present. */
	assert_int_equal(vm_fault(k, vs, VA + 9 * PG, UK_PF_U), UK_EFAULT);
	assert_int_equal(vm_fault(k, vs, UK_USER_END + 5, UK_PF_U), UK_EFAULT);
	assert_int_equal(vm_fault(k, vs, VA + 2 * PG, UK_PF_U | UK_PF_W | UK_PF_P), UK_EFAULT);
	assert_int_equal(vm_fault(k, vs, VA + 2 * PG, UK_PF_U | UK_PF_I), UK_EFAULT); /* NX */
	/* A fault the tables allow came from a stale TLB entry: this CPU drops
	 * that one page's entry and the access is retried. */
	mock_clear_logs();
	assert_int_equal(vm_fault(k, vs, VA + 0x123, UK_PF_U | UK_PF_W | UK_PF_P), 0);
	assert_int_equal(mock_flush_count(), 1);
	assert_int_equal(mock_flush(0)->kind, MOCK_FLUSH_PAGE);
	assert_int_equal(mock_flush(0)->va, VA);
	assert_int_equal(mock_flush(0)->pcid, vs->pcid);
	mock_clear_logs();
	assert_int_equal(vm_fault(k, vs, VA + 2 * PG + 0xff8, UK_PF_U), 0);
	assert_int_equal(mock_flush_count(), 1);
	assert_int_equal(mock_flush(0)->va, VA + 2 * PG);
	shutdown();
}

static void test_protect_and_unmap(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t free0 = k->frames.free, frame;

	assert_int_equal(vm_map(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	assert_int_equal(vm_map(k, vs, VA + 2 * PG, PG, UK_PROT_READ, UK_VM_LAZY), 0);
	frame = mock_pte(vs->root, VA) & UK_PTE_ADDR_MASK;
	assert_int_equal(vm_protect(k, vs, VA, 3 * PG, UK_PROT_READ | UK_PROT_EXEC), 0);
	assert_int_equal(mock_pte(vs->root, VA), frame | UK_PTE_P | UK_PTE_U);
	assert_int_equal(mock_pte(vs->root, VA + 2 * PG), UK_PTE_SW_LAZY | UK_PTE_U);
	assert_int_equal(vm_protect(k, vs, VA, PG, UK_PROT_READ | UK_PROT_WRITE), 0);
	assert_int_equal(mock_pte(vs->root, VA), frame | UK_PTE_P | UK_PTE_U | UK_PTE_W | UK_PTE_NX);
	assert_int_equal(FLAGS(mock_pte(vs->root, VA + PG)), UK_PTE_P | UK_PTE_U); /* only the one page */
	assert_int_equal(vm_protect(k, vs, VA + 1, PG, UK_PROT_READ), UK_EINVAL);
	assert_int_equal(vm_protect(k, vs, UK_USER_END, PG, UK_PROT_READ), UK_ERANGE);
	assert_int_equal(vm_unmap(k, vs, VA, 4 * PG), 0);
	assert_int_equal(mock_pte(vs->root, VA), 0);
	assert_int_equal(mock_pte(vs->root, VA + 2 * PG), 0);
	assert_int_equal(vs->pages, 0);
	assert_int_equal(free0 - k->frames.free, 3); /* only the tables remain */
	assert_int_equal(vm_unmap(k, vs, VA, PG), UK_ENOENT);
	shutdown();
}

static void test_copy_through_tables(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	struct uk_fault f;
	char buf[16] = "hello", out[16] = { 0 };

	vm_activate(k, &k->cpus[0], vs);
	assert_int_equal(mock_root(0), vs->root);
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	assert_int_equal(vm_map(k, vs, VA + PG, PG, UK_PROT_READ, 0), 0);
	assert_int_equal(uk_arch_copy_to_user(k->a, VA + PG - 3, buf, 6, &f), UK_EFAULT);
	assert_int_equal(f.addr, VA + PG);
	assert_int_equal(f.code, UK_PF_U | UK_PF_W | UK_PF_P);
	assert_int_equal(uk_arch_copy_to_user(k->a, VA + 8, buf, 6, &f), 0);
	assert_int_equal(uk_arch_copy_from_user(k->a, out, VA + 8, 6, &f), 0);
	assert_string_equal(out, "hello");
	assert_int_equal(uk_arch_copy_from_user(k->a, out, VA + 3 * PG, 1, &f), UK_EFAULT);
	assert_int_equal(f.code, UK_PF_U);
	shutdown();
}

static unsigned ipis_to(unsigned cpu, unsigned vector)
{
	unsigned n = 0;
	for (unsigned i = 0; i < mock_ipi_count(); i++)
		if (mock_ipi(i)->to == cpu && mock_ipi(i)->vector == vector)
			n++;
	return n;
}

static unsigned flushes_on(unsigned cpu, enum mock_flush_kind kind)
{
	unsigned n = 0;
	for (unsigned i = 0; i < mock_flush_count(); i++)
		if (mock_flush(i)->cpu == cpu && mock_flush(i)->kind == kind)
			n++;
	return n;
}

static void test_shootdown_targets_exactly_the_caching_cpus(void **state)
{
	struct uk_kernel *k = boot(4, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;

	mock_set_sync_tlb(true);
	assert_int_equal(vm_map(k, vs, VA, 4 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	/* CPUs 0 and 2 load the space; 2 then moves to another one. 1 and 3 never do. */
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], vs);
	mock_set_cpu(2);
	vm_activate(k, &k->cpus[2], vs);
	vm_activate(k, &k->cpus[2], &k->empty_vs);
	assert_int_equal(vs->cpu_mask, 0x5);
	mock_set_cpu(0);
	mock_clear_logs();
	assert_int_equal(vm_protect(k, vs, VA, PG, UK_PROT_READ), 0);
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(ipis_to(2, UK_VEC_TLB), 1);
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PAGE), 1);
	assert_int_equal(mock_flush(0)->va, VA);
	/* CPU 2 does not run the space: it drops the whole PCID and leaves the mask. */
	assert_int_equal(flushes_on(2, MOCK_FLUSH_PCID), 1);
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PCID) + flushes_on(3, MOCK_FLUSH_PCID), 0);
	assert_int_equal(vs->cpu_mask, 0x1);
	assert_int_equal(k->stats.tlb_shootdown_ipis, 1);
	/* Now only CPU 0 may cache it: no IPI at all. */
	mock_clear_logs();
	assert_int_equal(vm_unmap(k, vs, VA, PG), 0);
	assert_int_equal(mock_ipi_count(), 0);
	/* CPU 3 runs it: it gets the IPI, flushes the pages and stays in the mask. */
	mock_set_cpu(3);
	vm_activate(k, &k->cpus[3], vs);
	mock_set_cpu(0);
	mock_clear_logs();
	assert_int_equal(vm_unmap(k, vs, VA + PG, 2 * PG), 0);
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(ipis_to(3, UK_VEC_TLB), 1);
	assert_int_equal(flushes_on(3, MOCK_FLUSH_PAGE), 2);
	assert_int_equal(vs->cpu_mask, 0x9);
	/* Lazy mappings and demand-zero fills never need a shootdown. */
	mock_clear_logs();
	assert_int_equal(vm_map(k, vs, VA + 8 * PG, PG, UK_PROT_READ, UK_VM_LAZY), 0);
	assert_int_equal(vm_fault(k, vs, VA + 8 * PG, UK_PF_U), 0);
	assert_int_equal(mock_ipi_count(), 0);
	shutdown();
}

/* Activating the space a CPU already runs loads nothing: a CR3 write costs
 * (and without PCIDs flushes the TLB), so a switch between two threads of
 * one process must not reload the root. A different space is loaded, with a
 * flush only the first time this CPU holds it. */
static void test_activate_loads_the_root_only_on_change(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct vspace *a = &new_process(k)->vs, *b = &new_process(k)->vs;

	mock_set_cpu(1);
	mock_clear_logs();
	unsigned loads = mock_root_loads(1);
	vm_activate(k, &k->cpus[1], a);
	assert_int_equal(mock_root_loads(1), loads + 1);
	assert_int_equal(mock_root(1), a->root);
	assert_int_equal(flushes_on(1, MOCK_FLUSH_ROOT), 1);
	vm_activate(k, &k->cpus[1], a);
	assert_int_equal(mock_root_loads(1), loads + 1);
	vm_activate(k, &k->cpus[1], b);
	assert_int_equal(mock_root_loads(1), loads + 2);
	assert_int_equal(mock_root(1), b->root);
	vm_activate(k, &k->cpus[1], a);
	assert_int_equal(mock_root_loads(1), loads + 3);
	assert_int_equal(mock_root(1), a->root);
	/* a was cached here already (still in its CPU mask): no second flush */
	assert_int_equal(flushes_on(1, MOCK_FLUSH_ROOT), 2);
	assert_int_equal(a->cpu_mask, 0x2);
	shutdown();
}

/* Past 32 pages a shootdown flushes the space's whole PCID instead of
 * page by page (flushing fewer would leave stale entries). */
static void test_large_shootdown_flushes_the_pcid(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	struct vspace *cold = &new_process(k)->vs; /* no CPU ever caches it */

	assert_int_equal(vm_map(k, vs, VA, 40 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	assert_int_equal(vm_map(k, cold, VA, 40 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], vs);
	mock_clear_logs();
	uint64_t t0 = mock_now(0);
	assert_int_equal(vm_protect(k, vs, VA, 32 * PG, UK_PROT_READ), 0);
	uint64_t with_flush = mock_now(0) - t0;
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PAGE), 32);
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PCID), 0);
	mock_clear_logs();
	t0 = mock_now(0);
	assert_int_equal(vm_protect(k, vs, VA, 40 * PG, UK_PROT_READ | UK_PROT_WRITE), 0);
	uint64_t with_pcid_flush = mock_now(0) - t0;
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PAGE), 0);
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PCID), 1);
	assert_int_equal(mock_flush(0)->pcid, vs->pcid);
	/* The same changes in the space no CPU caches flush nothing: the
	 * differences are what the invalidations cost, one per page, and one
	 * for a whole PCID. No shootdown is even counted or traced there. */
	uint64_t shootdowns = k->stats.tlb_shootdowns, traced = mock_trace_count(UK_TRACE_CORE_SHOOTDOWN);
	assert_int_equal(shootdowns, 2);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_SHOOTDOWN, 0), vs->pcid);
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_SHOOTDOWN, 1), 0x1); /* CPU 0 caches it */
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_SHOOTDOWN, 2), 0);   /* 0: the whole PCID */
	t0 = mock_now(0);
	assert_int_equal(vm_protect(k, cold, VA, 32 * PG, UK_PROT_READ), 0);
	assert_int_equal(with_flush - (mock_now(0) - t0), 32 * MOCK_COST_TLB_NS);
	t0 = mock_now(0);
	assert_int_equal(vm_protect(k, cold, VA, 40 * PG, UK_PROT_READ | UK_PROT_WRITE), 0);
	assert_int_equal(with_pcid_flush - (mock_now(0) - t0), MOCK_COST_TLB_NS);
	assert_int_equal(k->stats.tlb_shootdowns, shootdowns);
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_SHOOTDOWN), traced);
	shutdown();
}

/* Device memory mapped where the page tables run out: UK_ENOMEM, and the
 * pages mapped on the way are unmapped again. */
static void test_device_map_out_of_memory_rolls_back(void **state)
{
	struct uk_kernel *k = boot(1, 1 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t tables = k->frames.free + 2; /* one page table per 512 pages */

	assert_int_equal(vm_map_device(k, vs, VA, 0xfe000000ull, 0, true), UK_EINVAL);
	assert_int_equal(vm_map_device(k, vs, VA, 0xfe000000ull, (UK_USER_END >> UK_PAGE_SHIFT) + 1, true),
			 UK_EINVAL);
	assert_int_equal(vs->pages, 0);

	assert_int_equal(vm_map_device(k, vs, VA, 0xfe000000ull, 512 * tables, true), UK_ENOMEM);
	assert_int_equal(vs->pages, 0);
	assert_int_equal(mock_pte(vs->root, VA), 0);
	assert_int_equal(mock_pte(vs->root, VA + 511 * PG), 0);
	shutdown();
}

static void test_space_destroy_frees_everything(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	uint64_t free0 = k->frames.free;
	uint64_t pcids[64];
	struct vspace vs;

	memcpy(pcids, k->pcid_used, sizeof(pcids));
	assert_int_equal(vm_space_init(k, &vs), 0);
	assert_int_not_equal(vs.pcid, 0);
	assert_true(k->pcid_used[vs.pcid / 64] & (1ull << (vs.pcid % 64)));
	assert_int_equal(vm_map(k, &vs, VA, 3 * PG, UK_PROT_READ, 0), 0);
	assert_int_equal(vm_map(k, &vs, 0x7f0000000000ull, PG, UK_PROT_READ, 0), 0);
	mock_set_sync_tlb(true);
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], &vs);
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], &vs); /* the destroying CPU runs it too */
	mock_clear_logs();
	vm_space_destroy(k, &vs);
	assert_ptr_equal(k->cpus[1].active_vs, &k->empty_vs); /* moved off the dying root */
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PCID), 1);  /* and dropped all of it */
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PAGE), 0);
	assert_ptr_equal(k->cpus[0].active_vs, &k->empty_vs); /* the same here */
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PCID), 1);
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PAGE), 0);
	/* one shootdown of the whole space: traced with 0 pages, and the
	 * record the other CPU read named no address */
	assert_int_equal(mock_trace_arg(UK_TRACE_CORE_SHOOTDOWN, 2), 0);
	assert_true(k->sd.drop);
	assert_int_equal(k->sd.va, 0);
	assert_int_equal(k->sd.pages, 0);
	assert_int_equal(k->frames.free, free0);
	assert_memory_equal(k->pcid_used, pcids, sizeof(pcids)); /* its PCID is free again */
	assert_int_equal(vs.root, 0); /* nothing left to load or flush */
	assert_int_equal(vs.cpu_mask, 0);
	shutdown();
}

static struct uk_kernel *hook_k;
static uint64_t free_at_ipi;

static void record_free_frames(unsigned to, unsigned vector)
{
	free_at_ipi = hook_k->frames.free;
}

/* On a machine of the most CPUs there may be (64), a shootdown started
 * on CPU 63 reaches CPU 0 by exactly one IPI, and no CPU past the last. */
static void test_shootdown_on_64_cpus(void **state)
{
	struct uk_kernel *k = boot(UK_MAX_CPUS, 8 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs, *cold = &new_process(k)->vs;
	uint64_t t0, with_ipi;

	mock_set_sync_tlb(true);
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	assert_int_equal(vm_map(k, cold, VA, PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], vs);
	mock_set_cpu(UK_MAX_CPUS - 1);
	mock_clear_logs();
	t0 = mock_now(UK_MAX_CPUS - 1);
	assert_int_equal(vm_protect(k, vs, VA, PG, UK_PROT_READ), 0);
	with_ipi = mock_now(UK_MAX_CPUS - 1) - t0;
	/* the initiator pays for the IPI: the same change where no CPU
	 * caches the space costs it exactly that much less */
	t0 = mock_now(UK_MAX_CPUS - 1);
	assert_int_equal(vm_protect(k, cold, VA, PG, UK_PROT_READ), 0);
	assert_int_equal(with_ipi - (mock_now(UK_MAX_CPUS - 1) - t0), MOCK_COST_IPI_NS);
	assert_int_equal(mock_ipi_count(), 1);
	assert_int_equal(mock_ipi(0)->to, 0);
	assert_int_equal(k->stats.tlb_shootdown_ipis, 1);
	mock_set_cpu(0);
	shutdown();
}

/* With IPIs taken later (not at once), the initiator waits in a loop of
 * atomic reads, pausing at every turn (the arch.h contract that lets the
 * simulator collapse such loops) until the target has flushed. The
 * shared shootdown record is written only when another CPU must read it. */
static struct uk_kernel *pause_k;
static void cpu1_takes_its_ipi(void)
{
	if (!(mock_pending_ipis(1) & 4))
		return;
	unsigned me = mock_cpu();
	mock_set_cpu(1);
	vm_tlb_service(pause_k); /* what the TLB vector does there */
	mock_set_cpu(me);
}

static void test_shootdown_wait_pauses(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t pauses;

	pause_k = k;
	assert_int_equal(vm_map(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], vs);
	mock_set_cpu(0);
	mock_set_sync_tlb(false);
	mock_set_pause_hook(cpu1_takes_its_ipi);
	pauses = mock_spin_pauses();
	assert_int_equal(vm_protect(k, vs, VA, PG, UK_PROT_READ), 0);
	assert_int_equal(mock_spin_pauses() - pauses, 1);
	assert_int_equal(k->sd.targets, 0);
	assert_int_equal(k->sd.va, VA);
	assert_int_equal(k->sd.pages, 1);
	mock_set_pause_hook(NULL);
	mock_set_sync_tlb(true);
	/* CPU 1 leaves the space (and its mask, at a whole-PCID flush); a
	 * change now is CPU 0's alone: the record keeps the last one's */
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], &k->empty_vs);
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], vs);
	assert_int_equal(vm_protect(k, vs, VA + PG, PG, UK_PROT_READ), 0); /* CPU 1 drops out */
	assert_int_equal(vs->cpu_mask, 0x1);
	uint64_t va = k->sd.va, pages = k->sd.pages;
	assert_int_equal(vm_protect(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE), 0);
	assert_int_equal(k->sd.va, va);
	assert_int_equal(k->sd.pages, pages);
	shutdown();
}

/* Device memory: mapped exactly (its pages, no more, each costing one
 * kernel operation), refused where the range is bad or taken; unmapping
 * it from a space a CPU caches shoots it down (the frames are not freed).
 * Unmapping only demand-zero pages needs no shootdown. Ordinary mappings
 * cost one kernel operation a page too. */
static void test_device_map_and_unmap(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t t0, free0, all = UK_USER_END >> UK_PAGE_SHIFT;

	assert_int_equal(vm_map_device(k, vs, VA + 1, 0xfe000000ull, 1, true), UK_EINVAL);
	assert_int_equal(vm_map_device(k, vs, 0, 0xfe000000ull, 1, true), UK_ERANGE);
	assert_int_equal(vm_map_device(k, vs, UK_USER_BASE, 0xfe000000ull, all, true), UK_ERANGE);
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_READ, 0), 0);
	assert_int_equal(vm_map_device(k, vs, VA, 0xfe000000ull, 1, true), UK_EEXIST);
	assert_int_equal(vs->pages, 1);
	t0 = mock_now(0);
	assert_int_equal(vm_map_device(k, vs, VA + PG, 0xfe000000ull, 2, false), 0);
	assert_int_equal(mock_now(0) - t0, 2 * 10); /* UK_COST_KERNEL_OP is 10 ns in the mock */
	assert_int_equal(mock_pte(vs->root, VA + PG),
			 0xfe000000ull | UK_PTE_P | UK_PTE_U | UK_PTE_NX | UK_PTE_PCD | UK_PTE_PWT | UK_PTE_SW_DEV);
	assert_int_equal(mock_pte(vs->root, VA + 3 * PG), 0);
	assert_int_equal(vs->pages, 3);
	t0 = mock_now(0);
	assert_int_equal(vm_map(k, vs, VA + 3 * PG, 2 * PG, UK_PROT_READ, 0), 0);
	assert_int_equal(mock_now(0) - t0, 2 * 10);
	/* CPU 1 caches the space: unmapping the device pages reaches it */
	mock_set_sync_tlb(true);
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], vs);
	mock_set_cpu(0);
	mock_clear_logs();
	free0 = k->frames.free;
	assert_int_equal(vm_unmap(k, vs, VA + PG, 2 * PG), 0);
	assert_int_equal(ipis_to(1, UK_VEC_TLB), 1);
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PAGE), 2);
	assert_int_equal(k->frames.free, free0); /* device memory is nobody's frame */
	/* demand-zero pages only: nothing to shoot down */
	assert_int_equal(vm_map(k, vs, VA + 8 * PG, 2 * PG, UK_PROT_READ, UK_VM_LAZY), 0);
	mock_clear_logs();
	assert_int_equal(vm_unmap(k, vs, VA + 8 * PG, 2 * PG), 0);
	assert_int_equal(mock_flush_count(), 0);
	assert_int_equal(mock_ipi_count(), 0);
	shutdown();
}

/* vm_fault resolves user addresses only: a fault at a kernel address
 * (UK_USER_END up: the platform's half, the core's window) is refused
 * whatever the tables hold there, and so is a present leaf without the
 * user bit. The lowest user address is an ordinary one. Each fault costs
 * a four-level walk (4 steps of 5 ns in the mock). */
static void test_fault_address_and_user_bit(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uk_vaddr_t kernel_vas[] = { UK_USER_END, UK_CORE_WINDOW_BASE };
	uint64_t *pte, t0;
	uk_paddr_t pa;

	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(frame_alloc(k, &pa), 0);
		pte = vm_pte_alloc(k, vs, kernel_vas[i]);
		assert_non_null(pte);
		*pte = pa | UK_PTE_P | UK_PTE_U | UK_PTE_W; /* as if the user could */
		assert_int_equal(vm_fault(k, vs, kernel_vas[i], UK_PF_U | UK_PF_P), UK_EFAULT);
	}
	/* a present page without U (a supervisor page) is no user page */
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_READ, 0), 0);
	pte = vm_pte(k, vs, VA);
	*pte &= ~UK_PTE_U;
	assert_int_equal(vm_fault(k, vs, VA, UK_PF_U | UK_PF_P), UK_EFAULT);
	/* a device page the tables allow faulted in the device (a bus
	 * error): no stale entry to drop, the access fails */
	assert_int_equal(vm_map_device(k, vs, VA + 4 * PG, 0xfe000000ull, 1, true), 0);
	mock_clear_logs();
	assert_int_equal(vm_fault(k, vs, VA + 4 * PG, UK_PF_U | UK_PF_W | UK_PF_P), UK_EFAULT);
	assert_int_equal(mock_flush_count(), 0);
	/* the first user page: a demand-zero fill like any other */
	assert_int_equal(vm_map(k, vs, UK_USER_BASE, PG, UK_PROT_READ, UK_VM_LAZY), 0);
	assert_int_equal(vm_fault(k, vs, UK_USER_BASE, UK_PF_U), 0);
	t0 = mock_now(0);
	assert_int_equal(vm_fault(k, vs, VA + 7 * PG, UK_PF_U), UK_EFAULT);
	assert_int_equal(mock_now(0) - t0, 4 * 5);
	shutdown();
}

/* Destroying a space a CPU still runs (whatever the masks say) is a kernel
 * bug the destroy itself catches, CPU 0 included: an abort in the mock. */
static int destroy_running_in_child(unsigned cpu)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct uk_kernel *k = boot(2, 4 << 20, NULL);
		struct vspace vs;
		if (vm_space_init(k, &vs) < 0)
			_exit(2);
		if (cpu < 2)
			k->cpus[cpu].active_vs = &vs; /* its mask bit lost */
		vm_space_destroy(k, &vs);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

static void test_destroy_of_a_running_space_is_fatal(void **state)
{
	assert_int_equal(destroy_running_in_child(2), 0); /* nobody runs it */
	assert_int_equal(destroy_running_in_child(0), SIGABRT);
	assert_int_equal(destroy_running_in_child(1), SIGABRT);
}

/* vm_flush_range (the transfer window's) invalidates exactly those pages,
 * here and on every other CPU that may cache them. */
static void test_flush_range(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;

	mock_set_sync_tlb(true);
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], vs);
	mock_set_cpu(0);
	vm_activate(k, &k->cpus[0], vs);
	mock_clear_logs();
	vm_flush_range(k, vs, VA + PG, 3);
	assert_int_equal(flushes_on(0, MOCK_FLUSH_PAGE), 3);
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PAGE), 3);
	assert_int_equal(mock_flush(0)->va, VA + PG);
	assert_int_equal(mock_flush(2)->va, VA + 3 * PG);
	assert_int_equal(ipis_to(1, UK_VEC_TLB), 1);
	shutdown();
}

/* Two targets of a shootdown flush at once: CPU 2 clears its bit of the
 * target mask between CPU 1's read of the mask and CPU 1's compare-and-
 * swap, which then fails; CPU 1 tries again with the value it got and
 * clears its own bit, and the initiator's wait ends. */
static struct uk_kernel *race_k;
static void cpu2_flushes_now(void)
{
	unsigned me = mock_cpu();
	mock_set_cpu(2);
	vm_tlb_service(race_k);
	mock_set_cpu(me);
}

static void test_shootdown_targets_racing(void **state)
{
	struct uk_kernel *k = boot(3, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;

	race_k = k;
	mock_set_sync_tlb(true);
	assert_int_equal(vm_map(k, vs, VA, PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	for (unsigned c = 1; c <= 2; c++) {
		mock_set_cpu(c);
		vm_activate(k, &k->cpus[c], vs);
	}
	mock_set_cpu(0);
	mock_clear_logs();
	mock_set_cas_hook(cpu2_flushes_now);
	assert_int_equal(vm_protect(k, vs, VA, PG, UK_PROT_READ), 0);
	assert_int_equal(k->sd.targets, 0);
	assert_int_equal(flushes_on(1, MOCK_FLUSH_PAGE), 1);
	assert_int_equal(flushes_on(2, MOCK_FLUSH_PAGE), 1);
	shutdown();
}

/* A frame goes back to the allocator only after every CPU that may cache
 * its translation has flushed it: a stale entry must never write into a
 * frame handed out again. */
static void test_unmap_frees_after_shootdown(void **state)
{
	struct uk_kernel *k = boot(2, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t before;

	hook_k = k;
	assert_int_equal(vm_map(k, vs, VA, 3 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	mock_set_cpu(1);
	vm_activate(k, &k->cpus[1], vs);
	mock_set_cpu(0);
	before = k->frames.free;
	mock_set_ipi_hook(record_free_frames);
	assert_int_equal(vm_unmap(k, vs, VA, 3 * PG), 0);
	mock_set_ipi_hook(NULL);
	assert_int_equal(free_at_ipi, before);
	assert_int_equal(k->frames.free, before + 3);
	/* The same when the range ends in a hole: the last mapped pages are
	 * shot down too, before their frames are freed. */
	assert_int_equal(vm_map(k, vs, VA, 2 * PG, UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	before = k->frames.free;
	free_at_ipi = 0;
	mock_clear_logs();
	mock_set_ipi_hook(record_free_frames);
	assert_int_equal(vm_unmap(k, vs, VA, 4 * PG), 0);
	mock_set_ipi_hook(NULL);
	assert_int_equal(ipis_to(1, UK_VEC_TLB), 1);
	assert_int_equal(free_at_ipi, before);
	assert_int_equal(k->frames.free, before + 2);
	shutdown();
}

/* Loops over huge sparse ranges skip missing tables (bounded time). */
static void test_huge_sparse_ranges(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace *vs = &new_process(k)->vs;
	uint64_t all = UK_USER_END - UK_USER_BASE;

	uint64_t reads = mock_phys_ptr_calls();
	assert_int_equal(vm_unmap(k, vs, UK_USER_BASE, all), UK_ENOENT);
	/* an empty space: one root entry read per 512 GiB, 256 in all */
	assert_int_equal(mock_phys_ptr_calls() - reads, 256);
	assert_int_equal(vm_map(k, vs, 0x7f0000000000ull, PG, UK_PROT_READ, 0), 0);
	reads = mock_phys_ptr_calls();
	assert_int_equal(vm_unmap(k, vs, 0x7f0000000000ull + 512 * PG, 1ull << 30), UK_ENOENT);
	/* next to the one page: each missing PT skips its 2 MiB at once (511
	 * of them, 3 entries read each: root, PDPT, PD), then the missing
	 * PDPT entry its whole GiB (2 entries read) */
	assert_int_equal(mock_phys_ptr_calls() - reads, 511 * 3 + 2);
	assert_int_equal(vm_map(k, vs, UK_USER_BASE, all, UK_PROT_READ, UK_VM_LAZY), UK_EEXIST);
	assert_int_equal(vm_protect(k, vs, UK_USER_BASE, all, UK_PROT_READ), UK_ENOENT);
	assert_int_equal(vm_unmap(k, vs, UK_USER_BASE, all), 0);
	assert_int_equal(vs->pages, 0);
	shutdown();
}

/* arch.h: a root's entries from UK_USER_END up (PML4 256..511) are the
 * platform's, but for the core's window slot (510). A bare-metal port writes its kernel half there before loading
 * a root (metal/x86_64 does); destroying the space must leave it alone. */
static void test_space_destroy_leaves_platform_half(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	struct vspace vs;
	uk_paddr_t kernel_pdpt;
	uint64_t free0;

	assert_int_equal(vm_space_init(k, &vs), 0);
	assert_int_equal(vm_map(k, &vs, VA, PG, UK_PROT_READ, 0), 0);
	assert_int_equal(frame_alloc(k, &kernel_pdpt), 0);
	((uint64_t *)frame_ptr(k, vs.root))[256] = kernel_pdpt | UK_PTE_P | UK_PTE_W;
	((uint64_t *)frame_ptr(k, vs.root))[511] = kernel_pdpt | UK_PTE_P | UK_PTE_W;
	/* The core's window slot (510) is the core's: its tables are freed. */
	assert_non_null(vm_pte_alloc(k, &vs, UK_CORE_WINDOW_BASE));
	free0 = k->frames.free;
	vm_space_destroy(k, &vs);
	/* The page, its PT, PD, PDPT, the window's PT, PD, PDPT and the root;
	 * not the platform's table. */
	assert_int_equal(k->frames.free, free0 + 8);
	frame_free(k, kernel_pdpt);
	shutdown();
}

/* PCIDs: the lowest free one (0 is the empty space's), the last word of
 * the bitmap included; none free: UK_ENOMEM, and nothing is taken. */
static void test_pcid_allocation(void **state)
{
	struct uk_kernel *k = boot(1, 4 << 20, NULL);
	uint64_t saved[64], free0;
	struct vspace a, b;

	memcpy(saved, k->pcid_used, sizeof(saved));
	assert_int_equal(vm_space_init(k, &a), 0);
	assert_int_equal(a.pcid, __builtin_ctzll(~saved[0] & ~1ull)); /* the lowest free */
	vm_space_destroy(k, &a);
	/* only PCID 62 * 64 + 5 is free: it is found, and freed again */
	memset(k->pcid_used, 0xff, sizeof(k->pcid_used));
	k->pcid_used[62] &= ~(1ull << 5);
	assert_int_equal(vm_space_init(k, &a), 0);
	assert_int_equal(a.pcid, 62 * 64 + 5);
	assert_int_equal(k->pcid_used[62], ~0ull);
	vm_space_destroy(k, &a);
	assert_int_equal(k->pcid_used[62], ~(1ull << 5));
	assert_int_equal(k->pcid_used[61], ~0ull);
	k->pcid_used[62] = ~0ull;
	/* only PCID 63 * 64 + 5, in the bitmap's last word */
	k->pcid_used[63] &= ~(1ull << 5);
	assert_int_equal(vm_space_init(k, &a), 0);
	assert_int_equal(a.pcid, 63 * 64 + 5);
	/* none left */
	free0 = k->frames.free;
	assert_int_equal(vm_space_init(k, &b), UK_ENOMEM);
	assert_int_equal(k->frames.free, free0);
	vm_space_destroy(k, &a);
	assert_int_equal(k->pcid_used[63], ~(1ull << 5));
	memcpy(k->pcid_used, saved, sizeof(saved));
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_exact_bits),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_map_out_of_memory_rolls_back),
		cmocka_unit_test(test_space_without_a_root_frame_frees_its_pcid),
		cmocka_unit_test(test_lazy_and_demand_zero),
		cmocka_unit_test(test_protect_and_unmap),
		cmocka_unit_test(test_copy_through_tables),
		cmocka_unit_test(test_shootdown_targets_exactly_the_caching_cpus),
		cmocka_unit_test(test_activate_loads_the_root_only_on_change),
		cmocka_unit_test(test_large_shootdown_flushes_the_pcid),
		cmocka_unit_test(test_device_map_out_of_memory_rolls_back),
		cmocka_unit_test(test_space_destroy_frees_everything),
		cmocka_unit_test(test_space_destroy_leaves_platform_half),
		cmocka_unit_test(test_unmap_frees_after_shootdown),
		cmocka_unit_test(test_shootdown_targets_racing),
		cmocka_unit_test(test_shootdown_on_64_cpus),
		cmocka_unit_test(test_shootdown_wait_pauses),
		cmocka_unit_test(test_flush_range),
		cmocka_unit_test(test_device_map_and_unmap),
		cmocka_unit_test(test_destroy_of_a_running_space_is_fatal),
		cmocka_unit_test(test_fault_address_and_user_bit),
		cmocka_unit_test(test_huge_sparse_ranges),
		cmocka_unit_test(test_pcid_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
