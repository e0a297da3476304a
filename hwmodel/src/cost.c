/* SPDX-License-Identifier: MIT */
/*
 * Cost presets, in picoseconds per unit. Every figure is approximate: it is
 * the order of magnitude reported by public measurements, rounded, for a
 * machine at about 3.5-4 GHz. Where a figure depends on mitigations (KPTI,
 * retpolines) the mitigated-off value is used and the note says so.
 * Researchers comparing designs should care about ratios, not absolutes.
 */
#include "internal.h"

#include <string.h>

static const struct hw_cost_preset presets[] = {
	{
		.name = "skylake",
		.what = "Intel Skylake-SP/Client class, bare metal, mitigations off",
		.ps = {
			/* getpid() round trip ~70-100 ns without KPTI (lmbench
			 * lat_syscall, many published runs; KPTI adds ~100+ ns). */
			[HW_COST_SYSCALL] = 100000,
			/* Thread switch inside one address space, ~0.3-0.5 us
			 * (lmbench lat_ctx with small working set; seL4 reports
			 * ~0.2 us for its IPC fast path on x86). */
			[HW_COST_CTX_SWITCH] = 400000,
			/* A few dozen instructions of kernel bookkeeping. */
			[HW_COST_KERNEL_OP] = 10000,
			/* One page-table entry read that hits L1/L2, ~4-12 cycles;
			 * software walks through the direct map pay about this. */
			[HW_COST_PAGE_WALK_STEP] = 3000,
			/* INVLPG ~100-250 cycles (Agner Fog's instruction tables;
			 * Linux tlb_single_page_flush_ceiling discussion). */
			[HW_COST_TLB_INVALIDATE] = 50000,
			/* Kernel memcpy at ~12 GB/s for warm buffers. */
			[HW_COST_COPY_BYTE] = 80,
			/* xAPIC ICR write, ~100-200 ns (uncached APIC access). */
			[HW_COST_IPI] = 150000,
			/* Interrupt delivery, entry and IRET, ~1000 cycles with a
			 * minimal handler (Linux irq entry measurements). */
			[HW_COST_IRQ_ENTRY] = 300000,
			/* Uncached MMIO read across PCIe ~0.5-1 us; posted writes
			 * are cheaper, one figure for both. */
			[HW_COST_DEVICE_ACCESS] = 500000,
			/* Fixed part of a TLB miss with the page-walk caches warm,
			 * ~20-30 cycles beyond the steps (Intel optimization manual). */
			[HW_COST_TLB_MISS] = 8000,
			/* IPI send to handler-acknowledged on another core ~1-2 us
			 * (smp_call_function_single measurements on Linux). */
			[HW_COST_IPI_ROUND_TRIP] = 1500000,
			/* IOAPIC message to the LAPIC; few published numbers,
			 * ~0.5 us is the usual estimate. */
			[HW_COST_IRQ_MSG] = 500000,
		},
	},
	{
		.name = "zen3",
		.what = "AMD Zen 3 class, bare metal, mitigations off",
		.ps = {
			[HW_COST_SYSCALL] = 80000,          /* faster SYSCALL path than Skylake */
			[HW_COST_CTX_SWITCH] = 350000,
			[HW_COST_KERNEL_OP] = 9000,
			[HW_COST_PAGE_WALK_STEP] = 3000,
			[HW_COST_TLB_INVALIDATE] = 80000,   /* INVLPG is slower on AMD (Agner Fog) */
			[HW_COST_COPY_BYTE] = 60,           /* ~16 GB/s warm copies */
			[HW_COST_IPI] = 200000,
			[HW_COST_IRQ_ENTRY] = 250000,
			[HW_COST_DEVICE_ACCESS] = 600000,
			[HW_COST_TLB_MISS] = 9000,
			/* Cross-CCD IPIs pay the Infinity Fabric hop, ~1.5-2 us. */
			[HW_COST_IPI_ROUND_TRIP] = 1800000,
			[HW_COST_IRQ_MSG] = 500000,
		},
	},
	{
		.name = "slow-ipi",
		.what = "Skylake in a VM without posted interrupts: IPIs exit to the hypervisor",
		.ps = {
			[HW_COST_SYSCALL] = 100000,
			[HW_COST_CTX_SWITCH] = 400000,
			[HW_COST_KERNEL_OP] = 10000,
			[HW_COST_PAGE_WALK_STEP] = 3000,
			[HW_COST_TLB_INVALIDATE] = 50000,
			[HW_COST_COPY_BYTE] = 80,
			/* The ICR write is a VM exit, ~2-5 us (KVM measurements
			 * that motivated PV IPIs and posted interrupts). */
			[HW_COST_IPI] = 3000000,
			[HW_COST_IRQ_ENTRY] = 1500000,      /* interrupt injection via VM entry */
			[HW_COST_DEVICE_ACCESS] = 3000000,  /* emulated MMIO exits */
			/* 2D walk under EPT: up to 24 steps; charged as a fat fixed part. */
			[HW_COST_TLB_MISS] = 40000,
			[HW_COST_IPI_ROUND_TRIP] = 10000000,
			[HW_COST_IRQ_MSG] = 2000000,
		},
	},
};

static const char *const kind_names[HW_COST_COUNT] = {
	[HW_COST_SYSCALL] = "syscall",
	[HW_COST_CTX_SWITCH] = "ctx_switch",
	[HW_COST_KERNEL_OP] = "kernel_op",
	[HW_COST_PAGE_WALK_STEP] = "page_walk_step",
	[HW_COST_TLB_INVALIDATE] = "tlb_invalidate",
	[HW_COST_COPY_BYTE] = "copy_byte",
	[HW_COST_IPI] = "ipi",
	[HW_COST_IRQ_ENTRY] = "irq_entry",
	[HW_COST_DEVICE_ACCESS] = "device_access",
	[HW_COST_TLB_MISS] = "tlb_miss",
	[HW_COST_IPI_ROUND_TRIP] = "ipi_round_trip",
	[HW_COST_IRQ_MSG] = "irq_msg",
};

const struct hw_cost_preset *hw_cost_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const struct hw_cost_preset *hw_cost_preset_at(unsigned index)
{
	return index < sizeof(presets) / sizeof(presets[0]) ? &presets[index] : NULL;
}

const char *hw_cost_kind_name(enum hw_cost kind)
{
	return (unsigned)kind < HW_COST_COUNT ? kind_names[kind] : NULL;
}

uint64_t hw_cost_ns(const struct hw_cost_preset *p, enum hw_cost kind, uint64_t units)
{
	if (!p || (unsigned)kind >= HW_COST_COUNT)
		return 0;
	return (p->ps[kind] * units + 500) / 1000;
}

const struct hw_cost_preset *hw_machine_cost(const struct hw_machine *m)
{
	return m->cost;
}
