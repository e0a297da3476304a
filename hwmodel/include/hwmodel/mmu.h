/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 MMU: 4-level page walk over simulated physical memory and a
 * per-CPU TLB with PCID tags and global pages.
 *
 * Modelled: present/writable/user/NX permission checks accumulated over all
 * levels (CR0.WP=1, EFER.NXE=1, CR4.PCIDE=1 always; SMEP/SMAP off), 4 KiB,
 * 2 MiB and 1 GiB pages, reserved-bit faults, accessed bits on every entry of
 * a successful walk and the dirty bit on the leaf of a write, the hardware's
 * page-fault error code. The TLB caches successful translations only and
 * keeps returning them after the page tables change until invalidated; a
 * permission fault raised from a cached entry drops that entry (as hardware
 * does), so a retry walks again. Paging-structure caches are not modelled.
 */
#ifndef HWMODEL_MMU_H
#define HWMODEL_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct hw_machine;

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define HW_PTE_P (1ull << 0)
#define HW_PTE_W (1ull << 1)
#define HW_PTE_U (1ull << 2)
#define HW_PTE_PWT (1ull << 3)
#define HW_PTE_PCD (1ull << 4)
#define HW_PTE_A (1ull << 5)
#define HW_PTE_D (1ull << 6)
#define HW_PTE_PS (1ull << 7)
#define HW_PTE_G (1ull << 8)
#define HW_PTE_NX (1ull << 63)
#define HW_PTE_ADDR_MASK 0x000ffffffffff000ull
#define HW_MAXPHYADDR 46 /* address bits above this in an entry are reserved */

/* Page-fault error code bits, as the hardware pushes them. */
#define HW_PF_P (1u << 0)    /* protection violation (the page was present) */
#define HW_PF_W (1u << 1)    /* write access */
#define HW_PF_U (1u << 2)    /* user-mode access */
#define HW_PF_RSVD (1u << 3) /* a reserved bit was set in an entry */
#define HW_PF_I (1u << 4)    /* instruction fetch */

/* Access flags for a translation. */
#define HW_ACC_WRITE (1u << 0)
#define HW_ACC_USER (1u << 1)
#define HW_ACC_FETCH (1u << 2)

/* CR3 layout with CR4.PCIDE=1. */
#define HW_CR3_PCID_MASK 0xfffull
#define HW_CR3_NOFLUSH (1ull << 63)

struct hw_xlate {
	uint64_t pa;        /* physical address (on success) */
	uint32_t fault;     /* HW_PF_* error code (on HW_EFAULT) */
	uint8_t steps;      /* page-table entries read (0 on a TLB hit) */
	bool tlb_hit;       /* answered from the TLB */
	uint8_t page_shift; /* 12, 21 or 30 */
	bool uncached;      /* the leaf has PCD: device memory is mapped so */
};

/* Translate `va` for CPU `cpu` with `access` (HW_ACC_*): TLB first, then a
 * walk from CR3 that sets A/D bits and fills the TLB. Returns 0, HW_EFAULT
 * (page fault, out->fault holds the error code) or HW_EINVAL (non-canonical
 * address: a #GP on hardware, not a page fault). */
int hw_mmu_translate(struct hw_machine *m, unsigned cpu, uint64_t va, unsigned access,
		     struct hw_xlate *out);

/* Walk the tables at `root` without any TLB. With `set_ad` the walk sets
 * accessed/dirty bits as the hardware would. Same results as translate. */
int hw_mmu_walk(struct hw_machine *m, uint64_t root, uint64_t va, unsigned access, bool set_ad,
		struct hw_xlate *out);

/* MOV to CR3: bits 51:12 root, 11:0 PCID, bit 63 no-flush. Without the
 * no-flush bit the new PCID's non-global entries are dropped. */
void hw_mmu_write_cr3(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t cr3);
uint64_t hw_mmu_read_cr3(const struct hw_machine *m, unsigned cpu);
/* Convenience form of the above. */
void hw_mmu_load_root(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t root,
		      uint16_t pcid, bool flush);

/* INVLPG: drop `va`'s entries for the current PCID and global ones. */
void hw_tlb_invlpg(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t va);

enum hw_invpcid_type {
	HW_INVPCID_ADDR = 0,       /* one address in one PCID, globals kept */
	HW_INVPCID_SINGLE = 1,     /* one PCID, globals kept */
	HW_INVPCID_ALL_GLOBAL = 2, /* everything, globals too */
	HW_INVPCID_ALL = 3,        /* every PCID, globals kept */
};
/* INVPCID; HW_EINVAL for an unknown type or a PCID above 4095. */
int hw_tlb_invpcid(struct hw_machine *m, unsigned cpu, uint64_t now, enum hw_invpcid_type type,
		   uint16_t pcid, uint64_t va);

/* Flush kinds reported in HW_TRACE_TLB_FLUSH. */
enum hw_flush_kind {
	HW_FLUSH_INVLPG = 1,
	HW_FLUSH_CR3 = 2,
	HW_FLUSH_INVPCID_ADDR = 3,
	HW_FLUSH_INVPCID_SINGLE = 4,
	HW_FLUSH_INVPCID_ALL_GLOBAL = 5,
	HW_FLUSH_INVPCID_ALL = 6,
};

struct hw_mmu_stats {
	uint64_t walks;       /* page walks started (TLB misses and dirty-bit walks) */
	uint64_t walk_steps;  /* page-table entries read by walks */
	uint64_t tlb_hits;
	uint64_t tlb_misses;
	uint64_t flushes;     /* invalidation operations (INVLPG, INVPCID, flushing CR3 loads) */
	uint64_t entries_flushed;
	uint64_t faults;
};
void hw_mmu_stats(const struct hw_machine *m, unsigned cpu, struct hw_mmu_stats *out);

/* Number of valid TLB entries on `cpu` (for tests). */
unsigned hw_tlb_valid_entries(const struct hw_machine *m, unsigned cpu);

#endif /* HWMODEL_MMU_H */
