/* SPDX-License-Identifier: MIT */
/*
 * Physical memory. Each RAM region is one anonymous MAP_NORESERVE mapping:
 * the host backs a page only when it is first touched, so a machine with
 * many gigabytes of RAM costs nothing until used, and any range inside a
 * region is contiguous on the host (the kernel's direct map relies on it).
 * RAM above 3 GiB is moved above 4 GiB to leave the PC's MMIO hole free.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the RAM cache ---- */

#define RAM_CACHE_SLOTS 4

struct hw_ram_cache {
	struct cached {
		uint8_t *host;
		uint32_t *owner;
		uint64_t *dirty;
		uint64_t *lines;
		uint64_t size;
	} slot[RAM_CACHE_SLOTS];
	unsigned n;
};

struct hw_ram_cache *hw_ram_cache_create(void)
{
	return calloc(1, sizeof(struct hw_ram_cache));
}

void hw_ram_cache_destroy(struct hw_ram_cache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n; i++) {
		munmap(c->slot[i].host, c->slot[i].size);
		free(c->slot[i].owner);
		free(c->slot[i].dirty);
		free(c->slot[i].lines);
	}
	free(c);
}

static bool cache_take(struct hw_ram_cache *c, struct hw_region *r, uint64_t size)
{
	for (unsigned i = 0; c && i < c->n; i++) {
		if (c->slot[i].size != size)
			continue;
		r->host = c->slot[i].host;
		r->owner = c->slot[i].owner;
		r->dirty = c->slot[i].dirty;
		r->lines = c->slot[i].lines;
		c->slot[i] = c->slot[--c->n];
		return true;
	}
	return false;
}

static size_t dirty_words(uint64_t size)
{
	return (size_t)(((size >> HW_PAGE_SHIFT) + 63) / 64);
}

#define LINE_SHIFT 6 /* 64-byte lines: 64 per frame, one word of bits */

/* The bits of lines lo..hi (0..63) of a frame. */
static inline uint64_t line_bits(unsigned lo, unsigned hi)
{
	uint64_t upto = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
	return upto & ~((1ull << lo) - 1);
}

/* Mark the lines under [off, off + len) of a region as written (len > 0). */
static void mark_dirty(struct hw_region *r, uint64_t off, uint64_t len)
{
	uint64_t end = off + len - 1;
	uint64_t first = off >> HW_PAGE_SHIFT, last = end >> HW_PAGE_SHIFT;
	unsigned lo = (unsigned)((off & (HW_PAGE_SIZE - 1)) >> LINE_SHIFT);
	unsigned hi = (unsigned)((end & (HW_PAGE_SIZE - 1)) >> LINE_SHIFT);
	for (uint64_t f = first; f <= last; f++) {
		r->lines[f] |= line_bits(f == first ? lo : 0, f == last ? hi : 63);
		r->dirty[f >> 6] |= 1ull << (f & 63);
	}
	uint64_t top = (last + 1) << HW_PAGE_SHIFT;
	if (top > r->touched)
		r->touched = top;
}

#if HW_CHECKING
/* A write the marks did not cover would outlive the scrub and leak into
 * the next run (replays would differ): the checking build looks. */
static void check_page_zero(const uint8_t *pg, size_t f)
{
	const uint64_t *w = (const uint64_t *)pg;
	for (size_t i = 0; i < HW_PAGE_SIZE / 8; i++) {
		if (w[i]) {
			fprintf(stderr,
				"hwmodel: internal error: frame %zu holds data at offset %zu after the "
				"scrub: a write to RAM outside the range its pointer was asked for\n",
				f, i * 8);
			abort();
		}
	}
}
#endif

/* Clear what the run left in a region: only the lines marked written can
 * hold data, so only those are cleared, without looking first (a test and a
 * branch per line cost more than the store; a line marked but never written
 * is one the kernel asked a pointer for, and its page is resident from the
 * first run on). Owner tags are cleared over the range that was tagged. */
static void region_scrub(struct hw_region *r)
{
	size_t words = (size_t)(((r->touched >> HW_PAGE_SHIFT) + 63) / 64);
	for (size_t w = 0; w < words; w++) {
		uint64_t bits = r->dirty[w];
		r->dirty[w] = 0;
		while (bits) {
			size_t f = w * 64 + (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			uint64_t lines = r->lines[f];
			r->lines[f] = 0;
			uint8_t *pg = r->host + (f << HW_PAGE_SHIFT);
			if (lines == ~0ull) {
				memset(pg, 0, HW_PAGE_SIZE);
				lines = 0;
			}
			while (lines) {
				uint64_t *l = (uint64_t *)(pg + ((size_t)__builtin_ctzll(lines) << LINE_SHIFT));
				lines &= lines - 1;
				memset(l, 0, 1u << LINE_SHIFT);
			}
#if HW_CHECKING
			check_page_zero(pg, f);
#endif
		}
	}
	r->touched = 0;
	if (r->owned_hi > r->owned_lo)
		memset(r->owner + r->owned_lo, 0, (r->owned_hi - r->owned_lo) * sizeof(*r->owner));
	r->owned_lo = r->owned_hi = 0;
}

static void region_release(struct hw_ram_cache *c, struct hw_region *r)
{
	if (c && c->n < RAM_CACHE_SLOTS) {
		region_scrub(r);
		c->slot[c->n++] = (struct cached){r->host, r->owner, r->dirty, r->lines, r->size};
		return;
	}
	munmap(r->host, r->size);
	free(r->owner);
	free(r->dirty);
	free(r->lines);
}

static int region_add(struct hw_machine *m, uint64_t base, uint64_t size, char *err,
		      size_t errlen)
{
	struct hw_region *r = &m->mem.r[m->mem.nregions];
	if (cache_take(m->mem.cache, r, size)) {
		r->base = base;
		r->size = size;
		r->touched = 0;
		r->owned_lo = r->owned_hi = 0;
		m->mem.nregions++;
		return HW_OK;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return hw_errf(err, errlen, HW_ENOMEM,
			       "cannot reserve %llu bytes of host address space for RAM",
			       (unsigned long long)size);
	/* Large calloc()s come from fresh mmap()s too: zero pages, lazily. */
	r->owner = calloc(size >> HW_PAGE_SHIFT, sizeof(*r->owner));
	r->dirty = r->owner ? calloc(dirty_words(size), sizeof(*r->dirty)) : NULL;
	r->lines = r->dirty ? calloc(size >> HW_PAGE_SHIFT, sizeof(*r->lines)) : NULL;
	if (!r->owner || !r->dirty || !r->lines) {
		munmap(p, size);
		free(r->owner);
		free(r->dirty);
		free(r->lines);
		return hw_errf(err, errlen, HW_ENOMEM, "cannot allocate frame owner tags");
	}
	r->base = base;
	r->size = size;
	r->host = p;
	r->touched = 0;
	r->owned_lo = r->owned_hi = 0;
	m->mem.nregions++;
	return HW_OK;
}

int hw_mem_init(struct hw_machine *m, uint64_t ram, char *err, size_t errlen)
{
	if (ram == 0 || (ram & (HW_PAGE_SIZE - 1)))
		return hw_errf(err, errlen, HW_EINVAL,
			       "ram size %llu is not a positive multiple of 4096",
			       (unsigned long long)ram);
	if (ram > (1ull << HW_MAXPHYADDR) / 2)
		return hw_errf(err, errlen, HW_EINVAL, "ram size %llu is too large",
			       (unsigned long long)ram);
	uint64_t low = ram < HW_MMIO_HOLE_START ? ram : HW_MMIO_HOLE_START;
	int rc = region_add(m, 0, low, err, errlen);
	if (rc == HW_OK && ram > low)
		rc = region_add(m, HW_HIGH_RAM_START, ram - low, err, errlen);
	return rc;
}

void hw_mem_fini(struct hw_machine *m)
{
	for (unsigned i = 0; i < m->mem.nregions; i++)
		region_release(m->mem.cache, &m->mem.r[i]);
	m->mem.nregions = 0;
}

static const struct hw_region *region_of(const struct hw_machine *m, uint64_t pa)
{
	for (unsigned i = 0; i < m->mem.nregions; i++) {
		const struct hw_region *r = &m->mem.r[i];
		if (pa >= r->base && pa - r->base < r->size)
			return r;
	}
	return NULL;
}

bool hw_mem_region(const struct hw_machine *m, unsigned index, uint64_t *base, uint64_t *size)
{
	if (index >= m->mem.nregions)
		return false;
	*base = m->mem.r[index].base;
	*size = m->mem.r[index].size;
	return true;
}

void *hw_mem_ptr(struct hw_machine *m, uint64_t pa, size_t len)
{
	struct hw_region *r = (struct hw_region *)region_of(m, pa);
	if (len == 0)
		len = 1;
	if (!r || len > r->size - (pa - r->base))
		return NULL;
	mark_dirty(r, pa - r->base, len); /* the caller may write through it */
	return r->host + (pa - r->base);
}

const void *hw_mem_ptr_read(const struct hw_machine *m, uint64_t pa, size_t len)
{
	const struct hw_region *r = region_of(m, pa);
	if (len == 0)
		len = 1;
	if (!r || len > r->size - (pa - r->base))
		return NULL;
	return r->host + (pa - r->base);
}

bool hw_mem_is_ram(const struct hw_machine *m, uint64_t pa, uint64_t len)
{
	while (len > 0) {
		const struct hw_region *r = region_of(m, pa);
		if (!r)
			return false;
		uint64_t room = r->size - (pa - r->base);
		if (room >= len)
			return true;
		pa += room;
		len -= room;
	}
	return true;
}

/* Copy in pieces, one region at a time. */
static int mem_copy(struct hw_machine *m, uint64_t pa, void *buf, size_t len, bool to_mem)
{
	if (!hw_mem_is_ram(m, pa, len))
		return HW_EFAULT;
	uint8_t *b = buf;
	while (len > 0) {
		const struct hw_region *r = region_of(m, pa);
		uint64_t room = r->size - (pa - r->base);
		size_t n = len < room ? len : (size_t)room;
		uint8_t *host = r->host + (pa - r->base);
		if (to_mem && n)
			mark_dirty((struct hw_region *)r, pa - r->base, n);
		if (to_mem)
			memcpy(host, b, n);
		else
			memcpy(b, host, n);
		pa += n;
		b += n;
		len -= n;
	}
	return HW_OK;
}

int hw_mem_read(struct hw_machine *m, uint64_t pa, void *dst, size_t len)
{
	return mem_copy(m, pa, dst, len, false);
}

int hw_mem_write(struct hw_machine *m, uint64_t pa, const void *src, size_t len)
{
	return mem_copy(m, pa, (void *)src, len, true);
}

uint64_t hw_mem_read64(struct hw_machine *m, uint64_t pa)
{
	const uint64_t *p = hw_mem_ptr_read(m, pa & ~7ull, 8);
	return p ? *p : ~0ull;
}

int hw_mem_write64(struct hw_machine *m, uint64_t pa, uint64_t v)
{
	uint64_t *p = hw_mem_ptr(m, pa & ~7ull, 8);
	if (!p)
		return HW_EFAULT;
	*p = v;
	return HW_OK;
}

int hw_mem_set_owner(struct hw_machine *m, uint64_t pa, uint64_t len, uint32_t owner)
{
	if (len == 0)
		return HW_OK;
	uint64_t first = pa & ~(HW_PAGE_SIZE - 1);
	uint64_t last = (pa + len - 1) & ~(HW_PAGE_SIZE - 1);
	if (pa + len < pa || !hw_mem_is_ram(m, first, last - first + HW_PAGE_SIZE))
		return HW_EFAULT;
	for (uint64_t f = first; f <= last; f += HW_PAGE_SIZE) {
		struct hw_region *r = (struct hw_region *)region_of(m, f);
		uint64_t i = (f - r->base) >> HW_PAGE_SHIFT;
		r->owner[i] = owner;
		if (r->owned_hi == r->owned_lo) {
			r->owned_lo = i;
			r->owned_hi = i + 1;
		} else if (i < r->owned_lo) {
			r->owned_lo = i;
		} else if (i >= r->owned_hi) {
			r->owned_hi = i + 1;
		}
	}
	return HW_OK;
}

bool hw_mem_frame_clear(const struct hw_machine *m, uint64_t pa)
{
	const struct hw_region *r = region_of(m, pa);
	if (!r)
		return false;
	uint64_t f = (pa - r->base) >> HW_PAGE_SHIFT;
	return !(r->dirty[f >> 6] & (1ull << (f & 63)));
}

uint32_t hw_mem_owner(const struct hw_machine *m, uint64_t pa)
{
	const struct hw_region *r = region_of(m, pa);
	return r ? r->owner[(pa - r->base) >> HW_PAGE_SHIFT] : HW_OWNER_NONE;
}

uint64_t hw_mem_resident_frames(const struct hw_machine *m)
{
	uint64_t n = 0;
	long hps = sysconf(_SC_PAGESIZE);
	if (hps <= 0)
		return 0;
	unsigned char vec[4096];
	for (unsigned i = 0; i < m->mem.nregions; i++) {
		const struct hw_region *r = &m->mem.r[i];
		uint64_t chunk = (uint64_t)hps * sizeof(vec);
		for (uint64_t off = 0; off < r->size; off += chunk) {
			uint64_t len = r->size - off < chunk ? r->size - off : chunk;
			if (mincore(r->host + off, len, vec) != 0)
				return 0;
			for (uint64_t k = 0; k < (len + hps - 1) / hps; k++)
				n += vec[k] & 1;
		}
	}
	return n * (uint64_t)hps / HW_PAGE_SIZE;
}
