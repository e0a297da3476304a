/* SPDX-License-Identifier: MIT */
/*
 * The cost model: one table of costs per named preset, in picoseconds per
 * unit so that a copied byte can cost a fraction of a nanosecond. The first
 * nine kinds are in the order of the kernel's enum uk_cost, so the glue can
 * map them one to one. Each figure's source is noted in cost.c and in
 * docs/hwmodel.md; all are approximate.
 */
#ifndef HWMODEL_COST_H
#define HWMODEL_COST_H

#include <stdint.h>

enum hw_cost {
	HW_COST_SYSCALL = 0,     /* one kernel entry and exit */
	HW_COST_CTX_SWITCH,      /* one thread switch */
	HW_COST_KERNEL_OP,       /* a small fixed piece of kernel work */
	HW_COST_PAGE_WALK_STEP,  /* one page-table level read by a walk */
	HW_COST_TLB_INVALIDATE,  /* one INVLPG/INVPCID */
	HW_COST_COPY_BYTE,       /* one byte copied */
	HW_COST_IPI,             /* sending one IPI (ICR write) */
	HW_COST_IRQ_ENTRY,       /* taking one interrupt (entry and IRET) */
	HW_COST_DEVICE_ACCESS,   /* one uncached device register access */
	HW_COST_TLB_MISS,        /* fixed part of a TLB miss, beyond the walk steps */
	HW_COST_IPI_ROUND_TRIP,  /* IPI sent until the acknowledgement is seen */
	HW_COST_IRQ_MSG,         /* an interrupt message in flight (IOAPIC to LAPIC) */
	HW_COST_COUNT
};

struct hw_cost_preset {
	const char *name;
	const char *what; /* one line: which machine it stands for */
	uint64_t ps[HW_COST_COUNT];
};

/* The preset called `name`, or NULL for unknown names. */
const struct hw_cost_preset *hw_cost_lookup(const char *name);
/* Presets in order, NULL past the last ("skylake" is first: the default). */
const struct hw_cost_preset *hw_cost_preset_at(unsigned index);
const char *hw_cost_kind_name(enum hw_cost kind);

/* Cost of `units` of `kind` in whole ns, rounded to nearest. */
uint64_t hw_cost_ns(const struct hw_cost_preset *p, enum hw_cost kind, uint64_t units);

struct hw_machine;
const struct hw_cost_preset *hw_machine_cost(const struct hw_machine *m);

#endif /* HWMODEL_COST_H */
