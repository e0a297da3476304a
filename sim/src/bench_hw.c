/* SPDX-License-Identifier: MIT */
/* Benchmarks of the machine model (hwmodel/). */
#include <sim/bench.h>

#include <hwmodel/hw.h>

#define BENCH_PAGES 512u
#define BENCH_VA 0x0000400000000000ull

struct hw_bench {
	struct hw_evq q;
	struct hw_machine *m;
};

static int bench_machine(struct hw_bench *b)
{
	if (hw_evq_init(&b->q, 64) != 0)
		return -1;
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 64ull << 20, .evq = &b->q};
	if (hw_machine_create(&cfg, &b->m, NULL, 0) != HW_OK) {
		hw_evq_fini(&b->q);
		return -1;
	}
	return 0;
}

static void bench_machine_fini(struct hw_bench *b)
{
	hw_machine_destroy(b->m);
	hw_evq_fini(&b->q);
}

/* Four levels of tables mapping BENCH_PAGES 4 KiB pages at BENCH_VA. */
static uint64_t build_tables(struct hw_machine *m)
{
	const uint64_t root = 0x100000, pdpt = 0x101000, pd = 0x102000, pt = 0x103000;
	const uint64_t link = HW_PTE_P | HW_PTE_W | HW_PTE_U;
	hw_mem_write64(m, root + ((BENCH_VA >> 39) & 511) * 8, pdpt | link);
	hw_mem_write64(m, pdpt + ((BENCH_VA >> 30) & 511) * 8, pd | link);
	hw_mem_write64(m, pd + ((BENCH_VA >> 21) & 511) * 8, pt | link);
	for (uint64_t i = 0; i < BENCH_PAGES; i++)
		hw_mem_write64(m, pt + i * 8, (0x200000 + i * 4096) | link);
	return root;
}

/* page_walk: one 4-level walk (A/D bits set), no TLB. */
static uint64_t bench_page_walk(uint64_t iters)
{
	struct hw_bench b;
	if (bench_machine(&b) != 0)
		return 0;
	uint64_t root = build_tables(b.m);
	struct hw_xlate x;
	uint64_t sum = 0;
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		uint64_t va = BENCH_VA + (i % BENCH_PAGES) * 4096;
		if (hw_mmu_walk(b.m, root, va, HW_ACC_WRITE, true, &x) == HW_OK)
			sum += x.pa;
	}
	uint64_t t1 = sim_bench_now_ns();
	sim_bench_keep(sum);
	bench_machine_fini(&b);
	return t1 > t0 ? t1 - t0 : 1;
}

/* ioapic_delivery: one level interrupt round trip through the IOAPIC and the
 * LAPIC: assert, deliver, accept, deassert, EOI broadcast. */
static uint64_t bench_ioapic_delivery(uint64_t iters)
{
	struct hw_bench b;
	if (bench_machine(&b) != 0)
		return 0;
	if (hw_intc_route(b.m, 0, 5, 0x50, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0) != HW_OK ||
	    hw_intc_mask(b.m, 0, 5, false, 0) != HW_OK) {
		bench_machine_fini(&b);
		return 0;
	}
	uint64_t sum = 0;
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		hw_intc_set_line(b.m, 0, 5, true, i);
		sum += hw_lapic_accept(b.m, 0, i);
		hw_intc_set_line(b.m, 0, 5, false, i);
		hw_lapic_eoi(b.m, 0, i);
	}
	uint64_t t1 = sim_bench_now_ns();
	sim_bench_keep(sum);
	bench_machine_fini(&b);
	/* Every round must have delivered vector 0x50. */
	if (sum != iters * 0x50)
		return 0;
	return t1 > t0 ? t1 - t0 : 1;
}

const struct sim_bench sim_bench_hw[] = {
	{"page_walk", "ns", SIM_BENCH_NS_PER_OP, bench_page_walk,
	 "one x86-64 4-level page walk with A/D updates, no TLB (hwmodel)"},
	{"ioapic_delivery", "ns", SIM_BENCH_NS_PER_OP, bench_ioapic_delivery,
	 "one level IRQ: assert, IOAPIC to LAPIC, accept, deassert, EOI broadcast (hwmodel)"},
	{0},
};
