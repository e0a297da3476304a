/* SPDX-License-Identifier: MIT */
/*
 * Memory helpers for libukern (private).
 *
 * They expand to the compiler builtins, which become inline code or calls to
 * memcpy/memset. A hosted build gets those from libc; a freestanding build
 * links libukern/lib/freestanding.c, which provides them.
 */
#ifndef UKERN_LIB_STRING_H
#define UKERN_LIB_STRING_H

#include <stddef.h>

#define uk_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define uk_memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define uk_memset(d, c, n) __builtin_memset((d), (c), (n))
#define uk_memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

/* Length of a NUL-terminated string of at most `max` bytes. */
static inline size_t uk_strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

#endif /* UKERN_LIB_STRING_H */
