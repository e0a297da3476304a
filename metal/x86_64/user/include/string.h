/* SPDX-License-Identifier: MIT */
/*
 * The ring-3 image has no libc: this is the <string.h> of the runtime's
 * program sources when they are built into it (sim/src/runtime/proglib.h),
 * with what they use. memcpy, memmove, memset and memcmp are libukern's
 * freestanding ones (libukern/lib/freestanding.c); the rest is libc.c.
 */
#ifndef METAL_USER_STRING_H
#define METAL_USER_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
int strcmp(const char *a, const char *b);
size_t strlen(const char *s);

#endif
