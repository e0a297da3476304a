/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU TLB: 4-way set associative, tagged by PCID, with global
 * entries that match every PCID. 4 KiB, 2 MiB and 1 GiB translations share
 * the array; a lookup probes the set each page size maps to. Replacement is
 * round-robin per set, so runs are deterministic.
 */
#include "internal.h"

#include <stdlib.h>

int hw_tlb_init(struct hw_tlb *t, unsigned entries)
{
	t->sets = entries / HW_TLB_WAYS;
	t->e = calloc(entries, sizeof(*t->e));
	t->victim = calloc(t->sets, 1);
	return t->e && t->victim ? HW_OK : HW_ENOMEM;
}

void hw_tlb_fini(struct hw_tlb *t)
{
	free(t->e);
	free(t->victim);
	t->e = NULL;
	t->victim = NULL;
}

static struct hw_tlb_entry *set_of(struct hw_tlb *t, uint64_t tag)
{
	return &t->e[(tag & (t->sets - 1)) * HW_TLB_WAYS];
}

static bool entry_matches(const struct hw_tlb_entry *e, uint64_t tag, uint8_t shift,
			  uint16_t pcid)
{
	return (e->flags & TLBE_VALID) && e->shift == shift && e->tag == tag &&
	       ((e->flags & TLBE_G) || e->pcid == pcid);
}

struct hw_tlb_entry *hw_tlb_lookup(struct hw_tlb *t, uint64_t va, uint16_t pcid)
{
	static const uint8_t shifts[] = {12, 21, 30};
	for (unsigned s = 0; s < 3; s++) {
		uint64_t tag = va >> shifts[s];
		struct hw_tlb_entry *set = set_of(t, tag);
		for (unsigned w = 0; w < HW_TLB_WAYS; w++)
			if (entry_matches(&set[w], tag, shifts[s], pcid))
				return &set[w];
	}
	return NULL;
}

void hw_tlb_insert(struct hw_tlb *t, uint64_t va, uint16_t pcid, uint8_t shift, uint64_t pa,
		   uint8_t flags)
{
	uint64_t tag = va >> shift;
	struct hw_tlb_entry *set = set_of(t, tag);
	struct hw_tlb_entry *slot = NULL;
	for (unsigned w = 0; w < HW_TLB_WAYS && !slot; w++)
		if (entry_matches(&set[w], tag, shift, pcid))
			slot = &set[w]; /* refresh (a walk to set D) */
	for (unsigned w = 0; w < HW_TLB_WAYS && !slot; w++)
		if (!(set[w].flags & TLBE_VALID))
			slot = &set[w];
	if (!slot) {
		uint8_t *v = &t->victim[tag & (t->sets - 1)];
		slot = &set[*v];
		*v = (uint8_t)((*v + 1) % HW_TLB_WAYS);
	}
	slot->tag = tag;
	slot->pa = pa;
	slot->pcid = pcid;
	slot->shift = shift;
	slot->flags = flags | TLBE_VALID;
}

/* Drop `pcid`'s entries (every PCID when pcid is 0xffff); globals only
 * when asked. Returns how many were dropped. */
unsigned hw_tlb_drop_pcid(struct hw_tlb *t, uint16_t pcid, bool globals_too)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->sets * HW_TLB_WAYS; i++) {
		struct hw_tlb_entry *e = &t->e[i];
		if (!(e->flags & TLBE_VALID))
			continue;
		if (e->flags & TLBE_G) {
			if (!globals_too)
				continue;
		} else if (pcid != 0xffff && e->pcid != pcid) {
			continue;
		}
		e->flags = 0;
		n++;
	}
	return n;
}

/* Drop the entries translating `va` for `pcid` (of any page size), and
 * global ones if asked. */
static unsigned drop_addr(struct hw_tlb *t, uint64_t va, uint16_t pcid, bool globals_too)
{
	static const uint8_t shifts[] = {12, 21, 30};
	unsigned n = 0;
	for (unsigned s = 0; s < 3; s++) {
		uint64_t tag = va >> shifts[s];
		struct hw_tlb_entry *set = set_of(t, tag);
		for (unsigned w = 0; w < HW_TLB_WAYS; w++) {
			struct hw_tlb_entry *e = &set[w];
			if (!entry_matches(e, tag, shifts[s], pcid))
				continue;
			if ((e->flags & TLBE_G) && !globals_too)
				continue;
			e->flags = 0;
			n++;
		}
	}
	return n;
}

void hw_tlb_count_flush(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned kind,
			uint64_t va, unsigned dropped)
{
	m->cpu[cpu].mmu.flushes++;
	m->cpu[cpu].mmu.entries_flushed += dropped;
	hw_trace(m, now, cpu, HW_TRACE_TLB_FLUSH, kind, va, dropped);
}

static uint16_t cur_pcid(const struct hw_machine *m, unsigned cpu)
{
	return (uint16_t)(m->cpu[cpu].cr3 & HW_CR3_PCID_MASK);
}

void hw_tlb_invlpg(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t va)
{
	if (cpu >= m->ncpus)
		return;
	unsigned n = drop_addr(&m->cpu[cpu].tlb, va, cur_pcid(m, cpu), true);
	hw_tlb_count_flush(m, cpu, now, HW_FLUSH_INVLPG, va, n);
}

int hw_tlb_invpcid(struct hw_machine *m, unsigned cpu, uint64_t now, enum hw_invpcid_type type,
		   uint16_t pcid, uint64_t va)
{
	if (cpu >= m->ncpus || pcid > HW_CR3_PCID_MASK)
		return HW_EINVAL;
	struct hw_tlb *t = &m->cpu[cpu].tlb;
	unsigned n;
	switch (type) {
	case HW_INVPCID_ADDR:
		n = drop_addr(t, va, pcid, false);
		hw_tlb_count_flush(m, cpu, now, HW_FLUSH_INVPCID_ADDR, va, n);
		return HW_OK;
	case HW_INVPCID_SINGLE:
		n = hw_tlb_drop_pcid(t, pcid, false);
		hw_tlb_count_flush(m, cpu, now, HW_FLUSH_INVPCID_SINGLE, 0, n);
		return HW_OK;
	case HW_INVPCID_ALL_GLOBAL:
		n = hw_tlb_drop_pcid(t, 0xffff, true);
		hw_tlb_count_flush(m, cpu, now, HW_FLUSH_INVPCID_ALL_GLOBAL, 0, n);
		return HW_OK;
	case HW_INVPCID_ALL:
		n = hw_tlb_drop_pcid(t, 0xffff, false);
		hw_tlb_count_flush(m, cpu, now, HW_FLUSH_INVPCID_ALL, 0, n);
		return HW_OK;
	}
	return HW_EINVAL;
}

unsigned hw_tlb_valid_entries(const struct hw_machine *m, unsigned cpu)
{
	if (cpu >= m->ncpus)
		return 0;
	const struct hw_tlb *t = &m->cpu[cpu].tlb;
	unsigned n = 0;
	for (unsigned i = 0; i < t->sets * HW_TLB_WAYS; i++)
		n += t->e[i].flags & TLBE_VALID;
	return n;
}
