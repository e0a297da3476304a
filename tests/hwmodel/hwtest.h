/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the hwmodel Check suites: a machine with its own event
 * queue, a trace recorder and a count of CPU wake-ups.
 */
#ifndef HWTEST_H
#define HWTEST_H

#include <hwmodel/hw.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HWT_MAX_EV 8192

struct hwt_ev {
	uint64_t t;
	unsigned cpu;
	uint16_t kind;
	uint64_t a, b, c;
};

struct hwt {
	struct hw_evq q;
	struct hw_machine *m;
	unsigned wakes[HW_MAX_CPUS];
	struct hwt_ev ev[HWT_MAX_EV];
	unsigned nev;
	char err[256];
	uint64_t next_frame; /* bump allocator for page tables */
};

static inline void hwt_trace(void *ctx, uint64_t t, unsigned cpu, uint16_t kind, uint64_t a,
			     uint64_t b, uint64_t c)
{
	struct hwt *x = ctx;
	ck_assert_uint_ge(kind, HW_TRACE_BASE);
	ck_assert_uint_le(kind, HW_TRACE_LAST);
	if (x->nev < HWT_MAX_EV)
		x->ev[x->nev++] = (struct hwt_ev){t, cpu, kind, a, b, c};
}

static inline void hwt_wake(void *ctx, unsigned cpu)
{
	((struct hwt *)ctx)->wakes[cpu]++;
}

/* A machine from `cfg` (ncpus, ram defaulted when 0); evq and host filled in. */
static inline struct hwt *hwt_new_cfg(struct hw_machine_config cfg)
{
	struct hwt *x = calloc(1, sizeof(*x));
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(hw_evq_init(&x->q, 64), 0);
	if (!cfg.ncpus)
		cfg.ncpus = 2;
	if (!cfg.ram_bytes)
		cfg.ram_bytes = 64ull << 20;
	cfg.evq = &x->q;
	cfg.host = (struct hw_host){.ctx = x, .trace = hwt_trace, .cpu_interrupt = hwt_wake};
	int rc = hw_machine_create(&cfg, &x->m, x->err, sizeof(x->err));
	ck_assert_msg(rc == HW_OK, "machine: %s", x->err);
	x->next_frame = 1ull << 20;
	return x;
}

static inline struct hwt *hwt_new(unsigned ncpus)
{
	return hwt_new_cfg((struct hw_machine_config){.ncpus = ncpus});
}

static inline void hwt_free(struct hwt *x)
{
	hw_machine_destroy(x->m);
	hw_evq_fini(&x->q);
	free(x);
}

static inline unsigned hwt_count(const struct hwt *x, uint16_t kind)
{
	unsigned n = 0;
	for (unsigned i = 0; i < x->nev; i++)
		n += x->ev[i].kind == kind;
	return n;
}

/* The last event of `kind`, or NULL. */
static inline const struct hwt_ev *hwt_last(const struct hwt *x, uint16_t kind)
{
	for (unsigned i = x->nev; i-- > 0;)
		if (x->ev[i].kind == kind)
			return &x->ev[i];
	return NULL;
}

/* A zeroed 4 KiB frame of simulated RAM. */
static inline uint64_t hwt_frame(struct hwt *x)
{
	uint64_t pa = x->next_frame;
	x->next_frame += HW_PAGE_SIZE;
	memset(hw_mem_ptr(x->m, pa, HW_PAGE_SIZE), 0, HW_PAGE_SIZE);
	return pa;
}

/* Map `va` in the tables at `root`: a 4 KiB page (big = false) or a 2 MiB
 * page. Intermediate entries get P|W|U; the leaf gets `flags`. */
static inline void hwt_map(struct hwt *x, uint64_t root, uint64_t va, uint64_t pa,
			   uint64_t flags, bool big)
{
	uint64_t table = root;
	int leaf_level = big ? 1 : 0;
	for (int level = 3; level > leaf_level; level--) {
		uint64_t epa = table + ((va >> (12 + 9 * level)) & 511) * 8;
		uint64_t e = hw_mem_read64(x->m, epa);
		if (!(e & HW_PTE_P)) {
			e = hwt_frame(x) | HW_PTE_P | HW_PTE_W | HW_PTE_U;
			hw_mem_write64(x->m, epa, e);
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	uint64_t epa = table + ((va >> (12 + 9 * leaf_level)) & 511) * 8;
	hw_mem_write64(x->m, epa, pa | flags | (big ? HW_PTE_PS : 0));
}

/* The address of the leaf entry for `va` (4 KiB or 2 MiB). */
static inline uint64_t hwt_leaf(struct hwt *x, uint64_t root, uint64_t va, bool big)
{
	uint64_t table = root;
	int leaf_level = big ? 1 : 0;
	for (int level = 3; level > leaf_level; level--)
		table = hw_mem_read64(x->m, table + ((va >> (12 + 9 * level)) & 511) * 8) &
			HW_PTE_ADDR_MASK;
	return table + ((va >> (12 + 9 * leaf_level)) & 511) * 8;
}

/* Run one suite without fork; exit status for meson. */
/* Add a device (the test fails on an error) and return it. */
static inline struct hw_dev *hwt_add(struct hwt *x, struct hw_dev_desc d)
{
	ck_assert_msg(hw_machine_add_device(x->m, &d, x->err, sizeof(x->err)) == HW_OK, "%s",
		      x->err);
	return hw_dev_get(x->m, hw_dev_count(x->m) - 1);
}

/* A register access from CPU 0 that must succeed. */
static inline uint64_t hwt_rd(struct hwt *x, uint64_t pa, unsigned size, uint64_t now)
{
	uint64_t v;
	ck_assert_int_eq(hw_mmio_read(x->m, 0, now, pa, size, &v), HW_OK);
	return v;
}

static inline void hwt_wr(struct hwt *x, uint64_t pa, unsigned size, uint64_t v, uint64_t now)
{
	ck_assert_int_eq(hw_mmio_write(x->m, 0, now, pa, size, v), HW_OK);
}

static inline int hwt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* HWTEST_H */
