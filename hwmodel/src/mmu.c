/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 4-level page walk (Intel SDM vol. 3, 4.5) and translation
 * through the per-CPU TLB.
 */
#include "internal.h"

/* Bits that must be zero in an entry with the address above MAXPHYADDR. */
#define RSVD_ADDR_BITS (((1ull << 52) - 1) & ~((1ull << HW_MAXPHYADDR) - 1))
/* Reserved address bits of large-page entries: between bit 12 (PAT) and the page base. */
#define RSVD_2M (((1ull << 21) - 1) & ~((1ull << 13) - 1))
#define RSVD_1G (((1ull << 30) - 1) & ~((1ull << 13) - 1))

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1ffff;
}

static uint32_t access_code(unsigned access)
{
	uint32_t c = 0;
	if (access & HW_ACC_WRITE)
		c |= HW_PF_W;
	if (access & HW_ACC_USER)
		c |= HW_PF_U;
	if (access & HW_ACC_FETCH)
		c |= HW_PF_I;
	return c;
}

/* Permission check on the effective rights of a translation. */
static bool allowed(unsigned access, bool w, bool u, bool nx)
{
	if ((access & HW_ACC_USER) && !u)
		return false;
	if ((access & HW_ACC_WRITE) && !w) /* CR0.WP=1: supervisor too */
		return false;
	if ((access & HW_ACC_FETCH) && nx)
		return false;
	return true;
}

/* The walk; on success *rights gets the TLBE_* rights of the translation. */
static int walk(struct hw_machine *m, uint64_t root, uint64_t va, unsigned access, bool set_ad,
		struct hw_xlate *out, uint8_t *rights)
{
	uint64_t table = root & HW_PTE_ADDR_MASK;
	uint64_t entry_pa[4];
	bool w = true, u = true, nx = false;
	unsigned shift = 12;
	uint64_t entry = 0;
	int used = 0;

	out->steps = 0;
	out->tlb_hit = false;
	out->fault = 0;
	out->uncached = false;
	if (!canonical(va))
		return HW_EINVAL;
	for (int level = 3; level >= 0; level--) {
		unsigned lshift = 12 + 9 * (unsigned)level;
		uint64_t epa = table + ((va >> lshift) & 511) * 8;
		/* A table outside RAM reads all-ones: present with reserved bits. */
		entry = hw_mem_read64(m, epa);
		entry_pa[used++] = epa;
		out->steps++;
		if (!(entry & HW_PTE_P)) {
			out->fault = access_code(access);
			return HW_EFAULT;
		}
		bool big = (entry & HW_PTE_PS) && (level == 1 || level == 2);
		uint64_t rsvd = RSVD_ADDR_BITS;
		if (level == 3)
			rsvd |= HW_PTE_PS;
		if (big)
			rsvd |= level == 1 ? RSVD_2M : RSVD_1G;
		if (entry & rsvd) {
			out->fault = access_code(access) | HW_PF_P | HW_PF_RSVD;
			return HW_EFAULT;
		}
		w = w && (entry & HW_PTE_W);
		u = u && (entry & HW_PTE_U);
		nx = nx || (entry & HW_PTE_NX);
		if (level == 0 || big) {
			shift = lshift;
			break;
		}
		table = entry & HW_PTE_ADDR_MASK;
	}
	if (!allowed(access, w, u, nx)) {
		out->fault = access_code(access) | HW_PF_P;
		return HW_EFAULT;
	}
	/* Only a successful walk sets the accessed bits, and the leaf's dirty
	 * bit on a write. The last entry read is the leaf. */
	if (set_ad) {
		for (int i = 0; i < used; i++) {
			uint64_t e = hw_mem_read64(m, entry_pa[i]);
			uint64_t ne = e | HW_PTE_A;
			if (i == used - 1 && (access & HW_ACC_WRITE))
				ne |= HW_PTE_D;
			if (ne != e)
				hw_mem_write64(m, entry_pa[i], ne);
		}
		entry |= HW_PTE_A | ((access & HW_ACC_WRITE) ? HW_PTE_D : 0);
	}
	uint64_t page_mask = (1ull << shift) - 1;
	out->pa = (entry & HW_PTE_ADDR_MASK & ~page_mask) | (va & page_mask);
	out->page_shift = (uint8_t)shift;
	out->uncached = (entry & HW_PTE_PCD) != 0;
	*rights = (uint8_t)((w ? TLBE_W : 0) | (u ? TLBE_U : 0) | (nx ? TLBE_NX : 0) |
		     ((entry & HW_PTE_G) ? TLBE_G : 0) | ((entry & HW_PTE_D) ? TLBE_D : 0) |
		     (out->uncached ? TLBE_UC : 0));
	return HW_OK;
}

int hw_mmu_walk(struct hw_machine *m, uint64_t root, uint64_t va, unsigned access, bool set_ad,
		struct hw_xlate *out)
{
	uint8_t rights;
	return walk(m, root, va, access, set_ad, out, &rights);
}

static uint16_t cur_pcid(const struct hw_cpu *c)
{
	return (uint16_t)(c->cr3 & HW_CR3_PCID_MASK);
}

/* A permission fault from a cached entry: hardware drops the entry, so a
 * retry after the tables were fixed walks again. */
static int tlb_fault(struct hw_cpu *c, struct hw_tlb_entry *e, unsigned access,
		     struct hw_xlate *out)
{
	e->flags = 0;
	c->mmu.faults++;
	out->fault = access_code(access) | HW_PF_P;
	return HW_EFAULT;
}

int hw_mmu_translate(struct hw_machine *m, unsigned cpu, uint64_t va, unsigned access,
		     struct hw_xlate *out)
{
	if (cpu >= m->ncpus)
		return HW_EINVAL;
	struct hw_cpu *c = &m->cpu[cpu];
	out->fault = 0;
	out->steps = 0;
	out->uncached = false;
	if (!canonical(va))
		return HW_EINVAL;
	struct hw_tlb_entry *e = hw_tlb_lookup(&c->tlb, va, cur_pcid(c));
	if (e) {
		if (!allowed(access, e->flags & TLBE_W, e->flags & TLBE_U, e->flags & TLBE_NX))
			return tlb_fault(c, e, access, out);
		/* A write through an entry cached clean must walk to set D. */
		if (!(access & HW_ACC_WRITE) || (e->flags & TLBE_D)) {
			c->mmu.tlb_hits++;
			uint64_t mask = (1ull << e->shift) - 1;
			out->pa = e->pa | (va & mask);
			out->page_shift = e->shift;
			out->tlb_hit = true;
			out->uncached = (e->flags & TLBE_UC) != 0;
			return HW_OK;
		}
	}
	c->mmu.tlb_misses++;
	c->mmu.walks++;
	uint8_t flags = 0;
	int rc = walk(m, c->cr3, va, access, true, out, &flags);
	c->mmu.walk_steps += out->steps;
	if (rc != HW_OK) {
		if (rc == HW_EFAULT)
			c->mmu.faults++;
		if (e)
			e->flags = 0;
		return rc;
	}
	uint64_t mask = (1ull << out->page_shift) - 1;
	hw_tlb_insert(&c->tlb, va, cur_pcid(c), out->page_shift, out->pa & ~mask, flags);
	return HW_OK;
}

void hw_mmu_write_cr3(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t cr3)
{
	if (cpu >= m->ncpus)
		return;
	struct hw_cpu *c = &m->cpu[cpu];
	bool flush = !(cr3 & HW_CR3_NOFLUSH);
	c->cr3 = cr3 & (HW_PTE_ADDR_MASK | HW_CR3_PCID_MASK);
	hw_trace(m, now, cpu, HW_TRACE_CR3, c->cr3 & HW_PTE_ADDR_MASK, cur_pcid(c), flush);
	if (flush) {
		unsigned n = hw_tlb_drop_pcid(&c->tlb, cur_pcid(c), false);
		hw_tlb_count_flush(m, cpu, now, HW_FLUSH_CR3, 0, n);
	}
}

uint64_t hw_mmu_read_cr3(const struct hw_machine *m, unsigned cpu)
{
	return cpu < m->ncpus ? m->cpu[cpu].cr3 : 0;
}

void hw_mmu_load_root(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t root,
		      uint16_t pcid, bool flush)
{
	uint64_t cr3 = (root & HW_PTE_ADDR_MASK) | (pcid & HW_CR3_PCID_MASK);
	hw_mmu_write_cr3(m, cpu, now, flush ? cr3 : cr3 | HW_CR3_NOFLUSH);
}

void hw_mmu_stats(const struct hw_machine *m, unsigned cpu, struct hw_mmu_stats *out)
{
	if (cpu < m->ncpus)
		*out = m->cpu[cpu].mmu;
	else
		*out = (struct hw_mmu_stats){0};
}
