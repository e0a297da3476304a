/* SPDX-License-Identifier: MIT */
/*
 * Data patterns for the torture tests (test_torture.c and its defects'
 * regression tests): request `id`'s bytes are word i = mix(id + i),
 * little-endian, so a receiver can check any byte without the sender.
 */
#ifndef TESTS_SIM_PATTERN_H
#define TESTS_SIM_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* The bytes of request `id`: word i is mix(id + i), little-endian. */
static inline void fill(uint8_t *b, size_t len, uint64_t id)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = mix(id + i / 8);
		for (size_t j = 0; j < 8 && i + j < len; j++)
			b[i + j] = (uint8_t)(w >> (8 * j));
	}
}

/* Whether `b` holds request `id`'s bytes. */
static inline bool same(const uint8_t *b, size_t len, uint64_t id)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = mix(id + i / 8);
		for (size_t j = 0; j < 8 && i + j < len; j++)
			if (b[i + j] != (uint8_t)(w >> (8 * j)))
				return false;
	}
	return true;
}

#endif
