/* SPDX-License-Identifier: MIT */
/* IPC and memory-transfer system calls (UK_SYS_IPC_FIRST .. UK_SYS_IPC_LAST). */
#include "core/kern.h"

long ipc_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	(void)k;
	(void)t;
	(void)nr;
	(void)a;
	return UK_ENOSYS;
}
