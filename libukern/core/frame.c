/* SPDX-License-Identifier: MIT */
/*
 * frame.c: the physical frame allocator.
 *
 * Frames come from the RAM regions arch.h reports. Never-used frames are
 * handed out from the bottom of each region in address order (so runs are
 * deterministic); freed frames go on a LIFO list threaded through their
 * first word via the direct map. Every frame handed out is zeroed
 * (uk_arch_frame_zero: free where the platform knows it reads as zero).
 * Invariant: free == (never-used pages) + (length of the free list).
 */
#include "core/kern.h"
#include "lib/string.h"

void *frame_ptr(struct uk_kernel *k, uk_paddr_t pa)
{
	void *p = uk_arch_phys_ptr(k->a, pa, UK_PAGE_SIZE);
	if (!p)
		uk_arch_fatal(k->a, "frame: no direct map for a frame");
	return p;
}

/* The free list's link in a free frame's first word (the direct map for
 * that word only: a platform may track what the kernel touches). */
static uk_paddr_t *frame_link(struct uk_kernel *k, uk_paddr_t pa)
{
	uk_paddr_t *p = uk_arch_phys_ptr(k->a, pa, sizeof(*p));
	if (!p)
		uk_arch_fatal(k->a, "frame: no direct map for a frame");
	return p;
}

/* Build the allocator over every RAM region, leaving out the pages at
 * [skip_base, skip_base + skip_pages) that hold the kernel instance. */
void frame_init(struct uk_kernel *k, uk_paddr_t skip_base, uint64_t skip_pages)
{
	struct frame_alloc *f = &k->frames;
	uk_paddr_t base;
	uint64_t size;

	for (unsigned i = 0; f->nregions < FRAME_MAX_REGIONS && uk_arch_mem_region(k->a, i, &base, &size); i++) {
		struct frame_region *r = &f->region[f->nregions];
		if (size < UK_PAGE_SIZE)
			continue;
		r->base = base;
		r->pages = size >> UK_PAGE_SHIFT;
		r->first = base == skip_base ? skip_pages : 0;
		r->next = r->first;
		if (r->next >= r->pages)
			continue;
		f->total += r->pages - r->next;
		f->nregions++;
	}
	f->free = f->total;
	k->stats.frames_total = f->total;
	k->stats.frames_free = f->free;
}

static bool frame_is_ram(struct frame_alloc *f, uk_paddr_t pa);

static bool frame_from_regions(struct frame_alloc *f, uk_paddr_t *pa)
{
	for (unsigned i = 0; i < f->nregions; i++) {
		struct frame_region *r = &f->region[i];
		if (r->next < r->pages) {
			*pa = r->base + (r->next++ << UK_PAGE_SHIFT);
			return true;
		}
	}
	return false;
}

int frame_alloc(struct uk_kernel *k, uk_paddr_t *pa)
{
	struct frame_alloc *f = &k->frames;
	uk_paddr_t got;

	if (f->free_head) {
		got = f->free_head;
		f->free_head = *frame_link(k, got);
		if (f->free_head && ((f->free_head & (UK_PAGE_SIZE - 1)) || !frame_is_ram(f, f->free_head)))
			uk_arch_fatal(k->a, "frame: free list corrupt (a freed frame was written)");
	} else if (!frame_from_regions(f, &got)) {
		UK_CHECK(k, f->free == 0, "frame: free count disagrees with the regions");
		return UK_ENOMEM;
	}
	f->free--;
	k->stats.frames_free = f->free;
	uk_arch_frame_zero(k->a, got);
	*pa = got;
	return 0;
}

static bool frame_is_ram(struct frame_alloc *f, uk_paddr_t pa)
{
	for (unsigned i = 0; i < f->nregions; i++) {
		struct frame_region *r = &f->region[i];
		if (pa >= r->base + (r->first << UK_PAGE_SHIFT) && pa < r->base + (r->next << UK_PAGE_SHIFT))
			return true;
	}
	return false;
}

void frame_free(struct uk_kernel *k, uk_paddr_t pa)
{
	struct frame_alloc *f = &k->frames;

	if ((pa & (UK_PAGE_SIZE - 1)) || !frame_is_ram(f, pa))
		uk_arch_fatal(k->a, "frame: freeing a frame the allocator never gave out");
	*frame_link(k, pa) = f->free_head;
	f->free_head = pa;
	f->free++;
	k->stats.frames_free = f->free;
	UK_CHECK(k, f->free <= f->total, "frame: more frames free than exist (double free)");
}
