/* SPDX-License-Identifier: MIT */
/* The metal port's extension system calls (UK_SYS_EXT_FIRST ..), shared by
 * the kernel side (user.c) and the ring-3 programs (user/). */
#ifndef METAL_USER_H
#define METAL_USER_H

#include <ukern/syscall.h>

enum {
	METAL_SYS_PUTS = UK_SYS_EXT_FIRST, /* (va, len) -> 0: a line on the console */
	METAL_SYS_REPORT = UK_SYS_EXT_FIRST + 1, /* (index, ok) -> 0: a boot program is done */
};

#define METAL_USER_CODE 0x400000ull   /* where a ring-3 program's image is mapped */
#define METAL_USER_STACK 0x7f0000000ull /* its stack: [STACK, STACK + 16 KiB) */
#define METAL_USER_STACK_SIZE 0x4000ull

#endif
