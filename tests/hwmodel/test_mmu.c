/* SPDX-License-Identifier: MIT */
/* MMU page walks and the TLB. */
#include "hwtest.h"

#define VA 0x0000400000001000ull
#define PA1 0x200000ull
#define PA2 0x300000ull

struct env {
	struct hwt *x;
	uint64_t root;
};

static struct env setup(uint64_t leaf_flags)
{
	struct env e = {.x = hwt_new(2)};
	e.root = hwt_frame(e.x);
	hwt_map(e.x, e.root, VA, PA1, leaf_flags, false);
	hw_mmu_load_root(e.x->m, 0, 0, e.root, 1, true);
	return e;
}

START_TEST(walk_4k_translates_and_counts_steps)
{
	struct env e = setup(HW_PTE_P | HW_PTE_W | HW_PTE_U);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x123, HW_ACC_USER, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA1 + 0x123);
	ck_assert_uint_eq(xl.steps, 4);
	ck_assert(!xl.tlb_hit);
	ck_assert_uint_eq(xl.page_shift, 12);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x456, HW_ACC_USER, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_uint_eq(xl.pa, PA1 + 0x456);
	struct hw_mmu_stats st;
	hw_mmu_stats(e.x->m, 0, &st);
	ck_assert_uint_eq(st.walks, 1);
	ck_assert_uint_eq(st.walk_steps, 4);
	ck_assert_uint_eq(st.tlb_hits, 1);
	ck_assert_uint_eq(st.tlb_misses, 1);
	/* The walker itself refuses a non-canonical address, even one whose
	 * low 48 bits name a mapped page. */
	ck_assert_int_eq(hw_mmu_walk(e.x->m, e.root, VA | (1ull << 60), 0, false, &xl), HW_EINVAL);
	ck_assert_int_eq(hw_mmu_walk(e.x->m, e.root, VA, 0, false, &xl), HW_OK);
	hwt_free(e.x);
}
END_TEST

START_TEST(accessed_and_dirty_bits_set_by_walks)
{
	struct env e = setup(HW_PTE_P | HW_PTE_W | HW_PTE_U);
	uint64_t leaf = hwt_leaf(e.x, e.root, VA, false);
	uint64_t pml4e = e.root + ((VA >> 39) & 511) * 8;
	ck_assert_uint_eq(hw_mem_read64(e.x->m, leaf) & (HW_PTE_A | HW_PTE_D), 0);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(e.x->m, leaf) & (HW_PTE_A | HW_PTE_D), HW_PTE_A);
	ck_assert(hw_mem_read64(e.x->m, pml4e) & HW_PTE_A);
	ck_assert(!(hw_mem_read64(e.x->m, pml4e) & HW_PTE_D));
	/* A write through the clean TLB entry walks again to set D. */
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_WRITE, &xl), HW_OK);
	ck_assert(!xl.tlb_hit);
	ck_assert_uint_eq(hw_mem_read64(e.x->m, leaf) & (HW_PTE_A | HW_PTE_D), HW_PTE_A | HW_PTE_D);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_WRITE, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	hwt_free(e.x);
}
END_TEST

START_TEST(faulting_walk_sets_no_accessed_bit)
{
	struct env e = setup(HW_PTE_P | HW_PTE_U); /* read-only */
	uint64_t leaf = hwt_leaf(e.x, e.root, VA, false);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_WRITE | HW_ACC_USER, &xl),
			 HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_W | HW_PF_U);
	ck_assert_uint_eq(hw_mem_read64(e.x->m, leaf) & HW_PTE_A, 0);
	hwt_free(e.x);
}
END_TEST

START_TEST(page_fault_error_codes)
{
	struct env e = setup(HW_PTE_P | HW_PTE_W); /* supervisor only */
	struct hw_xlate xl;
	/* Not present: P clear, access bits as the hardware reports them. */
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x10000, HW_ACC_WRITE, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_W);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x10000, HW_ACC_USER | HW_ACC_FETCH, &xl),
			 HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_U | HW_PF_I);
	/* User access to a supervisor page. */
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_USER, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_U);
	/* Supervisor access works. */
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_WRITE, &xl), HW_OK);
	/* NX: a fetch faults with I set. */
	hwt_map(e.x, e.root, VA + 0x2000, PA2, HW_PTE_P | HW_PTE_U | HW_PTE_NX, false);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x2000, HW_ACC_FETCH | HW_ACC_USER, &xl),
			 HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_U | HW_PF_I);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA + 0x2000, HW_ACC_USER, &xl), HW_OK);
	/* A reserved bit (PS in a PML4 entry). */
	uint64_t pml4e = e.root + ((VA >> 39) & 511) * 8;
	hw_mem_write64(e.x->m, pml4e, hw_mem_read64(e.x->m, pml4e) | HW_PTE_PS);
	ck_assert_int_eq(hw_mmu_walk(e.x->m, e.root, VA, 0, false, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_RSVD);
	/* Non-canonical: a #GP, not a page fault. */
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, 0x0000800000000000ull, 0, &xl), HW_EINVAL);
	hwt_free(e.x);
}
END_TEST

START_TEST(user_bit_needed_at_every_level)
{
	struct hwt *x = hwt_new(1);
	uint64_t root = hwt_frame(x);
	hwt_map(x, root, VA, PA1, HW_PTE_P | HW_PTE_W | HW_PTE_U, false);
	uint64_t pml4e = root + ((VA >> 39) & 511) * 8;
	hw_mem_write64(x->m, pml4e, hw_mem_read64(x->m, pml4e) & ~HW_PTE_U);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_walk(x->m, root, VA, HW_ACC_USER, true, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_U);
	hwt_free(x);
}
END_TEST

START_TEST(two_mib_pages)
{
	struct hwt *x = hwt_new(1);
	uint64_t root = hwt_frame(x);
	uint64_t va = 0x40000000ull;
	hwt_map(x, root, va, 0x800000, HW_PTE_P | HW_PTE_W | HW_PTE_U, true);
	hw_mmu_load_root(x->m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(x->m, 0, va + 0x1abcde, HW_ACC_WRITE, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, 0x800000 + 0x1abcde);
	ck_assert_uint_eq(xl.steps, 3);
	ck_assert_uint_eq(xl.page_shift, 21);
	uint64_t pde = hwt_leaf(x, root, va, true);
	ck_assert_uint_eq(hw_mem_read64(x->m, pde) & (HW_PTE_A | HW_PTE_D), HW_PTE_A | HW_PTE_D);
	/* One TLB entry covers the whole 2 MiB. */
	ck_assert_int_eq(hw_mmu_translate(x->m, 0, va + 0x1ff000, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_uint_eq(xl.pa, 0x800000 + 0x1ff000);
	/* INVLPG of any address in the page drops it. */
	hw_tlb_invlpg(x->m, 0, 0, va + 0x5000);
	ck_assert_int_eq(hw_mmu_translate(x->m, 0, va, 0, &xl), HW_OK);
	ck_assert(!xl.tlb_hit);
	/* Reserved bits 20:13 in a 2 MiB entry. */
	hw_mem_write64(x->m, pde, hw_mem_read64(x->m, pde) | (1ull << 13));
	ck_assert_int_eq(hw_mmu_walk(x->m, root, va, 0, false, &xl), HW_EFAULT);
	ck_assert(xl.fault & HW_PF_RSVD);
	hwt_free(x);
}
END_TEST

START_TEST(tlb_returns_stale_translation_until_invalidated)
{
	struct env e = setup(HW_PTE_P | HW_PTE_W | HW_PTE_U);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA1);
	/* Remap to PA2 behind the TLB's back. */
	uint64_t leaf = hwt_leaf(e.x, e.root, VA, false);
	hw_mem_write64(e.x->m, leaf, PA2 | HW_PTE_P | HW_PTE_W | HW_PTE_U);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA1); /* stale */
	ck_assert(xl.tlb_hit);
	/* Another CPU has no stale entry. */
	hw_mmu_load_root(e.x->m, 1, 0, e.root, 1, true);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 1, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA2);
	/* Unmapping does not help either, until INVLPG. */
	hw_mem_write64(e.x->m, leaf, 0);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA1);
	hw_tlb_invlpg(e.x->m, 0, 5, VA);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, 0, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, 0);
	struct hw_mmu_stats st;
	hw_mmu_stats(e.x->m, 0, &st);
	ck_assert_uint_ge(st.flushes, 2);
	const struct hwt_ev *ev = hwt_last(e.x, HW_TRACE_TLB_FLUSH);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, HW_FLUSH_INVLPG);
	ck_assert_uint_eq(ev->c, 1);
	hwt_free(e.x);
}
END_TEST

START_TEST(permission_fault_from_tlb_drops_the_entry)
{
	struct env e = setup(HW_PTE_P | HW_PTE_U); /* read-only */
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_USER, &xl), HW_OK);
	/* Make it writable in memory: the cached entry still says read-only. */
	uint64_t leaf = hwt_leaf(e.x, e.root, VA, false);
	hw_mem_write64(e.x->m, leaf, hw_mem_read64(e.x->m, leaf) | HW_PTE_W);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_USER | HW_ACC_WRITE, &xl),
			 HW_EFAULT); /* a spurious fault, as on hardware */
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_W | HW_PF_U);
	ck_assert_int_eq(hw_mmu_translate(e.x->m, 0, VA, HW_ACC_USER | HW_ACC_WRITE, &xl), HW_OK);
	hwt_free(e.x);
}
END_TEST

START_TEST(cr3_pcid_and_global_pages)
{
	struct env e = setup(HW_PTE_P | HW_PTE_U);
	struct hw_machine *m = e.x->m;
	uint64_t gva = 0xffff800000000000ull;
	hwt_map(e.x, e.root, gva, PA2, HW_PTE_P | HW_PTE_W | HW_PTE_G, false);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_OK);
	ck_assert_int_eq(hw_mmu_translate(m, 0, gva, 0, &xl), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 2);
	/* Switch to PCID 2 without flush: PCID 1's entry survives, tagged. */
	uint64_t root2 = hwt_frame(e.x);
	hwt_map(e.x, root2, VA, PA2, HW_PTE_P | HW_PTE_U, false);
	hw_mmu_write_cr3(m, 0, 0, root2 | 2 | HW_CR3_NOFLUSH);
	ck_assert_uint_eq(hw_mmu_read_cr3(m, 0), root2 | 2);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 2);
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, PA2); /* PCID 2 does not see PCID 1's entry */
	ck_assert_int_eq(hw_mmu_translate(m, 0, gva, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit); /* the global page is seen from every PCID */
	/* Back to PCID 1 without flush: its entry is still there. */
	hw_mmu_write_cr3(m, 0, 0, e.root | 1 | HW_CR3_NOFLUSH);
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_uint_eq(xl.pa, PA1);
	/* A flushing CR3 load drops PCID 1's non-global entries only. */
	hw_mmu_write_cr3(m, 0, 0, e.root | 1);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 2); /* global + PCID 2 */
	ck_assert_int_eq(hw_mmu_translate(m, 0, gva, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	hwt_free(e.x);
}
END_TEST

START_TEST(invpcid_modes)
{
	struct env e = setup(HW_PTE_P | HW_PTE_U);
	struct hw_machine *m = e.x->m;
	uint64_t gva = 0xffff800000000000ull;
	hwt_map(e.x, e.root, gva, PA2, HW_PTE_P | HW_PTE_G, false);
	hwt_map(e.x, e.root, VA + 0x1000, PA2, HW_PTE_P | HW_PTE_U, false);
	struct hw_xlate xl;
	hw_mmu_translate(m, 0, VA, 0, &xl);
	hw_mmu_translate(m, 0, VA + 0x1000, 0, &xl);
	hw_mmu_translate(m, 0, gva, 0, &xl);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 3);
	/* Type 0 on the global page's address leaves the global entry. */
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_ADDR, 1, gva), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 3);
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_ADDR, 1, VA), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 2);
	/* Type 0 for another PCID touches nothing of PCID 1. */
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_ADDR, 5, VA + 0x1000), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 2);
	/* Type 1: PCID 1, globals kept. */
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_SINGLE, 1, 0), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 1);
	/* Type 3: all PCIDs, globals kept. */
	hw_mmu_translate(m, 0, VA, 0, &xl);
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_ALL, 0, 0), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 1);
	/* Type 2: everything. */
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_ALL_GLOBAL, 0, 0), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 0);
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, (enum hw_invpcid_type)4, 0, 0), HW_EINVAL);
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 0, HW_INVPCID_SINGLE, 4096, 0), HW_EINVAL);
	struct hw_mmu_stats st;
	hw_mmu_stats(m, 0, &st);
	ck_assert_uint_eq(st.flushes, 1 + 6); /* the CR3 load in setup, then six INVPCIDs */
	hwt_free(e.x);
}
END_TEST

START_TEST(tlb_capacity_evicts)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 1, .tlb_entries = 8});
	uint64_t root = hwt_frame(x);
	for (unsigned i = 0; i < 32; i++)
		hwt_map(x, root, VA + i * 0x1000ull, PA1 + i * 0x1000ull, HW_PTE_P, false);
	hw_mmu_load_root(x->m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	for (unsigned i = 0; i < 32; i++)
		ck_assert_int_eq(hw_mmu_translate(x->m, 0, VA + i * 0x1000ull, 0, &xl), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(x->m, 0), 8);
	ck_assert_int_eq(hw_mmu_translate(x->m, 0, VA, 0, &xl), HW_OK);
	ck_assert(!xl.tlb_hit); /* evicted long ago */
	hwt_free(x);
}
END_TEST

START_TEST(table_outside_ram_is_a_reserved_bit_fault)
{
	struct hwt *x = hwt_new(1);
	uint64_t root = hwt_frame(x);
	hw_mem_write64(x->m, root, 0xd0000000ull | HW_PTE_P | HW_PTE_W); /* in the MMIO hole */
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_walk(x->m, root, 0x1000, 0, true, &xl), HW_EFAULT);
	ck_assert_uint_eq(xl.fault, HW_PF_P | HW_PF_RSVD);
	ck_assert_uint_eq(xl.steps, 2);
	hwt_free(x);
}
END_TEST

/* Map `va` as a 1 GiB page of `pa` in the tables at `root`. */
static void map_1g(struct hwt *x, uint64_t root, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t e4 = root + ((va >> 39) & 511) * 8;
	uint64_t pdpt = hw_mem_read64(x->m, e4);
	if (!(pdpt & HW_PTE_P)) {
		pdpt = hwt_frame(x) | HW_PTE_P | HW_PTE_W | HW_PTE_U;
		hw_mem_write64(x->m, e4, pdpt);
	}
	hw_mem_write64(x->m, (pdpt & HW_PTE_ADDR_MASK) + ((va >> 30) & 511) * 8,
		       pa | flags | HW_PTE_PS);
}

/* 1 GiB pages: translated, cached as one entry that covers the whole page,
 * and dropped by an INVLPG of any address in it. */
START_TEST(one_gib_pages)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	uint64_t root = hwt_frame(x);
	uint64_t va = 0x0000004000000000ull; /* PML4 slot 0, PDPT slot 256 */
	map_1g(x, root, va, 0x40000000ull, HW_PTE_P | HW_PTE_W);
	hw_mmu_load_root(m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(m, 0, va + 0x12345678, 0, &xl), HW_OK);
	ck_assert(!xl.tlb_hit);
	ck_assert_uint_eq(xl.steps, 2);
	ck_assert_uint_eq(xl.page_shift, 30);
	ck_assert_uint_eq(xl.pa, 0x40000000ull + 0x12345678);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va + 0x3ffff000, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_uint_eq(xl.steps, 0);
	ck_assert_uint_eq(xl.fault, 0);
	ck_assert_uint_eq(xl.page_shift, 30);
	ck_assert_uint_eq(xl.pa, 0x40000000ull + 0x3ffff000);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 1);
	hw_tlb_invlpg(m, 0, 1, va + 0x20000000);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 0);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_TLB_FLUSH)->c, 1);
	ck_assert_int_eq(hw_mmu_walk(m, root, va, 0, false, &xl), HW_OK);
	ck_assert_uint_eq(xl.fault, 0);
	hwt_free(x);
}
END_TEST

/* What a translation reports: uncached for a leaf with PCD (from a walk and
 * from the TLB), not otherwise; a 4 KiB entry's bit 7 is PAT, not a page
 * size, so its address bits 13..29 are no reserved bits. */
START_TEST(uncached_and_pat_leaves)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	uint64_t root = hwt_frame(x);
	hwt_map(x, root, VA, PA1, HW_PTE_P | HW_PTE_PCD, false);
	hwt_map(x, root, VA + 0x1000, PA2, HW_PTE_P, false);
	hwt_map(x, root, VA + 0x2000, 0x3fe000, HW_PTE_P | HW_PTE_PS, false); /* PAT */
	hw_mmu_load_root(m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	for (unsigned pass = 0; pass < 2; pass++) {
		ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_OK);
		ck_assert_int_eq(xl.tlb_hit, pass == 1);
		ck_assert(xl.uncached);
		ck_assert_int_eq(hw_mmu_translate(m, 0, VA + 0x1000, 0, &xl), HW_OK);
		ck_assert_int_eq(xl.tlb_hit, pass == 1);
		ck_assert(!xl.uncached);
	}
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA + 0x2000, 0, &xl), HW_OK);
	ck_assert_uint_eq(xl.pa, 0x3fe000);
	ck_assert_uint_eq(xl.page_shift, 12);
	hwt_free(x);
}
END_TEST

/* Counting: a non-canonical address is refused before the TLB (no miss, no
 * walk); a walk that faults counts a fault; a write through an entry cached
 * clean that then faults drops the entry, so a read walks again. */
START_TEST(translate_counts_and_drops)
{
	struct env e = setup(HW_PTE_P | HW_PTE_W | HW_PTE_U);
	struct hw_machine *m = e.x->m;
	struct hw_xlate xl;
	struct hw_mmu_stats st0, st;
	hw_mmu_stats(m, 0, &st0);
	ck_assert_int_eq(hw_mmu_translate(m, 0, 0x0000800000000000ull, 0, &xl), HW_EINVAL);
	hw_mmu_stats(m, 0, &st);
	ck_assert_uint_eq(st.tlb_misses, st0.tlb_misses);
	ck_assert_uint_eq(st.walks, st0.walks);
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA + 0x100000, 0, &xl), HW_EFAULT);
	hw_mmu_stats(m, 0, &st);
	ck_assert_uint_eq(st.faults, st0.faults + 1);
	/* cached clean by a read */
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_OK);
	uint64_t leaf = hwt_leaf(e.x, e.root, VA, false);
	hw_mem_write64(m, leaf, 0); /* unmapped behind the TLB */
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, HW_ACC_WRITE, &xl), HW_EFAULT);
	ck_assert_int_eq(hw_mmu_translate(m, 0, VA, 0, &xl), HW_EFAULT); /* walked: not there */
	ck_assert(!xl.tlb_hit);
	hw_mmu_stats(m, 0, &st);
	ck_assert_uint_eq(st.faults, st0.faults + 3);
	hwt_free(e.x);
}
END_TEST

/* The TLB's sets: entries of one set fill its 4 ways, an invalidated way
 * is reused before anything is evicted, and eviction goes round the ways. */
START_TEST(tlb_set_reuse_and_round_robin)
{
	struct hwt *x = hwt_new(1); /* 64 entries: 16 sets of 4 */
	struct hw_machine *m = x->m;
	uint64_t root = hwt_frame(x);
	uint64_t va[7];
	for (unsigned i = 0; i < 7; i++) { /* page numbers 16 apart: all in one set */
		va[i] = VA + 0xf000 + i * 0x10000ull;
		hwt_map(x, root, va[i], PA1 + i * 0x1000ull, HW_PTE_P, false);
	}
	hw_mmu_load_root(m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(hw_mmu_translate(m, 0, va[i], 0, &xl), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 4);
	hw_tlb_invlpg(m, 0, 0, va[3]);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[4], 0, &xl), HW_OK); /* the freed way */
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 4);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(hw_mmu_translate(m, 0, va[i], 0, &xl), HW_OK);
		ck_assert(xl.tlb_hit);
	}
	/* full: va[5] evicts va[0] (way 0), va[6] evicts va[1] (way 1) */
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[5], 0, &xl), HW_OK);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[6], 0, &xl), HW_OK);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[5], 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[2], 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	ck_assert_int_eq(hw_mmu_translate(m, 0, va[4], 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	hwt_free(x);
}
END_TEST

/* The flush records: a CR3 load (root, PCID, flushed) and its flush (kind,
 * va 0, dropped); INVPCID single, all and all-with-globals with va 0 and
 * the count dropped; the last PCID (0xfff) is a PCID; all-with-globals
 * drops every PCID's entries. */
START_TEST(flush_traces_and_counts)
{
	struct env e = setup(HW_PTE_P | HW_PTE_U);
	struct hw_machine *m = e.x->m;
	const struct hwt_ev *ev = hwt_last(e.x, HW_TRACE_CR3);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, e.root);
	ck_assert_uint_eq(ev->b, 1);
	ck_assert_uint_eq(ev->c, 1);
	struct hw_xlate xl;
	hwt_map(e.x, e.root, VA + 0x1000, PA2, HW_PTE_P | HW_PTE_U, false);
	hw_mmu_translate(m, 0, VA, 0, &xl);
	hw_mmu_translate(m, 0, VA + 0x1000, 0, &xl);
	hw_mmu_write_cr3(m, 0, 7, e.root | 1);
	ev = hwt_last(e.x, HW_TRACE_TLB_FLUSH);
	ck_assert_uint_eq(ev->t, 7);
	ck_assert_uint_eq(ev->a, HW_FLUSH_CR3);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 2);
	struct hw_mmu_stats st;
	hw_mmu_stats(m, 0, &st);
	ck_assert_uint_eq(st.entries_flushed, 2);
	static const enum hw_invpcid_type types[3] = {HW_INVPCID_SINGLE, HW_INVPCID_ALL,
						      HW_INVPCID_ALL_GLOBAL};
	for (unsigned i = 0; i < 3; i++) {
		hw_mmu_translate(m, 0, VA, 0, &xl);
		ck_assert_int_eq(hw_tlb_invpcid(m, 0, 8, types[i], 1, VA), HW_OK);
		ev = hwt_last(e.x, HW_TRACE_TLB_FLUSH);
		ck_assert_uint_eq(ev->b, 0);
		ck_assert_uint_eq(ev->c, 1);
		ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 0);
	}
	ck_assert_int_eq(hw_tlb_invpcid(m, 0, 9, HW_INVPCID_SINGLE, 0xfff, 0), HW_OK);
	hwt_free(e.x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-mmu");
	TCase *tc = tcase_create("mmu");
	tcase_add_test(tc, walk_4k_translates_and_counts_steps);
	tcase_add_test(tc, accessed_and_dirty_bits_set_by_walks);
	tcase_add_test(tc, faulting_walk_sets_no_accessed_bit);
	tcase_add_test(tc, page_fault_error_codes);
	tcase_add_test(tc, user_bit_needed_at_every_level);
	tcase_add_test(tc, two_mib_pages);
	tcase_add_test(tc, tlb_returns_stale_translation_until_invalidated);
	tcase_add_test(tc, permission_fault_from_tlb_drops_the_entry);
	tcase_add_test(tc, cr3_pcid_and_global_pages);
	tcase_add_test(tc, invpcid_modes);
	tcase_add_test(tc, tlb_capacity_evicts);
	tcase_add_test(tc, table_outside_ram_is_a_reserved_bit_fault);
	tcase_add_test(tc, one_gib_pages);
	tcase_add_test(tc, uncached_and_pat_leaves);
	tcase_add_test(tc, translate_counts_and_drops);
	tcase_add_test(tc, tlb_set_reuse_and_round_robin);
	tcase_add_test(tc, flush_traces_and_counts);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
