/* SPDX-License-Identifier: MIT */
/*
 * Physical memory: RAM regions, each one contiguous host mapping reserved
 * with MAP_NORESERVE, so gigabytes of simulated RAM cost nothing until
 * touched. Every 4 KiB frame carries an owner tag for isolation checks.
 */
#ifndef HWMODEL_MEM_H
#define HWMODEL_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hw_machine;

#define HW_PAGE_SHIFT 12
#define HW_PAGE_SIZE (1ull << HW_PAGE_SHIFT)
#define HW_OWNER_NONE 0u

/* RAM region `index` (ascending); false past the last. */
bool hw_mem_region(const struct hw_machine *m, unsigned index, uint64_t *base, uint64_t *size);

/* Host pointer to the `len` bytes at `pa`, valid for the machine's lifetime,
 * or NULL unless the whole range lies inside one RAM region. len 0 is
 * treated as 1. */
void *hw_mem_ptr(struct hw_machine *m, uint64_t pa, size_t len);
/* The same for reading only: [pa, pa + len) is not marked written (the
 * caller must not write through it). */
const void *hw_mem_ptr_read(const struct hw_machine *m, uint64_t pa, size_t len);

/* Whether the RAM frame holding `pa` is known to read as zero: nothing
 * has written it (or taken a pointer into it) since the machine was
 * created. False for addresses outside RAM. A hint for skipping work. */
bool hw_mem_frame_clear(const struct hw_machine *m, uint64_t pa);

/* Whether every byte of [pa, pa+len) is RAM (regions may be adjacent). */
bool hw_mem_is_ram(const struct hw_machine *m, uint64_t pa, uint64_t len);

/* Copy to or from physical memory; the range may span regions but must be
 * all RAM. Returns 0 or HW_EFAULT (nothing copied). */
int hw_mem_read(struct hw_machine *m, uint64_t pa, void *dst, size_t len);
int hw_mem_write(struct hw_machine *m, uint64_t pa, const void *src, size_t len);

/* 64-bit naturally aligned access. A read outside RAM returns all-ones, as a
 * read of an undecoded bus address does on a PC. */
uint64_t hw_mem_read64(struct hw_machine *m, uint64_t pa);
int hw_mem_write64(struct hw_machine *m, uint64_t pa, uint64_t v);

/* Owner tags of the frames that [pa, pa+len) touches. Returns HW_EFAULT if
 * any is not RAM (nothing changed). */
int hw_mem_set_owner(struct hw_machine *m, uint64_t pa, uint64_t len, uint32_t owner);
/* Owner of the frame holding `pa`, or HW_OWNER_NONE outside RAM. */
uint32_t hw_mem_owner(const struct hw_machine *m, uint64_t pa);

/* Frames the host actually backs (resident), for tests and statistics;
 * uses mincore(), so never call it on a hot path. */
uint64_t hw_mem_resident_frames(const struct hw_machine *m);

/* A cache of RAM mappings that outlives machines, for many short runs on
 * one host thread (an explorer worker): a machine takes a mapping of its
 * size from the cache instead of mapping fresh memory, and gives it back
 * zeroed when destroyed. Only the pages the host actually backs are
 * cleared (found with mincore), so a run pays for what it touched, and no
 * page is faulted in again. Never share one cache between threads. */
struct hw_ram_cache;
struct hw_ram_cache *hw_ram_cache_create(void);
void hw_ram_cache_destroy(struct hw_ram_cache *c);

#endif /* HWMODEL_MEM_H */
