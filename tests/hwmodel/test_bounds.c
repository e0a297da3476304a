/* SPDX-License-Identifier: MIT */
/*
 * Arguments one past the end: every public call that takes a CPU, a
 * controller, a pin, a source or an address refuses the first value out of
 * range, answers what its header says, and touches nothing.
 *
 * This executable links with -Wl,--wrap=calloc,--wrap=free
 * (tests/hwmodel/meson.build): while `fence_on` is set, hwmodel's arrays end
 * at a page that can be neither read nor written (an electric fence), so a
 * guard that lets the first index past the end through crashes the test
 * rather than reading whatever the heap holds next.
 */
#include "hwtest.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_calloc(size_t n, size_t size);
void __wrap_free(void *p);

struct fenced {
	void *map;
	size_t len;
	void *p;
};
#define MAX_FENCED 256
static struct fenced fenced[MAX_FENCED];
static volatile bool fence_on; /* volatile: GCC knows calloc reads no globals */

void *__wrap_calloc(size_t n, size_t size)
{
	if (!fence_on || (size && n > SIZE_MAX / size))
		return __real_calloc(n, size);
	unsigned i = 0;
	while (i < MAX_FENCED && fenced[i].map)
		i++;
	if (i == MAX_FENCED)
		return __real_calloc(n, size);
	/* The block ends where the fence starts, aligned as its element needs
	 * (at most 16). */
	size_t align = size & -size;
	if (align > 16)
		align = 16;
	if (align == 0) /* an empty block: it starts at the fence */
		align = 1;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (n * size + align - 1) / align * align;
	size_t pages = (body + pg - 1) / pg;
	uint8_t *map = mmap(NULL, (pages + 1) * pg, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mprotect(map + pages * pg, pg, PROT_NONE) != 0)
		abort();
	fenced[i] = (struct fenced){map, (pages + 1) * pg, map + pages * pg - body};
	return fenced[i].p;
}

void __wrap_free(void *p)
{
	for (unsigned i = 0; p && i < MAX_FENCED; i++) {
		if (fenced[i].p == p) {
			munmap(fenced[i].map, fenced[i].len);
			fenced[i] = (struct fenced){0};
			return;
		}
	}
	__real_free(p);
}

/* A machine whose arrays are all fenced: 2 CPUs, 8 MSI sources, a PLIC of
 * 5 sources, 2 local lines per CPU, 4 MiB of RAM, 64 TLB entries (16 sets). */
static struct hwt *fenced_machine(void)
{
	fence_on = true;
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){
		.ncpus = 2, .ram_bytes = 4ull << 20, .msi_sources = 8, .plic_sources = 5,
		.percpu_lines = 2});
	fence_on = false;
	return x;
}

static void fenced_free(struct hwt *x)
{
	hwt_free(x);
	for (unsigned i = 0; i < MAX_FENCED; i++)
		ck_assert_ptr_null(fenced[i].map);
}

/* The fence itself: a read one past a fenced block faults. */
START_TEST(the_fence_faults)
{
	fence_on = true;
	volatile uint64_t *a = calloc(3, sizeof(uint64_t));
	fence_on = false;
	ck_assert_ptr_nonnull((void *)a);
	a[2] = 7;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		volatile size_t past = 3; /* hidden from the compiler's bounds warning */
		(void)a[past];
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	free((void *)a);
	/* Killed by the fault; under ASan or UBSan, their handler reports the
	 * read and ends the child with a failure of its own. */
	ck_assert(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0));
}
END_TEST

START_TEST(lapic_cpu_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	const unsigned c = 2;
	ck_assert_int_eq(hw_lapic_next_vector(m, c), HW_VEC_NONE);
	ck_assert_uint_eq(hw_lapic_accept(m, c, 0), 0xff);
	ck_assert_int_eq(hw_lapic_eoi(m, c, 0), HW_VEC_NONE);
	hw_lapic_set_tpr(m, c, 0, 0x20);
	ck_assert_uint_eq(hw_lapic_tpr(m, c), 0);
	hw_lapic_set_spurious(m, c, 0x3f);
	ck_assert(!hw_lapic_irr(m, c, 0x40) && !hw_lapic_isr(m, c, 0x40) && !hw_lapic_tmr(m, c, 0x40));
	hw_lapic_deliver(m, c, 0, 0x40, true, HW_SRC_MSI);
	ck_assert_int_eq(hw_lapic_send_ipi(m, c, 0, HW_IPI_SELF, 0, 0x40), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_send_ipi(m, 0, 0, HW_IPI_DEST, c, 0x40), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, c, 0, 0x40, 10), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, c, 0, 0x40, 10), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_deadline(m, c, 0, 0x40, 10), HW_EINVAL);
	hw_lapic_timer_stop(m, c, 0);
	ck_assert_uint_eq(hw_lapic_timer_due(m, c), HW_TIME_NEVER);
	ck_assert_uint_eq(hw_lapic_read(m, c, 0, HW_LAPIC_SVR), 0);
	hw_lapic_write(m, c, 0, HW_LAPIC_TPR, 0x30);
	hw_lapic_write(m, c, 0, HW_LAPIC_ICR_LO, 0x40);
	struct hw_lapic_stats st;
	memset(&st, 0xa5, sizeof(st));
	hw_lapic_stats(m, c, &st);
	ck_assert_uint_eq(st.delivered + st.accepted + st.spurious + st.eoi + st.illegal, 0);
	/* nothing happened anywhere */
	ck_assert_uint_eq(x->nev, 0);
	ck_assert_uint_eq(x->wakes[0] + x->wakes[1] + x->wakes[2], 0);
	ck_assert_uint_eq(hw_lapic_tpr(m, 1), 0);
	ck_assert(!hw_lapic_irr(m, 0, 0x40) && !hw_lapic_irr(m, 1, 0x40));
	/* vector 256 is no vector: the bit after the TMR (the TPR's) is not read */
	hw_lapic_set_tpr(m, 0, 0, 0x01);
	ck_assert(!hw_lapic_irr(m, 0, 256) && !hw_lapic_isr(m, 0, 256) && !hw_lapic_tmr(m, 0, 256));
	fenced_free(x);
}
END_TEST

START_TEST(mmu_cpu_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	const unsigned c = 2;
	struct hw_xlate xl;
	ck_assert_int_eq(hw_mmu_translate(m, c, 0x1000, 0, &xl), HW_EINVAL);
	hw_mmu_write_cr3(m, c, 0, 0x5000);
	ck_assert_uint_eq(hw_mmu_read_cr3(m, c), 0);
	hw_mmu_load_root(m, c, 0, 0x6000, 1, true);
	hw_tlb_invlpg(m, c, 0, 0x1000);
	ck_assert_int_eq(hw_tlb_invpcid(m, c, 0, HW_INVPCID_ALL, 0, 0), HW_EINVAL);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, c), 0);
	struct hw_mmu_stats st;
	memset(&st, 0xa5, sizeof(st));
	hw_mmu_stats(m, c, &st);
	ck_assert_uint_eq(st.walks + st.tlb_hits + st.tlb_misses + st.flushes + st.faults, 0);
	ck_assert_uint_eq(x->nev, 0);
	ck_assert_uint_eq(hw_mmu_read_cr3(m, 0) | hw_mmu_read_cr3(m, 1), 0);
	fenced_free(x);
}
END_TEST

START_TEST(msi_and_plic_sources_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	uint64_t addr = 1;
	uint32_t data = 2;
	bool en = true;
	ck_assert_int_eq(hw_msi_send(m, 8, 0), HW_EINVAL);
	ck_assert_int_eq(hw_msi_message(m, 8, &addr, &data, &en), HW_EINVAL);
	ck_assert(addr == 1 && data == 2 && en);
	ck_assert_int_eq(hw_msi_message(m, 7, &addr, &data, &en), HW_OK);
	ck_assert(addr == 0 && data == 0 && !en);

	/* PLIC: sources 1..5, contexts 0..1 */
	ck_assert_int_eq(hw_plic_set_priority(m, 6, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_priority(m, 0, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_priority(m, 5, 8, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_enable(m, 2, 1, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_enable(m, 0, 6, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_enable(m, 0, 0, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_threshold(m, 2, 1, 0), HW_EINVAL);
	ck_assert_int_eq(hw_plic_set_threshold(m, 0, 8, 0), HW_EINVAL);
	ck_assert(!hw_plic_pending(m, 6));
	ck_assert(!hw_plic_pending(m, 0));
	int plic = hw_intc_find(m, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	ck_assert_int_eq(hw_intc_claim(m, (unsigned)plic, 2, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_complete(m, (unsigned)plic, 0, 6, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_complete(m, (unsigned)plic, 0, 0, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_complete(m, (unsigned)plic, 2, 1, 0), HW_EINVAL);
	/* a completion register write of source 0 or n + 1 is refused */
	hwt_wr(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, 0, 0);
	hwt_wr(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 4, 4, 6, 0);
	hwt_wr(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 + 4, 4, 6, 0);
	struct hw_intc_stats st;
	ck_assert_int_eq(hw_intc_stats(m, (unsigned)plic, ~0u, &st), HW_OK);
	ck_assert_uint_eq(st.ignored, 0);
	ck_assert_uint_eq(x->nev, 0);
	/* the registers just past the priorities, the enables and the contexts */
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + 4 * 6, 4, 0), 0);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_ENABLE + 0x80 * 2, 4, 0), 0);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 * 2, 4, 0), 0);
	ck_assert_uint_eq(hwt_rd(x, HW_PLIC_BASE + HW_PLIC_CONTEXT + 0x1000 * 2 + 4, 4, 0), 0);
	ck_assert_uint_eq(x->nev, 0);
	/* the last source and context do work */
	ck_assert_int_eq(hw_plic_set_priority(m, 5, 7, 0), HW_OK);
	ck_assert_int_eq(hw_plic_set_enable(m, 1, 5, true, 0), HW_OK);
	ck_assert_int_eq(hw_plic_set_threshold(m, 1, 7, 0), HW_OK);
	/* a route and a request of a source enabled nowhere look at each
	 * context, and only those */
	ck_assert_int_eq(hw_intc_route(m, (unsigned)plic, 1, 0x40, 1, HW_TRIGGER_LEVEL,
				       HW_POLARITY_HIGH, 0), HW_OK);
	ck_assert_int_eq(hw_intc_set_line(m, (unsigned)plic, 2, true, 0), HW_OK);
	ck_assert(hw_plic_pending(m, 2));
	fenced_free(x);
}
END_TEST

/* Controller 4 of 4, and pin = pins of each controller. */
START_TEST(intc_controller_and_pin_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	ck_assert_uint_eq(hw_intc_count(m), 4);
	struct hw_intc_info info = {.kind = 0, .pins = 77};
	ck_assert_int_eq(hw_intc_info(m, 4, &info), HW_ENOENT);
	ck_assert_uint_eq(info.pins, 77);
	struct hw_intc_stats st = {.delivered = 99};
	ck_assert_int_eq(hw_intc_stats(m, 4, ~0u, &st), HW_ENOENT);
	ck_assert_int_eq(hw_intc_stats(m, 4, 0, &st), HW_ENOENT);
	ck_assert_uint_eq(st.delivered, 99);
	for (unsigned ctrl = 0; ctrl <= 4; ctrl++) {
		unsigned pins = 0;
		if (ctrl < 4) {
			ck_assert_int_eq(hw_intc_info(m, ctrl, &info), HW_OK);
			pins = info.pins;
		}
		ck_assert_int_eq(hw_intc_route(m, ctrl, pins, 0x40, 0, HW_TRIGGER_EDGE,
					       HW_POLARITY_HIGH, 0), HW_EINVAL);
		ck_assert_int_eq(hw_intc_mask(m, ctrl, pins, true, 0), HW_EINVAL);
		ck_assert(!hw_intc_masked(m, ctrl, pins));
		ck_assert_int_eq(hw_intc_eoi(m, ctrl, pins, 0), HW_EINVAL);
		ck_assert(!hw_intc_line(m, ctrl, pins));
		ck_assert_int_eq(hw_intc_set_line(m, ctrl, pins, true, 0), HW_EINVAL);
		ck_assert_int_eq(hw_intc_pulse(m, ctrl, pins, 0), HW_EINVAL);
		ck_assert_int_eq(hw_intc_complete(m, ctrl, 0, pins, 0), HW_EINVAL);
		ck_assert_int_eq(hw_intc_claim(m, ctrl == 2 ? 4 : ctrl, 0, 0), HW_EINVAL);
		if (ctrl < 4)
			ck_assert_int_eq(hw_intc_stats(m, ctrl, pins, &st), HW_EINVAL);
		ck_assert_uint_eq(st.delivered, 99);
	}
	/* a CPU that does not exist, vectors out of the device range */
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 0x40, 2, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 31, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 256, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_uint_eq(x->nev, 0);
	ck_assert_int_eq(hw_intc_route(m, 0, 23, 32, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	ck_assert_int_eq(hw_intc_route(m, 0, 22, 255, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	fenced_free(x);
}
END_TEST

/* The first byte past RAM (4 MiB): no owner tag, no dirty bit, no pointer. */
START_TEST(mem_address_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	const uint64_t end = 4ull << 20;
	uint64_t base = 1, size = 2;
	ck_assert(hw_mem_region(m, 0, &base, &size));
	ck_assert_uint_eq(base, 0);
	ck_assert_uint_eq(size, end);
	ck_assert(!hw_mem_region(m, 1, &base, &size));
	ck_assert_uint_eq(hw_mem_owner(m, end), HW_OWNER_NONE);
	ck_assert(!hw_mem_frame_clear(m, end));
	ck_assert(hw_mem_frame_clear(m, end - HW_PAGE_SIZE));
	ck_assert_ptr_null(hw_mem_ptr(m, end, 1));
	ck_assert_ptr_null(hw_mem_ptr(m, end - 8, 9));
	ck_assert_ptr_null(hw_mem_ptr_read(m, end, 1));
	ck_assert_ptr_null(hw_mem_ptr_read(m, end - 8, 9));
	ck_assert_ptr_nonnull(hw_mem_ptr_read(m, end - 8, 8));
	ck_assert(!hw_mem_is_ram(m, end, 1));
	ck_assert(!hw_mem_is_ram(m, end - HW_PAGE_SIZE, HW_PAGE_SIZE + 1));
	ck_assert(hw_mem_is_ram(m, end - HW_PAGE_SIZE, HW_PAGE_SIZE));
	ck_assert_uint_eq(hw_mem_read64(m, end), ~0ull);
	ck_assert_int_eq(hw_mem_write64(m, end, 5), HW_EFAULT);
	uint8_t buf[2] = {0};
	ck_assert_int_eq(hw_mem_read(m, end - 1, buf, 2), HW_EFAULT);
	ck_assert_int_eq(hw_mem_write(m, end - 1, buf, 2), HW_EFAULT);
	ck_assert_int_eq(hw_mem_set_owner(m, end - HW_PAGE_SIZE, HW_PAGE_SIZE + 1, 5), HW_EFAULT);
	ck_assert_uint_eq(hw_mem_owner(m, end - HW_PAGE_SIZE), HW_OWNER_NONE);
	ck_assert_int_eq(hw_mem_set_owner(m, end - HW_PAGE_SIZE, HW_PAGE_SIZE, 5), HW_OK);
	ck_assert_uint_eq(hw_mem_owner(m, end - 1), 5);
	fenced_free(x);
}
END_TEST

/* The last TLB set, against the fence: lookups, inserts, evictions and
 * invalidations look at its 4 ways only, and the round-robin victim of the
 * last set is the last byte of its array. */
START_TEST(tlb_last_set_past_the_end)
{
	struct hwt *x = fenced_machine();
	struct hw_machine *m = x->m;
	uint64_t root = hwt_frame(x);
	for (unsigned i = 0; i < 6; i++) /* page numbers 15 + 16 * i: set 15 */
		hwt_map(x, root, 0xf000 + i * 0x10000ull, 0x200000 + i * 0x1000ull, HW_PTE_P, false);
	hw_mmu_load_root(m, 0, 0, root, 0, true);
	struct hw_xlate xl;
	for (unsigned i = 0; i < 6; i++)
		ck_assert_int_eq(hw_mmu_translate(m, 0, 0xf000 + i * 0x10000ull, 0, &xl), HW_OK);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 4);
	ck_assert_int_eq(hw_mmu_translate(m, 0, 0xf000 + 5 * 0x10000ull, 0, &xl), HW_OK);
	ck_assert(xl.tlb_hit);
	hw_tlb_invlpg(m, 0, 0, 0xf000 + 5 * 0x10000ull);
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 3);
	hw_tlb_invlpg(m, 0, 0, 0xf000 + 9 * 0x10000ull); /* not cached: nothing */
	ck_assert_uint_eq(hw_tlb_valid_entries(m, 0), 3);
	fenced_free(x);
}
END_TEST

/* RAM bookkeeping against the fence: a RAM of 65 frames has two dirty-bit
 * words and the last frame marks the second; a cache of four mappings of 64
 * frames (one dirty word each, scrubbed after their last frame was written)
 * is taken from and destroyed through its four slots only. */
START_TEST(ram_bookkeeping_past_the_end)
{
	struct hw_evq q;
	hw_evq_init(&q, 4);
	struct hw_machine *m;
	char err[200];
	fence_on = true;
	struct hw_ram_cache *c = hw_ram_cache_create();
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 65 * HW_PAGE_SIZE, .evq = &q};
	int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
	fence_on = false;
	ck_assert_int_eq(rc, HW_OK);
	ck_assert_int_eq(hw_mem_write64(m, 64 * HW_PAGE_SIZE, 1), HW_OK);
	ck_assert(!hw_mem_frame_clear(m, 64 * HW_PAGE_SIZE));
	hw_machine_destroy(m);

	struct hw_machine *four[4];
	cfg.ram_bytes = 64 * HW_PAGE_SIZE;
	cfg.ram_cache = c;
	fence_on = true;
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(hw_machine_create(&cfg, &four[i], err, sizeof(err)), HW_OK);
	fence_on = false;
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(hw_mem_write64(four[i], 63 * HW_PAGE_SIZE, 1), HW_OK);
		hw_machine_destroy(four[i]); /* scrubbed into the cache */
	}
	/* a size the cache does not hold: every slot looked at, no more */
	cfg.ram_bytes = 32 * HW_PAGE_SIZE;
	fence_on = true;
	rc = hw_machine_create(&cfg, &m, err, sizeof(err));
	fence_on = false;
	ck_assert_int_eq(rc, HW_OK);
	hw_machine_destroy(m); /* the cache is full: unmapped */
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
	for (unsigned i = 0; i < MAX_FENCED; i++)
		ck_assert_ptr_null(fenced[i].map);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-bounds");
	TCase *tc = tcase_create("bounds");
	tcase_add_test(tc, the_fence_faults);
	tcase_add_test(tc, lapic_cpu_past_the_end);
	tcase_add_test(tc, mmu_cpu_past_the_end);
	tcase_add_test(tc, msi_and_plic_sources_past_the_end);
	tcase_add_test(tc, intc_controller_and_pin_past_the_end);
	tcase_add_test(tc, mem_address_past_the_end);
	tcase_add_test(tc, tlb_last_set_past_the_end);
	tcase_add_test(tc, ram_bookkeeping_past_the_end);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
