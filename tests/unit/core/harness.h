/* SPDX-License-Identifier: MIT */
/* harness.h: helpers shared by the core's cmocka tests. */
#ifndef CORE_TEST_HARNESS_H
#define CORE_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ukern/kernel.h>
#include <ukern/user.h>

#include "core/kern.h"
#include "mock_arch.h"

/* Boot a kernel on a fresh mock machine. */
struct uk_kernel *boot(unsigned ncpus, uint64_t ram, const struct uk_kernel_config *cfg);
void shutdown(void);

/* Register `fn` and spawn it as a new process (max priority 255). */
uint64_t spawn_prog(struct uk_kernel *k, uk_user_entry_fn fn, uint64_t arg, unsigned prio,
		    uint32_t flags);

/* The caller's own effective priority, read through the host inspection API. */
unsigned eff_prio(struct uk_kernel *k, uint64_t tid);
struct uk_kernel_config config_with(uint64_t slice_ns, bool pi, unsigned depth);

/* Failures seen inside user threads (cmocka cannot fail from a fiber). */
extern int harness_failures;
#define UCHECK(cond)                                                                              \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "%s:%d: user-side check failed: %s\n", __FILE__, __LINE__, #cond); \
			harness_failures++;                                                       \
		}                                                                                 \
	} while (0)

#endif
