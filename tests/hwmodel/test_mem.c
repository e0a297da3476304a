/* SPDX-License-Identifier: MIT */
/* Physical memory: sparse backing, regions, bounds, owner tags. */
#include "hwtest.h"

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Under ASan (the CI's sanitizer build), a calloc the host cannot meet
 * returns NULL as glibc's does, instead of aborting the test: memory_api_edges
 * asks for the largest RAM, and either answer is right there. The
 * environment's ASAN_OPTIONS still override this. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* Fault injection: this executable links with -Wl,--wrap=calloc
 * (tests/hwmodel/meson.build), so hwmodel's callocs come here; an armed
 * size fails once. */
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
static size_t fail_calloc_bytes;
/* Or the nth calloc from now fails (1: the next one); callocs counts them. */
static unsigned fail_calloc_nth, callocs;

void *__wrap_calloc(size_t n, size_t size)
{
	callocs++;
	if (fail_calloc_bytes && n * size == fail_calloc_bytes) {
		fail_calloc_bytes = 0;
		return NULL;
	}
	if (fail_calloc_nth && --fail_calloc_nth == 0)
		return NULL;
	return __real_calloc(n, size);
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* The process's address space, in pages (/proc/self/statm), after the
 * allocator gave back the free memory at the top of its heap (what it keeps
 * for reuse is not a leak; a mapping nobody unmapped is). */
static unsigned long address_space(void)
{
	unsigned long pages = 0;
	malloc_trim(0);
	FILE *f = fopen("/proc/self/statm", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	return pages;
}

START_TEST(big_ram_costs_nothing_until_touched)
{
	struct hw_evq q;
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 16ull << 30, .evq = &q};
	struct hw_machine *m;
	char err[200];
	int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
	if (rc == HW_ENOMEM) {
		/* A host with strict overcommit (vm.overcommit_memory=2) refuses
		 * MAP_NORESERVE reservations; the error must then be clean. */
		ck_assert_ptr_null(m);
		ck_assert_ptr_nonnull(strstr(err, "cannot reserve"));
		hw_evq_fini(&q);
		return;
	}
	ck_assert_int_eq(rc, HW_OK);
	uint64_t before = hw_mem_resident_frames(m);
	ck_assert_uint_lt(before, 16);
	/* Touch the last byte of high RAM and one page in low RAM. */
	uint64_t base, size;
	ck_assert(hw_mem_region(m, 1, &base, &size));
	ck_assert_uint_eq(base, HW_HIGH_RAM_START);
	ck_assert_uint_eq(size, (16ull << 30) - HW_MMIO_HOLE_START);
	uint8_t *p = hw_mem_ptr(m, base + size - 1, 1);
	ck_assert_ptr_nonnull(p);
	*p = 0x5a;
	*(uint8_t *)hw_mem_ptr(m, 0x1000, 1) = 1;
	uint64_t after = hw_mem_resident_frames(m);
	ck_assert_uint_ge(after, before + 2);
	ck_assert_uint_lt(after, before + 16);
	hw_machine_destroy(m);
	hw_evq_fini(&q);
}
END_TEST

/* RAM whose bookkeeping (a tag per frame, a dirty bit per frame, a mask of
 * written lines per frame) cannot be allocated: the machine is refused with
 * HW_ENOMEM, and the RAM's reservation and whichever of the arrays it did
 * get are released, so a host that retries does not leak. */
START_TEST(ram_bookkeeping_failure_frees_what_it_got)
{
	const uint64_t ram = 64ull << 20, frames = ram >> HW_PAGE_SHIFT;
	const size_t sizes[3] = {frames * sizeof(uint32_t), frames / 64 * sizeof(uint64_t),
				 frames * sizeof(uint64_t)};
	for (unsigned i = 0; i < 3; i++) {
		struct hw_evq q;
		hw_evq_init(&q, 4);
		struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = ram, .evq = &q};
		struct hw_machine *m;
		char err[200];
		/* (Measured before any ck_assert: Check allocates as it goes.) */
		unsigned long space = address_space();
		size_t before = heap_in_use();
		fail_calloc_bytes = sizes[i];
		int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
		size_t after = heap_in_use();
		unsigned long space_after = address_space();
		ck_assert_int_eq(rc, HW_ENOMEM);
		ck_assert_uint_eq(fail_calloc_bytes, 0); /* the armed allocation was made */
		ck_assert_ptr_null(m);
		ck_assert_ptr_nonnull(strstr(err, "owner tags"));
		ck_assert_uint_eq(after, before);
		ck_assert_uint_eq(space_after, space); /* the RAM's reservation too */
		hw_evq_fini(&q);
	}
}
END_TEST

/* A machine with every controller and a device, created, used a little
 * and destroyed, gives back all it allocated: the heap and the address
 * space are as before. */
START_TEST(destroy_frees_everything)
{
	struct hw_dev_desc uart = {.kind = HW_DEV_UART, .name = "u", .pci = true, .bus = 0,
				   .slot = 2, .mmio_base = 0xc0000000, .irq_mode = HW_IRQ_EDGE,
				   .irq_pin = 4};
	char err[200];
	struct hw_machine *m;
	int rc[4];
	/* (Measured with no ck_assert in between: Check allocates as it goes.) */
	unsigned long space = address_space();
	size_t before = heap_in_use();
	struct hw_evq *q = malloc(sizeof(*q));
	hw_evq_init(q, 4);
	struct hw_machine_config cfg = {.ncpus = 3, .ram_bytes = 16ull << 20, .evq = q,
					.plic_sources = 40, .percpu_lines = 2, .msi_sources = 8,
					.tlb_entries = 16};
	rc[0] = hw_machine_create(&cfg, &m, err, sizeof(err));
	rc[1] = rc[0] == HW_OK ? hw_machine_add_device(m, &uart, err, sizeof(err)) : -1;
	rc[2] = rc[0] == HW_OK ? hw_mem_write64(m, 0x2000, 42) : -1;
	if (rc[0] == HW_OK)
		hw_machine_destroy(m);
	/* the same through a RAM cache, which keeps the RAM until it goes */
	cfg.ram_cache = hw_ram_cache_create();
	rc[3] = hw_machine_create(&cfg, &m, err, sizeof(err));
	if (rc[3] == HW_OK)
		hw_machine_destroy(m);
	hw_ram_cache_destroy(cfg.ram_cache);
	hw_evq_fini(q);
	free(q);
	size_t after = heap_in_use();
	unsigned long space_after = address_space();
	ck_assert_msg(rc[0] == HW_OK && rc[1] == HW_OK && rc[2] == HW_OK && rc[3] == HW_OK, "%s", err);
	ck_assert_uint_eq(after, before);
	ck_assert_uint_eq(space_after, space); /* the RAM is unmapped */
}
END_TEST

START_TEST(regions_skip_the_mmio_hole)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 1, .ram_bytes = 4ull << 30});
	uint64_t base, size;
	ck_assert(hw_mem_region(x->m, 0, &base, &size));
	ck_assert_uint_eq(base, 0);
	ck_assert_uint_eq(size, 3ull << 30);
	ck_assert(hw_mem_region(x->m, 1, &base, &size));
	ck_assert_uint_eq(base, 4ull << 30);
	ck_assert_uint_eq(size, 1ull << 30);
	ck_assert(!hw_mem_region(x->m, 2, &base, &size));
	ck_assert(!hw_mem_is_ram(x->m, HW_MMIO_HOLE_START, 1));
	ck_assert(hw_mem_is_ram(x->m, HW_MMIO_HOLE_START - 1, 1));
	hwt_free(x);
}
END_TEST

START_TEST(ptr_is_contiguous_inside_a_region_and_bounded)
{
	struct hwt *x = hwt_new(1);
	uint64_t ram = 64ull << 20;
	uint8_t *a = hw_mem_ptr(x->m, 0x10000, 1);
	uint8_t *b = hw_mem_ptr(x->m, 0x10000 + (1 << 20), 1);
	ck_assert_ptr_eq(a + (1 << 20), b);
	ck_assert_ptr_nonnull(hw_mem_ptr(x->m, 0, ram));
	ck_assert_ptr_null(hw_mem_ptr(x->m, 0, ram + 1));
	ck_assert_ptr_null(hw_mem_ptr(x->m, ram, 1));
	ck_assert_ptr_null(hw_mem_ptr(x->m, ram - 4, 8));
	ck_assert_ptr_null(hw_mem_ptr(x->m, ~0ull, 1));
	hwt_free(x);
}
END_TEST

START_TEST(read_write_and_all_ones_outside_ram)
{
	struct hwt *x = hwt_new(1);
	char buf[16] = "hello, machine";
	char out[16] = {0};
	ck_assert_int_eq(hw_mem_write(x->m, 0x2000, buf, sizeof(buf)), HW_OK);
	ck_assert_int_eq(hw_mem_read(x->m, 0x2000, out, sizeof(out)), HW_OK);
	ck_assert_str_eq(out, "hello, machine");
	ck_assert_int_eq(hw_mem_write(x->m, (64ull << 20) - 8, buf, 16), HW_EFAULT);
	ck_assert_int_eq(hw_mem_read(x->m, 1ull << 40, out, 1), HW_EFAULT);
	ck_assert_uint_eq(hw_mem_read64(x->m, 1ull << 40), ~0ull);
	ck_assert_int_eq(hw_mem_write64(x->m, 0x3000, 0x1122334455667788ull), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(x->m, 0x3000), 0x1122334455667788ull);
	hwt_free(x);
}
END_TEST

START_TEST(owner_tags_per_frame)
{
	struct hwt *x = hwt_new(1);
	ck_assert_uint_eq(hw_mem_owner(x->m, 0x5000), HW_OWNER_NONE);
	/* 0x5800 + 0x1000 touches frames 0x5000 and 0x6000. */
	ck_assert_int_eq(hw_mem_set_owner(x->m, 0x5800, 0x1000, 7), HW_OK);
	ck_assert_uint_eq(hw_mem_owner(x->m, 0x5000), 7);
	ck_assert_uint_eq(hw_mem_owner(x->m, 0x6fff), 7);
	ck_assert_uint_eq(hw_mem_owner(x->m, 0x7000), HW_OWNER_NONE);
	ck_assert_uint_eq(hw_mem_owner(x->m, 0x4fff), HW_OWNER_NONE);
	ck_assert_int_eq(hw_mem_set_owner(x->m, (64ull << 20) - 4096, 8192, 3), HW_EFAULT);
	ck_assert_uint_eq(hw_mem_owner(x->m, (64ull << 20) - 4096), HW_OWNER_NONE);
	ck_assert_uint_eq(hw_mem_owner(x->m, 1ull << 40), HW_OWNER_NONE);
	hwt_free(x);
}
END_TEST

START_TEST(two_machines_are_independent)
{
	struct hwt *x = hwt_new(1), *y = hwt_new(1);
	*(uint32_t *)hw_mem_ptr(x->m, 0x1000, 4) = 1;
	*(uint32_t *)hw_mem_ptr(y->m, 0x1000, 4) = 2;
	ck_assert_uint_eq(*(uint32_t *)hw_mem_ptr(x->m, 0x1000, 4), 1);
	hw_mem_set_owner(x->m, 0x1000, 1, 9);
	ck_assert_uint_eq(hw_mem_owner(y->m, 0x1000), HW_OWNER_NONE);
	hwt_free(x);
	hwt_free(y);
}
END_TEST

/* A RAM cache hands the same mapping to the next machine, cleared: data and
 * owner tags the last machine left are gone, and nothing is faulted in. */
START_TEST(ram_cache_reuses_cleared_memory)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 8ull << 20, .evq = &q, .ram_cache = c};
	struct hw_machine *m;
	char err[200];
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	uint8_t *first = hw_mem_ptr(m, 0, 1);
	memset(hw_mem_ptr(m, 0x3000, 4096), 0xab, 4096);
	*(uint8_t *)hw_mem_ptr(m, 0x7ff000 + 17, 1) = 1;
	ck_assert_int_eq(hw_mem_set_owner(m, 0x3000, 4096, 7), HW_OK);
	/* A page only read stays a zero page. */
	ck_assert_uint_eq(*(volatile uint8_t *)hw_mem_ptr(m, 0x5000, 1), 0);
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_ptr_eq(hw_mem_ptr(m, 0, 1), first);
	for (uint64_t pa = 0; pa < (8ull << 20); pa += 8)
		ck_assert_uint_eq(hw_mem_read64(m, pa), 0);
	ck_assert_uint_eq(hw_mem_owner(m, 0x3000), HW_OWNER_NONE);
	hw_machine_destroy(m);
	/* A machine of another size gets its own mapping. */
	cfg.ram_bytes = 4ull << 20;
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_ptr_ne(hw_mem_ptr(m, 0, 1), first);
	hw_machine_destroy(m);
	/* Only what a machine touched is scrubbed: written low pages, and a
	 * large touched range (asked of the host page by page) with data at
	 * its top, through a pointer and through a copy. */
	cfg.ram_bytes = 32ull << 20;
	uint64_t top = (32ull << 20) - 4096, mid = 9ull << 20;
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	memset(hw_mem_ptr(m, 0x1000, 4096), 0x5a, 4096);
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(m, 0x1000), 0);
	uint64_t v = 0x1122334455667788ull;
	ck_assert_int_eq(hw_mem_write(m, top + 8, &v, sizeof(v)), HW_OK);
	*(uint8_t *)hw_mem_ptr(m, mid, 1) = 9;
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(m, top + 8), 0);
	ck_assert_uint_eq(hw_mem_read64(m, mid), 0);
	hw_machine_destroy(m);
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
}
END_TEST

/* The machine knows which frames a run may have written: a frame reads as
 * zero until a pointer is taken into it or a copy reaches it, and again
 * after the cache hands the mapping on (the kernel skips zeroing those). */
START_TEST(frames_known_clear)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 8ull << 20, .evq = &q, .ram_cache = c};
	struct hw_machine *m;
	char err[200];
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert(hw_mem_frame_clear(m, 0x2000));
	ck_assert(hw_mem_frame_clear(m, 0x7ff000));
	ck_assert(!hw_mem_frame_clear(m, 1ull << 40)); /* not RAM */
	*(uint8_t *)hw_mem_ptr(m, 0x2fff, 1) = 1;
	ck_assert(!hw_mem_frame_clear(m, 0x2000));
	ck_assert(hw_mem_frame_clear(m, 0x3000));
	uint8_t buf[16] = {1};
	/* A copy across a frame boundary marks both frames. */
	ck_assert_int_eq(hw_mem_write(m, 0x4ff8, buf, sizeof(buf)), HW_OK);
	ck_assert(!hw_mem_frame_clear(m, 0x4000));
	ck_assert(!hw_mem_frame_clear(m, 0x5000));
	ck_assert(hw_mem_frame_clear(m, 0x6000));
	/* Reading through a copy, a word or a read-only pointer does not mark. */
	ck_assert_int_eq(hw_mem_read(m, 0x6000, buf, sizeof(buf)), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(m, 0x6008), 0);
	const uint8_t *ro = hw_mem_ptr_read(m, 0x6100, 64);
	ck_assert_ptr_nonnull(ro);
	ck_assert_uint_eq(ro[63], 0);
	ck_assert_ptr_null(hw_mem_ptr_read(m, (8ull << 20) - 8, 16)); /* past the region */
	ck_assert(hw_mem_frame_clear(m, 0x6000));
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert(hw_mem_frame_clear(m, 0x2000));
	ck_assert(hw_mem_frame_clear(m, 0x5000));
	ck_assert_uint_eq(hw_mem_read64(m, 0x2ff8), 0);
	ck_assert_uint_eq(hw_mem_read64(m, 0x5000), 0);
	hw_machine_destroy(m);
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
}
END_TEST

/* The scrub clears what was marked, to the line: ranges that start and end
 * inside a line, that cross lines and frames, the last line of a frame,
 * a whole frame; and nothing written is left for the next machine. */
START_TEST(scrub_clears_marked_lines)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q, .ram_cache = c};
	struct hw_machine *m;
	char err[200];
	uint8_t buf[300];
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	memset(hw_mem_ptr(m, 0x10030, 200), 0x11, 200);                  /* lines 0..3 */
	ck_assert_int_eq(hw_mem_write(m, 0x11f70, buf, sizeof(buf)), HW_OK); /* two frames */
	ck_assert_int_eq(hw_mem_write64(m, 0x13ff8, ~0ull), HW_OK);       /* line 63 */
	*(uint8_t *)hw_mem_ptr(m, 0x14000 + 64 * 37 + 5, 1) = 1;           /* one line */
	memset(hw_mem_ptr(m, 0x20000, 4096), 0x22, 4096);                 /* a frame */
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	for (uint64_t pa = 0; pa < (1ull << 20); pa += 8)
		ck_assert_uint_eq(hw_mem_read64(m, pa), 0);
	hw_machine_destroy(m);
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
}
END_TEST

/* A write past the range its pointer was asked for is not scrubbed, so it
 * would leak into the next run: the checking build stops with an internal
 * error that says so; a release build has no check (the child exits). */
START_TEST(write_outside_its_mark_is_caught)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct hw_evq q;
		struct hw_ram_cache *c = hw_ram_cache_create();
		hw_evq_init(&q, 4);
		struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q,
						.ram_cache = c};
		struct hw_machine *m;
		char err[200];
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(9);
		if (hw_machine_create(&cfg, &m, err, sizeof(err)) != HW_OK)
			_exit(8);
		uint8_t *p = hw_mem_ptr(m, 0x8000, 8);
		p[100] = 1; /* two lines past the mark */
		hw_machine_destroy(m);
		_exit(0);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
#if HW_CHECKING
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d", status);
#else
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
#endif
}
END_TEST

/* Every allocation of a machine with every controller can fail: the machine
 * is then refused with HW_ENOMEM, and what was allocated before is given
 * back. */
START_TEST(every_allocation_failure_is_reported)
{
	struct hw_evq q;
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 2, .ram_bytes = 1ull << 20, .evq = &q,
					.plic_sources = 8, .percpu_lines = 2, .msi_sources = 4};
	struct hw_machine *m;
	char err[200];
	callocs = 0;
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	unsigned total = callocs;
	hw_machine_destroy(m);
	ck_assert_uint_ge(total, 8);
	for (unsigned k = 1; k <= total; k++) {
		/* (Measured with no ck_assert in between: Check allocates as it goes.) */
		size_t before = heap_in_use();
		fail_calloc_nth = k;
		int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
		unsigned left = fail_calloc_nth;
		fail_calloc_nth = 0;
		size_t after = heap_in_use();
		ck_assert_msg(rc == HW_ENOMEM, "calloc %u of %u failed: rc %d", k, total, rc);
		ck_assert_uint_eq(left, 0);
		ck_assert_ptr_null(m);
		ck_assert_msg(after == before, "calloc %u of %u failed: %zu bytes kept", k, total,
			      after - before);
	}
	/* and a PCI device's: the device and its configuration space */
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	struct hw_dev_desc d = {.kind = HW_DEV_SCRIPT, .name = "p", .pci = true, .slot = 2,
				.mmio_base = 0xc0000000, .irq_mode = HW_IRQ_NONE};
	callocs = 0;
	ck_assert_int_eq(hw_machine_add_device(m, &d, err, sizeof(err)), HW_OK);
	total = callocs;
	ck_assert_uint_ge(total, 2);
	d.name = "q";
	d.slot = 3;
	d.mmio_base = 0xc0001000;
	for (unsigned k = 1; k <= total; k++) {
		size_t before = heap_in_use();
		fail_calloc_nth = k;
		int rc = hw_machine_add_device(m, &d, err, sizeof(err));
		unsigned left = fail_calloc_nth;
		fail_calloc_nth = 0;
		size_t after = heap_in_use();
		ck_assert_msg(rc == HW_ENOMEM, "device calloc %u of %u failed: rc %d", k, total, rc);
		ck_assert_uint_eq(left, 0);
		ck_assert_uint_eq(hw_dev_count(m), 1);
		ck_assert_msg(after == before, "device calloc %u of %u failed: %zu bytes kept", k,
			      total, after - before);
	}
	hw_machine_destroy(m);
	hw_evq_fini(&q);
}
END_TEST

/* The scrub at the edges of its bookkeeping: a run that wrote only frame 0,
 * only frame 64 (the first of the second dirty word), or two whole adjacent
 * frames hands on a mapping that reads zero and whose frames are all known
 * clear. */
START_TEST(scrub_edges)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q, .ram_cache = c};
	struct hw_machine *m;
	char err[200];
	static const uint64_t written[3][2] = {{0x0, 0x0}, {0x40000, 0x40000}, {0x7000, 0x8000}};
	for (unsigned k = 0; k < 3; k++) {
		ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
		for (uint64_t pa = written[k][0]; pa <= written[k][1]; pa += HW_PAGE_SIZE)
			memset(hw_mem_ptr(m, pa, HW_PAGE_SIZE), 0x5a, HW_PAGE_SIZE);
		hw_machine_destroy(m);
		ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
		for (uint64_t pa = written[k][0]; pa <= written[k][1]; pa += HW_PAGE_SIZE) {
			ck_assert_uint_eq(hw_mem_read64(m, pa), 0);
			ck_assert_uint_eq(hw_mem_read64(m, pa + HW_PAGE_SIZE - 8), 0);
		}
		for (uint64_t pa = 0; pa < (1ull << 20); pa += HW_PAGE_SIZE)
			ck_assert_msg(hw_mem_frame_clear(m, pa), "frame %llx", (unsigned long long)pa);
		hw_machine_destroy(m);
	}
	hw_ram_cache_destroy(c);
	hw_ram_cache_destroy(NULL); /* nothing to do */
	hw_evq_fini(&q);
}
END_TEST

/* Two RAM sizes in one cache: a machine takes the mapping of its own size,
 * and two machines of one size never share a mapping, whichever slots
 * the cache used. */
START_TEST(ram_cache_never_shares_a_mapping)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config small = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q,
					  .ram_cache = c};
	struct hw_machine_config big = small;
	big.ram_bytes = 2ull << 20;
	struct hw_machine *a, *b, *m3, *m4;
	char err[200];
	ck_assert_int_eq(hw_machine_create(&small, &a, err, sizeof(err)), HW_OK);
	ck_assert_int_eq(hw_machine_create(&big, &b, err, sizeof(err)), HW_OK);
	hw_machine_destroy(a); /* the cache: slot 0 small, slot 1 big */
	hw_machine_destroy(b);
	ck_assert_int_eq(hw_machine_create(&big, &m3, err, sizeof(err)), HW_OK);
	ck_assert_int_eq(hw_machine_create(&big, &m4, err, sizeof(err)), HW_OK);
	ck_assert_ptr_ne(hw_mem_ptr(m3, 0, 1), hw_mem_ptr(m4, 0, 1));
	ck_assert_int_eq(hw_mem_write64(m3, 0x1000, 3), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(m4, 0x1000), 0);
	hw_machine_destroy(m3);
	hw_machine_destroy(m4);
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
}
END_TEST

#if HW_CHECKING
/* A byte written at pa through a pointer asked for another line of its
 * page only (the last one, or all but line 0 when `all_but_first`). */
static void write_beside(struct hw_machine *m, uint64_t pa, bool all_but_first)
{
	uint64_t page = pa & ~(HW_PAGE_SIZE - 1);
	uint64_t from = all_but_first ? 0x40 : 0xfc0;
	uint8_t *p = hw_mem_ptr(m, page + from, HW_PAGE_SIZE - from);
	(p - from)[pa - page] = 1;
}

/* In a child: a machine on a RAM cache runs `scenario` and is destroyed
 * (the RAM scrubbed into the cache); return the child's status, its stderr
 * in out. */
static int in_child(void (*scenario)(struct hw_machine_config *cfg), char *out, size_t outlen)
{
	int fd[2];
	ck_assert_int_eq(pipe(fd), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct hw_evq q;
		hw_evq_init(&q, 4);
		struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q,
						.ram_cache = hw_ram_cache_create()};
		if (dup2(fd[1], 2) < 0)
			_exit(9);
		scenario(&cfg);
		_exit(0);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < outlen && (r = read(fd[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(fd[0]);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static struct hw_machine *child_machine(struct hw_machine_config *cfg)
{
	struct hw_machine *m;
	char err[200];
	if (hw_machine_create(cfg, &m, err, sizeof(err)) != HW_OK)
		_exit(8);
	return m;
}

static void stray_word_0(struct hw_machine_config *cfg)
{
	struct hw_machine *m = child_machine(cfg);
	write_beside(m, 0x9000, false);
	hw_machine_destroy(m);
}

static void stray_offset_16(struct hw_machine_config *cfg)
{
	struct hw_machine *m = child_machine(cfg);
	write_beside(m, 0xa010, false);
	hw_machine_destroy(m);
}

/* every line marked but line 0, which is written: not a whole page */
static void stray_line_0_of_63(struct hw_machine_config *cfg)
{
	struct hw_machine *m = child_machine(cfg);
	write_beside(m, 0xb000, true);
	hw_machine_destroy(m);
}

/* a frame wholly written in one run, then written outside its mark in the
 * next: the first run's marks are gone */
static void stray_after_a_clean_run(struct hw_machine_config *cfg)
{
	struct hw_machine *m = child_machine(cfg);
	memset(hw_mem_ptr(m, 0xc000, HW_PAGE_SIZE), 0x77, HW_PAGE_SIZE);
	hw_machine_destroy(m);
	m = child_machine(cfg);
	write_beside(m, 0xc000, false);
	hw_machine_destroy(m);
}

/* The checking build's report names the frame and the offset of the first
 * word left, the page's word 0 included, whatever marked the other lines. */
START_TEST(stray_write_report_names_frame_and_offset)
{
	static const struct {
		void (*scenario)(struct hw_machine_config *cfg);
		const char *says;
	} cases[] = {
		{stray_word_0, "frame 9 holds data at offset 0 "},
		{stray_offset_16, "frame 10 holds data at offset 16 "},
		{stray_line_0_of_63, "frame 11 holds data at offset 0 "},
		{stray_after_a_clean_run, "frame 12 holds data at offset 0 "},
	};
	char out[512];
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = in_child(cases[i].scenario, out, sizeof(out));
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "case %u: status %d",
			      i, status);
		ck_assert_msg(strstr(out, cases[i].says), "case %u: %s", i, out);
	}
}
END_TEST
#endif

/* Owner tags set in any order (a first frame, one below, one above, one
 * inside, two at once) are all gone when the cache hands the RAM on. */
START_TEST(owner_tags_scrubbed_whatever_the_order)
{
	struct hw_evq q;
	struct hw_ram_cache *c = hw_ram_cache_create();
	hw_evq_init(&q, 4);
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 1ull << 20, .evq = &q, .ram_cache = c};
	struct hw_machine *m;
	char err[200];
	static const uint64_t frames[] = {5, 2, 9, 6, 1, 10, 11};
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	for (unsigned i = 0; i < 7; i++)
		ck_assert_int_eq(hw_mem_set_owner(m, frames[i] << HW_PAGE_SHIFT, 1, 40 + i), HW_OK);
	ck_assert_int_eq(hw_mem_set_owner(m, 20ull << HW_PAGE_SHIFT, 2 * HW_PAGE_SIZE, 50), HW_OK);
	for (unsigned i = 0; i < 7; i++)
		ck_assert_uint_eq(hw_mem_owner(m, frames[i] << HW_PAGE_SHIFT), 40 + i);
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	for (uint64_t f = 0; f < 256; f++)
		ck_assert_msg(hw_mem_owner(m, f << HW_PAGE_SHIFT) == HW_OWNER_NONE, "frame %llu",
			      (unsigned long long)f);
	/* one frame tagged alone, then the next: both gone next time */
	ck_assert_int_eq(hw_mem_set_owner(m, 30ull << HW_PAGE_SHIFT, 1, 7), HW_OK);
	ck_assert_int_eq(hw_mem_set_owner(m, 31ull << HW_PAGE_SHIFT, 1, 7), HW_OK);
	hw_machine_destroy(m);
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_uint_eq(hw_mem_owner(m, 30ull << HW_PAGE_SHIFT), HW_OWNER_NONE);
	ck_assert_uint_eq(hw_mem_owner(m, 31ull << HW_PAGE_SHIFT), HW_OWNER_NONE);
	hw_machine_destroy(m);
	hw_ram_cache_destroy(c);
	hw_evq_fini(&q);
}
END_TEST

/* Small edges of the memory API: sizes, empty and one-byte ranges, the
 * 8-byte accessors' alignment, and the frames the host backs. */
START_TEST(memory_api_edges)
{
	struct hw_evq q;
	hw_evq_init(&q, 4);
	struct hw_machine *m;
	char err[200];
	struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 0x101000, .evq = &q};
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_OK);
	ck_assert_uint_eq(hw_mem_resident_frames(m), 0); /* nothing touched yet */
	/* an empty pointer request is a one-byte one */
	uint8_t *p = hw_mem_ptr(m, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, hw_mem_ptr_read(m, 0, 0));
	ck_assert(!hw_mem_frame_clear(m, 0));
	*p = 1;
	ck_assert_uint_eq(hw_mem_resident_frames(m), 1);
	/* an empty range is RAM anywhere */
	ck_assert(hw_mem_is_ram(m, 1ull << 40, 0));
	/* one byte through a copy */
	uint8_t b = 0xa5, back = 0;
	ck_assert_int_eq(hw_mem_write(m, 0x2003, &b, 1), HW_OK);
	ck_assert_int_eq(hw_mem_read(m, 0x2003, &back, 1), HW_OK);
	ck_assert_uint_eq(back, 0xa5);
	/* 8-byte accesses round the address down to 8 */
	ck_assert_int_eq(hw_mem_write64(m, 0x3007, 0x0102030405060708ull), HW_OK);
	ck_assert_uint_eq(hw_mem_read64(m, 0x3000), 0x0102030405060708ull);
	ck_assert_uint_eq(hw_mem_read64(m, 0x3005), 0x0102030405060708ull);
	/* owner tags: an empty range tags nothing, one byte tags its frame */
	ck_assert_int_eq(hw_mem_set_owner(m, 0, 0, 5), HW_OK);
	ck_assert_uint_eq(hw_mem_owner(m, 0), HW_OWNER_NONE);
	ck_assert_int_eq(hw_mem_set_owner(m, 0x4fff, 1, 5), HW_OK);
	ck_assert_uint_eq(hw_mem_owner(m, 0x4000), 5);
	ck_assert_uint_eq(hw_mem_owner(m, 0x5000), HW_OWNER_NONE);
	hw_machine_destroy(m);
	/* the largest RAM is 2^45 bytes; one page more is refused as too large */
	cfg.ram_bytes = (1ull << 45) + HW_PAGE_SIZE;
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), HW_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
	cfg.ram_bytes = 1ull << 45;
	int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
	ck_assert_msg(rc == HW_OK || rc == HW_ENOMEM, "rc %d: %s", rc, err); /* not refused */
	if (rc == HW_OK)
		hw_machine_destroy(m);
	hw_evq_fini(&q);
}
END_TEST

/* A host that cannot reserve the RAM's address space: the machine is
 * refused with HW_ENOMEM and says why (in a child, under a small address
 * space limit). */
START_TEST(ram_reservation_failure)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit lim = {.rlim_cur = 1ull << 30, .rlim_max = 1ull << 30};
		if (setrlimit(RLIMIT_AS, &lim) != 0)
			_exit(9);
		struct hw_evq q;
		hw_evq_init(&q, 4);
		struct hw_machine_config cfg = {.ncpus = 1, .ram_bytes = 2ull << 30, .evq = &q};
		struct hw_machine *m = NULL;
		char err[200];
		int rc = hw_machine_create(&cfg, &m, err, sizeof(err));
		_exit(rc == HW_ENOMEM && !m && strstr(err, "cannot reserve") ? 0 : 1);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-memory");
	TCase *tc = tcase_create("memory");
	tcase_add_test(tc, big_ram_costs_nothing_until_touched);
	tcase_add_test(tc, ram_bookkeeping_failure_frees_what_it_got);
	tcase_add_test(tc, destroy_frees_everything);
	tcase_add_test(tc, every_allocation_failure_is_reported);
	tcase_add_test(tc, regions_skip_the_mmio_hole);
	tcase_add_test(tc, ptr_is_contiguous_inside_a_region_and_bounded);
	tcase_add_test(tc, read_write_and_all_ones_outside_ram);
	tcase_add_test(tc, owner_tags_per_frame);
	tcase_add_test(tc, two_machines_are_independent);
	tcase_add_test(tc, ram_cache_reuses_cleared_memory);
	tcase_add_test(tc, frames_known_clear);
	tcase_add_test(tc, scrub_clears_marked_lines);
	tcase_add_test(tc, write_outside_its_mark_is_caught);
	tcase_add_test(tc, scrub_edges);
	tcase_add_test(tc, ram_cache_never_shares_a_mapping);
	tcase_add_test(tc, owner_tags_scrubbed_whatever_the_order);
	tcase_add_test(tc, memory_api_edges);
	tcase_add_test(tc, ram_reservation_failure);
#if HW_CHECKING
	tcase_add_test(tc, stray_write_report_names_frame_and_offset);
#endif
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
