/* SPDX-License-Identifier: MIT */
/* IRQ object system calls (UK_SYS_IRQ_FIRST .. UK_SYS_IRQ_LAST). */
#include "core/kern.h"

long irq_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	(void)k;
	(void)t;
	(void)nr;
	(void)a;
	return UK_ENOSYS;
}
